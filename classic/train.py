"""Training for the notebooks: one call that fits the machine it runs on.

``fit(model, data)`` picks a *profile* (how much to train: CI, a laptop CPU or a GPU),
distributes over several GPUs when there are some, turns on mixed precision and XLA on
a GPU, backs the run up every epoch to a folder that survives a dropped session, and
prints the throughput and the test accuracy. Generic code uses ``keras`` only;
TensorFlow-only pieces (``tf.distribute``, ``tf.config``) sit behind a backend check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import keras
import numpy as np

__all__ = [
    "PROFILES",
    "Profile",
    "TrainingResult",
    "accelerator_visible",
    "backup_root",
    "fit",
    "profile",
    "strategy",
]


# --------------------------------------------------------------------------- profiles


@dataclasses.dataclass(frozen=True)
class Profile:
    """How much a notebook trains; one profile per kind of machine (DESIGN.md's table).

    ``jit_compile`` is ``True`` (force XLA) or ``"auto"`` (Keras decides: XLA on a GPU,
    always on JAX, off on a CPU with TensorFlow, where it only adds compile time).
    ``max_epochs`` caps the epochs a notebook asks for, so that CI stays fast.
    ``reason`` says why this profile was chosen; it is not part of equality.
    """

    name: str
    description: str
    epochs: int
    batch_size: int
    train_limit: int | None
    mixed_precision: bool
    jit_compile: bool | str
    max_epochs: int | None = None
    reason: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        """What the profile sets for every training: batch, images, precision. The epochs are
        each training's own (an experiment's table, or the line ``fit`` prints), not said here."""
        images = (
            "all training images"
            if self.train_limit is None
            else f"at most {self.train_limit:,} training images"
        )
        extras = []
        if self.max_epochs is not None:
            extras.append(f"at most {self.max_epochs} epochs")
        if self.mixed_precision:
            extras.append("mixed precision")
        if self.jit_compile is True:
            extras.append("XLA")
        budget = ", ".join([f"batch {self.batch_size}", images, *extras])
        why = f" ({self.reason})" if self.reason else ""
        return f"profile {self.name}: {budget}{why}"


PROFILES: dict[str, Profile] = {
    "ci": Profile(
        name="ci",
        description="a few batches in seconds: checks that a notebook runs, not what it learns",
        epochs=2,
        batch_size=64,
        train_limit=1000,
        mixed_precision=False,
        jit_compile="auto",
        max_epochs=2,
    ),
    "cpu": Profile(
        name="cpu",
        description="about a minute of training on a laptop CPU: a real, small result",
        epochs=20,
        batch_size=128,
        train_limit=None,
        mixed_precision=False,
        jit_compile="auto",
    ),
    "gpu": Profile(
        name="gpu",
        description="real training on a GPU, with mixed precision and XLA",
        epochs=30,
        batch_size=256,
        train_limit=None,
        mixed_precision=True,
        jit_compile=True,
    ),
}

_OVERRIDE = "set CLASSIC_PROFILE to override"


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _env_flag(name: str) -> bool:
    """CI services set ``CI=true``; an empty value, ``0`` or ``false`` means unset."""
    value = os.environ.get(name, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def accelerator_visible() -> bool:
    """Whether the current Keras backend sees a GPU or TPU (decides the default profile)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        return any(d.platform in ("gpu", "cuda", "rocm", "tpu") for d in jax.devices())
    if backend == "torch":
        import torch

        mps = getattr(torch.backends, "mps", None)
        return bool(torch.cuda.is_available() or (mps is not None and mps.is_available()))
    return False


def _choose_profile(name: str | None = None) -> Profile:
    if name is not None:
        if not isinstance(name, str) or name.strip().lower() not in PROFILES:
            raise ValueError(
                f"Unknown profile; known profiles: {_known(PROFILES)}. Received: profile={name!r}"
            )
        key = name.strip().lower()
        return dataclasses.replace(PROFILES[key], reason="asked for by name")
    env = os.environ.get("CLASSIC_PROFILE", "").strip().lower()
    if env:
        if env not in PROFILES:
            raise ValueError(
                "Unknown profile in the environment variable CLASSIC_PROFILE; known profiles: "
                f"{_known(PROFILES)}. Received: CLASSIC_PROFILE={os.environ['CLASSIC_PROFILE']!r}"
            )
        return dataclasses.replace(PROFILES[env], reason=f"CLASSIC_PROFILE={env}")
    if _env_flag("CI"):
        return dataclasses.replace(PROFILES["ci"], reason=f"CI is set; {_OVERRIDE}")
    if accelerator_visible():
        return dataclasses.replace(
            PROFILES["gpu"], reason=f"an accelerator is visible; {_OVERRIDE}"
        )
    return dataclasses.replace(PROFILES["cpu"], reason=f"no accelerator visible; {_OVERRIDE}")


def profile(name: str | None = None) -> Profile:
    """The profile to train with: ``name``, else ``CLASSIC_PROFILE``, else ``CI``, else hardware.

    ``CI`` set (and not ``0``/``false``) gives ``ci``; a visible GPU or TPU gives ``gpu``;
    anything else ``cpu``. ``str()`` of the result says which it is and why.
    """
    return _choose_profile(name)


# --------------------------------------------------------------------------- strategies


class _NoStrategy:
    """Stands in for ``tf.distribute`` on backends that have none: one device, no-op scope."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()

    def __repr__(self) -> str:
        return f"<no distribution strategy ({keras.backend.backend()} backend)>"


def _make_strategy(devices=None, *, announce: bool = True):
    if devices is not None:
        if isinstance(devices, str) or not all(isinstance(d, str) for d in devices):
            raise ValueError(
                "devices: expected a list of device names such as ['/gpu:0', '/gpu:1']. "
                f"Received: devices={devices!r}"
            )
        devices = list(devices)
        if not devices:
            raise ValueError(f"devices: expected at least one device. Received: devices={devices}")
    if keras.backend.backend() != "tensorflow":
        return _NoStrategy()
    import tensorflow as tf

    if devices is None and len(tf.config.list_logical_devices("GPU")) < 2:
        return tf.distribute.get_strategy()
    mirrored = tf.distribute.MirroredStrategy(devices)
    if announce:
        names = ", ".join(d.split("device:")[-1] for d in mirrored.extended.worker_devices)
        print(f"MirroredStrategy: {mirrored.num_replicas_in_sync} replicas ({names})")
    return mirrored


def strategy(devices: list[str] | None = None):
    """A distribution strategy: Mirrored over ``devices`` or over several GPUs, else the default.

    On TensorFlow, ``tf.distribute.MirroredStrategy`` when ``devices`` are given or more
    than one GPU is visible (it prints how many replicas), else the default strategy; on
    other backends an object whose ``scope()`` does nothing. A model must be *built* in
    the scope of the strategy that trains it, which is why ``fit`` accepts a function
    that builds the model.
    """
    return _make_strategy(devices)


# --------------------------------------------------------------------------- backups

DRIVE_ROOT = Path("/content/drive/MyDrive")
"""Where Colab mounts Google Drive; a backup there survives a dropped Colab session."""


def backup_root() -> Path:
    """The folder for BackupAndRestore state; it must outlive the session to be any use.

    ``CLASSIC_BACKUP_DIR`` if set; else Google Drive when mounted on Colab
    (``/content/drive/MyDrive/classic-cnn/backups``); else ``~/.cache/classic-cnn/backups``.
    """
    env = os.environ.get("CLASSIC_BACKUP_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    if DRIVE_ROOT.is_dir():
        return DRIVE_ROOT / "classic-cnn" / "backups"
    return Path.home() / ".cache" / "classic-cnn" / "backups"


# --------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------- fit


_COMPILED_HERE = "_classic_train_compiled"


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _positive_int(name: str, value) -> int:
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name}: expected a positive integer. Received: {name}={value!r}")
    return int(value)


def _size(array) -> int:
    return 0 if array is None else len(array)


def _check_data(data) -> None:
    missing = [a for a in ("x_train", "y_train") if getattr(data, a, None) is None]
    if missing:
        raise ValueError(
            "data: expected a data set with x_train and y_train (and optionally x_val, y_val, "
            f"x_test, y_test), e.g. from classic.data. Missing: {', '.join(missing)}. "
            f"Received: data={type(data).__name__}"
        )
    for split in ("train", "val", "test"):
        x, y = getattr(data, f"x_{split}", None), getattr(data, f"y_{split}", None)
        if (x is None) != (y is None) or _size(x) != _size(y):
            raise ValueError(
                f"data: x_{split} and y_{split} must hold the same number of examples. "
                f"Received: {_size(x)} images and {_size(y)} labels"
            )
    if _size(data.x_train) == 0:
        raise ValueError("data: x_train is empty. Received: 0 training images")


class _BackupAndRestore(keras.callbacks.BackupAndRestore):
    """Keras' BackupAndRestore, except that a backup that cannot be restored (cut short, or
    left by another network under the same run name) is reported once and replaced by a
    fresh start, instead of failing every rerun."""

    def on_train_begin(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        state = list(self.model.weights) + list(getattr(optimizer, "variables", []) or [])
        saved = [keras.ops.convert_to_numpy(v) for v in state]
        try:
            super().on_train_begin(logs)
        except Exception as err:  # noqa: BLE001 - any unreadable backup: start afresh
            for variable, value in zip(state, saved, strict=True):
                variable.assign(value)  # a half-done restore must not leave foreign weights
            self.model._initial_epoch = None
            self._current_epoch = 0
            print(
                f"The backup in {self.backup_dir} cannot be restored ({type(err).__name__}: "
                f"{str(err)[:200]}); it may be cut short or belong to another network. "
                "Starting this run afresh; the backup is replaced from its first epoch."
            )
            shutil.rmtree(self.backup_dir, ignore_errors=True)


def _model_io(model):
    """The model's input shape (without the batch) and its first output's classes, or None
    where the model does not know them yet (a subclassed model before its first call)."""
    try:
        shape = tuple(model.inputs[0].shape[1:])
        classes = model.outputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        return None, None
    return shape, classes


def _check_against_model(model, data, *, labels: bool = True) -> None:
    """Images the model's input takes and labels its output can predict, in every split,
    checked before any training: on a GPU, labels out of range give no error, only a NaN or
    meaningless loss."""
    shape, classes = _model_io(model)
    for split in ("train", "val", "test"):
        x, y = getattr(data, f"x_{split}", None), getattr(data, f"y_{split}", None)
        if _size(x) == 0:
            continue
        x, y = np.asarray(x), np.asarray(y)
        if shape is not None and len(shape) == 3 and shape[-1] == 1 and x.ndim == 3:
            x = x[..., None]  # (n, h, w) grey images: Keras adds the channel axis itself
        if shape is not None and len(x.shape) == len(shape) + 1 and any(
            want is not None and got != want for got, want in zip(x.shape[1:], shape, strict=True)
        ):
            hints = []
            if len(shape) == 3 and shape[0] == shape[1] and x.shape[1:3] != shape[:2]:
                hints.append(f"image_size={shape[0]}")
            if len(shape) == 3 and x.shape[-1] != shape[-1]:
                hints.append(f"channels={shape[-1]}")
            hint = f"; load the data with {' and '.join(hints)}" if hints else ""
            raise ValueError(
                f"data: x_{split} holds images of shape {x.shape[1:]}, but {model.name} takes "
                f"{shape}{hint}, or build the model with input_shape={x.shape[1:]}."
            )
        if shape is not None and len(x.shape) != len(shape) + 1:
            raise ValueError(
                f"data: x_{split} has shape {x.shape}, but {model.name} takes batches of "
                f"{shape}. Received: {x.ndim} dimensions, expected {len(shape) + 1}"
            )
        if np.issubdtype(x.dtype, np.floating):
            bad = int(x.size - np.count_nonzero(np.isfinite(x)))
            if bad:
                raise ValueError(
                    f"data: x_{split} holds {bad:,} NaN or infinite pixel values; accepted: "
                    "finite numbers (classic.data gives images in [0, 1])."
                )
        elif not np.issubdtype(x.dtype, np.integer):
            raise ValueError(f"data: x_{split} must hold numbers. Received: dtype {x.dtype}")
        if np.issubdtype(y.dtype, np.floating) and np.isfinite(y).all():
            if not np.array_equal(y, np.round(y)):
                raise ValueError(
                    f"data: y_{split} must hold integer class labels. Received: values such "
                    f"as {float(y[y != np.round(y)].reshape(-1)[0]):g}"
                )
        elif not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"data: y_{split} must hold integer class labels. Received: dtype {y.dtype}"
            )
        low, high = y.min(), y.max()
        if labels and classes is not None and (low < 0 or high >= classes):
            from_one = low == 1 and high == classes
            raise ValueError(
                f"data: y_{split} holds labels from {low:g} to {high:g}, but {model.name}'s "
                f"output has {classes} classes, so labels must run from 0 to {classes - 1}"
                + ("; labels counted from 1? subtract 1." if from_one else ".")
            )


def _resolve_verbose(verbose):
    """``"auto"`` shows Keras' progress bar where someone watches, one line an epoch in logs."""
    if verbose != "auto":
        if verbose not in (0, 1, 2) or isinstance(verbose, bool):
            raise ValueError(f"verbose: expected 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
        return verbose
    if "ipykernel" in sys.modules:
        return 1
    try:
        return 1 if sys.stdout.isatty() else 2
    except (AttributeError, ValueError):
        return 2


def _layer_names(model) -> list[str]:
    flatten = getattr(model, "_flatten_layers", None)  # includes InputLayers and nested models
    layers = list(flatten(include_self=True)) if flatten else [model, *model.layers]
    return [layer.name for layer in layers]


def _config_fingerprint(model, extra: dict) -> str:
    """A short hash of the model's architecture and the run's settings.

    A backup is restored only into the same model trained the same way: a changed layer,
    epoch count or batch size gets a new run name and starts afresh. Layer names count by
    position only, so Keras' automatic names (``input_layer_3`` after three builds) do not
    hide the backup of a model rebuilt in the same session.
    """
    try:
        config = model.get_config()
    except NotImplementedError:  # subclassed models without get_config
        config = [
            (layer.__class__.__name__, layer.name, [tuple(w.shape) for w in layer.weights])
            for layer in model.layers
        ]
    position = {name: f"#{i}" for i, name in reversed(list(enumerate(_layer_names(model))))}

    def canonical(value):
        if isinstance(value, dict):
            return {key: canonical(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [canonical(item) for item in value]
        if isinstance(value, str):
            return position.get(value, value)
        return value

    text = json.dumps({"model": canonical(config), "run": extra}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _stable_name(model) -> str:
    """The model's name without the counter Keras appends to automatic names."""
    auto = re.sub(r"(?<!^)(?=[A-Z])", "_", type(model).__name__).lower()
    return auto if re.fullmatch(rf"{auto}(_\d+)?", model.name) else model.name


def _outputs_logits(model) -> bool:
    """True when the last layer has no activation, so the default loss must take logits."""
    layers = getattr(model, "layers", None)
    return bool(layers) and _is_linear(layers[-1])


def _is_linear(layer) -> bool:
    """True when ``layer`` has no activation: its outputs are logits."""
    return getattr(layer, "activation", None) is keras.activations.linear


def _output_names(model) -> list[str]:
    """The names of the model's outputs, in order (Keras names them after their layers)."""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) > 1:
        return list(model.output_names)
    names = list(getattr(model, "output_names", None) or [])
    return names[:1] or ["output"]


def _check_loss_weights(loss_weights):
    """None, or a non-empty list or tuple of non-negative numbers, one of them positive."""
    if loss_weights is None:
        return None
    numbers = (
        isinstance(loss_weights, list | tuple)
        and len(loss_weights) > 0
        and all(
            isinstance(w, int | float | np.integer | np.floating)
            and not isinstance(w, bool)
            and math.isfinite(w)
            and w >= 0
            for w in loss_weights
        )
    )
    if not numbers or not any(w > 0 for w in loss_weights):
        raise ValueError(
            "loss_weights: expected a list or tuple of non-negative numbers, one per output of "
            "the model and at least one positive, e.g. (1.0, 0.3, 0.3). "
            f"Received: loss_weights={loss_weights!r}"
        )
    return tuple(float(w) for w in loss_weights)


def _round3(value: float) -> str:
    """Three significant figures with thousands separators: 15834.2 -> '15,800'."""
    if value <= 0:
        return "0"
    rounded = float(f"{value:.3g}")
    decimals = max(0, 2 - math.floor(math.log10(rounded)))
    return f"{rounded:,.{decimals}f}"


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "run"


def fit(
    model,
    data,
    profile: Profile | str | None = None,
    *,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float = 1e-3,
    optimizer=None,
    loss=None,
    metrics=None,
    loss_weights=None,
    seed: int = 0,
    backup_dir: str | os.PathLike | None = None,
    run_name: str | None = None,
    strategy=None,
    callbacks: Iterable[keras.callbacks.Callback] = (),
    verbose: int | str = "auto",
) -> TrainingResult:
    """Train ``model`` on ``data`` with the machine's profile, then test it; one line in a notebook.

    ``model`` is a ``keras.Model`` or a function of no arguments that builds one; only a
    function can be built in a distribution strategy's scope and under the ``gpu``
    profile's mixed precision policy (the global policy is restored afterwards).
    ``epochs`` and ``batch_size`` override the profile's (``ci`` caps epochs at its own).
    A model that is not compiled yet gets Adam with a cosine learning-rate decay over the
    whole run (it steadies one-minute runs a lot), sparse categorical cross-entropy and
    accuracy; ``optimizer`` may be a name (it gets the same decay) or an optimizer object.
    ``optimizer``, ``loss`` and ``metrics`` apply only when ``fit`` compiles: a model the
    user compiled keeps its own; one that ``fit`` compiled is compiled afresh each call.

    A model with several outputs (``googlenet(aux_logits=True)``: the main classifier and
    two auxiliary ones) gets the labels on every output, a loss per output (from logits
    where that output's layer has no activation) and accuracy on every output; its losses
    are added with ``loss_weights``, one number per output in the model's output order,
    which such a model must be given, e.g. ``loss_weights=(1.0, 0.3, 0.3)`` (the GoogLeNet
    paper's 0.3 for each auxiliary loss). A one-output model needs none (``(w,)`` scales its
    loss by w). The first output is the main one: ``test_accuracy`` is its accuracy.
    A ``BackupAndRestore`` under ``backup_dir/run_name`` (default ``backup_root()``) saves
    every epoch, so calling ``fit`` again after an interruption resumes where it stopped;
    Keras deletes the backup when the run completes.
    """
    # ---- check every argument before anything heavy happens
    if isinstance(profile, Profile):
        chosen = profile
    elif profile is None or isinstance(profile, str):
        chosen = _choose_profile(profile)
    else:
        raise ValueError(
            f"profile: expected None, a Profile or one of {_known(PROFILES)}. "
            f"Received: profile={profile!r}"
        )
    if isinstance(model, keras.Model):
        builder = None
    elif callable(model):
        builder = model
    else:
        raise ValueError(
            "model: expected a keras.Model or a function of no arguments that returns one. "
            f"Received: model={model!r}"
        )
    _check_data(data)
    epochs = _positive_int("epochs", chosen.epochs if epochs is None else epochs)
    if chosen.max_epochs is not None:
        epochs = min(epochs, chosen.max_epochs)
    batch_size = _positive_int(
        "batch_size", chosen.batch_size if batch_size is None else batch_size
    )
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, int | float | np.floating)
        or not learning_rate > 0
    ):
        raise ValueError(
            f"learning_rate: expected a positive number. Received: learning_rate={learning_rate!r}"
        )
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer. Received: seed={seed!r}")
    if run_name is not None and (
        not isinstance(run_name, str)
        or run_name.strip() in ("", ".", "..")
        or "/" in run_name
        or os.sep in run_name
    ):
        raise ValueError(
            "run_name: expected a non-empty folder name without path separators. "
            f"Received: run_name={run_name!r}"
        )
    if backup_dir is not None and not isinstance(backup_dir, str | os.PathLike):
        raise ValueError(f"backup_dir: expected a folder path. Received: backup_dir={backup_dir!r}")
    callbacks = list(callbacks)
    for cb in callbacks:
        if not isinstance(cb, keras.callbacks.Callback):
            raise ValueError(
                f"callbacks: expected keras.callbacks.Callback objects. Received: {cb!r}"
            )
    verbose = _resolve_verbose(verbose)
    loss_weights = _check_loss_weights(loss_weights)
    if strategy is not None and not hasattr(strategy, "scope"):
        raise ValueError(
            "strategy: expected a distribution strategy, e.g. classic.train.strategy(). "
            f"Received: strategy={strategy!r}"
        )

    # ---- the training images (a seeded random subset when the profile caps them)
    x_train, y_train = data.x_train, data.y_train
    available = len(x_train)
    if chosen.train_limit is not None and available > chosen.train_limit:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(available, chosen.train_limit, replace=False))
        x_train, y_train = x_train[keep], y_train[keep]
    images = len(x_train)
    steps_per_epoch = math.ceil(images / batch_size)
    validation = None
    if _size(getattr(data, "x_val", None)) > 0:
        validation = (data.x_val, data.y_val)
    data_name = str(getattr(data, "name", "data"))

    # ---- the strategy, and the model built in its scope
    if builder is not None:
        strat = strategy if strategy is not None else _make_strategy()
        keras.utils.set_random_seed(seed)
        previous = keras.config.dtype_policy()
        try:
            if chosen.mixed_precision:
                keras.config.set_dtype_policy("mixed_float16")
            with strat.scope():
                model = builder()
        finally:
            keras.config.set_dtype_policy(previous)
        if not isinstance(model, keras.Model):
            raise ValueError(
                f"model: the function must return a keras.Model. Received: {type(model).__name__}"
            )
    else:
        strat = _strategy_for_ready_model(model, strategy)

    # labels are class indices only under the loss fit chooses; a user's compiled loss may differ
    _check_against_model(model, data,
                         labels=not model.compiled or getattr(model, _COMPILED_HERE, False))
    if not model.built:  # BackupAndRestore needs the weights to exist
        with strat.scope():
            model.build((None, *np.shape(x_train)[1:]))

    outputs = _output_names(model)
    compiling = not model.compiled or getattr(model, _COMPILED_HERE, False)
    if len(outputs) > 1 and loss_weights is None and compiling:
        raise ValueError(
            f"loss_weights: {model.name} has {len(outputs)} outputs ({', '.join(outputs)}), so "
            "fit needs one loss weight per output, the first for the main output, e.g. "
            f"loss_weights={(1.0,) + (0.3,) * (len(outputs) - 1)} for GoogLeNet's auxiliary "
            "classifiers. Received: loss_weights=None"
        )
    if loss_weights is not None and len(loss_weights) != len(outputs):
        raise ValueError(
            f"loss_weights: expected one weight per output of {model.name}, "
            f"{len(outputs)} ({', '.join(outputs)}). Received: loss_weights={loss_weights!r}"
        )
    several = len(outputs) > 1

    replicas = getattr(strat, "num_replicas_in_sync", 1)
    # fit compiles a model the user has not; and compiles again a model it compiled itself,
    # since the last cosine decay ended at a learning rate of 0 and would train no further.
    if compiling:
        jit = chosen.jit_compile
        if keras.backend.backend() == "torch" or replicas > 1:
            jit = "auto"  # Keras' own choice: no torch.compile, no XLA with tf.distribute
        total_steps = epochs * steps_per_epoch
        if loss is None and several:
            loss = [
                keras.losses.SparseCategoricalCrossentropy(
                    from_logits=_is_linear(model.get_layer(name))
                )
                for name in outputs
            ]
        elif loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=_outputs_logits(model))
        if metrics is None:
            metrics = [["accuracy"] for _ in outputs] if several else ["accuracy"]
        weights = loss_weights and (list(loss_weights) if several else loss_weights[0])
        with strat.scope():  # the optimizer's variables too must belong to the strategy
            schedule = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps)
            if optimizer is None:
                optimizer = keras.optimizers.Adam(schedule)
            elif isinstance(optimizer, str):
                optimizer = keras.optimizers.get(
                    {"class_name": optimizer, "config": {"learning_rate": schedule}}
                )
            model.compile(
                optimizer=optimizer,
                loss=loss,
                loss_weights=weights,
                metrics=metrics,
                jit_compile=jit,
            )
        setattr(model, _COMPILED_HERE, True)

    # ---- fit, with a backup every epoch
    settings = {} if loss_weights is None else {"loss_weights": list(loss_weights)}
    fingerprint = _config_fingerprint(
        model,
        {
            **settings,
            "data": data_name,
            "shape": list(np.shape(x_train)),
            "epochs": epochs,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "seed": seed,
            "replicas": replicas,
            "optimizer": type(model.optimizer).__name__,
        },
    )
    if run_name is None:
        run_name = _safe_name(f"{_stable_name(model)}-{data_name}-{chosen.name}-{fingerprint}")
    backup = Path(backup_dir if backup_dir is not None else backup_root()).expanduser() / run_name
    throughput = _Throughput(images)
    if hasattr(model, "_initial_epoch"):
        # BackupAndRestore sets it on a restore and Keras never clears it: without this, every
        # later fit of a restored model would skip the epochs the restore skipped.
        model._initial_epoch = None

    def every_output(labels):
        """The same labels for each output: the auxiliary classifiers learn the same classes."""
        return tuple(labels for _ in outputs) if several else labels

    if validation is not None:
        validation = (validation[0], every_output(validation[1]))
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    history = model.fit(
        x_train,
        every_output(y_train),
        batch_size=batch_size,
        epochs=epochs,
        validation_data=validation,
        callbacks=[_BackupAndRestore(str(backup)), throughput, *callbacks],
        verbose=verbose,
    )
    seconds = time.perf_counter() - start
    run = [int(e) for e in history.epoch]
    logs = {key: [float(v) for v in values] for key, values in history.history.items()}
    accuracy_key = f"{outputs[0]}_accuracy" if several else "accuracy"
    if several:  # the main output's accuracy under the usual names, for curves and reports
        for prefix in ("", "val_"):
            if f"{prefix}{accuracy_key}" in logs and f"{prefix}accuracy" not in logs:
                logs[f"{prefix}accuracy"] = logs[f"{prefix}{accuracy_key}"]

    # ---- test
    test_loss = test_accuracy = None
    scores = {}
    x_test = getattr(data, "x_test", None)
    if _size(x_test) > 0:
        scores = model.evaluate(
            x_test, every_output(data.y_test), batch_size=batch_size, verbose=0, return_dict=True
        )
        scores = {key: float(value) for key, value in scores.items()}
        test_loss = scores["loss"]
        test_accuracy = scores.get(accuracy_key)

    rate = throughput.images_per_second
    what = f"{model.name} on {data_name}"
    if images < available:
        what += f" ({images:,} of {available:,} training images)"
    how = f"profile {chosen.name}"
    if run and run[0] > 0:
        how += f"; resumed at epoch {run[0] + 1} from a backup"
    if not run:
        print(f"nothing left to train: {what} had finished all {epochs} epochs ({how})")
    else:
        speed = f"{_round3(rate)} images/second" if rate else "speed not measured"
        print(f"trained {what} for {epochs} epochs ({how}): {speed}")
    if test_loss is not None:
        accuracy = "n/a" if test_accuracy is None else f"{100 * test_accuracy:.1f}%"
        line = f"test accuracy: {accuracy} ({_size(x_test):,} images)"
        if several:
            others = [
                f"{name} {100 * scores[f'{name}_accuracy']:.1f}%"
                for name in outputs[1:]
                if f"{name}_accuracy" in scores
            ]
            line += f" of the main output {outputs[0]}"
            if others:
                line += f"; {', '.join(others)}"
        print(line)
    return TrainingResult(
        history=logs,
        epochs=run,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        images_per_second=rate,
        seconds=seconds,
        profile=chosen.name,
        data=data_name,
        model=model,
        test_scores=scores,
    )


def _strategy_for_ready_model(model, requested):
    """A model trains in the strategy it was built in; say how to distribute one that wasn't."""
    if keras.backend.backend() != "tensorflow":
        return requested if requested is not None else _NoStrategy()
    own = model.distribute_strategy  # the strategy in whose scope the model was created
    if requested is None:
        import tensorflow as tf

        gpus = len(tf.config.list_logical_devices("GPU"))
        if own.num_replicas_in_sync == 1 and gpus > 1:
            print(
                f"{model.name} was built outside a distribution strategy, so it trains on one "
                f"of the {gpus} GPUs; to train on all of them, pass the function that builds "
                f"it: fit(lambda: classic.models.lenet5(), data), not "
                f"fit(classic.models.lenet5(), data)"
            )
        return own
    if requested is not own and requested.num_replicas_in_sync > 1:
        raise ValueError(
            f"model: a ready model cannot be distributed over {requested.num_replicas_in_sync} "
            "replicas by a strategy it was not built in; pass a function of no arguments that "
            "builds it: fit(lambda: classic.models.lenet5(), data), not "
            f"fit(classic.models.lenet5(), data). Received: the built model {model.name!r}"
        )
    return own
