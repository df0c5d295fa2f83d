"""The model zoo: one builder per network, in keras.applications' style, plus a registry."""

from __future__ import annotations

from classic.models.lenet import lenet5

_BUILDERS = {
    "lenet5": lenet5,
}


def names() -> tuple[str, ...]:
    """The names :func:`build` accepts, in the course's order."""
    return tuple(_BUILDERS)


def build(name: str, **kwargs):
    """Build a network by name, e.g. ``build("lenet5", input_shape=(32, 32, 1))``."""
    if name not in _BUILDERS:
        raise ValueError(f"Unknown model {name!r}. Known models: {', '.join(names())}")
    return _BUILDERS[name](**kwargs)


__all__ = ["build", "lenet5", "names"]
