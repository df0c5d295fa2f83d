"""ResNet: He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", CVPR 2016
(arXiv 2015): Table 1, and the shortcut options A and B (Section 3.3) and C (Section 4.1).

The default layout is keras.applications' ResNet v1 (``keras/src/applications/resnet.py``), layer
for layer and name for name, so its ResNet50/101/152 weights load by layer name;
``variant="v1.5"`` is torchvision's layout.
"""

from __future__ import annotations

import keras

from classic.models import pretrained
from classic.models._common import (
    build_model,
    check_common,
    choice,
    global_pool,
    network_input,
    output_dtype,
    positive_number,
    scaled,
)
from classic.shapes import Window, check_input_size

# keras.applications' own, for the ImageNet weights (RGB in [0, 255]; see pretrained.py)
preprocess_input = keras.applications.resnet.preprocess_input
decode_predictions = keras.applications.resnet.decode_predictions

# Table 1 of the paper: which block each network stacks and how many of them each stage
# (conv2_x, conv3_x, conv4_x, conv5_x) holds. Depth = layers per block * blocks + conv1 + fc.
STAGES = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
# Table 1: the 3x3 convolutions' width in conv2_x ... conv5_x; a bottleneck block's last 1x1
# convolution widens it 4 times ("64, 64, 256" in conv2_x).
FILTERS = (64, 128, 256, 512)
EXPANSION = {"basic": 1, "bottleneck": 4}

VARIANTS = ("v1", "v1.5")
SHORTCUTS = ("A", "B", "C")
EPSILON = 1.001e-5  # keras.applications' BatchNormalization epsilon


# --------------------------------------------------------------------------- input-size arithmetic
def windows(depth: int = 50, variant: str = "v1") -> tuple[Window, ...]:
    """The main path as sliding windows: conv1, pool1, then each stage's strided convolution.

    conv1 is 7x7/2 padded by 3 and pool1 3x3/2 padded by 1 (conv1_pad, pool1_pad); conv3_x to
    conv5_x each halve the map, with a 1x1/2 convolution (v1 bottleneck) or a 3x3/2 one padded by
    1 (basic blocks, v1.5 bottleneck). The unstrided 3x3 convolutions keep the size ("same").
    """
    block, _ = STAGES[depth]
    strided = Window(1, 2) if block == "bottleneck" and variant == "v1" else Window(3, 2, 1)
    return (Window(7, 2, 3), Window(3, 2, 1), strided, strided, strided)


# --------------------------------------------------------------------------- blocks
def _bn(x, name, momentum):
    return keras.layers.BatchNormalization(
        axis=-1, epsilon=EPSILON, momentum=momentum, name=name
    )(x)


def _conv(x, filters, kernel, stride, name, use_bias):
    """``{name}_conv``; a strided 3x3 one after an explicit symmetric ``{name}_pad`` of 1 (as in
    torchvision and the paper's Caffe models: Keras' "same" would pad only bottom and right)."""
    padding = "same"
    if kernel > 1 and stride > 1:
        x = keras.layers.ZeroPadding2D(kernel // 2, name=f"{name}_pad")(x)
        padding = "valid"
    return keras.layers.Conv2D(
        filters, kernel, strides=stride, padding=padding, use_bias=use_bias, name=f"{name}_conv"
    )(x)


def _shortcut(x, out_channels, stride, option, name, use_bias, momentum):
    """The identity path of a block: ``{name}_0_*`` layers, or ``x`` itself where nothing
    changes.

    A: identity, subsampled by a 1x1/``stride`` max pooling (keeps every other pixel, as a
    strided 1x1 convolution sees them) and zero-padded to ``out_channels``: no parameters.
    B: a 1x1 projection (convolution and batch normalization) only where the shape changes.
    C: a projection in every block.
    """
    in_channels = x.shape[-1]
    changes = stride != 1 or in_channels != out_channels
    if option == "C" or (option == "B" and changes):
        x = keras.layers.Conv2D(
            out_channels, 1, strides=stride, use_bias=use_bias, name=f"{name}_0_conv"
        )(x)
        return _bn(x, f"{name}_0_bn", momentum)
    if option == "A" and changes:
        if stride != 1:
            x = keras.layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x)
        if out_channels != in_channels:
            # Rescaling by 0 gives a zero map with the same shape: the padding channels.
            zeros = keras.layers.Rescaling(0.0, name=f"{name}_0_zeros")(x)
            copies = (out_channels - in_channels) // in_channels
            x = keras.layers.Concatenate(name=f"{name}_0_pad")([x] + [zeros] * copies)
    return x


def basic_block(x, filters, stride, name, *, variant="v1", shortcut="B", bn_momentum=0.99):
    """Figure 5 (left): two 3x3 convolutions, the first one strided; v1 keeps conv biases as
    keras.applications does, v1.5 drops them as torchvision does."""
    use_bias = variant == "v1"
    short = _shortcut(x, filters, stride, shortcut, name, use_bias, bn_momentum)
    x = _conv(x, filters, 3, stride, f"{name}_1", use_bias)
    x = _bn(x, f"{name}_1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = _conv(x, filters, 3, 1, f"{name}_2", use_bias)
    x = _bn(x, f"{name}_2_bn", bn_momentum)
    x = keras.layers.Add(name=f"{name}_add")([short, x])
    return keras.layers.Activation("relu", name=f"{name}_out")(x)


def bottleneck_block(
    x, filters, out_filters, stride, name, *, variant="v1", shortcut="B", bn_momentum=0.99
):
    """Figure 5 (right): 1x1 reduce, 3x3, 1x1 expand to ``out_filters``. v1 (keras.applications,
    the paper's Caffe models) strides the first 1x1 convolution and keeps conv biases; v1.5
    (torchvision) strides the 3x3 one and has no conv biases."""
    use_bias = variant == "v1"
    stride_1x1, stride_3x3 = (stride, 1) if variant == "v1" else (1, stride)
    short = _shortcut(x, out_filters, stride, shortcut, name, use_bias, bn_momentum)
    x = _conv(x, filters, 1, stride_1x1, f"{name}_1", use_bias)
    x = _bn(x, f"{name}_1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = _conv(x, filters, 3, stride_3x3, f"{name}_2", use_bias)
    x = _bn(x, f"{name}_2_bn", bn_momentum)
    x = keras.layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = _conv(x, out_filters, 1, 1, f"{name}_3", use_bias)
    x = _bn(x, f"{name}_3_bn", bn_momentum)
    x = keras.layers.Add(name=f"{name}_add")([short, x])
    return keras.layers.Activation("relu", name=f"{name}_out")(x)


def stack(x, depth, *, variant="v1", shortcut="B", width=1.0, bn_momentum=0.99):
    """conv2_x ... conv5_x of Table 1: stage ``s`` stacks its blocks, the first one of conv3_x to
    conv5_x halving the map (conv2_x follows pool1 and keeps it)."""
    block, blocks = STAGES[depth]
    options = {"variant": variant, "shortcut": shortcut, "bn_momentum": bn_momentum}
    for stage, (filters, count) in enumerate(zip(FILTERS, blocks, strict=True), start=2):
        for i in range(1, count + 1):
            stride = 2 if i == 1 and stage > 2 else 1
            name = f"conv{stage}_block{i}"
            if block == "basic":
                x = basic_block(x, scaled(filters, width), stride, name, **options)
            else:
                x = bottleneck_block(
                    x, scaled(filters, width), scaled(EXPANSION[block] * filters, width), stride,
                    name, **options,
                )
    return x


# --------------------------------------------------------------------------- argument checks
def _channels(depth, width) -> list[int]:
    """Output channels of conv1 and of every stage, as the builder will make them."""
    block, _ = STAGES[depth]
    return [scaled(64, width)] + [scaled(EXPANSION[block] * f, width) for f in FILTERS]


def _check_momentum(value):
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(
            "`bn_momentum` must be a number from 0 (inclusive) to 1 (exclusive). "
            f"Received: bn_momentum={value!r}"
        )


def _check_zero_padding(depth, width):
    """Option A pads the identity with whole zero copies of itself: every stage's width must be a
    multiple of the one before (true whenever 64 * width is an integer)."""
    channels = _channels(depth, width)
    for before, after in zip(channels, channels[1:], strict=False):
        if after % before:
            raise ValueError(
                "`shortcut='A'` pads the identity with zero copies of itself, so every stage's "
                f"width must be a multiple of the previous one's; width={width!r} gives "
                f"{before} then {after} channels. Use a width such as 1, 0.5, 0.25 or 0.125 "
                f"(64 * width an integer). Received: width={width!r}"
            )


# --------------------------------------------------------------------------- builders
def resnet(
    depth,
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    variant="v1",
    width=1.0,
    bn_momentum=0.99,
    shortcut="B",
    weights=None,
    input_tensor=None,
):
    """ResNet-``depth`` (18, 34, 50, 101 or 152) from Table 1 of the paper.

    Defaults: a 224x224x3 ImageNet input and 1,000 classes (the paper, Section 3.4);
    ``variant="v1"`` is keras.applications' layout (stride in the bottleneck's first 1x1
    convolution, conv biases kept, BatchNormalization epsilon 1.001e-5), so its weights load by
    layer name; ``"v1.5"`` is torchvision's (stride in the 3x3 convolution, no conv biases).
    ``shortcut="B"`` is the paper's choice for ResNet-50/101/152 (Section 4.1: projections only
    where dimensions increase; "A" zero-pads the identity, "C" projects in every block; Table 3
    compares them on ResNet-34).
    ``width`` multiplies every convolution's width (1.0: the paper's); ``bn_momentum=0.99`` is
    Keras' default (torchvision's momentum 0.1 is 0.9 here, much better for short CPU runs).
    ``include_top=False`` ends at conv5_x (then ``pooling`` applies). The smallest input is
    32x32, the network's total stride. ``weights="imagenet"`` or the path of keras.applications'
    file loads its ResNet50/101/152 weights (:mod:`classic.models.pretrained`).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it). This module's ``preprocess_input`` and
    ``decode_predictions`` are keras.applications' own, for ``weights="imagenet"``.
    """
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor)
    choice(depth, "depth", tuple(STAGES))
    choice(variant, "variant", VARIANTS)
    choice(shortcut, "shortcut", SHORTCUTS)
    positive_number(width, "width")
    _check_momentum(bn_momentum)
    if shortcut == "A":
        _check_zero_padding(depth, width)
    name = f"resnet{depth}"
    check_input_size(shape, windows(depth, variant), name)
    pretrained.check(weights, name, shape, classes, include_top, variant=(variant, "v1"),
                     width=(width, 1.0), shortcut=(shortcut, "B"),
                     classifier_activation=classifier_activation)

    use_bias = variant == "v1"
    inputs = network_input(shape, input_tensor)
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = keras.layers.Conv2D(
        scaled(64, width), 7, strides=2, use_bias=use_bias, name="conv1_conv"
    )(x)
    x = _bn(x, "conv1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name="conv1_relu")(x)
    x = keras.layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack(x, depth, variant=variant, shortcut=shortcut, width=width, bn_momentum=bn_momentum)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                               dtype=output_dtype())(x)
    else:
        x = global_pool(x, pooling)
    if variant != "v1":
        name += "_" + variant.replace(".", "_")
    if shortcut != "B":
        name += f"_shortcut_{shortcut}"
    model = build_model(inputs, x, name=name)
    if weights is not None:
        pretrained.load(model, weights, name, include_top, inputs)
    return model


def _builder(depth):
    def build(
        input_shape=None,
        classes=1000,
        include_top=True,
        pooling=None,
        classifier_activation="softmax",
        *,
        variant="v1",
        width=1.0,
        bn_momentum=0.99,
        shortcut="B",
        weights=None,
        input_tensor=None,
    ):
        return resnet(
            depth, input_shape, classes, include_top, pooling, classifier_activation,
            variant=variant, width=width, bn_momentum=bn_momentum, shortcut=shortcut,
            weights=weights, input_tensor=input_tensor,
        )

    block, blocks = STAGES[depth]
    build.__name__ = build.__qualname__ = f"resnet{depth}"
    build.__doc__ = (
        f"ResNet-{depth}: {block} blocks, {blocks} per stage (Table 1 of the paper). "
        "Arguments and defaults: see :func:`resnet`."
    )
    return build


resnet18 = _builder(18)
resnet34 = _builder(34)
resnet50 = _builder(50)
resnet101 = _builder(101)
resnet152 = _builder(152)


# --------------------------------------------------------------------------- CIFAR-10 (Section 4.2)
# Section 4.2: 6n+2 weighted layers: a 3x3 convolution with 16 maps, three stages of n basic
# blocks (2n layers each) on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, then global
# average pooling and a 10-way fully connected layer. Shortcuts are option A (zero padding).
CIFAR_FILTERS = (16, 32, 64)
CIFAR_DEPTHS = (20, 32, 44, 56, 110)  # the depths of the paper's Table 6


def cifar_windows() -> tuple[Window, ...]:
    """conv1 (3x3/1, padded by 1), then the strided 3x3/2 convolutions of the 2nd and 3rd
    stages (padded by 1): total stride 4, so the smallest input is 4x4."""
    return (Window(3, 1, 1), Window(3, 2, 1), Window(3, 2, 1))


def plain_block(x, filters, stride, name, *, use_bias=False, bn_momentum=0.99):
    """A basic block without its shortcut (the paper's "plain" networks): the same two 3x3
    convolutions with batch normalization, and the same layer names except ``_add``."""
    x = _conv(x, filters, 3, stride, f"{name}_1", use_bias)
    x = _bn(x, f"{name}_1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = _conv(x, filters, 3, 1, f"{name}_2", use_bias)
    x = _bn(x, f"{name}_2_bn", bn_momentum)
    return keras.layers.Activation("relu", name=f"{name}_out")(x)


def _cifar_blocks(depth):
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(
            "`depth` must be 6n+2 for a positive integer n (the paper's Section 4.2: "
            f"{', '.join(map(str, CIFAR_DEPTHS))}). Received: depth={depth!r}"
        )
    return (depth - 2) // 6


def cifar_resnet(
    depth=20,
    input_shape=None,
    classes=10,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    residual=True,
    shortcut="A",
    width=1.0,
    bn_momentum=0.99,
    weights=None,
    input_tensor=None,
):
    """The paper's CIFAR-10 network of ``depth`` = 6n+2 layers (Section 4.2), with option A
    shortcuts, or its plain counterpart (``residual=False``: the same layers, no shortcuts).

    ``shortcut="A"`` is the paper's choice for CIFAR-10 ("identity shortcuts in all cases",
    Section 4.2); ``"B"`` (projections where the shape changes) and ``"C"`` (projections in
    every block) are Table 3's options on ImageNet, here to compare them on CIFAR-10.

    Defaults: the paper's 32x32x3 input, 10 classes and widths 16, 32, 64 (``width`` scales
    them); the convolutions have no biases (a batch normalization follows each one);
    ``bn_momentum=0.99`` is Keras' default (0.9 suits short CPU runs). Names:
    ``cifar_resnet{depth}`` or ``cifar_plain{depth}``; layers ``conv1_*`` then
    ``conv{2,3,4}_block{i}_*``.
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it).
    """
    n = _cifar_blocks(depth)
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor,
                         default=(32, 32, 3))
    choice(residual, "residual", (True, False))
    choice(shortcut, "shortcut", ("A", "B", "C"))
    positive_number(width, "width")
    _check_momentum(bn_momentum)
    channels = [scaled(f, width) for f in CIFAR_FILTERS]
    if residual and shortcut == "A" and (channels[1] % channels[0] or channels[2] % channels[1]):
        raise ValueError(
            "Option A shortcuts pad the identity with zero copies of itself, so every stage's "
            f"width must be a multiple of the previous one's; width={width!r} gives "
            f"{'/'.join(map(str, channels))} channels. Use a width such as 1, 0.5 or 0.25 "
            f"(16 * width an integer). Received: width={width!r}"
        )
    name = f"cifar_{'resnet' if residual else 'plain'}{depth}"
    if residual and shortcut != "A":
        name += f"_{shortcut.lower()}"
    check_input_size(shape, cifar_windows(), name)
    pretrained.check(weights, name, shape, classes, include_top)  # None only

    inputs = network_input(shape, input_tensor)
    x = keras.layers.Conv2D(channels[0], 3, padding="same", use_bias=False, name="conv1_conv")(
        inputs)
    x = _bn(x, "conv1_bn", bn_momentum)
    x = keras.layers.Activation("relu", name="conv1_relu")(x)
    for stage, filters in enumerate(channels, start=2):
        for i in range(1, n + 1):
            stride = 2 if i == 1 and stage > 2 else 1
            block = f"conv{stage}_block{i}"
            if residual:
                # variant="v1.5": no conv biases, as here; shortcut A: no parameters.
                x = basic_block(x, filters, stride, block, variant="v1.5", shortcut=shortcut,
                                bn_momentum=bn_momentum)
            else:
                x = plain_block(x, filters, stride, block, bn_momentum=bn_momentum)
    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                               dtype=output_dtype())(x)
    else:
        x = global_pool(x, pooling)
    return build_model(inputs, x, name=name)
