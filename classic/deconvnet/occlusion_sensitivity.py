"""Occlusion sensitivity (ZF-Net, Section 4.2 and Figure 7): what a model says about an image
with a grey square over each part of it."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from classic import shapes
from classic.deconvnet.projection import Deconvnet
from classic.viz.arguments import _few, _to_numpy
from classic.viz.figures import as_displayable, new_figure


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

    layer = _followed_layer(model, layer_name)
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


def _followed_layer(model, layer_name):
    """The layer whose strongest feature map occlusion follows: ``layer_name``, by default the
    last Conv2D layer (None in a model without one)."""
    if layer_name is None:
        convs = [lay for lay in model.layers if type(lay).__name__ == "Conv2D"]
        return convs[-1] if convs else None
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
    return layer


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
    figure = new_figure(3.4 * panels, 3.4)
    height, width = result.image.shape[:2]
    rows, cols = result.probability.shape
    low = (result.patch - 1) / 2 - result.stride / 2  # a cell spans its square's centre +- s/2
    extent = (low, low + cols * result.stride, low + rows * result.stride, low)

    axes = figure.add_subplot(1, panels, 1)
    axes.imshow(as_displayable(result.image, 0), cmap="gray", interpolation="nearest")
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
