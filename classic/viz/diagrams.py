"""Diagrams of networks: Keras' model_to_dot rendered by Graphviz in memory, whole or one
block, with one printed line (not an error) where Graphviz or pydot is missing."""

from __future__ import annotations

import html
import importlib.util
import os
import shutil
import subprocess

import keras

from classic.viz.arguments import _few, _get_layer

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
_SEPARATORS = "_/."  # what separates the parts of a hierarchical layer name

_graphviz_ok = False  # only success is cached: installing Graphviz mid-session then works


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

    _hint_if_too_large(model, selection, png, warning)
    if to_file is not None:
        _write_diagram(to_file, program, source, png)
    return _png_image(png)


def _hint_if_too_large(model, selection, png, warning):
    """Print how to draw one block where the diagram is too large (or tall) to read."""
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


def _write_diagram(to_file, program, source, png):
    """Write the diagram to `to_file`, in the format its suffix names (PNG by default)."""
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
