"""DenseNet: Huang, Liu, van der Maaten and Weinberger, "Densely Connected Convolutional Networks",
CVPR 2017 (arXiv 2016), Section 3 and Table 1; layer names as keras.applications' densenet.py,
so its weights copy by name.

The post's last section describes the paper's three designs; ``bottleneck`` and ``compression``
select them, and DenseNet-C, which the paper names ("Compression") but reports no results for:

=================  ==============================================  ===========================
variant            dense layer (repeated inside a dense block)     transition (between blocks)
=================  ==============================================  ===========================
DenseNet           BN-ReLU-Conv3x3(k)                              BN-ReLU-Conv1x1(m)-AvgPool
DenseNet-B         BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)          BN-ReLU-Conv1x1(m)-AvgPool
DenseNet-C         BN-ReLU-Conv3x3(k)                              BN-ReLU-Conv1x1(θm)-AvgPool
DenseNet-BC        BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)          BN-ReLU-Conv1x1(θm)-AvgPool
=================  ==============================================  ===========================

Every dense layer's k new maps are concatenated to its input, so a block that starts with c maps
ends with c + n*k; a transition keeps ``floor(θ*m)`` of the m maps it receives (θ = 0.5 in the
paper). The post: "B" adds the 1x1 bottleneck that cuts each layer's input to 4k maps, "BC" adds
θ = 0.5 to B's transitions, halving the maps between blocks; it puts a dropout after every
convolution, as the paper does (rate 0.2, every convolution but the first) for CIFAR and SVHN
without augmentation.

On ImageNet the paper trains DenseNet-BC only (Table 1, k = 32; the authors' repository added
the -BC code and the ImageNet results together in December 2016, months after the first arXiv
version): there are no ImageNet DenseNet, -B or -C networks to compare with. Its CIFAR/SVHN
networks (Table 2) have three dense blocks and start with one 3x3 convolution:
:func:`cifar_densenet` builds them from the same dense layers and transitions.
:func:`connection_weights` measures how much each layer of a trained block uses each earlier one
(the paper's Figure 5).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from classic.models import pretrained
from classic.models._common import (
    build_model,
    check_common,
    choice,
    global_pool,
    network_input,
    output_dtype,
    positive_int,
)
from classic.shapes import Window, check_input_size

# keras.applications' own, for the ImageNet weights (RGB in [0, 255]; see pretrained.py)
preprocess_input = keras.applications.densenet.preprocess_input
decode_predictions = keras.applications.densenet.decode_predictions

# Table 1: layers per dense block (each a 1x1 + 3x3 pair in DenseNet-BC), growth rate k = 32.
BLOCKS = {
    121: (6, 12, 24, 16),
    169: (6, 12, 32, 32),
    201: (6, 12, 48, 32),
    264: (6, 12, 64, 48),
}

BN_EPSILON = 1.001e-5  # keras.applications' value, so copied weights give the same outputs

# The main path as sliding windows: stem conv 7x7/2 (pad 3) and max pool 3x3/2 (pad 1), then one
# 2x2/2 average pool per transition. A dense block's 3x3 convolutions keep the size ("same").
STEM_WINDOWS = (Window(7, 2, 3), Window(3, 2, 1))
TRANSITION_WINDOW = Window(2, 2)


def windows(blocks: Sequence[int]) -> tuple[Window, ...]:
    """The main path's windows for a network of ``len(blocks)`` dense blocks."""
    return STEM_WINDOWS + (Window(3, 1, "same"),) + (TRANSITION_WINDOW,) * (len(blocks) - 1)


def depth(blocks: Sequence[int], bottleneck: bool = True) -> int:
    """The paper's L: convolutions and the classifier (121 for Table 1's first network)."""
    per_layer = 2 if bottleneck else 1
    return 1 + per_layer * sum(blocks) + (len(blocks) - 1) + 1


def channels(blocks, growth_rate, compression, init_channels) -> list[int]:
    """Maps after the stem, then after each dense block and each transition, in order."""
    c = init_channels
    plan = [c]
    for i, layers_in_block in enumerate(blocks):
        c += layers_in_block * growth_rate
        plan.append(c)
        if i < len(blocks) - 1:
            c = int(c * compression)  # keras.applications' floor(θ*m)
            plan.append(c)
    return plan


def _bn(x, name, momentum):
    return keras.layers.BatchNormalization(
        axis=-1, epsilon=BN_EPSILON, momentum=momentum, name=name
    )(x)


def _dropout(x, rate, name):
    return keras.layers.Dropout(rate, name=name)(x) if rate else x


def conv_block(x, growth_rate, name, *, bottleneck=True, bn_momentum=0.99, dropout=0.0):
    """One dense layer: [BN-ReLU-Conv1x1(4k)]-BN-ReLU-Conv3x3(k), concatenated to its input."""
    y = _bn(x, f"{name}_0_bn", bn_momentum)
    y = keras.layers.Activation("relu", name=f"{name}_0_relu")(y)
    if bottleneck:
        y = keras.layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
        y = _dropout(y, dropout, f"{name}_1_drop")
        y = _bn(y, f"{name}_1_bn", bn_momentum)
        y = keras.layers.Activation("relu", name=f"{name}_1_relu")(y)
        y = keras.layers.Conv2D(
            growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv"
        )(y)
        y = _dropout(y, dropout, f"{name}_2_drop")
    else:
        y = keras.layers.Conv2D(
            growth_rate, 3, padding="same", use_bias=False, name=f"{name}_1_conv"
        )(y)
        y = _dropout(y, dropout, f"{name}_1_drop")
    return keras.layers.Concatenate(axis=-1, name=f"{name}_concat")([x, y])


def dense_block(x, layers_in_block, growth_rate, name, **options):
    """``layers_in_block`` dense layers named ``{name}_block1`` ... (``conv2_block1`` ...)."""
    for i in range(layers_in_block):
        x = conv_block(x, growth_rate, f"{name}_block{i + 1}", **options)
    return x


def transition_block(x, filters, name, *, bn_momentum=0.99, dropout=0.0):
    """BN-ReLU-Conv1x1(``filters`` = floor(θ*m)), then 2x2/2 average pooling."""
    x = _bn(x, f"{name}_bn", bn_momentum)
    x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
    x = keras.layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv")(x)
    x = _dropout(x, dropout, f"{name}_drop")
    return keras.layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _unit_interval(value, argument, *, low_open, high_open):
    """A number in (0, 1], [0, 1) ... as asked, or a ValueError naming the argument."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        ok = (0 < value if low_open else 0 <= value) and (value < 1 if high_open else value <= 1)
    if not ok:
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(
            f"`{argument}` must be a number in {interval}. Received: {argument}={value!r}"
        )
    return value


def _check_blocks(blocks):
    if isinstance(blocks, str | bytes) or not isinstance(blocks, Sequence) or not blocks:
        raise ValueError(
            "`blocks` must list the layers of each dense block, e.g. (6, 12, 24, 16). "
            f"Received: blocks={blocks!r}"
        )
    for n in blocks:
        positive_int(n, "blocks")
    return tuple(blocks)


def densenet(
    blocks,
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    growth_rate=32,
    bottleneck=True,
    compression=0.5,
    init_channels=None,
    bn_momentum=0.99,
    dropout=0.0,
    weights=None,
    input_tensor=None,
):
    """A DenseNet with ``blocks[i]`` dense layers in block i (Table 1's rows, e.g. (6, 12, 24, 16)).

    Defaults are the paper's ImageNet DenseNet-BC (Section 3, Table 1) and keras.applications': a
    224x224x3 input, growth rate k = 32 (Table 1), bottleneck 1x1 convolutions of 4k maps (Section
    3, "Bottleneck layers"), compression θ = 0.5 ("Compression"), a stem of 2k 7x7/2 convolutions
    (``init_channels=None`` means 2k, "Implementation Details"), BN-ReLU-Conv order (Section 3,
    "Composite function"), BatchNormalization epsilon 1.001e-5 and momentum 0.99 (Keras' default,
    as keras.applications; 0.9 suits short runs), no dropout (the paper used 0.2 only on CIFAR and
    SVHN without augmentation). ``bottleneck=False`` and ``compression=1.0`` give DenseNet-C, -B
    and plain DenseNet (module docstring). ``include_top=False`` ends after the final BN-ReLU,
    where ``pooling`` applies.

    The model is named after Table 1 for DenseNet-BC at Table 1's block sizes (``densenet121``,
    keras.applications' name), else ``densenet{L}`` with L the paper's depth (convolutions plus
    the classifier); ``_b``, ``_c`` or ``_plain`` mark the other variants (``densenet63_plain``
    for ``densenet121(bottleneck=False, compression=1.0)``: 63 layers deep).
    ``weights="imagenet"`` or the path of keras.applications' file loads its DenseNet121/169/201
    weights (:mod:`classic.models.pretrained`).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it). This module's ``preprocess_input`` and
    ``decode_predictions`` are keras.applications' own, for ``weights="imagenet"``.
    """
    blocks = _check_blocks(blocks)
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor)
    positive_int(growth_rate, "growth_rate")
    choice(bottleneck, "bottleneck", (True, False))
    init_channels, plan = _checked_plan(
        blocks, growth_rate, compression, init_channels, bn_momentum, dropout,
        default_init=lambda compression: 2 * growth_rate,
    )
    name = _model_name(blocks, bottleneck, compression)
    check_input_size(shape, windows(blocks), name)
    pretrained.check(weights, name, shape, classes, include_top, growth_rate=(growth_rate, 32),
                     init_channels=(init_channels, 2 * growth_rate),
                     classifier_activation=classifier_activation)

    inputs = network_input(shape, input_tensor)
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = keras.layers.Conv2D(init_channels, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn(x, "conv1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name="conv1_relu")(x)
    x = keras.layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _blocks_and_top(x, blocks, plan, growth_rate, bottleneck, bn_momentum, dropout,
                        include_top, classes, classifier_activation, pooling)
    model = build_model(inputs, x, name=name)
    if weights is not None:
        pretrained.load(model, weights, name, include_top, inputs)
    return model


def _checked_plan(blocks, growth_rate, compression, init_channels, bn_momentum, dropout, *,
                  default_init):
    """Check the options both builders share (``growth_rate`` already checked); returns the
    first convolution's maps (``default_init(compression)`` when None) and :func:`channels`'
    plan."""
    _unit_interval(compression, "compression", low_open=True, high_open=False)
    if init_channels is None:
        init_channels = default_init(compression)
    positive_int(init_channels, "init_channels")
    _unit_interval(bn_momentum, "bn_momentum", low_open=False, high_open=True)
    _unit_interval(dropout, "dropout", low_open=False, high_open=True)
    plan = channels(blocks, growth_rate, compression, init_channels)
    if min(plan) < 1:
        raise ValueError(
            f"`compression` keeps no feature maps in some transition (floor(θ*m) = 0 of {plan}). "
            f"Received: compression={compression!r}"
        )
    return init_channels, plan


def _blocks_and_top(x, blocks, plan, growth_rate, bottleneck, bn_momentum, dropout,
                    include_top, classes, classifier_activation, pooling):
    """The dense blocks with a transition between each two, the final BN-ReLU and the top:
    everything after the stem, the same for the ImageNet and the CIFAR networks."""
    options = {"bn_momentum": bn_momentum, "dropout": dropout}
    for i, layers_in_block in enumerate(blocks):
        x = dense_block(
            x, layers_in_block, growth_rate, f"conv{i + 2}", bottleneck=bottleneck, **options
        )
        if i < len(blocks) - 1:
            x = transition_block(x, plan[2 * i + 2], f"pool{i + 2}", **options)
    x = _bn(x, "bn", bn_momentum)
    x = keras.layers.Activation("relu", name="relu")(x)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return keras.layers.Dense(classes, activation=classifier_activation,
                                  name="predictions", dtype=output_dtype())(x)
    return global_pool(x, pooling)


def _model_name(blocks, bottleneck, compression):
    variant = {(True, True): "", (True, False): "_b", (False, True): "_c", (False, False): "_plain"}
    # Table 1's names; "264" has 1 + 2*130 + 3 + 1 = 265 layers by the paper's own count.
    size = {b: n for n, b in BLOCKS.items()}.get(blocks) if bottleneck else None
    return f"densenet{size or depth(blocks, bottleneck)}{variant[bottleneck, compression < 1]}"


def _named(size):
    def builder(
        input_shape=None,
        classes=1000,
        include_top=True,
        pooling=None,
        classifier_activation="softmax",
        *,
        growth_rate=32,
        bottleneck=True,
        compression=0.5,
        init_channels=None,
        bn_momentum=0.99,
        dropout=0.0,
        weights=None,
        input_tensor=None,
    ):
        return densenet(
            BLOCKS[size], input_shape, classes, include_top, pooling, classifier_activation,
            growth_rate=growth_rate, bottleneck=bottleneck, compression=compression,
            init_channels=init_channels, bn_momentum=bn_momentum, dropout=dropout,
            weights=weights, input_tensor=input_tensor,
        )

    builder.__name__ = builder.__qualname__ = f"densenet{size}"
    builder.__doc__ = (
        f"DenseNet-{size} (Table 1: blocks {BLOCKS[size]}, k = 32); DenseNet-BC by default, as "
        f"keras.applications' DenseNet{size}. Options and defaults: see :func:`densenet`."
    )
    return builder


densenet121 = _named(121)
densenet169 = _named(169)
densenet201 = _named(201)
densenet264 = _named(264)


# --------------------------------------------------------------------------- CIFAR (Section 3)
# "Implementation Details": on CIFAR and SVHN, three dense blocks with the same number of layers
# on 32x32, 16x16 and 8x8 maps; first a 3x3 convolution with 16 maps (2k for DenseNet-BC), no
# BN-ReLU after it (every dense layer starts with its own); 3x3 convolutions zero-padded by one
# pixel; transitions 1x1 conv + 2x2 average pool; global average pooling and a softmax classifier.
# L counts the first convolution, the convolutions of the dense layers (one per layer, two with
# bottlenecks), the two transitions and the classifier: L = 3n + 4, or 6n + 4 with bottlenecks.
CIFAR_BLOCKS = 3
CIFAR_INIT_CHANNELS = 16

# Table 2: (L, k, variant) -> millions of parameters, as the paper rounds them.
CIFAR_TABLE_2 = {
    (40, 12, "DenseNet"): 1.0,
    (100, 12, "DenseNet"): 7.0,
    (100, 24, "DenseNet"): 27.2,
    (100, 12, "DenseNet-BC"): 0.8,
    (250, 24, "DenseNet-BC"): 15.3,
    (190, 40, "DenseNet-BC"): 25.6,
}


def cifar_windows() -> tuple[Window, ...]:
    """The first 3x3/1 convolution (padded by 1), then the two transitions' 2x2/2 average pools:
    total stride 4, so the smallest input is 4x4."""
    return (Window(3, 1, 1),) + (TRANSITION_WINDOW,) * (CIFAR_BLOCKS - 1)


def cifar_layers(depth: int, bottleneck: bool = False) -> int:
    """Dense layers per block for the paper's depth L: (L - 4) / 3, or (L - 4) / 6 with
    bottlenecks (each bottleneck layer holds two convolutions)."""
    choice(bottleneck, "bottleneck", (True, False))
    per_layer = 2 if bottleneck else 1
    step = CIFAR_BLOCKS * per_layer
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 4 + step or (
            depth - 4) % step:
        formula = "6n + 4 (bottleneck=True" if bottleneck else "3n + 4 (bottleneck=False"
        examples = "40, 100, 190, 250" if bottleneck else "40, 100"
        raise ValueError(
            f"`depth` must be {formula}: the first convolution, {CIFAR_BLOCKS} dense blocks of n "
            f"layers of {per_layer} convolution{'s' if per_layer > 1 else ''}, "
            f"{CIFAR_BLOCKS - 1} transitions and the classifier) for a positive integer n, "
            f"e.g. {examples}. Received: depth={depth!r}"
        )
    return (depth - 4) // step


def cifar_densenet(
    depth=40,
    input_shape=None,
    classes=10,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    growth_rate=12,
    bottleneck=False,
    compression=1.0,
    init_channels=None,
    bn_momentum=0.99,
    dropout=0.0,
    weights=None,
    input_tensor=None,
):
    """The paper's CIFAR/SVHN DenseNet of depth L = ``depth`` (Section 3, "Implementation
    Details"; Table 2).

    Defaults: Table 2's first network, DenseNet (L = 40, k = 12): no bottleneck, no compression,
    32x32x3 input, 10 classes. ``bottleneck=True, compression=0.5`` gives DenseNet-BC (Table 2:
    L = 100, k = 12; L = 250, k = 24; L = 190, k = 40). ``init_channels=None`` is the paper's
    16 maps for the first convolution, or 2k for DenseNet-BC. Dense layers and transitions are
    those of :func:`densenet` (bias-free convolutions, BN-ReLU-Conv); ``dropout`` (the paper:
    0.2 without data augmentation) follows every convolution but the first. Names:
    ``cifar_densenet{L}_k{k}`` plus ``_b``, ``_c`` or ``_bc``; layers ``conv1_conv``, then
    ``conv{2,3,4}_block{i}_*`` and transitions ``pool2_*``, ``pool3_*`` as in :func:`densenet`.
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it).
    """
    n = cifar_layers(depth, bottleneck)
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor,
                         default=(32, 32, 3))
    positive_int(growth_rate, "growth_rate")
    blocks = (n,) * CIFAR_BLOCKS
    init_channels, plan = _checked_plan(
        blocks, growth_rate, compression, init_channels, bn_momentum, dropout,
        # the paper: 16 maps, or 2k for DenseNet-BC
        default_init=lambda compression: (
            2 * growth_rate if bottleneck and compression < 1 else CIFAR_INIT_CHANNELS
        ),
    )
    variant = {(False, False): "", (True, False): "_b", (False, True): "_c", (True, True): "_bc"}
    name = f"cifar_densenet{depth}_k{growth_rate}{variant[bottleneck, compression < 1]}"
    check_input_size(shape, cifar_windows(), name)
    pretrained.check(weights, name, shape, classes, include_top)  # None only

    inputs = network_input(shape, input_tensor)
    x = keras.layers.Conv2D(
        init_channels, 3, padding="same", use_bias=False, name="conv1_conv"
    )(inputs)
    x = _blocks_and_top(x, blocks, plan, growth_rate, bottleneck, bn_momentum, dropout,
                        include_top, classes, classifier_activation, pooling)
    return build_model(inputs, x, name=name)


# --------------------------------------------------------------------------- looking inside
def connection_weights(model, block="conv2"):
    """How strongly each layer of a dense block reads each earlier one (the paper's Figure 5).

    Returns ``(weights, sources, targets)``: ``weights[t, s]`` is the mean absolute weight of
    target t's kernel over the input maps that come from source s (the L1 norm divided by the
    number of weights, so wide and narrow sources compare). Sources are the block's input
    (``"input"``: the first convolution or the transition before the block) and its dense layers
    ``{block}_block1`` ...; targets are the first convolution of every dense layer, then the layer
    that reads the whole block: the next transition's convolution (``pool{b}_conv``) or, after
    the last block, the classifier (``predictions``) when the model has one. ``weights[t, s]``
    is NaN where source s comes after target t (no connection).
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"`model` must be a keras.Model. Received: model={model!r}")
    names = {layer.name for layer in model.layers}
    if not isinstance(block, str) or f"{block}_block1_concat" not in names:
        known = sorted({n.split("_block")[0] for n in names if n.endswith("_block1_concat")})
        raise ValueError(
            f"`block` must name a dense block of the model, one of {', '.join(known) or 'none'}. "
            f"Received: block={block!r}"
        )
    layers_in_block = 0
    while f"{block}_block{layers_in_block + 1}_concat" in names:
        layers_in_block += 1
    # Source s occupies the maps bounds[s]:bounds[s + 1] of every later layer's input.
    first = model.get_layer(f"{block}_block1_concat")
    bounds = [0, first.input[0].shape[-1]]
    for i in range(1, layers_in_block + 1):
        bounds.append(model.get_layer(f"{block}_block{i}_concat").output.shape[-1])
    sources = ["input"] + [f"{block}_block{i}" for i in range(1, layers_in_block + 1)]
    targets = [f"{block}_block{i}_1_conv" for i in range(1, layers_in_block + 1)]
    after = f"pool{block.removeprefix('conv')}_conv"
    if after in names:
        targets.append(after)
    elif "predictions" in names and model.get_layer("predictions").kernel.shape[0] == bounds[-1]:
        targets.append("predictions")

    weights = np.full((len(targets), len(sources)), np.nan)
    for t, target in enumerate(targets):
        kernel = np.abs(keras.ops.convert_to_numpy(model.get_layer(target).kernel))
        kernel = kernel.reshape(-1, kernel.shape[-2], kernel.shape[-1])  # (positions, in, out)
        for s in range(len(sources)):
            if bounds[s + 1] <= kernel.shape[1]:
                weights[t, s] = kernel[:, bounds[s]:bounds[s + 1], :].mean()
    return weights, sources, targets
