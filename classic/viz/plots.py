"""Plots of data and of a trained network: image grids, learning curves, filters, feature
maps (figures without pyplot, see classic.viz.figures)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import keras
import numpy as np
from matplotlib.ticker import MaxNLocator

from classic.viz.arguments import _few, _get_layer, _positive_int, _to_numpy
from classic.viz.figures import as_displayable, min_max, new_figure

_CELL_INCHES = 1.5  # side of one image in a grid


def image_grid(images, titles=None, columns=8, *, title=None, cmap="gray", scale=None):
    """Show images in a grid, one titled cell each (labels of a data set, filter indices).

    `images`: N images of shape (H, W), (H, W, 1) or (H, W, 3/4), as one array or a list.
    Greyscale images are scaled per image by matplotlib, or all on one `scale` (vmin, vmax)
    with a colour bar; float RGB images outside [0, 1] are min-max scaled per image so imshow
    neither clips nor warns. The figure size depends only on the grid (1.5 inches a cell), so
    its text repr is deterministic.
    """
    columns = _positive_int(columns, "columns")
    if isinstance(images, np.ndarray) or not isinstance(images, Sequence):
        images = _to_numpy(images)
        if images.ndim not in (3, 4):
            raise ValueError(
                "`images` must hold N images: shape (N, H, W) or (N, H, W, C), or a list of "
                f"(H, W) or (H, W, C) arrays. Received: shape {images.shape}"
            )
    images = [as_displayable(_to_numpy(image), i) for i, image in enumerate(images)]
    if not images:
        raise ValueError("`images` must hold at least one image. Received: 0 images")
    if titles is not None:
        if not isinstance(titles, Sequence) or isinstance(titles, str):
            titles = _to_numpy(titles).tolist()
        titles = [str(t) for t in titles]
        if len(titles) != len(images):
            raise ValueError(
                f"`titles` must have one title per image ({len(images)}). "
                f"Received: {len(titles)} titles"
            )
    cols = min(columns, len(images))
    rows = math.ceil(len(images) / cols)
    extra = 0.4 if title else 0.0
    figure = new_figure(_CELL_INCHES * cols, _CELL_INCHES * rows + extra)
    shown = None
    for i, image in enumerate(images):
        axes = figure.add_subplot(rows, cols, i + 1)
        if image.ndim == 2 and scale is not None:
            shown = axes.imshow(image, cmap=cmap, interpolation="nearest", vmin=scale[0],
                                vmax=scale[1])
        elif image.ndim == 2:
            axes.imshow(image, cmap=cmap, interpolation="nearest")
        else:
            axes.imshow(image, interpolation="nearest")
        axes.set_xticks([])
        axes.set_yticks([])
        if titles is not None:
            axes.set_title(titles[i], fontsize=9)
    if title:
        figure.suptitle(title)
    if shown is not None:
        figure.colorbar(shown, ax=figure.axes, shrink=0.8, pad=0.02)
    return figure


def learning_curves(history, *, title=None):
    """Loss (left) and accuracy (right) per epoch, training and validation, epochs from 1.

    `history` is what `model.fit` returns (a keras History), its `.history` dict, or any
    object with such a `.history` attribute. Without an accuracy metric only the loss is
    drawn.
    """
    logs = history if isinstance(history, Mapping) else getattr(history, "history", None)
    if not isinstance(logs, Mapping):
        raise ValueError(
            "`history` must be a keras History, a dict of per-epoch lists such as "
            "{'loss': [...], 'val_loss': [...]}, or an object with a `.history` dict. "
            f"Received: {type(history).__name__}"
        )
    if "loss" not in logs or len(logs["loss"]) == 0:
        raise ValueError(
            f"`history` must record a 'loss' for at least one epoch. Received: keys {sorted(logs)}"
        )
    accuracy = _accuracy_key(logs)
    panels = [("loss", "Loss")] + ([(accuracy, "Accuracy")] if accuracy else [])
    figure = new_figure(5.0 * len(panels), 4.0)
    for i, (key, name) in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), i + 1)
        for series, label in ((key, "training"), (f"val_{key}", "validation")):
            values = [float(v) for v in logs.get(series, [])]
            if values:
                epochs = np.arange(1, len(values) + 1)
                marker = "o" if len(values) <= 30 else None
                axes.plot(epochs, values, marker=marker, markersize=3, label=label)
        axes.set_title(name)
        axes.set_xlabel("epoch")
        axes.set_ylabel(name.lower())
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend()
    if title:
        figure.suptitle(title)
    return figure


_ACCURACY_KEYS = (
    "accuracy",
    "acc",
    "sparse_categorical_accuracy",
    "categorical_accuracy",
    "binary_accuracy",
)


def _accuracy_key(logs):
    for key in _ACCURACY_KEYS:
        if key in logs:
            return key
    for key in logs:
        if not key.startswith("val_") and re.search(r"acc(uracy)?$", key):
            return key
    return None


def _layers_of(model):
    """All layers, nested models' included, in order."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _layers_of(layer)


def _has_conv_kernel(layer):
    kernel = getattr(layer, "kernel", None)
    return kernel is not None and len(getattr(kernel, "shape", ())) == 4


def filters(model_or_layer, layer_name=None, max_filters=32, columns=8, *, against=None,
            labels=("trained", "untrained")):
    """The kernels of a convolution layer as images, the first `max_filters` of them.

    Default layer: the model's first layer with a 4-D `kernel` (kh, kw, in, out), which
    covers Conv2D and custom layers alike. With 3 input channels a filter is shown in RGB,
    min-max scaled per filter (what the first layer of a network looks for in colour);
    otherwise the mean over input channels, in greyscale on one scale with a colour bar.
    `against`: a second model (or layer) with the same layer, e.g. the same network before
    training, shown in the row below, each row titled with its `labels`.
    """
    max_filters = _positive_int(max_filters, "max_filters")
    columns = _positive_int(columns, "columns")
    layer = _conv_layer(model_or_layer, layer_name, "model_or_layer")
    kernels = [_to_numpy(layer.kernel).astype("float32")]
    if against is not None:
        other = _conv_layer(against, layer.name if isinstance(against, keras.Model) else None,
                            "against")
        kernels.append(_to_numpy(other.kernel).astype("float32"))
        if kernels[1].shape != kernels[0].shape:
            raise ValueError(f"`against` must have a {layer.name} of the same kernel shape "
                             f"{kernels[0].shape}. Received: {kernels[1].shape}")
    kh, kw, c_in, c_out = kernels[0].shape
    n = min(max_filters, c_out)
    images, titles = [], []
    for row, kernel in enumerate(kernels):
        if c_in == 3:
            images += [min_max(kernel[..., j]) for j in range(n)]
        else:
            images += [kernel[..., j].mean(axis=-1) for j in range(n)]
        titles += [f"{labels[row]} {j}" if len(kernels) > 1 else str(j) for j in range(n)]
    how = ("RGB, min-max scaled per filter" if c_in == 3 else "one input channel" if c_in == 1
           else f"mean over {c_in} input channels")
    scale = None
    if c_in != 3:  # one scale for every filter, so that a weak filter looks weak
        top = max(float(np.abs(image).max()) for image in images) or 1.0
        scale = (-top, top)
    title = f"{layer.name}: {n} of {c_out} filters, {kh}x{kw}, {how}"
    cols = n if len(kernels) > 1 else min(columns, n)
    return image_grid(images, titles, cols, title=title, scale=scale)


def _conv_layer(model_or_layer, layer_name, argument):
    """The convolution layer to show: ``layer_name`` of a model, its first one, or a layer."""
    if isinstance(model_or_layer, keras.Model):
        model = model_or_layer
        if layer_name is not None:
            layer = _get_layer(model, layer_name, "layer_name")
        else:
            layer = next((lay for lay in _layers_of(model) if _has_conv_kernel(lay)), None)
            if layer is None:
                names = [lay.name for lay in model.layers]
                raise ValueError(
                    f"`{argument}` must contain a convolution layer (one with a 4-D "
                    f"kernel). Received: model {model.name!r}. {_few(names)}"
                )
    elif isinstance(model_or_layer, keras.layers.Layer):
        layer = model_or_layer
        if layer_name is not None:
            raise ValueError(
                "`layer_name` is for a model; given a layer, leave it out. "
                f"Received: layer {layer.name!r} and layer_name={layer_name!r}"
            )
    else:
        raise ValueError(
            f"`{argument}` must be a keras Model or Layer. "
            f"Received: {type(model_or_layer).__name__}"
        )
    if not _has_conv_kernel(layer):
        shape = tuple(getattr(getattr(layer, "kernel", None), "shape", ()) or ())
        raise ValueError(
            "The layer must have a 4-D kernel (kh, kw, in, out), as Conv2D has once built. "
            f"Received: layer {layer.name!r} ({type(layer).__name__}), kernel shape {shape}"
        )
    return layer


def feature_maps(model, layer_name, image, max_maps=16, columns=8):
    """What one layer outputs for one image: the image, then the layer's first `max_maps`
    channels as images.

    `image` is (H, W, C) or (1, H, W, C), as the model takes it. The activations come from the
    sub-model `keras.Model(model.inputs, layer.output)` called directly (no `predict`, whose
    progress bar would change from run to run); each map is titled with its channel index.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
        )
    max_maps = _positive_int(max_maps, "max_maps")
    columns = _positive_int(columns, "columns")
    layer = _get_layer(model, layer_name, "layer_name")
    if len(model.inputs) != 1:
        raise ValueError(
            "`model` must have one input to show feature maps of one image. "
            f"Received: a model with {len(model.inputs)} inputs"
        )
    model_input = model.inputs[0]
    expected = tuple(model_input.shape)
    x = _to_numpy(image)
    if x.ndim == len(expected) - 1:
        x = x[None]
    fits = (
        x.ndim == len(expected)
        and x.shape[0] == 1
        and all(
            want is None or want == got for want, got in zip(expected[1:], x.shape[1:], strict=True)
        )
    )
    if not fits:
        raise ValueError(
            f"`image` must be one image of shape {expected[1:]} (or with a batch axis of 1) "
            f"for model {model.name!r}. Received: shape {x.shape}"
        )
    output = layer.output
    if not hasattr(output, "shape") or len(output.shape) != 4:
        shape = getattr(output, "shape", type(output).__name__)
        raise ValueError(
            "`layer_name` must name a layer whose output is a feature map "
            f"(batch, H, W, channels). Received: layer_name={layer_name!r}, output {shape}"
        )
    submodel = keras.Model(model_input, output)
    maps = _to_numpy(submodel(x.astype(model_input.dtype), training=False))[0]
    height, width, channels = maps.shape
    n = min(max_maps, channels)
    picture = x[0] if x.shape[-1] in (1, 3) else x[0].mean(axis=-1)
    images = [min_max(picture), *(maps[..., j] for j in range(n))]
    title = f"{layer.name}: {n} of {channels} feature maps, {height}x{width}, of the input first"
    return image_grid(images, ["input", *map(str, range(n))], columns, title=title)
