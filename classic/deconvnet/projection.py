"""The deconvnet (ZF-Net, Section 2.1): one activation projected back to pixel space.

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

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from classic import shapes
from classic.deconvnet.layer_rules import SUPPORTED, _down, _inputs_of, _producer, _why_not
from classic.viz.arguments import _few, _to_numpy

KEEP = ("max", "map")


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
