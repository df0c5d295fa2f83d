"""GoogLeNet (Inception v1): Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke and
Rabinovich, "Going Deeper with Convolutions", CVPR 2015 (arXiv 2014): Table 1, Figures 2(b) and 3,
Section 5 (the auxiliary classifiers).

Table 1's widths, :func:`googlenet` that builds the network, and :func:`table1` that regenerates
the paper's Table 1 from a built model. The blocks live in :mod:`classic.models.inception_blocks`
and are importable from here too: GoogLeNet's modules (:func:`inception_module`,
:func:`naive_inception_module`, :func:`conv_block`) and the later Inception ideas the source post
describes, as blocks to study next to the v1 module (:func:`inception_v2_block`,
:func:`factorized_conv`, :func:`factorized_block`, :func:`inception_resnet_a`, with
:func:`factorization_savings` doing the arithmetic).
"""

from __future__ import annotations

import math

import keras

from classic import layers as classic_layers
from classic import shapes
from classic.models import pretrained
from classic.models._common import (
    build_model,
    check_common,
    choice,
    fraction,
    global_pool,
    network_input,
    output_dtype,
    positive_number,
    scaled,
)
from classic.models.inception_blocks import (
    FACTORIZATIONS,
    INCEPTION_RESNET_A,
    RESIDUAL_SCALE,
    Savings,
    _bn_options,
    conv_block,
    factorization_savings,
    factorized_block,
    factorized_conv,
    inception_module,
    inception_resnet_a,
    inception_v2_block,
    naive_inception_module,
)
from classic.shapes import Window, check_input_size
from classic.tables import Table

# Table 1: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) of each inception module. A
# module's output depth is #1x1 + #3x3 + #5x5 + pool proj (3a: 64 + 128 + 32 + 32 = 256).
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
# Table 1's stages: a 3x3/2 max pool (pool3, pool4) between them.
STAGES = (("3a", "3b"), ("4a", "4b", "4c", "4d", "4e"), ("5a", "5b"))
# Table 1's stem: conv 7x7/2 with 64 maps, then (after a max pool) "convolution 3x3/1" of depth 2:
# a 1x1 "3x3 reduce" with 64 maps and a 3x3 with 192.
STEM = {"conv1": 64, "conv2_reduce": 64, "conv2": 192}

# Section 5: the two auxiliary classifiers sit on top of 4a and 4d: average pool 5x5/3 (4x4 maps at
# 224), 1x1 convolution with 128 filters, fully connected 1024, dropout 70%, linear + softmax.
AUX_AFTER = ("4a", "4d")
AUX_POOL, AUX_POOL_STRIDE = 5, 3
AUX_CONV, AUX_FC, AUX_DROPOUT = 128, 1024, 0.7

# The paper shows LocalRespNorm in Figure 3 but gives no settings. These are the reference Caffe
# model's (bvlc_googlenet: local_size 5, alpha 1e-4, beta 0.75, k 1), in the paper's convention
# that classic.layers uses (Caffe divides alpha by n = 5): weaker than AlexNet's (k = 2).
LRN = {"depth_radius": 2, "bias": 1.0, "alpha": 1e-4 / 5, "beta": 0.75}

# The main path as sliding windows (every layer pads "same": 224 -> 112 -> 56 -> 28 -> 14 -> 7):
# conv1 7x7/2, pool1 3x3/2, conv2 1x1 and 3x3, pool2, pool3, pool4, each 3x3/2. Inception modules
# keep the size. The final average pool is global, so it fits any map: the smallest input is the
# total stride, 32.
WINDOWS = (
    Window(7, 2, "same"), Window(3, 2, "same"), Window(1), Window(3, 1, "same"),
    Window(3, 2, "same"), Window(3, 2, "same"), Window(3, 2, "same"),
)
# An auxiliary classifier's path: the stem and pool3 (stride 16 at 4a and 4d, which keep the size),
# then its 5x5/3 average pool without padding. It needs a 5x5 map: ceil(n / 16) >= 5, n >= 65.
AUX_WINDOWS = WINDOWS[:6] + (Window(AUX_POOL, AUX_POOL_STRIDE),)


# --------------------------------------------------------------------------- the network
def _aux_classifier(x, name, classes, classifier_activation, width, bn):
    """Section 5's auxiliary classifier on 4a or 4d, an extra output ``{name}_predictions``."""
    x = keras.layers.AveragePooling2D(
        AUX_POOL, strides=AUX_POOL_STRIDE, padding="valid", name=f"{name}_avg_pool"
    )(x)
    x = conv_block(x, scaled(AUX_CONV, width), 1, f"{name}_conv", **bn)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    x = keras.layers.Dense(scaled(AUX_FC, width), activation="relu", name=f"{name}_fc")(x)
    x = keras.layers.Dropout(AUX_DROPOUT, name=f"{name}_dropout")(x)
    return keras.layers.Dense(
        classes, activation=classifier_activation, name=f"{name}_predictions",
        dtype=output_dtype(),
    )(x)


def smallest_input(aux_logits: bool = False) -> tuple[int, int]:
    """The smallest (height, width) :func:`googlenet` accepts: 32x32, 65x65 with ``aux_logits``."""
    choice(aux_logits, "aux_logits", (True, False))
    paths = (WINDOWS, AUX_WINDOWS) if aux_logits else (WINDOWS,)
    sizes = [shapes.smallest_input(path) for path in paths]
    return max(s[0] for s in sizes), max(s[1] for s in sizes)


def googlenet(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    aux_logits=False,
    batch_norm=False,
    bn_momentum=0.99,
    lrn=True,
    width=1.0,
    dropout=0.4,
    modules="reduced",
    weights=None,
    input_tensor=None,
):
    """GoogLeNet as in Table 1 and Figure 3 of the paper (defaults), as a functional Keras model.

    Defaults, and where they come from:

    * ``input_shape=(224, 224, 3)``: "the size of the receptive field in our network is 224x224
      taking RGB color channels with mean subtraction" (Section 5).
    * The stem of Table 1 and Figure 3: conv 7x7/2 (64), max pool 3x3/2, local response
      normalization, conv 1x1 (64, Table 1's "3x3 reduce"), conv 3x3 (192), local response
      normalization, max pool 3x3/2; then inception 3a, 3b, max pool 3x3/2, 4a to 4e, max pool
      3x3/2, 5a, 5b, with Table 1's widths (:data:`INCEPTION`) and true 5x5 convolutions.
      Every convolution and pool pads "same", so 224 -> 112 -> 56 -> 28 -> 14 -> 7 as in
      Table 1; every convolution is followed by a ReLU ("All the convolutions, including those
      inside the Inception modules, use rectified linear activation", Section 5).
    * ``lrn=True``: the two LocalRespNorm layers of Figure 3, with the reference Caffe model's
      settings (:data:`LRN`; the paper gives none). ``lrn=False`` drops them, as torchvision does.
    * The final "avg pool 7x7/1" is a global average pooling (``pool5_global_avg``): identical on
      the 7x7 map of a 224x224 input, and it lets the network run on the smaller inputs the
      course trains on. Then ``dropout=0.4`` (Table 1's "dropout (40%)") and a linear layer with
      a ``classes``-way softmax, named ``predictions``.
    * ``aux_logits=False``: ``True`` adds Section 5's two auxiliary classifiers on top of 4a and
      4d (average pool 5x5/3, 1x1 conv 128 + ReLU, FC 1024 + ReLU, dropout 70%, linear +
      softmax) as extra outputs: the model returns ``[predictions, aux1_predictions,
      aux2_predictions]``. The paper adds their losses with weight 0.3 during training
      (``loss_weights=[1, 0.3, 0.3]``) and discards them at inference. They need a 5x5 map after
      4a, which raises the smallest input from 32x32 to 65x65.
    * ``batch_norm=False``: GoogLeNet predates batch normalization. ``True`` puts a
      BatchNormalization (``bn_momentum``, Keras' default 0.99) between each convolution (then
      without bias) and its ReLU, as torchvision's GoogLeNet does. This is *not* BN-Inception,
      which also changes the modules (:func:`inception_v2_block`) and drops LRN and dropout.
    * ``width=1.0``: multiplies every convolution's and hidden dense layer's width (not the
      paper's; for width-scaled networks that train on a CPU).
    * ``modules="reduced"``: the modules with dimension reductions (Figure 2(b)) that GoogLeNet
      uses. ``"naive"`` builds every module as Figure 2(a) (:func:`naive_inception_module`), the
      version the paper rejects as too costly, to measure what the 1x1 reductions buy.
    * Weights start from Keras' Glorot-uniform (the reference Caffe model's "xavier"), zero biases.

    The smallest input is 32x32 (the total stride; every map pads "same"), 65x65 with
    ``aux_logits``. ``include_top=False`` ends at ``inception_5b_concat`` (then ``pooling``).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it).
    """
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor)
    pretrained.check(weights, "googlenet", shape, classes, include_top)  # None only
    choice(aux_logits, "aux_logits", (True, False))
    _bn_options(batch_norm, bn_momentum)
    choice(lrn, "lrn", (True, False))
    positive_number(width, "width")
    fraction(dropout, "dropout")
    choice(modules, "modules", ("reduced", "naive"))
    keras.activations.get(classifier_activation)  # an unknown name fails here, before building
    if aux_logits and not include_top:
        raise ValueError(
            "`aux_logits=True` adds classifiers, so it needs `include_top=True`. "
            f"Received: aux_logits={aux_logits!r}, include_top={include_top!r}"
        )
    name = "googlenet_bn" if batch_norm else "googlenet"
    if modules == "naive":
        name += "_naive"
    # The path that needs the larger input is checked first, so the error names the right size.
    paths = (AUX_WINDOWS, WINDOWS) if aux_logits else (WINDOWS,)
    for path in paths:
        check_input_size(shape, path, f"{name} with aux_logits=True" if aux_logits else name)

    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}

    def pool(x, number):
        return keras.layers.MaxPooling2D(
            3, strides=2, padding="same", name=f"pool{number}_3x3_s2"
        )(x)

    inputs = network_input(shape, input_tensor)
    x = conv_block(inputs, scaled(STEM["conv1"], width), 7, "conv1_7x7_s2", strides=2, **bn)
    x = pool(x, 1)
    if lrn:
        x = classic_layers.LocalResponseNormalization(**LRN, name="pool1_norm1")(x)
    x = conv_block(x, scaled(STEM["conv2_reduce"], width), 1, "conv2_3x3_reduce", **bn)
    x = conv_block(x, scaled(STEM["conv2"], width), 3, "conv2_3x3", **bn)
    if lrn:
        x = classic_layers.LocalResponseNormalization(**LRN, name="conv2_norm2")(x)
    x = pool(x, 2)

    aux_outputs = []
    for number, stage in enumerate(STAGES, start=3):
        if number > 3:
            x = pool(x, number - 1)  # pool3 before stage 4, pool4 before stage 5
        for module in stage:
            widths = tuple(scaled(w, width) for w in INCEPTION[module])
            block = inception_module if modules == "reduced" else naive_inception_module
            x = block(x, widths, f"inception_{module}", **bn)
            if aux_logits and module in AUX_AFTER:
                aux_name = f"aux{AUX_AFTER.index(module) + 1}"
                aux_outputs.append(
                    _aux_classifier(x, aux_name, classes, classifier_activation, width, bn)
                )

    if not include_top:
        return build_model(inputs, global_pool(x, pooling), name=name)
    x = keras.layers.GlobalAveragePooling2D(name="pool5_global_avg")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                           dtype=output_dtype())(x)
    return build_model(inputs, [x, *aux_outputs] if aux_logits else x, name=name)


# --------------------------------------------------------------------------- Table 1 regenerated
# Table 1 as printed: (our layers' name prefix, type, patch size/stride, output size, depth,
# params, ops). The paper counts weights without biases; its "K" of parameters is 1024 (the
# "convolution 3x3/1" row: 64*64 + 3*3*64*192 = 114,688 weights = 112.0 x 1024, printed 112K;
# the linear layer: 1024*1000 = 1000 x 1024, printed 1000K) and its "M" of ops is 10^6
# multiply-adds (the same row: 114,688 * 56 * 56 = 359.7M, printed 360M).
TABLE1 = (
    ("conv1_", "convolution", "7x7/2", "112x112x64", 1, "2.7K", "34M"),
    ("pool1_", "max pool", "3x3/2", "56x56x64", 0, "", ""),
    ("conv2_", "convolution", "3x3/1", "56x56x192", 2, "112K", "360M"),
    ("pool2_", "max pool", "3x3/2", "28x28x192", 0, "", ""),
    ("inception_3a_", "inception (3a)", "", "28x28x256", 2, "159K", "128M"),
    ("inception_3b_", "inception (3b)", "", "28x28x480", 2, "380K", "304M"),
    ("pool3_", "max pool", "3x3/2", "14x14x480", 0, "", ""),
    ("inception_4a_", "inception (4a)", "", "14x14x512", 2, "364K", "73M"),
    ("inception_4b_", "inception (4b)", "", "14x14x512", 2, "437K", "88M"),
    ("inception_4c_", "inception (4c)", "", "14x14x512", 2, "463K", "100M"),
    ("inception_4d_", "inception (4d)", "", "14x14x528", 2, "580K", "119M"),
    ("inception_4e_", "inception (4e)", "", "14x14x832", 2, "840K", "170M"),
    ("pool4_", "max pool", "3x3/2", "7x7x832", 0, "", ""),
    ("inception_5a_", "inception (5a)", "", "7x7x832", 2, "1072K", "54M"),
    ("inception_5b_", "inception (5b)", "", "7x7x1024", 2, "1388K", "71M"),
    ("pool5_", "avg pool", "7x7/1", "1x1x1024", 0, "", ""),
    ("dropout", "dropout (40%)", "", "1x1x1024", 0, "", ""),
    ("predictions", "linear", "", "1x1x1000", 1, "1000K", "1M"),
    (None, "softmax", "", "1x1x1000", 0, "", ""),
)
PAPER_K, PAPER_M = 1024, 10**6

# Why a row differs from the paper beyond its rounding (weights without biases, K = 1024).
_LOW = "paper's params up to 2% below its widths' count; its ops agree"
TABLE1_NOTES = {
    "conv1_": "paper: 29% of 7*7*3*64 weights, in both columns (34M / 112^2 = 2.7K); unexplained",
    "pool1_": "+ LRN (Figure 3; not in Table 1)",
    "conv2_": "1x1 reduce, then 3x3; + LRN (Figure 3)",
    "inception_4a_": _LOW,
    "inception_4c_": "paper's params 7% low, its ops not: 100M / 14^2 = 510K weights",
    "inception_4d_": _LOW,
    "inception_4e_": _LOW,
    "inception_5a_": "paper 5% high in both columns (1072K * 7^2 = 54M): not these widths",
    "inception_5b_": _LOW,
    "pool5_": "global average pooling: the same on a 7x7 map",
    "predictions": "1024*1000 = 1000K exactly; softmax inside the layer",
}


def _paper_number(text: str, unit: int) -> float | None:
    return float(text[:-1]) * unit if text else None


def _percent(ours: int, paper: float | None) -> float | None:
    """How far ours is above (+) or below (-) the paper's number, in percent."""
    if paper is None:
        return None
    return round(100 * (ours - paper) / paper, 1) or 0.0  # no "-0"


def _kernel_weights(layer) -> int:
    """Weights without biases (what the paper counts): a Conv2D's or Dense's kernel."""
    if isinstance(layer, keras.layers.Conv2D | keras.layers.Dense):
        return math.prod(layer.kernel.shape)
    return 0


def _shape_text(shape) -> str:
    """Table 1 writes vectors as 1x1xN."""
    shape = tuple(shape)
    return "x".join(str(n) for n in ((1, 1) + shape if len(shape) == 1 else shape))


def table1(model=None) -> Table:
    """Table 1 of the paper regenerated from a GoogLeNet built at 224x224 (``googlenet()``).

    Per row: the paper's type, patch size/stride and depth; the output size and the six widths
    read from the model; its parameters (with biases, as Keras counts them), its weights (kernels
    only, as the paper counts) and MACs (from :func:`classic.shapes.table`) next to the paper's
    printed params and ops, the differences in percent and a note. The paper's "K" is 1024
    weights and its "M" 10^6 multiply-adds (see :data:`TABLE1`). Auxiliary classifiers, if the
    model has them, are not rows of Table 1 and are left out.
    """
    if model is None:
        model = googlenet()
    names = {layer.name for layer in model.layers}
    if "inception_3a_concat" not in names or "predictions" not in names:
        raise ValueError(
            "`model` must be a GoogLeNet built by googlenet() with include_top=True. "
            f"Received: model={getattr(model, 'name', model)!r}"
        )
    input_size = tuple(model.inputs[0].shape[1:3])
    if input_size != (224, 224):
        raise ValueError(
            "Table 1 is for 224x224 inputs: build the model with input_shape=(224, 224, 3). "
            f"Received: a model with {input_size[0]}x{input_size[1]} inputs"
        )
    macs = dict(zip(*(shapes.table(model).column(c) for c in ("layer", "MACs")), strict=True))

    columns = [
        "type", "patch size/stride", "output size", "depth", "#1x1", "#3x3 reduce", "#3x3",
        "#5x5 reduce", "#5x5", "pool proj", "params", "weights", "paper params",
        "weights vs paper %", "MACs", "paper ops", "MACs vs paper %", "note",
    ]
    rows = []
    total = {"depth": 0, "params": 0, "weights": 0, "macs": 0, "paper_params": 0.0,
             "paper_ops": 0.0}
    output = "-"
    for prefix, kind, patch, _, depth, paper_params, paper_ops in TABLE1:
        group = [] if prefix is None else [
            layer for layer in model.layers if layer.name.startswith(prefix)
        ]
        if group:
            output = _shape_text(group[-1].output.shape[1:])
        widths = [None] * 6
        if prefix and prefix.startswith("inception_"):
            branches = ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj")
            widths = [model.get_layer(prefix + b).filters for b in branches]
        elif prefix == "conv2_":
            widths[1:3] = [model.get_layer(f"conv2_3x3{s}").filters for s in ("_reduce", "")]
        params = sum(layer.count_params() for layer in group)
        weights = sum(_kernel_weights(layer) for layer in group)
        group_macs = sum(macs[layer.name] for layer in group)
        p_params = _paper_number(paper_params, PAPER_K)
        p_ops = _paper_number(paper_ops, PAPER_M)
        for key, value in (("depth", depth), ("params", params), ("weights", weights),
                           ("macs", group_macs), ("paper_params", p_params or 0),
                           ("paper_ops", p_ops or 0)):
            total[key] += value
        rows.append([
            kind, patch, output, depth, *widths, params, weights, paper_params or None,
            _percent(weights, p_params) if weights else None, group_macs,
            paper_ops or None, _percent(group_macs, p_ops) if group_macs else None,
            TABLE1_NOTES.get(prefix, ""),
        ])
    rows.append([
        "total", "", "", total["depth"], *[None] * 6, total["params"], total["weights"],
        f"{total['paper_params'] / PAPER_K:,.1f}K",
        _percent(total["weights"], total["paper_params"]),
        total["macs"], f"{total['paper_ops'] / PAPER_M:,.0f}M",
        _percent(total["macs"], total["paper_ops"]),
        "sums of the columns; the paper's text: 22 layers with parameters, 1.5G multiply-adds",
    ])
    return Table(columns, rows, title="GoogLeNet: Table 1 of Szegedy et al. (CVPR 2015) "
                 "regenerated at 224x224, next to the paper's params and ops")


__all__ = [
    # Table 1, Section 5 and the network
    "AUX_AFTER",
    "AUX_CONV",
    "AUX_DROPOUT",
    "AUX_FC",
    "AUX_POOL",
    "AUX_POOL_STRIDE",
    "AUX_WINDOWS",
    "INCEPTION",
    "LRN",
    "PAPER_K",
    "PAPER_M",
    "STAGES",
    "STEM",
    "TABLE1",
    "TABLE1_NOTES",
    "WINDOWS",
    "googlenet",
    "smallest_input",
    "table1",
    # the blocks, from classic.models.inception_blocks
    "FACTORIZATIONS",
    "INCEPTION_RESNET_A",
    "RESIDUAL_SCALE",
    "Savings",
    "conv_block",
    "factorization_savings",
    "factorized_block",
    "factorized_conv",
    "inception_module",
    "inception_resnet_a",
    "inception_v2_block",
    "naive_inception_module",
]
