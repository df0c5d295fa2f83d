"""The runner: train every arm and seed of an experiment, store each arm-seed as it finishes, and
resume a run cut short (the stored arm-seeds are skipped; one cut off half-way resumes at its next
epoch from the backup ``classic.train.fit`` keeps)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classic.experiments.build import build_arm, builder_of, network_of
from classic.experiments.design import OFFLINE, Arm, Experiment, Setting
from classic.experiments.provenance import provenance
from classic.experiments.registry import resolve
from classic.experiments.results import Results
from classic.experiments.storage import result_path, write_atomically

SETTING_ORDER = ("gpu", "cpu", OFFLINE)
"""Settings from the largest down: a live run short of data falls back along this order (the
ci setting is CI's alone: no run falls back to it)."""


def run(
    experiment,
    profile: str | None = None,
    *,
    seeds: Sequence[int] | None = None,
    arms: Sequence[str] | str | None = None,
    setting: str | None = None,
    save: bool = False,
    fresh: bool = False,
    root=None,
    data_dir=None,
    verbose: bool = True,
) -> Results:
    """Train ``arms`` (default: all; ``"live"``: the experiment's :attr:`Experiment.live`) for
    ``seeds`` (default: the setting's) of ``experiment``.

    ``save=True`` (what the command line does) writes ``results/<profile>/<name>.json`` after
    every arm-seed and skips the arm-seeds it already holds, so a killed run continues where it
    stopped. An arm-seed cut off half-way resumes at its next epoch: ``classic.train.fit`` keeps
    a backup every epoch, and the epochs' history goes beside it
    (``backup_root()/<run name>.history.json``), so every stored history is whole and a hard
    kill loses at most one epoch. ``fresh=True`` starts the file over. Without ``save`` (a
    notebook's live run) nothing is written, and the trained networks are kept in the result.

    ``setting`` trains another profile's setting (and arms) with this profile's precision and
    compilation: ``profile="gpu", setting="cpu"`` is the cpu budget on a GPU (the gpu check).
    A live run whose data set holds fewer images than its setting needs trains the next smaller
    setting (gpu, then cpu) and says so; one whose data set cannot be had at all (no local copy,
    no network) trains the ``"offline"`` setting: scikit-learn's digits at the cpu setting's
    budget (:func:`classic.experiments.design.offline`), said once with the data cell's line.
    A live run ends with its wall time beside the setup cell's estimate.
    """
    import classic.train

    defined = resolve(experiment)
    chosen = profile if isinstance(profile, classic.train.Profile) else classic.train.profile(
        profile
    )
    trained = chosen.name if setting is None else setting
    defined.setting(trained)  # an unknown setting gets its error before any data is loaded
    _check_arguments(seeds, arms)
    if save and isinstance(profile, str) and chosen.name != profile.strip().lower():
        raise ValueError(f"profile: a stored reference of the {profile!r} profile needs its "
                         f"machine; this one runs the {chosen.name} profile ({chosen.reason})")
    trained, data = _load_data(defined, trained, chosen.name, save=save, data_dir=data_dir,
                               verbose=verbose)
    session = _Session(defined.in_profile(trained), chosen, trained, data)
    experiment, s = session.experiment, session.setting
    seeds = list(s.seeds if seeds is None else seeds)
    chosen_arms = _arms_to_train(experiment, arms)
    path = result_path(experiment, chosen.name, root)
    runs, started, seconds_before = _stored_runs(path, session.fingerprint, chosen.name,
                                                 experiment.name, resume=save and not fresh)

    # seed by seed, so that a run cut short holds whole seeds of every arm
    todo = [(arm, seed) for seed in seeds for arm in chosen_arms
            if str(seed) not in runs.get(arm.name, {})]
    total, done = len(chosen_arms) * len(seeds), len(chosen_arms) * len(seeds) - len(todo)
    if verbose:
        print(experiment.table(trained, seeds).title)
        if done:
            print(f"{done} of {total} arm-seeds already stored in results/{chosen.name}/"
                  f"{path.name}; continuing")
    clock = time.perf_counter()
    donors = {a.init_from for a in experiment.arms if a.init_from}
    for arm, seed in todo:
        if verbose:
            _progress(done, total, f"training {arm.name!r}, seed {seed}")
        result = session.train(arm, seed)
        runs.setdefault(arm.name, {})[str(seed)] = session.record(result)
        if arm.name in donors or not save:  # a live run keeps its networks to look inside
            session.models.setdefault(arm.name, {})[int(seed)] = network_of(result.model)
        done += 1
        if save:
            info = provenance(chosen.name)
            info["started"] = started
            info["updated"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds")
            info["seconds"] = round(seconds_before + time.perf_counter() - clock, 1)
            results = Results(experiment, chosen.name, runs, info, session.fingerprint,
                              setting=trained)
            write_atomically(path, results.to_json())
    seconds = time.perf_counter() - clock
    if verbose:
        _progress(done, total, "done")
        if not save:
            print(_wall_time(seconds, experiment.notebook, chosen.name))
    info = provenance(chosen.name)
    info["seconds"] = round(seconds, 1)
    return Results(experiment, chosen.name, runs, info, session.fingerprint, session.models,
                   setting=trained)


def _check_arguments(seeds, arms) -> None:
    for seed in [] if seeds is None else seeds:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seeds: expected non-negative integers. Received: seeds={seeds!r}")
    if isinstance(arms, str) and arms != "live":
        raise ValueError(f"arms: expected a list of arm names, 'live' or None. "
                         f"Received: arms={arms!r}")


def _load_data(defined: Experiment, trained: str, profile: str, *, save: bool, data_dir,
               verbose: bool):
    """The setting to train and its data: the one asked for, or in a live run the largest the
    data allow (a saved run raises instead of falling back). A live run loads quietly: the
    notebook's data cell has said what the data are."""
    import classic.data

    smaller = [p for p in SETTING_ORDER[SETTING_ORDER.index(trained) + 1:]
               if p in defined.settings or p == OFFLINE] if trained in SETTING_ORDER else []
    while True:
        s = defined.setting(trained)
        try:
            data, error = classic.data.load(
                s.data, validation=s.validation, seed=0, limit=s.limit, channels=s.channels,
                raw=True, data_dir=data_dir, verbose=verbose and save,
            ), None
            if len(data.x_train) != s.train_images:
                error = ValueError(
                    f"{s.data} gave {len(data.x_train):,} training images, the {trained} setting "
                    f"of {defined.name} needs {s.train_images:,} (limit={s.limit:,}): the data "
                    "set holds fewer images than the experiment needs"
                )
        except classic.data.DatasetUnavailable as unavailable:
            error = unavailable
        if error is None:
            return trained, data
        if save or not smaller:
            raise error
        if isinstance(error, classic.data.DatasetUnavailable):
            classic.data.say_unavailable(error.name, error.reason)  # once, as the data cell did
            trained = OFFLINE
            continue
        trained = smaller.pop(0)
        print(f"{error}; this run uses the {trained} setting instead, so its numbers are not "
              f"comparable with the {profile} setting's")


def _arms_to_train(experiment: Experiment, arms) -> list[Arm]:
    """The arms asked for (all, the live ones, or by name), each donor before the arm that
    starts from it."""
    names = experiment.live_arms() if arms == "live" else arms
    chosen = [experiment.arm(a) for a in names] if names is not None else list(experiment.arms)
    for arm in list(chosen):
        if arm.init_from and experiment.arm(arm.init_from) not in chosen:
            chosen.insert(chosen.index(arm), experiment.arm(arm.init_from))
    return chosen


def _stored_runs(path: Path, fingerprint: str, profile: str, name: str, *, resume: bool):
    """The runs already stored at ``path`` (when resuming), when the stored run started, and the
    seconds it has taken so far."""
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    if not (resume and path.is_file()):
        return {}, started, 0.0
    stored = json.loads(path.read_text())
    if stored.get("fingerprint") != fingerprint:
        raise ValueError(
            f"results/{profile}/{path.name} was made by another definition of "
            f"{name}; rerun with --fresh (fresh=True) to replace it"
        )
    provenance_ = stored.get("provenance", {})
    return stored.get("runs", {}), provenance_.get("started", started), provenance_.get(
        "seconds", 0.0)


@dataclasses.dataclass
class _Session:
    """One call of :func:`run`: the experiment as its setting trains it, the profile (precision,
    compilation), the data, and the networks trained so far."""

    experiment: Experiment
    profile: Any  # classic.train.Profile
    trained: str
    data: Any
    models: dict[str, dict[int, Any]] = dataclasses.field(default_factory=dict)

    @property
    def setting(self) -> Setting:
        return self.experiment.setting(self.trained)

    @property
    def fingerprint(self) -> str:
        return self.experiment.fingerprint(self.trained, self.profile.name)

    def train(self, arm: Arm, seed: int, *, resume: bool = True):
        """Train one arm-seed; one cut off half-way resumes at its next epoch (``resume``)."""
        import keras

        import classic.train

        experiment, s = self.experiment, self.setting
        run_name = (f"experiment-{experiment.name}-{self.profile.name}-{s.data}-"
                    f"{self.fingerprint}-{experiment.arms.index(arm)}-{seed}")  # data: a fallback
        backup = classic.train.backup_root() / run_name
        log = _EpochLog(backup.with_name(f"{run_name}.history.json"))
        earlier = log.read() if resume and backup.is_dir() else {}
        if not earlier:  # nothing to resume from: the backup, if any, is dropped with it
            shutil.rmtree(backup, ignore_errors=True)
            log.path.unlink(missing_ok=True)
        keras.utils.clear_session(free_memory=True)
        donor = None
        if arm.init_from:
            donor = self.models.get(arm.init_from, {}).get(int(seed))
            if donor is None:  # stored as finished in an earlier run: train it again, unrecorded
                donor = network_of(self.train(experiment.arm(arm.init_from), seed).model)
        result = classic.train.fit(
            lambda: build_arm(
                experiment, arm, self.trained, self.data.input_shape, self.data.num_classes,
                donor, jit=self.profile.jit_compile is True,
            ),
            self.data,
            self.profile,
            epochs=s.epochs,
            batch_size=s.batch_size,
            learning_rate=s.learning_rate,
            seed=int(seed),
            run_name=run_name,
            verbose=0,
            callbacks=[log.start(earlier)],
            loss_weights=arm.loss_weights,
        )
        first = result.epochs[0] if result.epochs else s.epochs
        if first != len(next(iter(earlier.values()), [])):
            # the backup and the log disagree (killed between the two writes): start over
            log.path.unlink(missing_ok=True)
            if not resume:
                raise RuntimeError(f"the backup of {run_name} could not be removed; delete "
                                   f"{backup} and run again")
            return self.train(arm, seed, resume=False)
        log.path.unlink(missing_ok=True)
        if earlier:
            history = {k: earlier.get(k, []) + result.history.get(k, [])
                       for k in set(earlier) | set(result.history)}
            result = dataclasses.replace(result, history=history,
                                         seconds=result.seconds + log.seconds)
        return result

    def record(self, result) -> dict:
        """What is stored of one trained arm-seed."""
        s = self.setting
        record = {
            "steps": [(e + 1) * s.steps_per_epoch for e in range(s.epochs)],
            "history": _main_history(result.history),
            "test_accuracy": round(result.test_accuracy, 5),
            "test_loss": round(result.test_loss, 5),
            "seconds": round(result.seconds, 1),
            "images_per_second": None if result.images_per_second is None
            else round(result.images_per_second),
            "params": int(result.model.count_params()),
        }
        if self.experiment.measure:
            measured = builder_of(self.experiment.measure)(result.model, self.data)
            record["measures"] = {k: round(float(v), 5) for k, v in measured.items()}
        return record


def _wall_time(seconds: float, notebook: str, profile: str) -> str:
    """The live run's wall time, beside the estimate the notebook's setup cell printed."""
    from classic.experiments.budget import expected_time

    minutes, rest = divmod(round(seconds), 60)
    estimate = expected_time(notebook, profile).removeprefix("training in this notebook: ")
    return f"this run took {minutes} min {rest:02d} s; the setup cell's estimate: {estimate}"


def _progress(done: int, total: int, text: str) -> None:
    filled = round(20 * done / total) if total else 20
    print(f"[{'#' * filled}{'.' * (20 - filled)}] {done}/{total} {text}", flush=True)


class _EpochLog:
    """The history of an arm-seed's finished epochs, written beside its backup after every
    epoch, so that a run resumed from the backup can give the whole history."""

    def __init__(self, path: Path):
        self.path = path
        self.seconds = 0.0

    def read(self) -> dict:
        try:
            stored = json.loads(self.path.read_text())
            history = {k: list(v) for k, v in stored["history"].items()}
            self.seconds = float(stored.get("seconds", 0.0))
            return history
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def start(self, earlier: dict):
        import keras

        log = self

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.history = {k: list(v) for k, v in earlier.items()}
                self.clock = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                for key, value in (logs or {}).items():
                    self.history.setdefault(key, []).append(float(value))
                seconds = log.seconds + time.perf_counter() - self.clock
                log.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(log.path, {"history": self.history, "seconds": seconds})

        return Callback()



def _main_history(history) -> dict[str, list[float]]:
    """Accuracy and loss per epoch, of the main output where a network has several
    (``predictions_accuracy`` of GoogLeNet with its auxiliary classifiers is its ``accuracy``)."""
    kept = {}
    for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
        main = key.replace("accuracy", "predictions_accuracy").replace("loss", "predictions_loss")
        values = history.get(main, history.get(key))
        if values is not None:
            kept[key] = [round(v, 5) for v in values]
    return kept
