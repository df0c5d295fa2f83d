"""Keeps TensorFlow's C++ start-up log lines out of a student's run: ``import classic`` (the
notebooks' first cell) imports TensorFlow here, before Keras does, with those lines silenced."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path


def keras_backend() -> str:
    """The backend Keras will load, read as Keras reads it: ``KERAS_BACKEND``, else
    ``keras.json`` in ``KERAS_HOME`` (default ``~/.keras``), else TensorFlow."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    try:
        return str(json.loads((home / "keras.json").read_text())["backend"])
    except (OSError, ValueError, KeyError, TypeError):
        return "tensorflow"


@contextlib.contextmanager
def stderr_silenced():
    """The process's standard error (file descriptor 2) sent to /dev/null for a while. The
    lines TensorFlow's C++ core writes while it loads (oneDNN, CUDA drivers, CPU features) go
    straight to that descriptor, before its log level is read, so no Python setting stops them."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):  # no descriptor 2 (some embedded Pythons)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def quiet_tensorflow() -> None:
    """Import TensorFlow silently, and keep its later C++ lines (a missing GPU driver's error)
    off too, unless the user set ``TF_CPP_MIN_LOG_LEVEL``. Python warnings are untouched.
    Nothing happens on another backend, or when TensorFlow is already imported (too late)."""
    if keras_backend() != "tensorflow" or "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with stderr_silenced():
            import tensorflow  # noqa: F401
    except ImportError:  # Keras says what is missing when it is imported
        pass
