"""What fit gives back and prints: TrainingResult, the throughput meter and the report lines."""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

import keras


@dataclasses.dataclass(frozen=True)
class TrainingResult:
    """What one ``fit`` call did.

    ``epochs`` are the 0-based indices actually run (Keras' ``History.epoch``), so a run
    resumed from a backup after one epoch shows ``[1, 2, ...]``; ``history`` holds one value
    per run epoch. ``seconds`` is the wall-clock time of ``model.fit`` (validation
    included); ``images_per_second`` counts training images only and leaves out the first
    epoch, which includes tracing and compilation, whenever more than one ran. ``model``
    is the trained model (the one built here when ``fit`` got a function).

    ``test_scores`` holds every number ``evaluate`` returned. For a model with several
    outputs (GoogLeNet with its auxiliary classifiers), ``test_accuracy`` and
    ``history["accuracy"]`` / ``history["val_accuracy"]`` are the first (main) output's;
    ``history`` and ``test_scores`` also hold Keras' per-output keys
    (``predictions_accuracy``, ``aux1_predictions_loss``, ...), and ``loss`` / ``test_loss``
    are the weighted sums that training minimized.
    """

    history: dict[str, list[float]]
    epochs: list[int]
    test_loss: float | None
    test_accuracy: float | None
    images_per_second: float | None
    seconds: float
    profile: str
    data: str
    model: Any = dataclasses.field(default=None, repr=False, compare=False)
    test_scores: dict[str, float] = dataclasses.field(default_factory=dict)


class _Throughput(keras.callbacks.Callback):
    """Times the training part of each epoch (up to validation) with ``time.perf_counter``."""

    def __init__(self, images: int):
        super().__init__()
        self.images = images
        self.durations: list[float] = []
        self._start: float | None = None
        self._end: float | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._end = time.perf_counter(), None

    def on_test_begin(self, logs=None):
        # Validation inside fit starts here; the training part of the epoch is over.
        if self._start is not None and self._end is None:
            self._end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self._start is None:
            return
        end = self._end if self._end is not None else time.perf_counter()
        self.durations.append(end - self._start)
        self._start = None

    @property
    def images_per_second(self) -> float | None:
        """Leaves out the first epoch (tracing, compilation) when there are later ones."""
        timed = self.durations[1:] if len(self.durations) > 1 else self.durations
        total = sum(timed)
        if not timed or total <= 0:
            return None
        return self.images * len(timed) / total


def _round3(value: float) -> str:
    """Three significant figures with thousands separators: 15834.2 -> '15,800'."""
    if value <= 0:
        return "0"
    rounded = float(f"{value:.3g}")
    decimals = max(0, 2 - math.floor(math.log10(rounded)))
    return f"{rounded:,.{decimals}f}"


def _report(
    result: TrainingResult,
    *,
    epochs: int,
    images: int,
    available: int,
    test_images: int,
    outputs: list[str],
) -> None:
    """Prints what was trained, how (profile, resumed or not) and how fast, then the test
    accuracy, of every output for a model with several. ``epochs`` is the number asked for,
    ``images`` of ``available`` training images were used."""
    run, rate = result.epochs, result.images_per_second
    what = f"{result.model.name} on {result.data}"
    if images < available:
        what += f" ({images:,} of {available:,} training images)"
    how = f"profile {result.profile}"
    if run and run[0] > 0:
        how += f"; resumed at epoch {run[0] + 1} from a backup"
    if not run:
        print(f"nothing left to train: {what} had finished all {epochs} epochs ({how})")
    else:
        speed = f"{_round3(rate)} images/second" if rate else "speed not measured"
        print(f"trained {what} for {epochs} epoch{'' if epochs == 1 else 's'} ({how}): {speed}")
    if result.test_loss is not None:
        accuracy = "n/a" if result.test_accuracy is None else f"{100 * result.test_accuracy:.1f}%"
        line = f"test accuracy: {accuracy} ({test_images:,} images)"
        if len(outputs) > 1:
            scores = result.test_scores
            others = [
                f"{name} {100 * scores[f'{name}_accuracy']:.1f}%"
                for name in outputs[1:]
                if f"{name}_accuracy" in scores
            ]
            line += f" of the main output {outputs[0]}"
            if others:
                line += f"; {', '.join(others)}"
        print(line)
