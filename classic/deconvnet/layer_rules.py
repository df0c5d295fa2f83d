"""The deconvnet's rule for each kind of layer on the way down, and why a layer has none."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from classic.deconvnet.unpooling import _same_pads, max_unpool

SUPPORTED = (
    "Conv2D (ReLU or no activation), ReLU, MaxPooling2D, ZeroPadding2D, Concatenate (channels), "
    "LocalResponseNormalization (as identity), Rescaling, Dropout"
)
# Layers the deconvnet passes straight through on the way down.
_IDENTITY = ("Dropout", "SpatialDropout2D", "LocalResponseNormalization")
_MERGE = "a merge of branches ({kind}): the deconvnet is defined for a chain of layers and has "
_MERGE += "no rule to share a reconstruction between a block and its shortcut"
_FLAT = "the spatial layout is gone after this {kind} layer, so no image-shaped map projects"
_WHY_NOT = {
    "AveragePooling2D": "average pooling has no switches: every input of a window shares the "
    "output, so the deconvnet's unpooling (put the value back where the maximum was) does not "
    "apply",
    "Subsampling": "LeNet-5's trainable subsampling averages each window (times a weight, plus a "
    "bias): it has no switches for the deconvnet's unpooling",
    "SparseConv2D": "LeNet-5's connection-table convolution: this deconvnet transposes Keras "
    "Conv2D layers only",
    "BatchNormalization": "batch normalization (2015) is newer than the deconvnet (2014), which "
    "has no rule for it; use a network built without it (e.g. vgg16(batch_norm=False))",
    "Add": _MERGE,
    "Subtract": _MERGE,
    "Multiply": _MERGE,
    "Average": _MERGE,
    "Maximum": _MERGE,
    "Minimum": _MERGE,
    "Dense": _FLAT,
    "Flatten": _FLAT,
    "Reshape": _FLAT,
    "GlobalAveragePooling2D": _FLAT,
    "GlobalMaxPooling2D": _FLAT,
}


def _fit(y, height, width):
    """Crop or zero-pad (at the bottom and right) a (B, h, w, C) tensor to (B, height, width, C)."""
    y = y[:, :height, :width, :]
    missing_h, missing_w = height - y.shape[1], width - y.shape[2]
    if missing_h or missing_w:
        y = ops.pad(y, [[0, 0], [0, missing_h], [0, missing_w], [0, 0]])
    return y


def _inputs_of(layer) -> list:
    inputs = layer.input
    return list(inputs) if isinstance(inputs, list | tuple) else [inputs]


def _producer(tensor):
    return tensor._keras_history.operation


def _activation_name(function) -> str:
    return getattr(function, "__name__", type(function).__name__)


def _why_not(layer) -> str | None:
    """None where the deconvnet has a rule for ``layer``, else the reason it has none."""
    kind = type(layer).__name__
    if isinstance(layer, keras.Model):
        return "a nested model: build the network flat, or project inside the inner model"
    if kind == "InputLayer" or kind in _IDENTITY:
        return None
    cfg = layer.get_config()
    if cfg.get("data_format", "channels_last") != "channels_last":
        return "channels_first data: this deconvnet works on channels-last maps"
    if kind == "Conv2D":
        if tuple(cfg["dilation_rate"]) != (1, 1):
            return f"a dilated convolution (dilation_rate={cfg['dilation_rate']}) is not supported"
        name = _activation_name(layer.activation)
        if layer.activation not in (keras.activations.relu, keras.activations.linear):
            return _activation_reason(name)
        return None
    if kind == "Activation":
        if layer.activation not in (keras.activations.relu, keras.activations.linear):
            return _activation_reason(_activation_name(layer.activation))
        return None
    if kind == "ReLU":
        if cfg.get("max_value") is not None or cfg.get("negative_slope") or cfg.get("threshold"):
            return "a ReLU with max_value, negative_slope or threshold is not a plain rectifier"
        return None
    if kind in ("MaxPooling2D", "ZeroPadding2D", "Rescaling"):
        return None
    if kind == "Concatenate":
        if cfg["axis"] not in (-1, 3):
            return f"a concatenation along axis {cfg['axis']}, not the channel axis"
        return None
    if kind in _WHY_NOT:
        return _WHY_NOT[kind].format(kind=kind)
    return f"{kind} has no deconvnet rule here (supported: {SUPPORTED})"


def _activation_reason(name):
    return (
        f"activation {name!r}: on the way down the deconvnet rectifies, the rule for a ReLU only; "
        f"a {name} unit has none (the paper's networks use ReLUs)"
    )


def _relu_of(layer) -> bool:
    kind = type(layer).__name__
    return kind == "ReLU" or (
        kind in ("Conv2D", "Activation") and layer.activation is keras.activations.relu
    )


def _conv_down(layer, signal):
    """Rectify (for a ReLU layer), then filter with the transposed kernel, back to the input."""
    cfg = layer.get_config()
    if _relu_of(layer):
        signal = ops.relu(signal)
    kernel = ops.cast(layer.kernel, "float32")  # (kh, kw, in / groups, out)
    kh, kw, _, filters = kernel.shape
    sh, sw = cfg["strides"]
    _, height, width, _ = layer.input.shape
    if cfg["padding"] == "same":
        (top, bottom), (left, right) = _same_pads(height, kh, sh), _same_pads(width, kw, sw)
    else:
        top = bottom = left = right = 0
    groups = cfg.get("groups", 1)
    step = filters // groups
    if groups == 1:
        y = ops.conv_transpose(signal, kernel, strides=(sh, sw), padding="valid")
    else:
        y = ops.concatenate([
            ops.conv_transpose(
                signal[..., g * step : (g + 1) * step], kernel[..., g * step : (g + 1) * step],
                strides=(sh, sw), padding="valid",
            )
            for g in range(groups)
        ], axis=-1)
    # Rows and columns the strided windows never reached get zeros (they had no influence).
    y = _fit(y, height + top + bottom, width + left + right)
    return [y[:, top : top + height, left : left + width, :]]


def _down(layer, signal, values):
    """The reconstruction at each input of ``layer`` from the one at its output."""
    kind = type(layer).__name__
    if kind == "Conv2D":
        return _conv_down(layer, signal)
    if kind == "MaxPooling2D":
        cfg = layer.get_config()
        inputs = values[id(layer.input)]
        return [max_unpool(inputs, signal, cfg["pool_size"], cfg["strides"], cfg["padding"])]
    if kind == "ZeroPadding2D":
        (top, _), (left, _) = layer.get_config()["padding"]
        _, height, width, _ = layer.input.shape
        return [signal[:, top : top + height, left : left + width, :]]
    if kind == "Rescaling":  # x * scale + offset: the transpose of its linear part
        scale = np.asarray(layer.get_config()["scale"], dtype="float32")
        return [signal * ops.convert_to_tensor(scale)]
    if kind == "Concatenate":
        parts, start = [], 0
        for tensor in _inputs_of(layer):
            parts.append(signal[..., start : start + tensor.shape[-1]])
            start += tensor.shape[-1]
        return parts
    if _relu_of(layer):
        return [ops.relu(signal)]
    return [signal]  # Dropout, LocalResponseNormalization, a linear Activation
