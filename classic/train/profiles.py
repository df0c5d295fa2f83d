"""Training profiles: how much a notebook trains on CI, a laptop CPU or a GPU, and the choice."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable

import keras


@dataclasses.dataclass(frozen=True)
class Profile:
    """How much a notebook trains; one profile per kind of machine (docs/profiles.md's table).

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
        description="one to three minutes of training on a laptop CPU: a real, small result",
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


_SAID: set[str] = set()  # what has been said once in this process


def _say_once(line: str) -> None:
    if line not in _SAID:
        _SAID.add(line)
        print(line)


def _usable(chosen: Profile, reason: str, asked: str) -> Profile:
    """``chosen`` (asked for as ``asked``), unless it is the gpu profile and no accelerator is
    visible: then the cpu profile, said once, since mixed precision and XLA on a CPU are only
    slower."""
    if chosen.name != "gpu" or accelerator_visible():
        return dataclasses.replace(chosen, reason=reason)
    _say_once(f"{asked} asks for a GPU, but none is visible here, so the cpu profile runs "
              "instead. For a GPU on Colab: Runtime > Change runtime type > GPU.")
    return dataclasses.replace(PROFILES["cpu"], reason=f"{asked}, but no GPU is visible")


def _choose_profile(name: str | None = None) -> Profile:
    if name is not None:
        if not isinstance(name, str) or name.strip().lower() not in PROFILES:
            raise ValueError(
                f"Unknown profile; known profiles: {_known(PROFILES)}. Received: profile={name!r}"
            )
        key = name.strip().lower()
        return _usable(PROFILES[key], "asked for by name", f"profile {key!r}")
    env = os.environ.get("CLASSIC_PROFILE", "").strip().lower()
    if env:
        if env not in PROFILES:
            raise ValueError(
                "Unknown profile in the environment variable CLASSIC_PROFILE; known profiles: "
                f"{_known(PROFILES)}. Received: CLASSIC_PROFILE={os.environ['CLASSIC_PROFILE']!r}"
            )
        return _usable(PROFILES[env], f"CLASSIC_PROFILE={env}", f"CLASSIC_PROFILE={env}")
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
    anything else ``cpu``. The gpu profile asked for where no accelerator is visible gives the
    cpu profile, with one line that says so. ``str()`` of the result says which it is and why.
    """
    return _choose_profile(name)
