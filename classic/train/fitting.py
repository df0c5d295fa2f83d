"""``fit`` in named steps: check, take the training images, build or adopt the model, compile,
train with a backup every epoch, test and report."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from classic.train.backups import (
    _BackupAndRestore,
    _config_fingerprint,
    _safe_name,
    _stable_name,
    backup_root,
)
from classic.train.checks import (
    _check_against_model,
    _check_arguments,
    _check_one_weight_per_output,
    _CheckedArguments,
    _size,
)
from classic.train.compiling import _compile, _fit_compiles, _output_names
from classic.train.profiles import Profile
from classic.train.results import TrainingResult, _report, _Throughput
from classic.train.strategies import _make_strategy, _strategy_for_ready_model


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
    checked = _check_arguments(
        model,
        data,
        profile,
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
    images = _training_images(data, checked.profile, checked.seed)
    model, strat = _build_or_adopt(model, checked)
    compiling = _fit_compiles(model)
    # labels are class indices only under the loss fit chooses; a user's compiled loss may differ
    _check_against_model(model, data, labels=compiling)
    _create_weights(model, strat, images.x)
    outputs = _output_names(model)
    _check_one_weight_per_output(model, outputs, checked.loss_weights, compiling=compiling)
    if compiling:
        _compile(model, strat, outputs, checked, images=len(images.x))
    backup = _backup_folder(model, strat, images, checked)
    history, run, seconds, rate = _train(model, images, outputs, backup, checked)
    scores, test_loss, test_accuracy = _test(model, data, outputs, checked.batch_size)
    result = TrainingResult(
        history=history,
        epochs=run,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        images_per_second=rate,
        seconds=seconds,
        profile=checked.profile.name,
        data=images.data_name,
        model=model,
        test_scores=scores,
    )
    _report(
        result,
        epochs=checked.epochs,
        images=len(images.x),
        available=images.available,
        test_images=_size(getattr(data, "x_test", None)),
        outputs=outputs,
    )
    return result


@dataclasses.dataclass(frozen=True)
class _TrainingImages:
    """What ``fit`` trains and validates on: ``x`` and ``y`` a seeded random subset of the
    ``available`` training images when the profile caps them, ``validation`` the
    ``(x_val, y_val)`` pair or ``None``, ``data_name`` the data set's name."""

    x: Any
    y: Any
    available: int
    validation: tuple[Any, Any] | None
    data_name: str


def _training_images(data, chosen: Profile, seed: int) -> _TrainingImages:
    """The training images (a seeded random subset when the profile caps them), the
    validation split when there is one, and the data set's name."""
    x_train, y_train = data.x_train, data.y_train
    available = len(x_train)
    if chosen.train_limit is not None and available > chosen.train_limit:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(available, chosen.train_limit, replace=False))
        x_train, y_train = x_train[keep], y_train[keep]
    validation = None
    if _size(getattr(data, "x_val", None)) > 0:
        validation = (data.x_val, data.y_val)
    data_name = str(getattr(data, "name", "data"))
    return _TrainingImages(x_train, y_train, available, validation, data_name)


def _build_or_adopt(model, checked: _CheckedArguments):
    """The model and the strategy it trains in: built here, seeded, in the strategy's scope and
    under the profile's precision policy when ``fit`` got a function; else the model's own."""
    if checked.builder is None:
        return model, _strategy_for_ready_model(model, checked.strategy)
    strat = checked.strategy if checked.strategy is not None else _make_strategy()
    keras.utils.set_random_seed(checked.seed)
    previous = keras.config.dtype_policy()
    try:
        if checked.profile.mixed_precision:
            keras.config.set_dtype_policy("mixed_float16")
        with strat.scope():
            model = checked.builder()
    finally:
        keras.config.set_dtype_policy(previous)
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"model: the function must return a keras.Model. Received: {type(model).__name__}"
        )
    return model, strat


def _create_weights(model, strat, x_train) -> None:
    """Builds a model that has no weights yet, for images shaped like ``x_train``."""
    if not model.built:  # BackupAndRestore needs the weights to exist
        with strat.scope():
            model.build((None, *np.shape(x_train)[1:]))


def _backup_folder(model, strat, images: _TrainingImages, checked: _CheckedArguments) -> Path:
    """Where this run's backup lives: ``run_name``, else a name from the model, the data, the
    profile and a fingerprint of the architecture and settings, under ``backup_dir``."""
    settings = {} if checked.loss_weights is None else {"loss_weights": list(checked.loss_weights)}
    fingerprint = _config_fingerprint(
        model,
        {
            **settings,
            "data": images.data_name,
            "shape": list(np.shape(images.x)),
            "epochs": checked.epochs,
            "batch_size": checked.batch_size,
            "learning_rate": checked.learning_rate,
            "seed": checked.seed,
            "replicas": getattr(strat, "num_replicas_in_sync", 1),
            "optimizer": type(model.optimizer).__name__,
        },
    )
    run_name = checked.run_name
    if run_name is None:
        name = f"{_stable_name(model)}-{images.data_name}-{checked.profile.name}-{fingerprint}"
        run_name = _safe_name(name)
    root = checked.backup_dir if checked.backup_dir is not None else backup_root()
    return Path(root).expanduser() / run_name


def _every_output(labels, outputs: list[str]):
    """The same labels for each output: the auxiliary classifiers learn the same classes."""
    return tuple(labels for _ in outputs) if len(outputs) > 1 else labels


def _accuracy_key(outputs: list[str]) -> str:
    """The key of the main (first) output's accuracy in Keras' logs and scores."""
    return f"{outputs[0]}_accuracy" if len(outputs) > 1 else "accuracy"


def _train(
    model, images: _TrainingImages, outputs: list[str], backup: Path, checked: _CheckedArguments
):
    """Runs ``model.fit`` with a backup every epoch, the throughput meter and the caller's
    callbacks; returns the history by key, the epochs run, the seconds and images/second."""
    throughput = _Throughput(len(images.x))
    if hasattr(model, "_initial_epoch"):
        # BackupAndRestore sets it on a restore and Keras never clears it: without this, every
        # later fit of a restored model would skip the epochs the restore skipped.
        model._initial_epoch = None
    validation = images.validation
    if validation is not None:
        validation = (validation[0], _every_output(validation[1], outputs))
    keras.utils.set_random_seed(checked.seed)
    start = time.perf_counter()
    history = model.fit(
        images.x,
        _every_output(images.y, outputs),
        batch_size=checked.batch_size,
        epochs=checked.epochs,
        validation_data=validation,
        callbacks=[_BackupAndRestore(str(backup)), throughput, *checked.callbacks],
        verbose=checked.verbose,
    )
    seconds = time.perf_counter() - start
    run = [int(e) for e in history.epoch]
    logs = {key: [float(v) for v in values] for key, values in history.history.items()}
    accuracy_key = _accuracy_key(outputs)
    several = len(outputs) > 1
    if several:  # the main output's accuracy under the usual names, for curves and reports
        for prefix in ("", "val_"):
            if f"{prefix}{accuracy_key}" in logs and f"{prefix}accuracy" not in logs:
                logs[f"{prefix}accuracy"] = logs[f"{prefix}{accuracy_key}"]
    return logs, run, seconds, throughput.images_per_second


def _test(model, data, outputs: list[str], batch_size: int):
    """Evaluates on the test split when there is one; returns every score, the loss and the
    main output's accuracy (``None`` for each where there is no test split)."""
    test_loss = test_accuracy = None
    scores = {}
    x_test = getattr(data, "x_test", None)
    if _size(x_test) > 0:
        scores = model.evaluate(
            x_test,
            _every_output(data.y_test, outputs),
            batch_size=batch_size,
            verbose=0,
            return_dict=True,
        )
        scores = {key: float(value) for key, value in scores.items()}
        test_loss = scores["loss"]
        test_accuracy = scores.get(_accuracy_key(outputs))
    return scores, test_loss, test_accuracy
