"""Backups of a run: the folder that outlives the session, the run's name in it, and the
BackupAndRestore callback that saves every epoch there."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import keras

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


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "run"
