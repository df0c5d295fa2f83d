"""Pictures of networks: diagrams, learning curves, filters, feature maps and image grids.

Figures are `matplotlib.figure.Figure` objects made without pyplot: returned as the last
expression of a notebook cell they display once, their text repr is stable (nbval compares
it), and they are not kept open by pyplot.
"""

from __future__ import annotations

import contextlib
import difflib
import html
import importlib
import importlib.util
import math
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence

import keras
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "bubble_chart",
    "diagram",
    "feature_maps",
    "filters",
    "graphviz_available",
    "image_grid",
    "learning_curves",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GRAPHVIZ_MAX_PIXELS = 32767  # Graphviz scales bitmaps down to fit this many pixels a side.
DEEP_NETWORK_LAYERS = 60  # above this, a whole-network diagram is too tall to read
INSTALL_HINT = (
    "Graphviz is not installed, so no diagram is drawn (the rest of the notebook works "
    "without it): install it with `sudo apt-get install graphviz` (Debian, Ubuntu), "
    "`brew install graphviz` (macOS) or `conda install graphviz` (Colab has it already), "
    "then rerun this cell."
)
PYDOT_HINT = (
    "pydot is not installed, so no diagram is drawn (the rest of the notebook works "
    "without it): install it with `pip install pydot`, and Graphviz with "
    "`sudo apt-get install graphviz` (Debian, Ubuntu), `brew install graphviz` (macOS) "
    "or `conda install graphviz` (Colab has it already), then rerun this cell."
)
_CELL_INCHES = 1.5  # side of one image in a grid
_SEPARATORS = "_/."  # what separates the parts of a hierarchical layer name

_graphviz_ok = False  # only success is cached: installing Graphviz mid-session then works


# --------------------------------------------------------------------------- diagrams


def graphviz_available() -> bool:
    """Whether pydot is importable and Graphviz's `dot` renders a tiny graph to PNG.

    The same test as Keras' own (render a graph, not just find a program), done once:
    a success is remembered, a failure is checked again on the next call.
    """
    global _graphviz_ok
    if _graphviz_ok:
        return True
    if importlib.util.find_spec("pydot") is None:
        return False
    program = shutil.which("dot")
    if program is None:
        return False
    try:
        result = subprocess.run(
            [program, "-Tpng"], input=b"digraph { a }", capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    _graphviz_ok = result.returncode == 0 and result.stdout.startswith(PNG_SIGNATURE)
    return _graphviz_ok


def diagram(
    model,
    *,
    block=None,
    first=None,
    last=None,
    show_shapes=True,
    show_layer_activations=False,
    rankdir="TB",
    dpi=72,
    to_file=None,
):
    """Draw `model` (or one block of it) as a PNG diagram with Keras' `model_to_dot`.

    `block="conv2_block1"` draws the layers whose names start with that prefix (a whole
    part of the name: `conv3_block1` does not take `conv3_block10`), from the first to the
    last of them in `model.layers` order; `first`/`last` name the range's ends directly.
    The layers feeding the range are drawn as grey boxes so that a branch's start shows.

    Returns an `IPython.display.Image` (its `.data` holds the PNG bytes) and writes nothing
    into the working folder; `to_file` also writes the diagram there (format from its
    suffix, PNG by default). Without Graphviz, prints one line saying how to install it
    and returns None, in Jupyter and outside it alike.

    Keras 3's `plot_model` is not called: it no longer accepts `layer_range`, always
    writes a file, and raises ImportError outside IPython when Graphviz is missing.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
        )
    if not model.built:
        raise ValueError(
            f"`model` must be built (call it on data or give it an Input) before it can be "
            f"drawn. Received: model {model.name!r}, not built"
        )
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(
            f"`rankdir` must be 'TB' (top to bottom), 'LR', 'BT' or 'RL'. "
            f"Received: rankdir={rankdir!r}"
        )
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or dpi <= 0:
        raise ValueError(f"`dpi` must be a positive number. Received: dpi={dpi!r}")
    selection = _select_layers(model, block, first, last)

    if importlib.util.find_spec("pydot") is None:
        print(PYDOT_HINT)
        return None
    program = shutil.which("dot")
    if program is None or not graphviz_available():
        print(INSTALL_HINT)
        return None

    dot = keras.utils.model_to_dot(
        model,
        show_shapes=show_shapes,
        show_layer_names=True,
        show_layer_activations=show_layer_activations,
        rankdir=rankdir,
        dpi=dpi,
    )
    if selection is not None:
        dot = _subgraph(model, dot, selection, show_shapes)
    source = dot.to_string().encode("utf-8")
    png, warning = _run_dot(program, source, "png")
    if png is None:
        print(f"Graphviz could not draw the diagram, so none is shown: {warning}")
        return None

    # The hint leaves out pixel sizes: they change with Graphviz's version and fonts,
    # and nbval compares printed text.
    too_large = max(_png_size(png)) >= GRAPHVIZ_MAX_PIXELS - 1 or "too large" in warning
    n_layers = len(model.layers)
    if too_large or (selection is None and n_layers > DEEP_NETWORK_LAYERS):
        example = _example_block([layer.name for layer in model.layers])
        if example:
            how = f'diagram(model, block="{example}")'
        else:
            how = "diagram(model, first=..., last=...)"
        if selection is None:
            what = f"{model.name} has {n_layers} layers: a diagram of all of them is too large"
        else:
            what = "This part of the network is too large"
        limit = (
            f" (Graphviz scaled it down to fit its {GRAPHVIZ_MAX_PIXELS:,}-pixel limit)"
            if too_large
            else ""
        )
        print(f"{what} to read{limit}; draw one block, e.g. {how}.")

    if to_file is not None:
        path = os.fspath(to_file)
        fmt = os.path.splitext(path)[1][1:].lower() or "png"
        data = png
        if fmt != "png":
            data, warning = _run_dot(program, source, fmt)
            if data is None:
                raise ValueError(
                    f"`to_file` must end with a format Graphviz writes (.png, .svg, .pdf, ...). "
                    f"Received: to_file={path!r} ({warning})"
                )
        with open(path, "wb") as file:
            file.write(data)
    return _png_image(png)


def _run_dot(program, source, fmt):
    """Render dot source in memory; return (bytes or None, Graphviz's messages)."""
    try:
        result = subprocess.run([program, f"-T{fmt}"], input=source, capture_output=True)
    except OSError as error:
        return None, str(error)
    message = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0 or not result.stdout:
        return None, message.splitlines()[0] if message else f"dot exited {result.returncode}"
    return result.stdout, message


def _png_size(png):
    """Width and height from a PNG's IHDR chunk (bytes 16 to 24)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _png_image(png):
    """Something Jupyter displays as a PNG and whose `.data` is the bytes."""
    try:
        from IPython.display import Image
    except ImportError:  # plain Python without IPython: keep the bytes reachable
        return _PNG(png)
    return Image(data=png, format="png")


class _PNG:
    """A PNG image for environments without IPython."""

    def __init__(self, data):
        self.data = data

    def _repr_png_(self):
        return self.data


def _names_match(name, prefix):
    """Whether `name` is `prefix` or continues it after a separator."""
    if prefix[-1:] and prefix[-1] in _SEPARATORS:
        return name.startswith(prefix)
    return name == prefix or (
        name.startswith(prefix) and len(name) > len(prefix) and name[len(prefix)] in _SEPARATORS
    )


def _select_layers(model, block, first, last):
    """The layers of one block or range, in `model.layers` order; None for the whole model."""
    if block is None and first is None and last is None:
        return None
    layers = list(model.layers)
    names = [layer.name for layer in layers]
    if block is not None:
        if first is not None or last is not None:
            raise ValueError(
                "Give either `block` or `first`/`last`, not both. "
                f"Received: block={block!r}, first={first!r}, last={last!r}"
            )
        if not isinstance(block, str) or not block:
            raise ValueError(
                f"`block` must be a non-empty prefix of layer names. Received: block={block!r}"
            )
        hits = [i for i, name in enumerate(names) if _names_match(name, block)]
        if not hits:  # e.g. "inception_3" for inception_3a and inception_3b
            hits = [i for i, name in enumerate(names) if name.startswith(block)]
        if not hits:
            example = _example_block(names)
            such_as = f", such as {example!r}" if example else ""
            raise ValueError(
                f"`block` must be a prefix of layer names in model {model.name!r}{such_as}. "
                f"{_few(names, block)} Received: block={block!r}"
            )
        return layers[hits[0] : hits[-1] + 1]
    start = 0 if first is None else layers.index(_get_layer(model, first, "first"))
    stop = len(layers) - 1 if last is None else layers.index(_get_layer(model, last, "last"))
    if start > stop:
        raise ValueError(
            f"`first` must come before `last` in model.layers order ({first!r} is layer "
            f"{start}, {last!r} is layer {stop}). Received: first={first!r}, last={last!r}"
        )
    return layers[start : stop + 1]


def _few(names, wanted=None, k=6):
    """A sentence for an error message: close matches to `wanted`, then some layer names."""
    close = []
    if isinstance(wanted, str):
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    text = "Did you mean " + " or ".join(repr(n) for n in close) + "? " if close else ""
    shown = ", ".join(repr(n) for n in names[:k])
    more = f", ... ({len(names)} layers)" if len(names) > k else ""
    return f"{text}Its layers include {shown}{more}."


def _example_block(names, smallest=5, largest=60):
    """A block prefix to suggest: the first name part that groups 5 to 60 layers."""
    for name in names:
        cuts = [i for i, char in enumerate(name) if char in _SEPARATORS and i > 0]
        for cut in reversed(cuts):  # longest prefix first: conv2_block1 before conv2
            prefix = name[:cut]
            count = sum(_names_match(other, prefix) for other in names)
            if smallest <= count <= largest:
                return prefix
    return None


def _subgraph(model, dot, selection, show_shapes):
    """Keep the selected layers' boxes and edges, plus grey boxes for what feeds them."""
    import pydot

    by_id = {str(id(op)): op for op in list(getattr(model, "_operations", [])) + model.layers}
    inside = {str(id(layer)) for layer in selection}
    edges = [(edge.get_source(), edge.get_destination(), edge) for edge in dot.get_edges()]
    feeding = {src for src, dst, _ in edges if dst in inside and src not in inside}

    sub = pydot.Dot(graph_type="digraph")
    for key, value in dot.get_attributes().items():
        sub.set(key, value)
    sub.set_node_defaults(shape="record")
    for node in dot.get_nodes():
        name = node.get_name()
        if name in inside:
            sub.add_node(pydot.Node(name, **node.get_attributes()))
        elif name in feeding:
            sub.add_node(_feeding_node(name, by_id.get(name), show_shapes))
    for src, dst, edge in edges:
        if dst in inside and (src in inside or src in feeding):
            sub.add_edge(pydot.Edge(src, dst, **edge.get_attributes()))
    return sub


def _feeding_node(name, layer, show_shapes):
    """A grey box for a layer outside the range whose output enters it."""
    import pydot

    if layer is None:
        text = "input from outside the block"
    else:
        text = f"from <b>{html.escape(layer.name)}</b> ({type(layer).__name__})"
        if show_shapes:
            try:
                text += f"<br/>Output shape: {html.escape(str(layer.output.shape))}"
            except (AttributeError, ValueError):
                pass
    label = (
        '<<table border="0" cellborder="1" cellpadding="8"><tr><td bgcolor="lightgrey">'
        f'<font point-size="14">{text}</font></td></tr></table>>'
    )
    return pydot.Node(name, label=label, shape="plaintext", fontname="Helvetica", margin="0")


# --------------------------------------------------------------------------- figures


def _new_figure(width, height):
    """A pyplot-free Figure, with a PNG formatter registered when running in IPython.

    Without pyplot, IPython's inline backend never registers its formatter for Figure,
    and a Figure returned from a cell shows as text only; register the same one here.
    """
    _register_png_formatter()
    return Figure(figsize=(width, height), layout="constrained")


def _register_png_formatter():
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        try:
            formatters[mime].lookup_by_type(Figure)
            return  # the user's (or the inline backend's) choice stands
        except (KeyError, AttributeError):
            continue
    from IPython.core.pylabtools import print_figure

    formatters["image/png"].for_type(Figure, lambda fig: print_figure(fig, "png"))


def _positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return int(value)


def _to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(keras.ops.convert_to_numpy(x))
    except Exception:  # lists, PIL images, ...
        return np.asarray(x)


def image_grid(images, titles=None, columns=8, *, title=None, cmap="gray"):
    """Show images in a grid, one titled cell each (labels of a data set, filter indices).

    `images`: N images of shape (H, W), (H, W, 1) or (H, W, 3/4), as one array or a list.
    Greyscale images are scaled per image by matplotlib; float RGB images outside [0, 1]
    are min-max scaled per image so imshow neither clips nor warns. The figure size
    depends only on the grid (1.5 inches a cell), so its text repr is deterministic.
    """
    columns = _positive_int(columns, "columns")
    if isinstance(images, np.ndarray) or not isinstance(images, Sequence):
        images = _to_numpy(images)
        if images.ndim not in (3, 4):
            raise ValueError(
                "`images` must hold N images: shape (N, H, W) or (N, H, W, C), or a list of "
                f"(H, W) or (H, W, C) arrays. Received: shape {images.shape}"
            )
    images = [_as_displayable(_to_numpy(image), i) for i, image in enumerate(images)]
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
    figure = _new_figure(_CELL_INCHES * cols, _CELL_INCHES * rows + extra)
    for i, image in enumerate(images):
        axes = figure.add_subplot(rows, cols, i + 1)
        if image.ndim == 2:
            axes.imshow(image, cmap=cmap, interpolation="nearest")
        else:
            axes.imshow(image, interpolation="nearest")
        axes.set_xticks([])
        axes.set_yticks([])
        if titles is not None:
            axes.set_title(titles[i], fontsize=9)
    if title:
        figure.suptitle(title)
    return figure


def _as_displayable(image, index):
    """(H, W) or (H, W, 3/4) for imshow; float RGB scaled into [0, 1] when outside it."""
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 2:
        return image
    if image.ndim != 3 or image.shape[-1] not in (3, 4):
        raise ValueError(
            "Each image must have shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4). "
            f"Received: image {index} of shape {image.shape}"
        )
    if np.issubdtype(image.dtype, np.floating) and (image.min() < 0 or image.max() > 1):
        return _min_max(image)
    return image


def _min_max(array):
    """Scale into [0, 1]; a constant array becomes 0.5 everywhere."""
    array = array.astype("float32")
    low, high = array.min(), array.max()
    if high == low:
        return np.full_like(array, 0.5)
    return (array - low) / (high - low)


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
    figure = _new_figure(5.0 * len(panels), 4.0)
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


def filters(model_or_layer, layer_name=None, max_filters=32, columns=8):
    """The kernels of a convolution layer as images, the first `max_filters` of them.

    Default layer: the model's first layer with a 4-D `kernel` (kh, kw, in, out), which
    covers Conv2D and custom layers alike. With 3 input channels a filter is shown in RGB,
    min-max scaled per filter (what the first layer of a network looks for in colour);
    otherwise the mean over input channels, in greyscale.
    """
    max_filters = _positive_int(max_filters, "max_filters")
    columns = _positive_int(columns, "columns")
    if isinstance(model_or_layer, keras.Model):
        model = model_or_layer
        if layer_name is not None:
            layer = _get_layer(model, layer_name, "layer_name")
        else:
            layer = next((lay for lay in _layers_of(model) if _has_conv_kernel(lay)), None)
            if layer is None:
                names = [lay.name for lay in model.layers]
                raise ValueError(
                    f"`model_or_layer` must contain a convolution layer (one with a 4-D "
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
            "`model_or_layer` must be a keras Model or Layer. "
            f"Received: {type(model_or_layer).__name__}"
        )
    if not _has_conv_kernel(layer):
        shape = tuple(getattr(getattr(layer, "kernel", None), "shape", ()) or ())
        raise ValueError(
            "The layer must have a 4-D kernel (kh, kw, in, out), as Conv2D has once built. "
            f"Received: layer {layer.name!r} ({type(layer).__name__}), kernel shape {shape}"
        )
    kernel = _to_numpy(layer.kernel).astype("float32")
    kh, kw, c_in, c_out = kernel.shape
    n = min(max_filters, c_out)
    if c_in == 3:
        images = [_min_max(kernel[..., j]) for j in range(n)]
        how = "RGB, min-max scaled per filter"
    else:
        images = [kernel[..., j].mean(axis=-1) for j in range(n)]
        how = "one input channel" if c_in == 1 else f"mean over {c_in} input channels"
    title = f"{layer.name}: {n} of {c_out} filters, {kh}x{kw}, {how}"
    return image_grid(images, [str(j) for j in range(n)], columns, title=title)


def _get_layer(model, name, argument):
    """model.get_layer(name), with an error that lists the model's layer names."""
    names = [layer.name for layer in model.layers]
    if isinstance(name, str):
        try:
            return model.get_layer(name)
        except ValueError:
            pass
    raise ValueError(
        f"`{argument}` must be the name of a layer of model {model.name!r}. "
        f"{_few(names, name)} Received: {argument}={name!r}"
    )


def feature_maps(model, layer_name, image, max_maps=16, columns=8):
    """What one layer outputs for one image: its first `max_maps` channels as images.

    `image` is (H, W, C) or (1, H, W, C). The activations come from the sub-model
    `keras.Model(model.inputs, layer.output)` called directly (no `predict`, whose progress
    bar would change from run to run); each map is titled with its channel index.
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
    images = [maps[..., j] for j in range(n)]
    title = f"{layer.name}: {n} of {channels} feature maps, {height}x{width}"
    return image_grid(images, [str(j) for j in range(n)], columns, title=title)


# --------------------------------------------------------------------------- comparisons


def _numbers(values, argument, *, positive=False):
    """A 1-D float array of finite numbers (all > 0 when `positive`), or a ValueError."""
    try:
        array = np.asarray(_to_numpy(values), dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{argument}` must be a sequence of numbers. Received: {argument}={values!r}"
        ) from None
    if not np.all(np.isfinite(array)) or (positive and np.any(array <= 0)):
        accepted = "positive numbers" if positive else "finite numbers"
        raise ValueError(f"`{argument}` must hold {accepted}. Received: {argument}={values!r}")
    return array


def bubble_chart(
    x,
    y,
    sizes,
    labels,
    *,
    xlabel="MACs per image",
    ylabel="test accuracy",
    size_label="parameters",
    title=None,
    log_x=True,
    max_area=1200.0,
):
    """One labelled bubble per item at (`x`, `y`), its area proportional to `sizes`.

    Made for comparing networks: accuracy against MACs, bubble area the parameter count. The
    largest item gets `max_area` (points squared), every other one its share of it, at least
    a tenth of a percent so that a tiny network still shows; the x axis is logarithmic when
    `log_x` (then every x must be positive). A note under the title says what the area means
    and the largest value.
    """
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
        raise ValueError(
            f"`labels` must be a list of names, one per item. Received: labels={labels!r}"
        )
    labels = [str(label) for label in labels]
    xs = _numbers(x, "x", positive=bool(log_x))
    ys = _numbers(y, "y")
    ss = _numbers(sizes, "sizes", positive=True)
    for argument, array in (("x", xs), ("y", ys), ("sizes", ss)):
        if len(array) != len(labels):
            raise ValueError(
                f"`{argument}` must have one value per label ({len(labels)}). "
                f"Received: {len(array)} values"
            )
    if isinstance(max_area, bool) or not isinstance(max_area, (int, float)) or max_area <= 0:
        raise ValueError(f"`max_area` must be a positive number. Received: max_area={max_area!r}")

    areas = np.maximum(ss / ss.max(), 1e-3) * max_area
    figure = _new_figure(7.0, 4.5)
    axes = figure.add_subplot(1, 1, 1)
    axes.scatter(xs, ys, s=areas, alpha=0.45, edgecolors="black", linewidths=0.8)
    for label, xi, yi in zip(labels, xs, ys, strict=True):
        axes.annotate(label, (xi, yi), xytext=(6, 6), textcoords="offset points", fontsize=8)
    if log_x:
        axes.set_xscale("log")
    axes.set_xlabel(xlabel + (" (log scale)" if log_x else ""))
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    axes.margins(0.15)
    note = f"bubble area: {size_label} (largest {ss.max():,.0f})"
    axes.set_title(f"{title}\n{note}" if title else note, fontsize=10)
    return figure


def summary(model, *, shortest: int = 80, longest: int = 200) -> None:
    """``model.summary()`` at the narrowest line length (from ``shortest``, in steps of 10) at
    which no layer name, type or connection is cut short ("…"), so the table stays readable and
    the same from run to run."""
    shortest = _positive_int(shortest, "shortest")
    longest = _positive_int(longest, "longest")
    if longest < shortest:
        raise ValueError(f"Argument `longest` must be at least `shortest` ({shortest}). "
                         f"Received: longest={longest}")
    text, columns = "", os.environ.get("COLUMNS")
    try:
        quiet = importlib.import_module("IPython.utils.capture").capture_output
    except ImportError:
        quiet = contextlib.nullcontext
    try:
        for length in range(shortest, longest + 1, 10):
            # Keras renders the table with rich, which crops it at COLUMNS when captured.
            os.environ["COLUMNS"] = str(length + 1)
            lines: list[str] = []
            with quiet():  # in Jupyter, rich would display an empty block for every try
                model.summary(line_length=length, print_fn=lambda line, *_, into=lines, **__:
                              into.append(line))
            text = "\n".join(lines)
            if "…" not in text:
                break
    finally:
        if columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = columns
    print(text)
