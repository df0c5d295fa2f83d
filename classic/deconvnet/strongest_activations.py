"""A feature map's strongest activations over a set of images, each with its image patch
and deconvnet projection (ZF-Net's Figure 2)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classic import shapes
from classic.deconvnet.layer_rules import _inputs_of, _producer
from classic.deconvnet.projection import Deconvnet, for_display
from classic.deconvnet.unpooling import _same_pads
from classic.viz.figures import as_displayable, new_figure


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
        image = as_displayable(image, 0)
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
    figure = new_figure(
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
