"""The stored or live result of one experiment in one profile: its runs, and the numbers read
off them. The tables it shows are in ``result_tables``, its figures in ``result_plots``."""

from __future__ import annotations

import dataclasses
import math

from classic.experiments.design import Experiment
from classic.experiments.result_plots import ResultPlots
from classic.experiments.result_tables import ResultTables


@dataclasses.dataclass
class Results(ResultTables, ResultPlots):
    """The runs of one experiment in one profile: ``runs[arm][seed]`` is one arm-seed's record
    (per-epoch history against optimizer steps, test accuracy, seconds, images per second)."""

    experiment: Experiment
    profile: str
    runs: dict[str, dict[str, dict]]
    provenance: dict
    fingerprint: str
    models: dict = dataclasses.field(default_factory=dict, repr=False)
    """Trained networks of a live run, ``models[arm][seed]`` (not stored)."""
    setting: str | None = None
    """The profile whose setting was trained, when not ``profile``'s (see :func:`run`)."""

    @property
    def trained_setting(self) -> str:
        return self.setting or self.profile

    def network(self, arm: str | None = None, seed: int | None = None):
        """The trained network (without its preprocessing) of a live run's ``arm`` (default the
        baseline) and ``seed`` (default its first), to look inside it."""
        arm = arm if arm is not None else self.experiment.arms[0].name
        trained = self.models.get(arm, {})
        if not trained:
            raise ValueError(
                f"arm: no trained network of {arm!r} here; stored results keep numbers only, "
                f"a live run (classic.experiments.run) keeps its networks. Have: "
                f"{', '.join(self.models) or 'none'}"
            )
        return trained[seed if seed is not None else min(trained)]

    def final(self, arm: str, key: str = "val_accuracy") -> list[float]:
        """The last epoch's ``key`` of each seed of ``arm``, in percent (``test_accuracy``: the
        test accuracy)."""
        records = [r for _, r in sorted(self.runs.get(arm, {}).items())]
        if key == "test_accuracy":
            return [100.0 * r["test_accuracy"] for r in records]
        return [100.0 * r["history"][key][-1] for r in records]

    def measured(self, arm: str) -> dict[str, list[float]]:
        """The experiment's measures of ``arm``, each a list over its seeds, in percent."""
        found: dict[str, list[float]] = {}
        for _, record in sorted(self.runs.get(arm, {}).items()):
            for key, value in record.get("measures", {}).items():
                found.setdefault(key, []).append(100.0 * value)
        return found

    def values(self, arm: str) -> list[float]:
        """The metric of each finished seed of ``arm`` (percent, or optimizer steps)."""
        return [self._metric(r) for _, r in sorted(self.runs.get(arm, {}).items())]

    def _metric(self, record) -> float:
        if self.experiment.metric == "test_accuracy":
            return 100.0 * record["test_accuracy"]
        if self.experiment.metric == "train_accuracy":
            return 100.0 * record["history"]["accuracy"][-1]
        target = 1.0 - self.experiment.target_train_error
        for step, accuracy in zip(record["steps"], record["history"]["accuracy"], strict=True):
            if accuracy >= target:
                return float(step)
        return math.inf

    @property
    def metric_label(self) -> str:
        if self.experiment.metric == "test_accuracy":
            return "test accuracy %"
        if self.experiment.metric == "train_accuracy":
            return "training accuracy % (last epoch)"
        return f"steps to {self.experiment.target_train_error:.0%} training error"

    @property
    def higher_is_better(self) -> bool:
        return self.experiment.metric != "steps_to_train_error"

    @property
    def _decimals(self) -> int:
        """Accuracies to a tenth of a point, optimizer steps as whole numbers."""
        return 1 if self.higher_is_better else 0

    def seeds(self, arm: str) -> list[int]:
        return sorted(int(s) for s in self.runs.get(arm, {}))

    def comparable(self, live: Results) -> bool:
        """Whether ``live`` trained the setting of this result (same networks, data, budget)."""
        return (live.experiment.name == self.experiment.name
                and live.trained_setting == self.trained_setting)

    # ---- storage
    def to_json(self) -> dict:
        return {
            "experiment": self.experiment.name,
            "profile": self.profile,
            "fingerprint": self.fingerprint,
            "definition": self.experiment.definition(self.trained_setting, self.profile),
            "provenance": self.provenance,
            "runs": self.runs,
        }
