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


def input_shape_of(input_shape, argument: str = "input_shape", *, open_sizes: bool = False
                   ) -> tuple:
    """(height, width, channels) as positive integers (channels-last, as the whole course);
    with ``open_sizes``, height and width may also be None (any size, as keras.applications
    allows without the top)."""
    if not isinstance(input_shape, Sequence) or len(input_shape) != 3:
        raise ValueError(
            f"`{argument}` must be (height, width, channels). Received: {argument}={input_shape!r}"
        )
    for i, n in enumerate(input_shape):
        if n is None and open_sizes and i < 2:
            continue
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(
                f"`{argument}` must hold three positive integers (height, width, channels)"
                + ("; height and width may be None" if open_sizes else "")
                + f". Received: {argument}={input_shape!r}"
            )
    return tuple(input_shape)


def _tensor_shape(input_tensor) -> tuple:
    """The (height, width, channels) of a Keras tensor of images, or a ValueError."""
    if not keras.backend.is_keras_tensor(input_tensor) or len(input_tensor.shape) != 4:
        raise ValueError(
            "`input_tensor` must be a Keras tensor of images, shaped (batch, height, width, "
            "channels): keras.Input((224, 224, 3)), or the output of layers called on one. "
            f"Received: input_tensor of type {type(input_tensor).__name__}"
            + (f" and shape {tuple(input_tensor.shape)}" if hasattr(input_tensor, "shape") else "")
        )
    shape = tuple(input_tensor.shape[1:])
    if shape[-1] is None:
        raise ValueError(f"`input_tensor` must have a known number of channels. "
                         f"Received: input_tensor.shape={tuple(input_tensor.shape)}")
    return shape


def resolve_input_shape(input_shape, input_tensor, default) -> tuple:
    """The input a network is built for, as keras.applications resolves it: ``input_tensor``'s
    shape when a tensor is given (``input_shape``, if given too, must agree with it), else
    ``input_shape``, else ``default`` (the paper's input). Height and width may be None."""
    if input_tensor is not None:
        shape = _tensor_shape(input_tensor)
        if input_shape is not None:
            given = input_shape_of(input_shape, open_sizes=True)
            if any(a is not None and b is not None and a != b
                   for a, b in zip(given, shape, strict=True)):
                raise ValueError(
                    "`input_shape` must agree with the shape of `input_tensor` (batch aside) "
                    f"when both are given. Received: input_shape={tuple(input_shape)!r}, "
                    f"input_tensor.shape={tuple(input_tensor.shape)}"
                )
    elif input_shape is None:
        shape = tuple(default)
    else:
        shape = input_shape_of(input_shape, open_sizes=True)
    return shape


def check_common(input_shape, classes, include_top, pooling, *, input_tensor=None,
                 default=(224, 224, 3)):
    """Validate the arguments every builder shares; returns the input shape as a tuple (see
    :func:`resolve_input_shape`). Height and width may be None (open) only without the top, as
    keras.applications asks for a static input with the top."""
    shape = resolve_input_shape(input_shape, input_tensor, default)
    positive_int(classes, "classes")
    choice(include_top, "include_top", (True, False))
    choice(pooling, "pooling", POOLINGS)
    if include_top and None in shape[:2]:
        if input_tensor is not None:
            argument, given = "input_tensor", f"input_tensor.shape={tuple(input_tensor.shape)}"
        else:
            argument, given = "input_shape", f"input_shape={shape!r}"
        raise ValueError(
            f"`{argument}`: with include_top=True give a fixed height and width, as "
            "keras.applications asks (the classifier is built for one input size); open sizes "
            f"(None) work with include_top=False. Received: {given}"
        )
    return shape


def network_input(shape, input_tensor):
    """The tensor a network starts from: ``input_tensor``, or a new ``keras.Input`` named
    "input"."""
    if input_tensor is not None:
        return input_tensor
    return keras.Input(shape, name="input")


def build_model(start, outputs, name: str) -> keras.Model:
    """The functional model from the sources of ``start`` (the keras.Input the network began
    with, or those behind a given ``input_tensor``, as keras.applications does) to ``outputs``."""
    sources = keras.utils.get_source_inputs(start)
    return keras.Model(sources[0] if len(sources) == 1 else sources, outputs, name=name)


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
