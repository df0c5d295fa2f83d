"""Argument checks and the classifier head every builder shares (keras.applications style)."""

from __future__ import annotations

from collections.abc import Sequence

import keras

POOLINGS = (None, "avg", "max")


def positive_int(value, argument: str) -> int:
    """A positive integer, or a ValueError that names the argument."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return value


def choice(value, argument: str, accepted: Sequence):
    """One of ``accepted``, or a ValueError that lists them."""
    if value not in accepted:
        listed = ", ".join(repr(a) for a in accepted)
        raise ValueError(f"`{argument}` must be one of {listed}. Received: {argument}={value!r}")
    return value


def input_shape_of(input_shape, argument: str = "input_shape") -> tuple[int, int, int]:
    """(height, width, channels) as positive integers (channels-last, as the whole course)."""
    if not isinstance(input_shape, Sequence) or len(input_shape) != 3:
        raise ValueError(
            f"`{argument}` must be (height, width, channels). Received: {argument}={input_shape!r}"
        )
    for n in input_shape:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(
                f"`{argument}` must hold three positive integers (height, width, channels). "
                f"Received: {argument}={input_shape!r}"
            )
    return tuple(input_shape)


def check_common(input_shape, classes, include_top, pooling):
    """Validate the arguments every builder shares; returns the input shape as a tuple."""
    shape = input_shape_of(input_shape)
    positive_int(classes, "classes")
    choice(include_top, "include_top", (True, False))
    choice(pooling, "pooling", POOLINGS)
    return shape


def global_pool(x, pooling):
    """keras.applications' ``pooling`` argument for ``include_top=False``."""
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def positive_number(value, argument: str) -> float:
    """A positive int or float (e.g. a width multiplier), or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"`{argument}` must be a positive number. Received: {argument}={value!r}")
    return value


def scaled(channels: int, width: float) -> int:
    """A layer's width times the width multiplier, rounded, at least 1 (width-scaled variants)."""
    return max(1, round(channels * width))


def fraction(value, argument: str) -> float:
    """A number in [0, 1) (a dropout rate, a BatchNormalization momentum), or a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(f"`{argument}` must be a number in [0, 1). Received: {argument}={value!r}")
    return value


def output_dtype() -> str | None:
    """The dtype of a classifier's last layer: float32 under a mixed precision policy (float16
    softmax probabilities lose the small ones and their logarithms), else the global policy's."""
    return "float32" if keras.config.dtype_policy().name.startswith("mixed") else None
