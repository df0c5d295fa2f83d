"""Checks of fit's arguments and data, alone and against the model, before anything heavy runs."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

import keras
import numpy as np

from classic.train.profiles import PROFILES, Profile, _choose_profile, _known


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



def _check_one_weight_per_output(model, outputs: list[str], loss_weights, *, compiling: bool):
    """A model with several outputs that fit compiles needs loss weights, and weights given
    must count one per output."""
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


def _chosen_profile(profile) -> Profile:
    """The profile ``fit`` was given (a Profile or a name), else the machine's."""
    if isinstance(profile, Profile):
        return profile
    if profile is None or isinstance(profile, str):
        return _choose_profile(profile)
    raise ValueError(
        f"profile: expected None, a Profile or one of {_known(PROFILES)}. "
        f"Received: profile={profile!r}"
    )


def _model_builder(model) -> Callable[[], Any] | None:
    """The function that builds the model, or ``None`` when ``model`` is a model already."""
    if isinstance(model, keras.Model):
        return None
    if callable(model):
        return model
    raise ValueError(
        "model: expected a keras.Model or a function of no arguments that returns one. "
        f"Received: model={model!r}"
    )


@dataclasses.dataclass(frozen=True)
class _CheckedArguments:
    """``fit``'s arguments once checked: the profile chosen, the epochs (capped by the
    profile) and batch size it sets unless given, and ``builder``, the function that builds
    the model when ``fit`` got one instead of a model (else ``None``)."""

    profile: Profile
    builder: Callable[[], Any] | None
    epochs: int
    batch_size: int
    learning_rate: float
    optimizer: Any
    loss: Any
    metrics: Any
    loss_weights: tuple[float, ...] | None
    seed: int
    backup_dir: str | os.PathLike | None
    run_name: str | None
    strategy: Any
    callbacks: list[keras.callbacks.Callback]
    verbose: int


def _check_arguments(
    model,
    data,
    profile: Profile | str | None,
    *,
    epochs: int | None,
    batch_size: int | None,
    learning_rate: float,
    optimizer,
    loss,
    metrics,
    loss_weights,
    seed: int,
    backup_dir: str | os.PathLike | None,
    run_name: str | None,
    strategy,
    callbacks: Iterable[keras.callbacks.Callback],
    verbose: int | str,
) -> _CheckedArguments:
    """Every argument of ``fit`` checked (the profile first: it sets the defaults), and the
    data alone, each error before anything heavy happens."""
    chosen = _chosen_profile(profile)
    builder = _model_builder(model)
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
    return _CheckedArguments(
        profile=chosen,
        builder=builder,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        loss_weights=loss_weights,
        seed=seed,
        backup_dir=backup_dir,
        run_name=run_name,
        strategy=strategy,
        callbacks=callbacks,
        verbose=verbose,
    )
