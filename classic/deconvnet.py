"""Looking inside a trained network: ZF-Net's deconvnet, top activations and occlusion.

Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014 (arXiv
1311.2901, 2013): Section 2.1 (the deconvnet), Figure 2 (the top 9 activations of a feature map,
each with its projection to pixels and its image patch), Section 4.2 and Figure 7 (occlusion).

The deconvnet runs an image up the network, recording where each max-pooling window found its
maximum (the *switches*), keeps one activation of one feature map (or the whole map), zeroes all
others, and goes back down layer by layer:

- **unpooling**: each value goes back to the position its window's maximum came from (the
  switch), zeros everywhere else;
- **rectification**: a ReLU, because the forward pass only ever produced non-negative maps;
- **filtering**: the layer's own filters, transposed (flipped horizontally and vertically, input
  and output channels swapped), i.e. a transposed convolution with the same kernel, strides and
  padding; biases are not used.

Everything is written with ``keras.ops``, so it runs on any Keras backend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from classic import shapes
from classic.viz import _as_displayable, _few, _new_figure, _to_numpy

__all__ = [
    "Deconvnet",
    "Occlusion",
    "distinct_maps",
    "TopActivation",
    "for_display",
    "max_unpool",
    "occlusion",
    "occlusion_figure",
    "project",
    "top_activations",
    "top_activations_figure",
]

KEEP = ("max", "map")
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


# --------------------------------------------------------------------------- max unpooling


def _same_pads(size, kernel, stride):
    """(before, after) zeros of Keras' "same" padding: out = ceil(n / s), the extra one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _fit(y, height, width):
    """Crop or zero-pad (at the bottom and right) a (B, h, w, C) tensor to (B, height, width, C)."""
    y = y[:, :height, :width, :]
    missing_h, missing_w = height - y.shape[1], width - y.shape[2]
    if missing_h or missing_w:
        y = ops.pad(y, [[0, 0], [0, missing_h], [0, missing_w], [0, 0]])
    return y


def max_unpool(inputs, values, pool_size=2, strides=None, padding="valid"):
    """Unpooling with switches: ``values`` (the pooled map's size) back at the argmax positions.

    ``inputs`` is what the max pooling saw, (B, H, W, C); its argmax in each window is the switch
    (on ties, the first position in row-major order). Returns a (B, H, W, C) tensor with each of
    ``values`` at its window's switch and zeros elsewhere; where overlapping windows (3x3/2) share
    a switch, their values add up, as in the gradient of max pooling. ``pool_size``, ``strides``
    (default: the pool size) and ``padding`` are the MaxPooling2D layer's.
    """
    ph, pw = shapes._pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if strides is None else shapes._pair(strides, "strides")
    x = ops.cast(ops.convert_to_tensor(inputs), "float32")
    values = ops.cast(ops.convert_to_tensor(values), "float32")
    if len(x.shape) != 4 or len(values.shape) != 4:
        raise ValueError(
            "`inputs` and `values` must be (batch, height, width, channels). "
            f"Received: shapes {tuple(x.shape)} and {tuple(values.shape)}"
        )
    _, height, width, _ = x.shape
    _, oh, ow, _ = values.shape
    if padding == "same":
        (top, bottom), (left, right) = _same_pads(height, ph, sh), _same_pads(width, pw, sw)
        x = ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], constant_values=-np.inf)
    elif padding == "valid":
        top = left = 0
    else:
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    padded_h, padded_w = x.shape[1], x.shape[2]
    if (oh - 1) * sh + ph > padded_h or (ow - 1) * sw + pw > padded_w:
        raise ValueError(
            f"`values` of {oh}x{ow} cannot come from {pool_size}/{strides} pooling of a "
            f"{height}x{width} map. Received: shapes {tuple(x.shape)} and {tuple(values.shape)}"
        )
    windows = ops.stack(
        [x[:, di : di + sh * (oh - 1) + 1 : sh, dj : dj + sw * (ow - 1) + 1 : sw, :]
         for di in range(ph) for dj in range(pw)],
        axis=0,
    )  # (position in the window, row-major; B, oh, ow, C)
    # The first maximum in row-major order: maxima score P, P - 1, ..., others 0, and the
    # largest score is unique (argmax alone does not promise which of equal values it returns).
    size = ph * pw
    is_max = ops.cast(ops.equal(windows, ops.max(windows, axis=0, keepdims=True)), "int32")
    rank = ops.convert_to_tensor(np.arange(size, 0, -1, dtype="int32").reshape(size, 1, 1, 1, 1))
    switch = ops.argmax(is_max * rank, axis=0)
    # Where each pooled value goes in the flattened padded map: its window's corner plus the
    # switch's offset inside the window; values landing on the same pixel add up.
    batch, channels = values.shape[0], values.shape[-1]
    b, i, j, c = np.ix_(range(batch), range(oh), range(ow), range(channels))
    corner = ((b * padded_h + i * sh) * padded_w + j * sw) * channels + c
    offset = np.array([(di * padded_w + dj) * channels for di in range(ph) for dj in range(pw)])
    target = ops.convert_to_tensor(corner.astype("int32")) + ops.take(
        ops.convert_to_tensor(offset.astype("int32")), switch
    )
    out = ops.segment_sum(
        ops.reshape(values, (-1,)), ops.reshape(target, (-1,)),
        num_segments=batch * padded_h * padded_w * channels,
    )
    out = ops.reshape(out, (batch, padded_h, padded_w, channels))
    return out[:, top : top + height, left : left + width, :]


# --------------------------------------------------------------------------- layer rules


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


# --------------------------------------------------------------------------- the deconvnet


@dataclass(eq=False)
class _Plan:
    """What projecting from one layer needs: the layers below it and a model recording switches."""

    layer: object
    layers: list  # the layers on the way down, in forward order, the InputLayer left out
    forward: keras.Model  # image -> [target's output, the input of every max pooling below]
    keys: list  # id() of the tensors forward returns, in its order


class Deconvnet:
    """Zeiler and Fergus' deconvnet (ECCV 2014, Section 2.1) attached to a trained ``model``.

    ``Deconvnet(model).project(layer_name, feature_map, image)`` returns the reconstruction, in
    pixel space, of one feature map's strongest activation (``keep="max"``, the paper's Figure
    2) or of the whole map (``keep="map"``), all other activations of that layer set to zero.

    Rules on the way down, layer by layer (the layers between the input and ``layer_name``):

    - ``Conv2D``: ReLU (if the layer has one), then a transposed convolution with the layer's
      kernel, strides and padding (the paper's "transposed versions of the same filters"); the
      bias is not used; ``groups`` are kept (each group's maps go back to its own inputs).
    - ``ReLU`` / ``Activation("relu")``: ReLU. A linear activation passes through.
    - ``MaxPooling2D``: :func:`max_unpool` with the switches recorded on the way up.
    - ``ZeroPadding2D``: cropped off again.
    - ``Concatenate`` (channels): each input gets its own slice of the channels, so AlexNet's two
      towers send each tower's maps back down that tower; where branches meet again (AlexNet's
      input, or the concatenation that conv3 sees) their reconstructions add up.
    - ``LocalResponseNormalization``: passed through as the identity. The paper's deconvnet has
      no inverse for its contrast normalization either; the normalization only rescales each
      position by a positive factor, so the pattern a map responds to is unchanged, only its
      scale (which the reconstructions' display normalizes away anyway).
    - ``Rescaling`` (``x * scale + offset``): multiplied by ``scale``, the offset dropped like
      the biases.
    - ``Dropout``: the identity (as at inference).

    Anything else on the way down (tanh or other activations, average pooling and LeNet-5's
    Subsampling, SparseConv2D, BatchNormalization, residual Add, ...) raises a ValueError naming
    the layer and why. A layer below the first such layer can still be projected from.
    """

    def __init__(self, model):
        if not isinstance(model, keras.Model):
            raise ValueError(
                f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
            )
        if len(model.inputs) != 1:
            raise ValueError(
                "`model` must have one image input. "
                f"Received: a model with {len(model.inputs)} inputs"
            )
        shape = tuple(model.inputs[0].shape)
        if len(shape) != 4 or any(n is None for n in shape[1:]):
            raise ValueError(
                "`model` must take images of a fixed size, (batch, height, width, channels). "
                f"Received: model {model.name!r} with input shape {shape}"
            )
        self.model = model
        self.input_shape = shape[1:]
        self._plans: dict[str, _Plan] = {}

    # ---------------------------------------------------------------- which layers

    def _below(self, layer) -> list:
        """The layers between the input and ``layer`` (included), in forward order."""
        names, stack = set(), [layer]
        while stack:
            current = stack.pop()
            if current.name in names or type(current).__name__ == "InputLayer":
                continue
            names.add(current.name)
            stack.extend(_producer(t) for t in _inputs_of(current))
        return [lay for lay in self.model.layers if lay.name in names]

    def _problems(self, layer) -> list[str]:
        return [
            f"layer {lay.name!r} ({type(lay).__name__}): {why}"
            for lay in self._below(layer)
            if (why := _why_not(lay)) is not None
        ]

    @staticmethod
    def _is_map(layer) -> bool:
        shape = getattr(layer.output, "shape", None)
        return type(layer).__name__ != "InputLayer" and shape is not None and len(shape) == 4

    @property
    def layer_names(self) -> list[str]:
        """The layers it can project from: feature maps with only supported layers below."""
        return [
            lay.name for lay in self.model.layers if self._is_map(lay) and not self._problems(lay)
        ]

    def _plan(self, layer_name) -> _Plan:
        if isinstance(layer_name, str) and layer_name in self._plans:
            return self._plans[layer_name]
        names = [lay.name for lay in self.model.layers]
        if not isinstance(layer_name, str) or layer_name not in names:
            valid = self.layer_names
            shown = ", ".join(repr(n) for n in valid[:8]) + (", ..." if len(valid) > 8 else "")
            hint = f"Layers it can project from: {shown}. " if valid else ""
            raise ValueError(
                f"`layer_name` must name a layer of model {self.model.name!r}. "
                f"{_few(names, layer_name)} {hint}Received: layer_name={layer_name!r}"
            )
        layer = self.model.get_layer(layer_name)
        if not self._is_map(layer):
            shape = getattr(layer.output, "shape", None)
            raise ValueError(
                "`layer_name` must name a layer whose output is a feature map (batch, height, "
                f"width, channels) above the input. Received: layer_name={layer_name!r}, "
                f"{type(layer).__name__} with output {shape}"
            )
        problems = self._problems(layer)
        if problems:
            raise ValueError(
                f"The deconvnet cannot project from {layer_name!r}: it has no rule for "
                + "; ".join(problems)
                + f". It handles {SUPPORTED}."
            )
        layers = self._below(layer)
        tensors, keys = [layer.output], [id(layer.output)]
        for lay in layers:
            if type(lay).__name__ == "MaxPooling2D" and id(lay.input) not in keys:
                tensors.append(lay.input)
                keys.append(id(lay.input))
        forward = keras.Model(self.model.inputs[0], tensors)
        self._plans[layer_name] = _Plan(layer, layers, forward, keys)
        return self._plans[layer_name]

    # ---------------------------------------------------------------- checks

    def _images(self, images, one: bool) -> np.ndarray:
        """(N, H, W, C) float32 from one image (``one``) or several, checked against the model."""
        x = _to_numpy(images)
        expected = self.input_shape
        if one and x.ndim == len(expected):
            x = x[None]
        fits = x.ndim == len(expected) + 1 and tuple(x.shape[1:]) == expected and len(x)
        if one:
            fits = fits and len(x) == 1
        if not fits:
            what = f"one image of shape {expected} (or with a batch axis of 1)" if one else (
                f"images of shape (N, {', '.join(map(str, expected))}), N >= 1"
            )
            argument = "image" if one else "images"
            raise ValueError(
                f"`{argument}` must be {what} for model {self.model.name!r}. "
                f"Received: shape {x.shape}"
            )
        return x.astype("float32")

    @staticmethod
    def _feature_map(plan, feature_map) -> int:
        channels = plan.layer.output.shape[-1]
        ok = isinstance(feature_map, int | np.integer) and not isinstance(feature_map, bool)
        if not ok or not 0 <= feature_map < channels:
            raise ValueError(
                f"`feature_map` must be an integer from 0 to {channels - 1}: layer "
                f"{plan.layer.name!r} has {channels} feature maps. "
                f"Received: feature_map={feature_map!r}"
            )
        return int(feature_map)

    # ---------------------------------------------------------------- up and down

    def _up(self, plan, images):
        outputs = plan.forward(images, training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        return dict(zip(plan.keys, outputs, strict=True))

    def _project(self, plan, images, feature_maps, keep):
        """Reconstructions (N, H, W, C), the kept activation's value and position per image."""
        values = self._up(plan, images)
        maps = _to_numpy(values[id(plan.layer.output)]).astype("float32")
        top = np.zeros_like(maps)
        strongest, positions = [], []
        for i, f in enumerate(feature_maps):
            row, col = np.unravel_index(np.argmax(maps[i, :, :, f]), maps.shape[1:3])
            strongest.append(float(maps[i, row, col, f]))
            positions.append((int(row), int(col)))
            if keep == "max":
                top[i, row, col, f] = maps[i, row, col, f]
            else:
                top[i, :, :, f] = maps[i, :, :, f]
        signals = {id(plan.layer.output): ops.convert_to_tensor(top)}
        for layer in reversed(plan.layers):
            signal = signals.pop(id(layer.output), None)
            if signal is None:
                continue
            for tensor, down in zip(_inputs_of(layer), _down(layer, signal, values), strict=True):
                key = id(tensor)
                signals[key] = down if key not in signals else signals[key] + down
        reconstruction = _to_numpy(signals[id(self.model.inputs[0])]).astype("float32")
        return reconstruction, strongest, positions

    def _batches(self, plan, x, batch_size):
        """The layer's output for ``batch_size`` images at a time, as numpy arrays."""
        model = keras.Model(self.model.inputs[0], plan.layer.output)
        for start in range(0, len(x), batch_size):
            yield _to_numpy(model(x[start : start + batch_size], training=False)).astype("float32")

    def activations(self, layer_name, images, batch_size=32) -> np.ndarray:
        """The output of ``layer_name`` for N images, (N, h, w, maps), computed in batches."""
        plan = self._plan(layer_name)
        x = self._images(images, one=False)
        batch_size = shapes._positive_int(batch_size, "batch_size")
        return np.concatenate(list(self._batches(plan, x, batch_size)))

    def project(self, layer_name, feature_map, image, keep="max") -> np.ndarray:
        """The deconvnet reconstruction (H, W, C) of ``feature_map`` of ``layer_name`` for
        ``image`` ((H, W, C) or (1, H, W, C)): ``keep="max"`` keeps that map's strongest
        activation only (the paper's Figure 2), ``keep="map"`` the whole map; every other
        activation of the layer is set to zero before going down.
        """
        plan = self._plan(layer_name)
        feature_map = self._feature_map(plan, feature_map)
        if keep not in KEEP:
            raise ValueError(
                f"`keep` must be 'max' (the strongest activation) or 'map' (the whole feature "
                f"map). Received: keep={keep!r}"
            )
        x = self._images(image, one=True)
        reconstruction, _, _ = self._project(plan, x, [feature_map], keep)
        return reconstruction[0]


def project(model, layer_name, feature_map, image, keep="max") -> np.ndarray:
    """``Deconvnet(model).project(layer_name, feature_map, image, keep)``: one image's
    reconstruction (H, W, C) of one feature map, see :class:`Deconvnet`."""
    deconvnet = model if isinstance(model, Deconvnet) else Deconvnet(model)
    return deconvnet.project(layer_name, feature_map, image, keep)


def for_display(reconstruction) -> np.ndarray:
    """A reconstruction scaled into [0, 1] with zero at 0.5 (grey), as the paper shows them:
    ``x / (2 max|x|) + 0.5``; an all-zero reconstruction is uniformly grey."""
    x = _to_numpy(reconstruction).astype("float32")
    peak = float(np.abs(x).max()) if x.size else 0.0
    return np.full_like(x, 0.5) if peak == 0 else x / (2 * peak) + 0.5


# --------------------------------------------------------------------------- top activations


@dataclass(eq=False)
class TopActivation:
    """One of a feature map's strongest activations over a set of images (the paper's Figure 2).

    ``position`` is (row, column) in the layer's map; ``box`` is (top, left, bottom, right) in
    image pixels (bottom and right excluded): the unit's receptive field, clipped to the image;
    ``patch`` and ``reconstruction`` are the image and the deconvnet projection inside it.
    """

    layer_name: str
    feature_map: int
    image_index: int
    activation: float
    position: tuple[int, int]
    box: tuple[int, int, int, int]
    patch: np.ndarray
    reconstruction: np.ndarray


def _field(deconvnet, layer):
    """(size, jump, start) per axis of one unit of ``layer``: its receptive field in pixels.

    Size and jump come from :func:`classic.shapes.receptive_fields` along the chain of first
    inputs (AlexNet's towers have the same geometry); ``start`` is the pixel where unit 0's field
    begins: each layer's padding before the map moves it up (left) by ``padding * jump``, so it
    is negative where the field hangs over the image's edge.
    """
    chain, current = [], layer
    while type(current).__name__ != "InputLayer":
        chain.append(current)
        current = _producer(_inputs_of(current)[0])
    fields = []
    for axis in (0, 1):
        windows, start, jump = [], 0, 1
        for lay in reversed(chain):
            cfg, kind = lay.get_config(), type(lay).__name__
            kernel, stride, before = 1, 1, 0
            if kind in ("Conv2D", "MaxPooling2D"):
                key = "kernel_size" if kind == "Conv2D" else "pool_size"
                kernel, stride = cfg[key][axis], cfg["strides"][axis]
                if cfg["padding"] == "same":
                    before = _same_pads(lay.input.shape[1 + axis], kernel, stride)[0]
            elif kind == "ZeroPadding2D":
                before = cfg["padding"][axis][0]
            windows.append((kernel, stride))
            start -= before * jump
            jump *= stride
        last = shapes.receptive_fields(windows)[-1]
        fields.append((last.size, last.jump, start))
    return fields


def _strongest(deconvnet, plan, x, batch_size) -> np.ndarray:
    """Each image's strongest activation of each map of the planned layer, (N, maps), a batch at
    a time so that a large data set's maps are never all in memory at once."""
    batch_size = shapes._positive_int(batch_size, "batch_size")
    batches = deconvnet._batches(plan, x, batch_size)
    return np.concatenate([maps.max(axis=(1, 2)) for maps in batches])


def top_activations(model, layer_name, images, feature_maps, k=9, batch_size=32):
    """The ``k`` images whose strongest activation of each of ``feature_maps`` is largest.

    For each feature map of ``layer_name``: each image's strongest activation of that map (its
    maximum over positions), the ``k`` images with the largest ones (fewer when ``images``
    holds fewer), largest first, each with its receptive-field patch and the deconvnet
    reconstruction of that one activation cropped to the same box (the paper's Figure 2, which
    shows the top 9 over the validation set). Returns ``{feature_map: [TopActivation, ...]}`` in
    the order of ``feature_maps`` (one int or a sequence of ints). ``model`` may also be a
    :class:`Deconvnet`.
    """
    deconvnet = model if isinstance(model, Deconvnet) else Deconvnet(model)
    plan = deconvnet._plan(layer_name)
    if isinstance(feature_maps, int | np.integer) and not isinstance(feature_maps, bool):
        feature_maps = [feature_maps]
    if not isinstance(feature_maps, Sequence | np.ndarray) or len(feature_maps) == 0:
        raise ValueError(
            "`feature_maps` must be a feature-map index or a non-empty list of them. "
            f"Received: feature_maps={feature_maps!r}"
        )
    feature_maps = [deconvnet._feature_map(plan, f) for f in feature_maps]
    k = shapes._positive_int(k, "k")
    x = deconvnet._images(images, one=False)
    best = _strongest(deconvnet, plan, x, batch_size)[:, feature_maps]  # (N, len(feature_maps))

    picks = []  # (feature map, image index), k per map, strongest first
    for column, f in enumerate(feature_maps):
        order = np.argsort(-best[:, column], kind="stable")[:k]
        picks.extend((f, int(i)) for i in order)
    reconstructions, strengths, positions = [], [], []
    for start in range(0, len(picks), batch_size):
        chunk = picks[start : start + batch_size]
        rec, strength, position = deconvnet._project(
            plan, x[[i for _, i in chunk]], [f for f, _ in chunk], "max"
        )
        reconstructions.extend(rec)
        strengths.extend(strength)
        positions.extend(position)

    (size_h, jump_h, start_h), (size_w, jump_w, start_w) = _field(deconvnet, plan.layer)
    height, width = x.shape[1:3]
    result = {f: [] for f in feature_maps}
    for (f, i), rec, strength, (row, col) in zip(
        picks, reconstructions, strengths, positions, strict=True
    ):
        top, left = start_h + row * jump_h, start_w + col * jump_w
        box = (max(top, 0), max(left, 0), min(top + size_h, height), min(left + size_w, width))
        window = (slice(box[0], box[2]), slice(box[1], box[3]))
        result[f].append(TopActivation(
            layer_name=plan.layer.name, feature_map=f, image_index=i, activation=strength,
            position=(row, col), box=box, patch=x[i][window], reconstruction=rec[window],
        ))
    return result


def _show(axes, image, reconstruction=False):
    if reconstruction:
        image = for_display(image)
        image = image[..., 0] if image.shape[-1] == 1 else image
        axes.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    else:
        image = _as_displayable(image, 0)
        axes.imshow(image, cmap="gray", interpolation="nearest")
    axes.set_xticks([])
    axes.set_yticks([])


def distinct_maps(model, layer_name, images, n, batch_size=32) -> list[int]:
    """Up to ``n`` feature maps of ``layer_name`` worth showing side by side: the maps with the
    largest mean strongest activation over ``images``, skipping any map whose favourite image
    (the one with its largest activation) is already another chosen map's favourite, so that
    the top-k views of the chosen maps do not all show the same picture. Strongest first.
    ``model`` may also be a :class:`Deconvnet`.
    """
    deconvnet = model if isinstance(model, Deconvnet) else Deconvnet(model)
    plan = deconvnet._plan(layer_name)
    n = shapes._positive_int(n, "n")
    strongest = _strongest(deconvnet, plan, deconvnet._images(images, one=False), batch_size)
    chosen, favourites = [], set()
    for feature_map in np.argsort(-strongest.mean(axis=0), kind="stable"):
        favourite = int(strongest[:, feature_map].argmax())
        if favourite not in favourites:
            chosen.append(int(feature_map))
            favourites.add(favourite)
            if len(chosen) == n:
                break
    return chosen


def top_activations_figure(tops, *, title=None):
    """The paper's Figure 2 layout: for each feature map a row, its top reconstructions in a
    grid (3x3 for k = 9) on the left, the matching image patches on the right.

    ``tops`` is what :func:`top_activations` returns. Reconstructions are shown with zero as
    grey (:func:`for_display`); each is scaled on its own, as in the paper.
    """
    if not isinstance(tops, dict) or not tops or not all(tops.values()):
        raise ValueError(
            "`tops` must be what top_activations returns: {feature_map: [TopActivation, ...]}, "
            f"non-empty. Received: {type(tops).__name__}"
        )
    k = max(len(v) for v in tops.values())
    columns = math.ceil(math.sqrt(k))
    rows = math.ceil(k / columns)
    cell, gap = 0.8, 0.3  # inches a cell; a gap between the two grids and between maps
    bands = len(tops)
    figure = _new_figure(
        cell * (2 * columns + gap), cell * (rows * bands + gap * (bands - 1)) + 0.5
    )
    # Grid rows: each map's rows, then a thin spacer row before the next map.
    heights = ([1] * rows + [gap]) * bands
    grid = figure.add_gridspec(
        len(heights) - 1, 2 * columns + 1, height_ratios=heights[:-1],
        width_ratios=[1] * columns + [gap] + [1] * columns,
    )
    for band, (f, entries) in enumerate(tops.items()):
        for n, entry in enumerate(entries):
            r, c = band * (rows + 1) + n // columns, n % columns
            left = figure.add_subplot(grid[r, c])
            _show(left, entry.reconstruction, reconstruction=True)
            right = figure.add_subplot(grid[r, columns + 1 + c])
            _show(right, entry.patch)
            if n == 0:
                left.set_ylabel(f"map {f}", fontsize=9)
            if band == 0 and n == columns // 2:
                left.set_title("reconstructions", fontsize=9)
                right.set_title("image patches", fontsize=9)
    layer = next(iter(tops.values()))[0].layer_name
    figure.suptitle(title or f"{layer}: top {k} activations", fontsize=10)
    return figure


# --------------------------------------------------------------------------- occlusion


@dataclass(eq=False)
class Occlusion:
    """Occlusion sensitivity of one image (the paper's Figure 7), one value per square position.

    Cell (i, j) of each map is the grey square with its top-left corner at pixel
    (i * stride, j * stride). ``probability``: the model's output for ``label`` (a probability
    when the model ends in a softmax); ``predicted``: the most probable class; ``activation``:
    the total activation (sum over positions) of ``feature_map`` of ``layer_name``, the map
    strongest on the unoccluded image (None without a layer).
    """

    image: np.ndarray
    label: int
    patch: int
    stride: int
    fill: np.ndarray
    probability: np.ndarray
    predicted: np.ndarray
    unoccluded_probability: float
    layer_name: str | None = None
    feature_map: int | None = None
    activation: np.ndarray | None = None
    unoccluded_activation: float | None = None


def _fill_values(fill, image):
    channels = image.shape[-1]
    if isinstance(fill, str) and fill == "mean":
        return image.mean(axis=(0, 1)).astype("float32")
    if isinstance(fill, int | float | np.number) and not isinstance(fill, bool):
        return np.full(channels, fill, dtype="float32")
    values = None if isinstance(fill, str) else np.asarray(fill, dtype="float32")
    if values is None or values.shape != (channels,):
        raise ValueError(
            f"`fill` must be 'mean' (the image's mean colour), a number or {channels} numbers "
            f"(one per channel). Received: fill={fill!r}"
        )
    return values


def occlusion(model, image, label, patch=None, stride=None, layer_name=None, fill="mean",
              batch_size=64) -> Occlusion:
    """Slide a grey square over ``image`` and record what the model says at each position.

    ``patch`` (default: a sixth of the image's shorter side) is the square's side in pixels,
    ``stride`` (default: half of it) its step; the maps have ``(H - patch) // stride + 1`` rows
    and ``(W - patch) // stride + 1`` columns (squares inside the image). ``fill``: the square's
    colour; ``"mean"`` is the image's mean colour, the paper's grey for a mean-subtracted image;
    or a number, or one number per channel. ``layer_name``: whose strongest feature map (on the
    unoccluded image, by total activation) to follow; default: the last Conv2D layer (the paper
    follows layer 5). Predictions run ``batch_size`` occluded images at a time.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
        )
    deconvnet = Deconvnet(model)
    x = deconvnet._images(image, one=True)[0]
    height, width, _ = x.shape
    output = model.outputs[0]
    if len(model.outputs) != 1 or len(output.shape) != 2:
        raise ValueError(
            "`model` must output one (batch, classes) tensor of class scores. "
            f"Received: outputs {[tuple(o.shape) for o in model.outputs]}"
        )
    classes = output.shape[-1]
    ok = isinstance(label, int | np.integer) and not isinstance(label, bool)
    if not ok or not 0 <= label < classes:
        raise ValueError(
            f"`label` must be a class index from 0 to {classes - 1}. Received: label={label!r}"
        )
    patch = max(1, min(height, width) // 6) if patch is None else patch
    patch = shapes._positive_int(patch, "patch")
    if patch > min(height, width):
        raise ValueError(
            f"`patch` must fit in the {height}x{width} image. Received: patch={patch}"
        )
    stride = max(1, patch // 2) if stride is None else stride
    stride = shapes._positive_int(stride, "stride")
    batch_size = shapes._positive_int(batch_size, "batch_size")
    fill = _fill_values(fill, x)

    if layer_name is None:
        convs = [lay for lay in model.layers if type(lay).__name__ == "Conv2D"]
        layer = convs[-1] if convs else None
    else:
        names = [lay.name for lay in model.layers]
        if not isinstance(layer_name, str) or layer_name not in names:
            raise ValueError(
                f"`layer_name` must name a layer of model {model.name!r}. "
                f"{_few(names, layer_name)} Received: layer_name={layer_name!r}"
            )
        layer = model.get_layer(layer_name)
        if not Deconvnet._is_map(layer):
            raise ValueError(
                "`layer_name` must name a layer whose output is a feature map (batch, height, "
                f"width, channels). Received: layer_name={layer_name!r}, output "
                f"{getattr(layer.output, 'shape', None)}"
            )
    tensors = [output] + ([layer.output] if layer is not None else [])
    both = keras.Model(model.inputs[0], tensors)

    def run(batch):
        outputs = both(batch, training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        return [_to_numpy(o).astype("float32") for o in outputs]

    first = run(x[None])
    feature_map = None
    if layer is not None:
        feature_map = int(np.argmax(first[1][0].sum(axis=(0, 1))))
    rows, cols = (height - patch) // stride + 1, (width - patch) // stride + 1
    corners = [(i * stride, j * stride) for i in range(rows) for j in range(cols)]
    probability, predicted, activation = [], [], []
    for start in range(0, len(corners), batch_size):
        chunk = corners[start : start + batch_size]
        batch = np.repeat(x[None], len(chunk), axis=0)
        for n, (top, left) in enumerate(chunk):
            batch[n, top : top + patch, left : left + patch, :] = fill
        outputs = run(batch)
        probability.append(outputs[0][:, label])
        predicted.append(outputs[0].argmax(axis=-1))
        if layer is not None:
            activation.append(outputs[1][..., feature_map].sum(axis=(1, 2)))
    return Occlusion(
        image=x,
        label=int(label),
        patch=patch,
        stride=stride,
        fill=fill,
        probability=np.concatenate(probability).reshape(rows, cols),
        predicted=np.concatenate(predicted).reshape(rows, cols),
        unoccluded_probability=float(first[0][0, label]),
        layer_name=None if layer is None else layer.name,
        feature_map=feature_map,
        activation=None if layer is None else np.concatenate(activation).reshape(rows, cols),
        unoccluded_activation=(
            None if layer is None else float(first[1][0, ..., feature_map].sum())
        ),
    )


def occlusion_figure(result, *, title=None, class_names=None):
    """The paper's Figure 7 for one image: the image (with the grey square's size drawn in its
    top-left corner), the total activation of the followed feature map, and the probability of
    the true class, each map drawn at the square's centres over the image's pixel grid.
    """
    from matplotlib.patches import Rectangle

    if not isinstance(result, Occlusion):
        raise ValueError(
            "`result` must be what occlusion() returns. "
            f"Received: {type(result).__name__}"
        )
    panels = 3 if result.activation is not None else 2
    figure = _new_figure(3.4 * panels, 3.4)
    height, width = result.image.shape[:2]
    rows, cols = result.probability.shape
    low = (result.patch - 1) / 2 - result.stride / 2  # a cell spans its square's centre +- s/2
    extent = (low, low + cols * result.stride, low + rows * result.stride, low)

    axes = figure.add_subplot(1, panels, 1)
    axes.imshow(_as_displayable(result.image, 0), cmap="gray", interpolation="nearest")
    axes.add_patch(Rectangle((-0.5, -0.5), result.patch, result.patch, fill=False,
                             edgecolor="red", linewidth=1.5))
    name = str(result.label) if class_names is None else class_names[result.label]
    axes.set_title(f"image, true class {name}", fontsize=9)
    axes.set_xticks([])
    axes.set_yticks([])

    maps = [(result.probability, f"p({name}) with the square there", "magma")]
    if result.activation is not None:
        maps.insert(0, (result.activation,
                        f"{result.layer_name} map {result.feature_map}: total activation",
                        "viridis"))
    for n, (values, label, cmap) in enumerate(maps, start=2):
        axes = figure.add_subplot(1, panels, n)
        shown = axes.imshow(values, cmap=cmap, extent=extent, interpolation="nearest")
        axes.set_xlim(-0.5, width - 0.5)
        axes.set_ylim(height - 0.5, -0.5)
        axes.set_title(label, fontsize=9)
        axes.set_xticks([])
        axes.set_yticks([])
        figure.colorbar(shown, ax=axes, shrink=0.8)
    if title:
        figure.suptitle(title)
    return figure
