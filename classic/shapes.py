"""Shape, parameter, MAC, memory and receptive-field arithmetic, by hand and next to Keras.

Every formula here is the one the notebooks teach:

* output size        ``floor((n + p_before + p_after - k_eff) / s) + 1``, ``k_eff = d*(k-1) + 1``;
  Keras' ``"same"`` padding gives ``ceil(n / s)``
* conv parameters    ``(k_h * k_w * c_in / groups + 1) * c_out`` (the ``+ 1`` is the bias)
* dense parameters   ``(n_in + 1) * n_out``
* MACs               one multiply-accumulate per weight per output position
* receptive field    ``r_out = r_in + (k_eff - 1) * j_in`` and jump ``j_out = j_in * s``

:func:`table` applies them to every layer of a Keras model and raises :class:`ArithmeticMismatch`
where the hand formula and Keras disagree, so a notebook's shape table is also a test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from classic.tables import Table


class ArithmeticMismatch(AssertionError):
    """The hand formula and Keras disagree about a layer's shape or parameter count."""


# --------------------------------------------------------------------------- argument checks
def _positive_int(value, argument: str, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        accepted = "a non-negative integer" if allow_zero else "a positive integer"
        raise ValueError(f"`{argument}` must be {accepted}. Received: {argument}={value!r}")
    return value


def _pair(value, argument: str) -> tuple[int, int]:
    """An int or a pair of ints (height, width), both positive."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(
            f"`{argument}` must be a positive integer or a pair of them. Received: {value!r}"
        )
    return (_positive_int(value[0], argument), _positive_int(value[1], argument))


def _padding_amounts(padding, k_eff: int) -> tuple[int, int] | None:
    """(before, after) for explicit padding; None for Keras' "same" (handled by its own rule)."""
    if isinstance(padding, str):
        if padding.lower() == "valid":
            return (0, 0)
        if padding.lower() == "same":
            return None
    elif isinstance(padding, int) and not isinstance(padding, bool) and padding >= 0:
        return (padding, padding)
    elif (
        isinstance(padding, Sequence)
        and len(padding) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in padding)
    ):
        return (padding[0], padding[1])
    raise ValueError(
        "`padding` must be 'valid', 'same', a non-negative integer or a pair (before, after). "
        f"Received: padding={padding!r}"
    )


# --------------------------------------------------------------------------- one-number formulas
def output_size(size: int, kernel: int, stride: int = 1, padding="valid", dilation: int = 1) -> int:
    """Output length of a convolution or pooling along one axis.

    ``floor((n + p_before + p_after - k_eff) / s) + 1``; ``"same"`` is Keras' rule ``ceil(n / s)``.
    The result is below 1 when the window does not fit: that is what makes an input too small.
    """
    _positive_int(size, "size")
    _positive_int(kernel, "kernel")
    _positive_int(stride, "stride")
    _positive_int(dilation, "dilation")
    k_eff = dilation * (kernel - 1) + 1
    pads = _padding_amounts(padding, k_eff)
    if pads is None:
        return math.ceil(size / stride)
    return (size + pads[0] + pads[1] - k_eff) // stride + 1


def conv2d_params(kernel, in_channels: int, filters: int, groups: int = 1, use_bias: bool = True):
    """Weights of a Conv2D: ``(k_h * k_w * c_in / groups + 1) * c_out``."""
    kh, kw = _pair(kernel, "kernel")
    _positive_int(in_channels, "in_channels")
    _positive_int(filters, "filters")
    _positive_int(groups, "groups")
    if in_channels % groups or filters % groups:
        raise ValueError(
            "`groups` must divide both `in_channels` and `filters`. "
            f"Received: groups={groups}, in_channels={in_channels}, filters={filters}"
        )
    return (kh * kw * (in_channels // groups) + int(bool(use_bias))) * filters


def dense_params(in_features: int, units: int, use_bias: bool = True) -> int:
    """Weights of a Dense layer: ``(n_in + 1) * n_out``."""
    _positive_int(in_features, "in_features")
    _positive_int(units, "units")
    return (in_features + int(bool(use_bias))) * units


@dataclass(frozen=True)
class BatchNormParams:
    """BatchNormalization's weights: gamma and beta learn; the moving mean and variance do not."""

    trainable: int
    non_trainable: int

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable


def batchnorm_params(channels: int, center: bool = True, scale: bool = True) -> BatchNormParams:
    """``2c`` trainable (gamma, beta) and ``2c`` non-trainable (moving mean and variance)."""
    _positive_int(channels, "channels")
    return BatchNormParams((int(center) + int(scale)) * channels, 2 * channels)


def conv2d_macs(output_hw, kernel, in_channels: int, filters: int, groups: int = 1) -> int:
    """Multiply-accumulates of a Conv2D: ``h_out * w_out * c_out * k_h * k_w * c_in / groups``."""
    oh, ow = _pair(output_hw, "output_hw")
    kh, kw = _pair(kernel, "kernel")
    # The same divisibility rules as the parameters.
    conv2d_params(kernel, in_channels, filters, groups)
    return oh * ow * filters * kh * kw * (in_channels // groups)


def dense_macs(in_features: int, units: int, positions: int = 1) -> int:
    """Multiply-accumulates of a Dense layer applied at ``positions`` places (1 after Flatten)."""
    _positive_int(in_features, "in_features")
    _positive_int(units, "units")
    _positive_int(positions, "positions")
    return in_features * units * positions


def activation_memory(shape: Sequence[int], bytes_per_value: int = 4) -> int:
    """Bytes one image's activations take in a tensor of this shape (float32 by default)."""
    if not shape:
        raise ValueError(f"`shape` must hold at least one dimension. Received: shape={shape!r}")
    for n in shape:
        _positive_int(n, "shape")
    _positive_int(bytes_per_value, "bytes_per_value")
    return math.prod(shape) * bytes_per_value


@dataclass(frozen=True)
class Field:
    """Receptive field (pixels of the input one output unit sees) and jump (its stride there)."""

    size: int
    jump: int


def receptive_fields(layers: Sequence[Sequence[int]]) -> list[Field]:
    """Receptive field and jump after each layer of a chain.

    ``layers`` holds ``(kernel, stride)`` or ``(kernel, stride, dilation)`` per layer; padding does
    not change either number. Starts from one input pixel: ``r = 1``, ``j = 1``.
    """
    size, jump, fields = 1, 1, []
    for i, layer in enumerate(layers):
        if len(layer) not in (2, 3):
            raise ValueError(
                "Each layer must be (kernel, stride) or (kernel, stride, dilation). "
                f"Received: layers[{i}]={layer!r}"
            )
        kernel, stride = _positive_int(layer[0], "kernel"), _positive_int(layer[1], "stride")
        dilation = _positive_int(layer[2], "dilation") if len(layer) == 3 else 1
        size += dilation * (kernel - 1) * jump
        jump *= stride
        fields.append(Field(size, jump))
    return fields


# --------------------------------------------------------------------------- smallest input
@dataclass(frozen=True)
class Window:
    """One sliding-window layer on an architecture's main path, for input-size arithmetic."""

    kernel: int | tuple[int, int]
    stride: int | tuple[int, int] = 1
    padding: str | int | tuple[int, int] = "valid"
    dilation: int = 1


def _smallest_along(windows: Sequence[Window], axis: int) -> tuple[int, int]:
    """(smallest size whose every output is >= 1, total stride) along one axis."""
    total_stride = math.prod(_pair(w.stride, "stride")[axis] for w in windows)

    def fits(n: int) -> bool:
        for w in windows:
            n = output_size(
                n, _pair(w.kernel, "kernel")[axis], _pair(w.stride, "stride")[axis],
                w.padding, w.dilation,
            )
            if n < 1:
                return False
        return True

    # Output sizes grow with the input, so the first size that fits is the smallest.
    n = 1
    while not fits(n):
        n += 1
    return n, total_stride


def smallest_input(windows: Sequence[Window]) -> tuple[int, int]:
    """The smallest (height, width) an architecture accepts.

    The larger of the smallest size for which every layer's output is at least 1x1 and the
    network's total stride (below that, the last layers see only padding).
    """
    if not windows:
        raise ValueError("`windows` must list at least one layer. Received: []")
    return tuple(max(_smallest_along(windows, axis)) for axis in (0, 1))


def check_input_size(input_shape, windows: Sequence[Window], model: str) -> None:
    """Raise ValueError naming the smallest input that works when ``input_shape`` is smaller
    (an open height or width, None, is checked when the network is called)."""
    min_h, min_w = smallest_input(windows)
    h, w = input_shape[0], input_shape[1]
    if (h is not None and h < min_h) or (w is not None and w < min_w):
        raise ValueError(
            f"{model} needs an input of at least {min_h}x{min_w} pixels: below that some layer's "
            "output would be empty or smaller than the network's total stride. "
            f"Received: input_shape={tuple(input_shape)}"
        )


# --------------------------------------------------------------------------- per-layer table
@dataclass(frozen=True)
class LayerRow:
    """One layer's arithmetic: the hand formula's results next to Keras' own."""

    name: str
    kind: str
    window: str  # "5x5/1 valid" for sliding windows, "" otherwise
    formula_shape: tuple | None  # None where no hand formula is known for the layer type
    keras_shape: tuple
    formula_params: int | None
    keras_params: int
    macs: int
    activation_bytes: int
    field: Field | None  # None once the spatial layout is gone (Flatten, Dense, global pooling)


def _shape_str(shape) -> str:
    return "-" if shape is None else "x".join(str(n) for n in shape)


def _one_shape(tensor_or_list):
    return tuple(tensor_or_list.shape[1:])


def _inbound(layer) -> list:
    """Input tensors of a layer's first call (a layer may take one tensor or a list)."""
    inputs = layer.input
    return list(inputs) if isinstance(inputs, list | tuple) else [inputs]


def _window_text(kernel, stride, padding) -> str:
    kh, kw = _pair(kernel, "kernel")
    sh, sw = _pair(stride, "stride")
    pad = padding if isinstance(padding, str) else f"pad {padding}"
    stride_text = str(sh) if sh == sw else f"{sh}x{sw}"
    return f"{kh}x{kw}/{stride_text} {pad}"


def _sliding(in_shape, kernel, stride, padding, dilation=1):
    kh, kw = _pair(kernel, "kernel")
    sh, sw = _pair(stride, "stride")
    dh, dw = _pair(dilation, "dilation")
    return (
        output_size(in_shape[0], kh, sh, padding, dh),
        output_size(in_shape[1], kw, sw, padding, dw),
    )


def _arithmetic(layer, in_shapes):
    """(shape, params, macs, window text, kernel, stride, dilation) by hand, or None if unknown.

    ``kernel``/``stride`` feed the receptive field; (1, 1) for layers that keep the spatial map.
    Layers of classic.layers are recognised by their class name to keep this module standalone.
    """
    kind = type(layer).__name__
    cfg = layer.get_config()
    x = in_shapes[0]
    if kind == "InputLayer":
        return x, 0, 0, "", 1, 1, 1
    if kind in ("Conv2D", "SparseConv2D"):
        k, s, d = cfg["kernel_size"], cfg["strides"], cfg.get("dilation_rate", 1)
        h, w = _sliding(x, k, s, cfg["padding"], d)
        filters = cfg["filters"]
        if kind == "Conv2D":
            params = conv2d_params(k, x[2], filters, cfg["groups"], cfg["use_bias"])
            macs = conv2d_macs((h, w), k, x[2], filters, cfg["groups"])
        else:  # a connection table: each output map sees only some input maps
            kh, kw = _pair(k, "kernel")
            links = sum(len(inputs) for inputs in cfg["connections"])
            params = kh * kw * links + filters * int(cfg["use_bias"])
            macs = h * w * kh * kw * links
        return (h, w, filters), params, macs, _window_text(k, s, cfg["padding"]), k, s, d
    if kind in ("MaxPooling2D", "AveragePooling2D", "Subsampling"):
        k, s = cfg["pool_size"], cfg["strides"] or cfg["pool_size"]
        h, w = _sliding(x, k, s, cfg["padding"])
        params = 2 * x[2] if kind == "Subsampling" else 0  # coefficient and bias per map
        macs = h * w * x[2] if kind == "Subsampling" else 0
        return (h, w, x[2]), params, macs, _window_text(k, s, cfg["padding"]), k, s, 1
    if kind == "ZeroPadding2D":
        (top, bottom), (left, right) = cfg["padding"]
        return (x[0] + top + bottom, x[1] + left + right, x[2]), 0, 0, "", 1, 1, 1
    if kind == "Dense":
        units = cfg["units"]
        params = dense_params(x[-1], units, cfg["use_bias"])
        macs = dense_macs(x[-1], units, math.prod(x[:-1]) if len(x) > 1 else 1)
        return (*x[:-1], units), params, macs, "", None, None, None
    if kind == "RBF":
        return (cfg["units"],), cfg["units"] * x[-1], cfg["units"] * x[-1], "", None, None, None
    if kind == "Flatten":
        return (math.prod(x),), 0, 0, "", None, None, None
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        shape = (1, 1, x[-1]) if cfg.get("keepdims") else (x[-1],)
        return shape, 0, 0, "", None, None, None
    if kind == "BatchNormalization":
        bn = batchnorm_params(x[-1], cfg["center"], cfg["scale"])
        return x, bn.total, 0, "", 1, 1, 1
    if kind in ("Activation", "ReLU", "Softmax", "Dropout", "LocalResponseNormalization",
                "Rescaling"):
        return x, 0, 0, "", 1, 1, 1
    if kind == "Concatenate":
        axis = cfg["axis"] % (len(x) + 1) - 1
        joined = list(x)
        joined[axis] = sum(s[axis] for s in in_shapes)
        return tuple(joined), 0, 0, "", 1, 1, 1
    if kind in ("Add", "Multiply", "Average", "Maximum", "Subtract"):
        return x, 0, 0, "", 1, 1, 1
    return None


# Layers that only move values: their outputs can be views of values already counted, so the
# activation memory counts nothing for them (Dropout passes its input through at test time).
MOVES_ONLY = ("Flatten", "Reshape", "Permute", "Concatenate", "ZeroPadding2D", "Cropping2D",
              "Dropout", "SpatialDropout2D", "Identity")


def counts_activations(layer) -> bool:
    """Whether ``layer``'s output counts in the activation memory: the input, and every layer
    that computes new values (convolutions, dense layers, pooling, normalizations, activations,
    additions); not the layers of ``MOVES_ONLY``."""
    return type(layer).__name__ not in MOVES_ONLY


# What the backward pass reads. Most layers' gradients need their input (a convolution's weight
# gradient is input x output gradient); an activation whose derivative is a function of its own
# output (ReLU: y > 0; tanh: 1 - y^2; sigmoid: y(1 - y); softmax) needs its output instead; an
# addition and batch normalization's output need to be kept by nobody but a reader.
_OUTPUT_GRADIENT = ("relu", "tanh", "sigmoid", "softmax", "scaled_tanh")
_NEEDS_NO_INPUT = ("Add", "Subtract", "Activation", "ReLU", "Softmax", "GlobalAveragePooling2D",
                   "AveragePooling2D") + MOVES_ONLY
_OUTPUT_NOT_NEEDED = ("BatchNormalization", "Add", "Subtract", "GlobalAveragePooling2D",
                      "AveragePooling2D") + MOVES_ONLY


def _activation_name(layer) -> str | None:
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return getattr(activation, "__name__", type(activation).__name__)


def _needs_output(layer) -> bool:
    """Whether ``layer``'s own gradient reads its output: a ReLU, tanh, sigmoid or softmax (as a
    layer or built into one), max pooling, and any layer the course does not know."""
    kind = type(layer).__name__
    if kind in _OUTPUT_NOT_NEEDED:
        return False
    name = _activation_name(layer)
    if name is not None:
        return name in _OUTPUT_GRADIENT or name != "linear"
    return kind not in ("Conv2D", "Dense", "DepthwiseConv2D", "SeparableConv2D")


def _needs_input(layer) -> bool:
    """Whether ``layer``'s gradient reads its input (a convolution, dense layer, normalization or
    max pooling does; an addition, a ReLU-like activation or a layer that only moves values
    does not)."""
    kind = type(layer).__name__
    if kind == "Activation":
        return _activation_name(layer) not in _OUTPUT_GRADIENT
    return kind not in _NEEDS_NO_INPUT


def _readers(layer) -> list:
    """The layers that read ``layer``'s output, seen through layers that only move values (a
    concatenation's reader reads the maps it joins)."""
    found = []
    for node in getattr(layer, "_outbound_nodes", []):
        reader = node.operation
        if type(reader).__name__ in MOVES_ONLY:
            found.extend(_readers(reader))
        else:
            found.append(reader)
    return found


def kept_for_backward(layer) -> bool:
    """Whether ``layer``'s output counts in the activation memory: whether the backward pass
    reads it, for this layer's gradient (a ReLU's) or for a reader's (a convolution reads its
    input). A layer that only moves values (``MOVES_ONLY``) counts nothing; the maps it joins
    count where they are made. Batch normalization's output before a ReLU or an addition, and an
    addition's output before a ReLU, are read by no gradient: they do not count, whether the
    ReLU is a layer of its own (ResNet) or built into the layer (VGG)."""
    if not counts_activations(layer):
        return False
    readers = _readers(layer)
    return _needs_output(layer) or not readers or any(_needs_input(r) for r in readers)


def _layer_rows(model) -> list[LayerRow]:
    fields: dict[str, Field | None] = {}
    rows = []
    for layer in model.layers:
        is_input = type(layer).__name__ == "InputLayer"
        inbound = [layer.output] if is_input else _inbound(layer)
        in_shapes = [_one_shape(t) for t in inbound]
        keras_shape = _one_shape(layer.output)
        keras_params = layer.count_params()
        found = _arithmetic(layer, in_shapes)
        if found is None:
            formula_shape = formula_params = None
            macs, window, field = 0, "", None
        else:
            formula_shape, formula_params, macs, window, kernel, stride, dilation = found
            if formula_shape != keras_shape:
                raise ArithmeticMismatch(
                    f"Layer {layer.name!r} ({type(layer).__name__}): the hand formula gives "
                    f"{_shape_str(formula_shape)}, Keras gives {_shape_str(keras_shape)}."
                )
            if formula_params != keras_params:
                raise ArithmeticMismatch(
                    f"Layer {layer.name!r} ({type(layer).__name__}): the hand formula gives "
                    f"{formula_params:,} parameters, Keras counts {keras_params:,}."
                )
            # Receptive field: the widest input branch, grown by this layer's window.
            parents = [] if is_input else [t._keras_history.operation.name for t in inbound]
            before = [fields.get(p) for p in parents] or [Field(1, 1)]
            if kernel is None or any(f is None for f in before):
                field = None
            else:
                widest = max(before, key=lambda f: f.size)
                (grown,) = receptive_fields([(_pair(kernel, "kernel")[0],
                                              _pair(stride, "stride")[0],
                                              _pair(dilation, "dilation")[0])])
                field = Field(widest.size + (grown.size - 1) * widest.jump,
                              widest.jump * grown.jump)
        fields[layer.name] = field
        rows.append(
            LayerRow(
                name=layer.name,
                kind=type(layer).__name__,
                window=window,
                formula_shape=formula_shape,
                keras_shape=keras_shape,
                formula_params=formula_params,
                keras_params=keras_params,
                macs=macs,
                activation_bytes=(activation_memory(keras_shape)
                                  if all(keras_shape) and kept_for_backward(layer) else 0),
                field=field,
            )
        )
    return rows


@dataclass(frozen=True)
class TypeActivations:
    """One layer type's share of a model's activation memory (one image, float32): how many
    layers of the type there are, how many of them count (:func:`kept_for_backward`), the bytes
    those count, and the bytes of the outputs that do not (read by no gradient, or only moved)."""

    layers: int
    counted: int
    bytes: int
    uncounted_bytes: int


def activations_by_type(model) -> dict[str, TypeActivations]:
    """:func:`totals`' activation memory split by layer type (the class name), in model order;
    the ``bytes`` add up to ``totals(model).activation_bytes``."""
    found: dict[str, list[int]] = {}
    for layer in model.layers:
        shape = _one_shape(layer.output)
        size = activation_memory(shape) if all(shape) else 0
        entry = found.setdefault(type(layer).__name__, [0, 0, 0, 0])
        entry[0] += 1
        if kept_for_backward(layer):
            entry[1] += 1
            entry[2] += size
        else:
            entry[3] += size
    return {kind: TypeActivations(*entry) for kind, entry in found.items()}


@dataclass(frozen=True)
class Totals:
    """A model's totals: parameters (all, trainable), MACs and activation memory per image."""

    params: int
    trainable_params: int
    macs: int
    activation_bytes: int


def totals(model) -> Totals:
    """Parameters, MACs per image and float32 activation bytes per image of a whole model.

    The activation bytes add up, one image in float32, what the backward pass reads
    (:func:`kept_for_backward`): the input and every layer output that a gradient needs, its
    own layer's (a ReLU's) or a reader's (a convolution's). Layers that only move values
    (``MOVES_ONLY``: Flatten, Concatenate, ZeroPadding2D, Dropout, ...) add nothing, and batch
    normalization's output before a ReLU adds nothing. One rule for every network: a ReLU
    counts once, whether it is a layer of its own or built into a convolution, and towers
    joined by a concatenation cost what they compute, not what they copy."""
    rows = _layer_rows(model)
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    return Totals(
        params=model.count_params(),
        trainable_params=int(trainable),
        macs=sum(r.macs for r in rows),
        activation_bytes=sum(r.activation_bytes for r in rows),
    )


def table(model, title: str | None = None) -> Table:
    """Every layer's output shape and parameters, checked by hand, with MACs, memory and RF.

    Each layer's output shape and parameter count are worked out by the hand formulas and
    compared with Keras': the table raises ArithmeticMismatch where they disagree, so a value
    shown was found by both ("checked": yes), or by Keras alone where the course has no formula
    for that kind of layer ("Keras only"); where every layer was found by both, the title says
    so and the column is left out. Activation memory is for one image in float32, by
    :func:`totals`' rule ("-" for a layer that only moves values); RF is the receptive field in
    input pixels and jump its stride there.
    """
    rows = _layer_rows(model)
    columns = ["layer", "type", "window", "output", "params", "checked", "MACs",
               "activations KiB", "RF", "jump"]
    cells = [
        [
            r.name, r.kind, r.window, _shape_str(r.keras_shape), r.keras_params,
            "yes" if r.formula_shape is not None else "Keras only", r.macs,
            round(r.activation_bytes / 1024, 1) if r.activation_bytes else None,
            r.field.size if r.field else None, r.field.jump if r.field else None,
        ]
        for r in rows
    ]
    total = totals(model)
    unchecked = sum(r.formula_params is None for r in rows)
    cells.append(["total", "", "", "", total.params,
                  "yes" if not unchecked else f"{len(rows) - unchecked} of {len(rows)} layers",
                  total.macs, round(total.activation_bytes / 1024, 1), None, None])
    title = title or f"{model.name}: shapes, parameters and costs"
    if not unchecked:  # a column that says "yes" on every row says nothing: the title says it
        at = columns.index("checked")
        columns.pop(at)
        for row in cells:
            row.pop(at)
        title += " (every shape and parameter count also worked out by the hand formulas)"
    return Table(columns, cells, title=title)


def compare(models: dict) -> Table:
    """Several models side by side: input, parameters, MACs and activation memory per image."""
    rows = []
    for label, model in models.items():
        total = totals(model)
        rows.append([
            label, _shape_str(tuple(model.input_shape[1:])), total.params,
            total.trainable_params, total.macs, round(total.activation_bytes / 1024, 1),
        ])
    columns = ["model", "input", "params", "trainable", "MACs", "activations KiB"]
    return Table(columns, rows, title="Side by side (per image)")
