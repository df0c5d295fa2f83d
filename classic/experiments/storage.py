"""Stored results: results/<profile>/<experiment>.json, written atomically, read back with a check
that the experiment's definition has not changed since (its fingerprint)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from classic.experiments.design import Experiment
from classic.experiments.registry import resolve
from classic.experiments.results import Results

RESULTS = Path(__file__).resolve().parents[2] / "results"
"""Where reference results live in a checkout: results/<profile>/<experiment>.json."""


def results_dir(profile: str, root: str | os.PathLike | None = None) -> Path:
    return Path(root if root is not None else RESULTS) / profile


def result_path(experiment: Experiment, profile: str, root) -> Path:
    return results_dir(profile, root) / f"{experiment.name}.json"


def write_atomically(path: Path, payload: dict) -> None:
    """Write to a temporary file beside ``path`` and rename: a killed write leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(experiment, profile: str = "cpu", *, root=None, setting: str | None = None) -> Results:
    """The stored result of ``experiment`` in ``profile`` (results/<profile>/<name>.json).

    ``setting``: the profile whose setting the run trained, when another (see :func:`run`).
    Raises a ValueError naming the file when it is missing, unreadable, or made by another
    definition of the experiment (stale: rerun ``python -m classic.experiments run NAME``).
    """
    trained = setting or profile
    experiment = resolve(experiment).in_profile(trained)
    path = result_path(experiment, profile, root)
    command = f"python -m classic.experiments run {experiment.name} --profile {profile}"
    if not path.is_file():
        raise ValueError(f"No stored result at results/{profile}/{path.name}: run `{command}`")
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(
            f"results/{profile}/{path.name} cannot be read ({error}); delete it and run "
            f"`{command}`"
        ) from None
    results = _from_json(experiment, profile, stored, setting)
    expected = experiment.fingerprint(trained, profile)
    if results.fingerprint != expected:
        raise ValueError(
            f"results/{profile}/{path.name} is stale: it was made by another definition of "
            f"{experiment.name} (fingerprint {results.fingerprint}, the code's is "
            f"{expected}); run `{command} --fresh`"
        )
    return results


def _from_json(experiment, profile, stored, setting=None) -> Results:
    return Results(
        experiment=experiment,
        profile=profile,
        runs=stored.get("runs", {}),
        provenance=stored.get("provenance", {}),
        fingerprint=stored.get("fingerprint", ""),
        setting=setting,
    )
