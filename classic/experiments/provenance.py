"""Provenance of a result: the versions, machine and commit of the code that produced it."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
            text=True, timeout=5, cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(profile: str) -> dict:
    """Versions, machine and commit of the code that produced a result."""
    import keras

    import classic

    info = {
        "classic": classic.__version__,
        "commit": _commit(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "profile": profile,
    }
    try:
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        info["gpu"] = ", ".join(d.name for d in gpus) or None
    except ImportError:
        info["tensorflow"] = None
    if keras.backend.backend() == "jax":  # the GPU machines have JAX and no TensorFlow
        import jax

        info["jax"] = jax.__version__
        info["gpu"] = ", ".join(d.device_kind for d in jax.devices() if d.platform != "cpu") or None
    return info
