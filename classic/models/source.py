"""The source post's own networks, rebuilt in today's Keras with stable layer names.

The post (Nani_xiao, "Keras封装实现经典深度网络框架 VGG-16, ZF-Net, Alex-Net, LeNet, Google-Net,
ResNet, DenseNet-50", CSDN, 2019, CC BY-SA 4.0) wrote LeNet, AlexNet, ZF-Net and VGG-16 as Keras 2
``Sequential`` models, GoogLeNet and ResNet-50 as functional models, and DenseNet-121 in Keras 1.
Each builder here keeps the post's layer settings, bugs included, so a notebook can put it next
to the paper's network; ``DEPARTURES`` lists, per network, what the post changes and why it matters.

Where the post leaves a layer unnamed, the layer gets a stable name here (``conv1``, ``pool1``,
``inception_3a_5x5_conv``, ``conv2_block1_0_conv``); where it names layers, its scheme is kept
(``Conv2d_BN``'s ``name + "_conv"`` and ``name + "_bn"``). The post's DenseNet does not run in
Keras 3: :data:`DENSENET_KERAS1` lists the calls that would have to change, and no builder is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import keras

from classic.models._common import input_shape_of, positive_int
from classic.shapes import Window, check_input_size
from classic.tables import Table


@dataclass(frozen=True)
class Departure:
    """One way the post's code departs from the paper."""

    aspect: str
    post: str
    paper: str
    why_it_matters: str


# ============================================================================ LeNet
# The main path as sliding windows: conv 5, pool 2, conv 5, pool 2 (input-size arithmetic).
LENET_WINDOWS = (Window(5), Window(2, 2), Window(5), Window(2, 2))


def post_lenet(input_shape=(28, 28, 1), classes=10):
    """The post's "LeNet": two ReLU conv/max-pool stages (32 and 64 maps of 5x5) and a Dense 100.

    It is not LeNet-5 but the small MNIST convnet of later tutorials. Its settings, as posted:
    ``padding="valid"``, ``kernel_initializer="uniform"`` (uniform in +-0.05), 2x2 max pooling.
    """
    shape = input_shape_of(input_shape)
    positive_int(classes, "classes")
    check_input_size(shape, LENET_WINDOWS, "The post's LeNet")
    init = "uniform"
    inputs = keras.Input(shape, name="input")
    x = keras.layers.Conv2D(32, 5, activation="relu", kernel_initializer=init, name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(64, 5, activation="relu", kernel_initializer=init, name="conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(100, activation="relu", name="fc1")(x)
    x = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name="post_lenet")


LENET_DEPARTURES = (
    Departure(
        "input", "28x28x1 (MNIST as is)", "32x32x1 (MNIST's 28x28 centred in a 32x32 field)",
        "the paper pads so that stroke ends near the border can reach the centre of C5's "
        "receptive fields",
    ),
    Departure(
        "first convolution", "32 maps 5x5", "C1: 6 maps 5x5",
        "a wider first layer costs multiply-accumulates at every one of its output positions",
    ),
    Departure(
        "second convolution", "64 maps 5x5, each sees all 32 input maps",
        "C3: 16 maps 5x5, each sees 3, 4 or 6 of the 6 S2 maps (Table I)",
        "the sparse table kept LeNet-5 small and broke the symmetry between maps",
    ),
    Departure(
        "subsampling", "2x2 max pooling",
        "S2, S4: 2x2 sum times a trainable coefficient plus a bias, then the squashing function",
        "max pooling is the later, parameter-free choice; LeNet-5's subsampling learns 2 "
        "numbers per map",
    ),
    Departure(
        "activation", "ReLU", "scaled tanh 1.7159 tanh(2a/3)",
        "ReLU came later (Jarrett et al. 2009, Nair and Hinton 2010), and AlexNet (2012) made "
        "it the default in CNNs; the paper's tanh is scaled so that f(+-1) = +-1",
    ),
    Departure(
        "C5", "missing: the 4x4x64 maps are flattened into 1,024 inputs",
        "C5: 120 maps 5x5 on S4's 5x5 maps, a 1x1x120 output",
        "the Dense 100 after Flatten holds most of the post's parameters",
    ),
    Departure(
        "F6", "Dense 100, ReLU", "F6: 84 units, scaled tanh",
        "84 = 7x12, the size of the paper's stylised character bitmaps",
    ),
    Departure(
        "output", "Dense 10, softmax", "10 Euclidean RBF units on fixed +-1 codes",
        "softmax with cross-entropy is today's standard; this course uses it by default and "
        "offers the RBF head as head='rbf'",
    ),
    Departure(
        "initialisation", "'uniform': U(-0.05, 0.05) for the convolutions",
        "U(-2.4/F_in, 2.4/F_in), F_in the fan-in of the unit",
        "a fixed range ignores the fan-in; the paper scales it so the tanh units start in their "
        "linear range",
    ),
)


# ============================================================================ plain stacks
class Conv(NamedTuple):
    """One ``Conv2D(filters, kernel, strides=stride, padding=padding, activation="relu",
    kernel_initializer="uniform")`` line of the post."""

    name: str
    filters: int
    kernel: tuple[int, int]
    stride: int = 1
    padding: str = "same"


class Pool(NamedTuple):
    """One ``MaxPooling2D(pool_size=size, strides=stride)`` line of the post (valid padding)."""

    name: str
    size: int
    stride: int


def _windows(stack) -> tuple[Window, ...]:
    """A stack's convolutions and poolings as sliding windows (input-size arithmetic)."""
    return tuple(
        Window(layer.kernel, layer.stride, layer.padding) if isinstance(layer, Conv)
        else Window(layer.size, layer.stride)
        for layer in stack
    )


def _plain_network(stack, hidden, dropout, input_shape, classes, model_name, title,
                   dense_names=("fc6", "fc7"), dropout_names=("drop6", "drop7")):
    """The post's Sequential pattern: conv/pool lines, Flatten, Dense+Dropout pairs, softmax.

    Only the convolutions get ``kernel_initializer="uniform"``; the post leaves the dense layers
    at Keras' default (Glorot uniform).
    """
    shape = input_shape_of(input_shape)
    positive_int(classes, "classes")
    check_input_size(shape, _windows(stack), title)
    inputs = keras.Input(shape, name="input")
    x = inputs
    for layer in stack:
        if isinstance(layer, Conv):
            x = keras.layers.Conv2D(
                layer.filters, layer.kernel, strides=layer.stride, padding=layer.padding,
                activation="relu", kernel_initializer="uniform", name=layer.name,
            )(x)
        else:
            x = keras.layers.MaxPooling2D(layer.size, strides=layer.stride, name=layer.name)(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for units, dense_name, dropout_name in zip(hidden, dense_names, dropout_names, strict=True):
        x = keras.layers.Dense(units, activation="relu", name=dense_name)(x)
        x = keras.layers.Dropout(dropout, name=dropout_name)(x)
    x = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name=model_name)


# ============================================================================ AlexNet
# The post's AlexNet() as posted ("the code below runs on one GPU"): no LRN, no groups.
POST_ALEXNET = (
    Conv("conv1", 96, (11, 11), 4, "valid"),
    Pool("pool1", 3, 2),
    Conv("conv2", 256, (5, 5)),
    Pool("pool2", 3, 2),
    Conv("conv3", 384, (3, 3)),
    Conv("conv4", 384, (3, 3)),
    Conv("conv5", 256, (3, 3)),
    Pool("pool5", 3, 2),
)


def post_alexnet(input_shape=(227, 227, 3), classes=1000):
    """The post's AlexNet: the paper's layer sizes on one tower, without response normalization.

    227 -> conv1 11x11/4 -> 55 -> pool 3/2 -> 27 -> conv2 5x5 "same" -> 27 -> pool -> 13 ->
    conv3, conv4, conv5 3x3 "same" -> 13 -> pool -> 6; 6x6x256 into Dense 4096, Dense 4096 (each
    with dropout 0.5) and a softmax.
    """
    return _plain_network(POST_ALEXNET, (4096, 4096), 0.5, input_shape, classes,
                          "post_alexnet", "The post's AlexNet")


ALEXNET_DEPARTURES = (
    Departure(
        "two towers",
        "one tower: conv2, conv4 and conv5 each see every map of the layer below",
        "two GPUs: conv2, conv4 and conv5 see only the half of the maps on their own GPU "
        "(groups=2); conv3 and the dense layers see both halves",
        "one tower has 1,413,120 more weights than the paper's two (62,378,344 against "
        "60,965,224), and every map may mix with every other; in the paper the two towers "
        "learned different kinds of filters (largely colour-agnostic on one GPU, colour-specific "
        "on the other)",
    ),
    Departure(
        "response normalization", "none",
        "local response normalization (k=2, n=5, alpha=1e-4, beta=0.75) after the ReLU of conv1 "
        "and conv2, before their pooling",
        "the paper reports lower error with it, and the post's own text describes it; later "
        "networks dropped it (VGG found no gain) and batch normalization replaced it",
    ),
    Departure(
        "input size", "227x227x3",
        "224x224x3 in the text, yet conv1's 11x11/4 without padding gives 55x55 only from 227 "
        "(224 gives 54)",
        "227 is the usual correction (Caffe's AlexNet uses it): here the post is right and the "
        "paper's text is not",
    ),
    Departure(
        "initialisation",
        "'uniform': U(-0.05, 0.05) for the convolutions, Keras' Glorot uniform for the dense "
        "layers, all biases 0",
        "N(0, 0.01) weights; biases 1 in conv2, conv4, conv5 and the hidden dense layers, 0 "
        "elsewhere",
        "the paper's biases of 1 give the ReLUs positive inputs at the start, which it says "
        "speeds up the early stage of learning",
    ),
)


# ============================================================================ ZF-Net
# The post's ZF_Net(): AlexNet's stack with a 7x7/2 first layer and a stride-2 conv2.
POST_ZFNET = (
    Conv("conv1", 96, (7, 7), 2, "valid"),
    Pool("pool1", 3, 2),
    Conv("conv2", 256, (5, 5), 2, "same"),
    Pool("pool2", 3, 2),
    Conv("conv3", 384, (3, 3)),
    Conv("conv4", 384, (3, 3)),
    Conv("conv5", 256, (3, 3)),
    Pool("pool5", 3, 2),
)


def post_zfnet(input_shape=(224, 224, 3), classes=1000):
    """The post's ZF-Net: 224 -> conv1 7x7/2 -> 109 -> pool 3/2 -> 54 -> conv2 5x5/2 "same" ->
    27 -> pool -> 13 -> conv3, conv4, conv5 3x3 "same" -> 13 -> pool -> 6, then AlexNet's head."""
    return _plain_network(POST_ZFNET, (4096, 4096), 0.5, input_shape, classes,
                          "post_zfnet", "The post's ZF-Net")


ZFNET_DEPARTURES = (
    Departure(
        "map sizes",
        "conv1 without padding and pool1: 224 -> 109 -> 54; conv2 5x5/2 with 'same' padding "
        "and pool2: 54 -> 27 -> 13",
        "Figure 3: 224 -> 110 -> 55 -> 26 -> 13, which needs 1 pixel of padding on conv1 and "
        "pooling that rounds up (as Caffe's does)",
        "the maps differ by a pixel on the way but meet at 13x13 and at the 6x6x256 = 9,216 "
        "inputs of the first dense layer, so the parameters are the same",
    ),
    Departure(
        "contrast normalization", "none",
        "local contrast normalization across feature maps after layers 1 and 2",
        "the paper normalizes the first two layers' pooled maps across feature maps, as "
        "AlexNet did with its response normalization",
    ),
    Departure(
        "filter renormalization", "none",
        "during training, any convolution filter whose RMS exceeds 0.1 is scaled back to 0.1",
        "the paper added it after its visualizations showed a few first-layer filters "
        "dominating; in Keras it would be a kernel constraint",
    ),
    Departure(
        "initialisation",
        "'uniform': U(-0.05, 0.05) for the convolutions, Glorot uniform for the dense layers",
        "weights initialized at a scale of 10^-2, biases 0",
        "both are fixed scales that ignore each layer's fan-in; read as a standard deviation "
        "of 0.01, the paper's is about a third of the post's: U(-0.05, 0.05) has 0.029",
    ),
)


# ============================================================================ VGG-16
# The post's VGG_16(): configuration D, except the first conv of block 2, posted as (3,2).
POST_VGG16 = (
    Conv("block1_conv1", 64, (3, 3)),
    Conv("block1_conv2", 64, (3, 3)),
    Pool("block1_pool", 2, 2),
    Conv("block2_conv1", 128, (3, 2)),  # the post: Conv2D(128,(3,2),...)
    Conv("block2_conv2", 128, (3, 3)),
    Pool("block2_pool", 2, 2),
    Conv("block3_conv1", 256, (3, 3)),
    Conv("block3_conv2", 256, (3, 3)),
    Conv("block3_conv3", 256, (3, 3)),
    Pool("block3_pool", 2, 2),
    Conv("block4_conv1", 512, (3, 3)),
    Conv("block4_conv2", 512, (3, 3)),
    Conv("block4_conv3", 512, (3, 3)),
    Pool("block4_pool", 2, 2),
    Conv("block5_conv1", 512, (3, 3)),
    Conv("block5_conv2", 512, (3, 3)),
    Conv("block5_conv3", 512, (3, 3)),
    Pool("block5_pool", 2, 2),
)


def post_vgg16(input_shape=(224, 224, 3), classes=1000):
    """The post's VGG-16: configuration D with a 3x2 kernel in ``block2_conv1``, as posted."""
    return _plain_network(POST_VGG16, (4096, 4096), 0.5, input_shape, classes,
                          "post_vgg16", "The post's VGG-16",
                          dense_names=("fc1", "fc2"), dropout_names=("fc1_dropout", "fc2_dropout"))


VGG16_DEPARTURES = (
    Departure(
        "block2_conv1 kernel", "3x2: Conv2D(128,(3,2),...), the first conv after the first pool",
        "3x3, like every convolution of VGG (the post's own text says so)",
        "24,576 fewer weights ((3x3 - 3x2) x 64 x 128); with 'same' padding Keras pads an "
        "even-width kernel by 0 columns on the left and 1 on the right, so the layer looks half "
        "a pixel to the right of centre",
    ),
    Departure(
        "initialisation",
        "'uniform': U(-0.05, 0.05) for the convolutions, Glorot uniform for the dense layers",
        "normal with zero mean and variance 10^-2, biases 0; the deeper configurations start "
        "their first four conv layers and three dense layers from the trained configuration A "
        "(Glorot's initialisation, the paper notes later, works without that)",
        "16 layers started at a fixed small range can stall: the paper needed the shallow net's "
        "weights to start the deep ones",
    ),
)


# ============================================================================ GoogLeNet
def _conv_relu_bn(x, filters, kernel, name, strides=1, padding="same"):
    """The post's ``Conv2d_BN``: Conv2D with a ReLU inside, *then* BatchNormalization(axis=3).

    Names follow the post's scheme: ``name + "_conv"`` and ``name + "_bn"``. Keras' default
    initializer (Glorot uniform) is kept, as the post gives none here.
    """
    x = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding, activation="relu",
                            name=f"{name}_conv")(x)
    return keras.layers.BatchNormalization(axis=3, name=f"{name}_bn")(x)


def _post_inception(x, width, name):
    """The post's ``Inception(x, nb_filter)``: four branches, every conv ``width`` maps wide.

    The "5x5" branch is a 1x1 reduce followed by another **1x1** conv, as posted
    (``Conv2d_BN(branch5x5, nb_filter, (1,1), ...)``); the names keep the post's "5x5".
    """
    branch1x1 = _conv_relu_bn(x, width, 1, f"{name}_1x1")
    branch3x3 = _conv_relu_bn(x, width, 1, f"{name}_3x3_reduce")
    branch3x3 = _conv_relu_bn(branch3x3, width, 3, f"{name}_3x3")
    branch5x5 = _conv_relu_bn(x, width, 1, f"{name}_5x5_reduce")
    branch5x5 = _conv_relu_bn(branch5x5, width, 1, f"{name}_5x5")  # 1x1, as posted
    pool = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    pool = _conv_relu_bn(pool, width, 1, f"{name}_pool_proj")
    return keras.layers.Concatenate(axis=3, name=f"{name}_concat")(
        [branch1x1, branch3x3, branch5x5, pool]
    )


# The post's GoogLeNet() after its stem: (module, nb_filter) or a max pool's name. Its comments
# give the output widths, 4 * nb_filter, which are Table 1's: 256, 480, 512, 512, 512, 528, 832,
# 832, 1024.
POST_GOOGLENET = (
    ("3a", 64), ("3b", 120), "pool3",
    ("4a", 128), ("4b", 128), ("4c", 128), ("4d", 132), ("4e", 208), "pool4",
    ("5a", 208), ("5b", 256),
)
# The stem and the strided pools, all "same": 7x7/2 conv, 3x3/2 pool, 3x3 conv, then three
# 3x3/2 pools. The head's 7x7/7 "same" average pool fits any map and is left out.
GOOGLENET_WINDOWS = (Window(7, 2, "same"), Window(3, 2, "same"), Window(3, 1, "same"),
                     Window(3, 2, "same"), Window(3, 2, "same"), Window(3, 2, "same"))


def post_googlenet(input_shape=(224, 224, 3), classes=1000):
    """The post's GoogLeNet: its stem, nine ``Inception`` modules and its head, as posted.

    Every conv is conv -> ReLU -> BN; the head is a 7x7/7 "same" average pool, dropout 0.4,
    ``Dense(1000, relu)`` and the softmax ``Dense``, with no Flatten: at 224 both Dense layers act
    on a 1x1x1024 map and the output is (batch, 1, 1, classes).
    """
    shape = input_shape_of(input_shape)
    positive_int(classes, "classes")
    check_input_size(shape, GOOGLENET_WINDOWS, "The post's GoogLeNet")
    inputs = keras.Input(shape, name="input")
    x = _conv_relu_bn(inputs, 64, 7, "conv1", strides=2)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = _conv_relu_bn(x, 192, 3, "conv2")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    for step in POST_GOOGLENET:
        if isinstance(step, str):
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=step)(x)
        else:
            module, width = step
            x = _post_inception(x, width, f"inception_{module}")
    x = keras.layers.AveragePooling2D(7, strides=7, padding="same", name="avg_pool")(x)
    x = keras.layers.Dropout(0.4, name="dropout")(x)
    x = keras.layers.Dense(1000, activation="relu", name="fc1")(x)  # on the 4-D map
    x = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name="post_googlenet")


GOOGLENET_DEPARTURES = (
    Departure(
        "the '5x5' branch",
        "a 1x1 reduce followed by another 1x1 conv: Conv2d_BN(branch5x5, nb_filter, (1,1))",
        "a 1x1 reduce followed by a 5x5 conv",
        "the branch sees one pixel instead of 5x5, so the module loses its widest view; a true "
        "5x5 at the post's widths would hold 24 n^2 more weights per module (98,304 in 3a)",
    ),
    Departure(
        "branch widths",
        "every branch and both reduces n maps wide, n chosen so that the module's 4n outputs "
        "match Table 1's (256, 480, 512, 512, 512, 528, 832, 832, 1024)",
        "Table 1 gives each branch its own width, e.g. 3a: 64 1x1, 96 -> 128 3x3, 16 -> 32 5x5 "
        "and 32 pool projections",
        "the paper keeps the reductions before the 5x5 narrow, which is where the 1x1 "
        "convolutions save computation",
    ),
    Departure(
        "batch normalization",
        "after every convolution, after its ReLU: conv -> ReLU -> BN",
        "none: batch normalization came in 2015 (Ioffe and Szegedy, with BN-Inception), and "
        "that paper puts it before the nonlinearity",
        "BN speeds up training but is not GoogLeNet's; after the ReLU it normalizes a "
        "non-negative, skewed distribution",
    ),
    Departure(
        "stem",
        "conv 7x7/2 64, max pool, conv 3x3 192, max pool",
        "conv 7x7/2 64, max pool, LRN, conv 1x1 64 (reduce), conv 3x3 192, LRN, max pool",
        "no local response normalization and no 1x1 reduction before the 3x3 conv",
    ),
    Departure(
        "auxiliary classifiers", "none",
        "two, on 4a and 4d (5x5/3 average pool, 1x1 conv 128, dense 1024, dropout 0.7, "
        "softmax), added to the training loss with weight 0.3 and dropped at inference",
        "the paper used them to push gradient into the middle of a 22-layer network",
    ),
    Departure(
        "head",
        "7x7/7 average pool, dropout 0.4, Dense(1000, relu), Dense(1000, softmax), no Flatten",
        "7x7 average pool, dropout 40%, one linear layer, softmax",
        "the extra hidden Dense adds 1,001,000 parameters, and without Flatten the output is "
        "(batch, 1, 1, 1000), not (batch, 1000): labels must be reshaped, or the output "
        "flattened, to train",
    ),
)


# ============================================================================ ResNet-50
class PostStage(NamedTuple):
    """One stage of the post's ResNet50(): its ``nb_filter`` list, blocks and first stride."""

    filters: tuple[int, int, int]
    blocks: int
    stride: int


POST_RESNET50 = (
    PostStage((64, 64, 256), 3, 1),
    PostStage((128, 128, 512), 4, 2),
    PostStage((256, 256, 1024), 6, 2),
    PostStage((512, 512, 2048), 3, 2),
)
# Every Conv_Block call passes kernel_size=(3,3); Conv_Block uses it only for the shortcut.
POST_SHORTCUT_KERNEL = (3, 3)
# conv1 (7x7/2 after ZeroPadding2D((3,3))), pool1 (3x3/2 "same"), the stages' 1x1/2 "same"
# convolutions, and the head's AveragePooling2D(7) ("valid", stride 7): it needs a 7x7 map, which
# a stride-1 window of 7 checks equally; its stride is the head's, not the feature extractor's.
RESNET50_WINDOWS = (Window(7, 2, 3), Window(3, 2, "same"), Window(1, 2, "same"),
                    Window(1, 2, "same"), Window(1, 2, "same"), Window(7))


def _post_conv_block(x, filters, name, strides=1, with_conv_shortcut=False):
    """The post's ``Conv_Block``: three ``Conv2d_BN`` (1x1 with the stride, 3x3, 1x1) and an add.

    The shortcut is x itself, or (``with_conv_shortcut``) a ``Conv2d_BN`` with the 3x3 kernel
    and the stride: conv, ReLU, BN. No ReLU follows the addition.
    """
    f1, f2, f3 = filters
    y = _conv_relu_bn(x, f1, 1, f"{name}_1", strides=strides)
    y = _conv_relu_bn(y, f2, 3, f"{name}_2")
    y = _conv_relu_bn(y, f3, 1, f"{name}_3")
    if with_conv_shortcut:
        shortcut = _conv_relu_bn(x, f3, POST_SHORTCUT_KERNEL, f"{name}_0", strides=strides)
    else:
        shortcut = x
    return keras.layers.Add(name=f"{name}_add")([y, shortcut])


def post_resnet50(input_shape=(227, 227, 3), classes=1000):
    """The post's ResNet50: conv -> ReLU -> BN everywhere, 3x3 projection shortcuts, no ReLU
    after the additions, and a 7x7 average pool that at 227 meets an 8x8 map.

    227 -> pad 3 -> conv1 7x7/2 -> 114 -> pool 3/2 "same" -> 57 -> 57 -> 29 -> 15 -> 8.
    """
    shape = input_shape_of(input_shape)
    positive_int(classes, "classes")
    check_input_size(shape, RESNET50_WINDOWS, "The post's ResNet-50")
    inputs = keras.Input(shape, name="input")
    x = keras.layers.ZeroPadding2D((3, 3), name="conv1_pad")(inputs)
    x = _conv_relu_bn(x, 64, 7, "conv1", strides=2, padding="valid")
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)
    for s, stage in enumerate(POST_RESNET50):
        for b in range(stage.blocks):
            first = b == 0
            x = _post_conv_block(
                x, stage.filters, f"conv{s + 2}_block{b + 1}",
                strides=stage.stride if first else 1, with_conv_shortcut=first,
            )
    x = keras.layers.AveragePooling2D(7, name="avg_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name="post_resnet50")


RESNET50_DEPARTURES = (
    Departure(
        "projection shortcuts",
        "3x3 conv, ReLU and BN: every Conv_Block call passes kernel_size=(3,3), which only the "
        "shortcut uses",
        "1x1 conv and BN (option B), used where the shape changes",
        "the four 3x3 projections hold 22,151,168 more weights than 1x1 ones (47,787,880 in all "
        "against 25,636,712), nearly doubling the network, and the shortcut is no longer a "
        "linear projection",
    ),
    Departure(
        "layer order", "conv -> ReLU -> BN (Conv2d_BN)",
        "conv -> BN -> ReLU (\"BN right after each convolution and before activation\")",
        "each BN normalizes a rectified, non-negative signal, and the residual branch ends in a "
        "BN of ReLU outputs",
    ),
    Departure(
        "after the addition", "nothing: the block returns F(x) + x",
        "ReLU after the addition",
        "the paper's blocks output non-negative maps; in the post no ReLU follows any addition, "
        "so each sum passes to the next block as it is",
    ),
    Departure(
        "input size and final pool",
        "227x227: 227 -> 114 -> 57 -> 57 -> 29 -> 15 -> 8, then AveragePooling2D((7,7)) with "
        "stride 7",
        "224x224: 224 -> 112 -> 56 -> 56 -> 28 -> 14 -> 7, then a 7x7 (global) average pool",
        "the 7x7 window fits once in the 8x8 map: its last row and column, 15 of the 64 "
        "positions, never reach the classifier",
    ),
    Departure(
        "initialisation", "Keras' default, Glorot uniform",
        "He et al.'s (2015) initialisation for ReLU networks",
        "He initialisation keeps the signal's variance through deep ReLU stacks",
    ),
)


# ============================================================================ DenseNet-121
@dataclass(frozen=True)
class ApiChange:
    """One Keras 1/2 call of the post's DenseNet code, what Keras 3 does with it, and the fix."""

    call: str
    status_in_keras3: str
    replacement: str


DENSENET_KERAS1 = (
    ApiChange(
        "from keras.utils.data_utils import get_file",
        "module removed: ModuleNotFoundError",
        "keras.utils.get_file",
    ),
    ApiChange(
        "from keras.utils.vis_utils import model_to_dot",
        "module removed: ModuleNotFoundError",
        "keras.utils.model_to_dot",
    ),
    ApiChange(
        "from keras.utils import layer_utils",
        "no longer public: ImportError",
        "nothing (the code never uses it); model.summary() prints the layers",
    ),
    ApiChange(
        "K.image_dim_ordering() == 'tf'",
        "removed: keras.backend has no image_dim_ordering",
        "keras.config.image_data_format() == 'channels_last'",
    ),
    ApiChange(
        "Convolution2D(nb_filter, 7, 7, subsample=(2, 2), name='conv1', bias=False)",
        "Convolution2D is still an alias of Conv2D, but subsample= and bias= raise ValueError "
        "(unrecognized keyword arguments)",
        "Conv2D(nb_filter, 7, strides=2, use_bias=False, name='conv1')",
    ),
    ApiChange(
        "Convolution2D(nb_filter, 3, 3, name=conv_name_base+'_x2', bias=False)",
        "bias= raises ValueError; worse, the third positional argument is now strides, so with "
        "bias= fixed alone this is a 3x3 conv with stride 3",
        "Conv2D(nb_filter, 3, use_bias=False, name=...)",
    ),
    ApiChange(
        "Convolution2D(inter_channel, 1, 1, name=conv_name_base+'_x1', bias=False)",
        "bias= raises ValueError; the positional 1, 1 now means kernel 1 and stride 1 "
        "(harmless by luck)",
        "Conv2D(inter_channel, 1, use_bias=False, name=...)",
    ),
    ApiChange(
        "Convolution2D(int(nb_filter * compression), 1, 1, name=conv_name_base, bias=False)",
        "the same as the bottleneck's 1x1: bias= raises ValueError",
        "Conv2D(int(nb_filter * compression), 1, use_bias=False, name=...)",
    ),
    ApiChange(
        "merge([concat_feat, x], mode='concat', concat_axis=concat_axis, name=...)",
        "removed: keras.layers has no merge",
        "keras.layers.Concatenate(axis=concat_axis, name=...)([concat_feat, x])",
    ),
    ApiChange(
        "Scale(axis=concat_axis, name=...)",
        "never part of Keras: a custom layer from the conversion of Caffe weights, not defined "
        "in the post (NameError)",
        "nothing: BatchNormalization already learns a scale and a shift (center=True, "
        "scale=True); loading Caffe-converted weights would need a per-channel affine layer",
    ),
)


def keras1_changes() -> Table:
    """The post's DenseNet (Keras 1) calls that Keras 3 removed or changed, with replacements."""
    rows = [[c.call, c.status_in_keras3, c.replacement] for c in DENSENET_KERAS1]
    return Table(["the post's call", "in Keras 3", "write instead"], rows,
                 title="The post's DenseNet code against Keras 3")


# The post's DenseNet121() defaults: Table 1's DenseNet-121 blocks, k = 32, 64 initial maps,
# the bottleneck 1x1 conv of 4k maps, and reduction=0.0, i.e. compression = 1.0.
POST_DENSENET121 = {"blocks": (6, 12, 24, 16), "growth_rate": 32, "initial_maps": 64,
                    "bottleneck_maps": 4 * 32, "compression": 1.0 - 0.0}

DENSENET_DEPARTURES = (
    Departure(
        "name", "headed DenseNet-101 (its section) and DenseNet-50 (the title)",
        "the code is DenseNet-121: 1 + 2 x (6 + 12 + 24 + 16) + 3 + 1 = 121 layers with weights",
        "there is no DenseNet-50 or -101 in the paper; its ImageNet networks are 121, 169, 201 "
        "and 264 layers deep",
    ),
    Departure(
        "compression",
        "reduction=0.0 by default, so compression = 1.0: the transitions keep every map "
        "(DenseNet-B), though the post's text describes theta = 0.5",
        "DenseNet-121 is a DenseNet-BC: theta = 0.5 halves the maps at each transition",
        "the maps grow 256 -> 640 -> 1,408 -> 1,920 instead of 256 -> 512 -> 1,024 -> 1,024 "
        "(before each transition and at the classifier), and every later layer reads more "
        "inputs; DenseNet121(reduction=0.5) is the paper's network",
    ),
    Departure(
        "Scale layers",
        "a Scale layer (a learned per-channel scale and shift) after every BatchNormalization",
        "batch normalization, with its own scale and shift",
        "a leftover of converting Caffe weights (Caffe splits BN into BatchNorm and Scale): in "
        "Keras it doubles BN's affine parameters, and the post never defines it",
    ),
    Departure(
        "weight decay", "weight_decay=1e-4 is passed down to every block but used nowhere",
        "weight decay 1e-4",
        "training the post's code applies no weight decay, whatever the argument says; its "
        "nb_filter argument is also ignored (overwritten by 64)",
    ),
)

BUILDERS = {
    "lenet": post_lenet,
    "alexnet": post_alexnet,
    "zfnet": post_zfnet,
    "vgg16": post_vgg16,
    "googlenet": post_googlenet,
    "resnet50": post_resnet50,
}
DEPARTURES = {
    "lenet": LENET_DEPARTURES,
    "alexnet": ALEXNET_DEPARTURES,
    "zfnet": ZFNET_DEPARTURES,
    "vgg16": VGG16_DEPARTURES,
    "googlenet": GOOGLENET_DEPARTURES,
    "resnet50": RESNET50_DEPARTURES,
    "densenet121": DENSENET_DEPARTURES,
}


def build(name: str, **kwargs):
    """Build one of the post's networks by its short name, e.g. ``build("vgg16")``."""
    if name not in BUILDERS:
        raise ValueError(
            f"Unknown network {name!r}. Known: {', '.join(BUILDERS)} (the post's DenseNet is "
            "Keras 1 code and has no builder: see keras1_changes())"
        )
    return BUILDERS[name](**kwargs)


def errata(name: str) -> Table:
    """The post's departures from the paper for one network, as a table."""
    if name not in DEPARTURES:
        raise ValueError(f"Unknown network {name!r}. Known: {', '.join(DEPARTURES)}")
    rows = [[d.aspect, d.post, d.paper, d.why_it_matters] for d in DEPARTURES[name]]
    return Table(["aspect", "the post's code", "the paper", "why it matters"], rows,
                 title=f"The post's {name} against the paper")
