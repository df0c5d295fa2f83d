"""Keeps TensorFlow's C++ start-up log lines out of a student's run: ``import classic`` (the
notebooks' first cell) arranges for TensorFlow's import, whenever Keras makes it, to run with
those lines silenced."""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys


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


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` the usual way, and runs its import with standard error silenced:
    TensorFlow is imported where Keras first needs it, not earlier, and quietly."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: the real finders do the finding
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _SilencedLoader(spec.loader)
        return spec


class _SilencedLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with stderr_silenced():
            self.loader.exec_module(module)


def quiet_tensorflow() -> None:
    """Make TensorFlow's import silent whenever it comes (Keras imports it on the TensorFlow
    backend; on JAX, the provenance of a result asks for its version), and keep its later C++
    lines (a missing GPU driver's error) off too, unless the user set ``TF_CPP_MIN_LOG_LEVEL``.
    Python warnings are untouched. Nothing happens when TensorFlow is already imported."""
    if "tensorflow" in sys.modules:
        return
    if any(isinstance(finder, _QuietImport) for finder in sys.meta_path):
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.meta_path.insert(0, _QuietImport())
