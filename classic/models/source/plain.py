"""The source post's plain Sequential stacks: AlexNet, ZF-Net and VGG-16, and their departures.

The three share one pattern, built by one helper: conv/pool lines (:class:`Conv`, :class:`Pool`),
Flatten, Dense+Dropout pairs and a softmax.
"""

from __future__ import annotations

from typing import NamedTuple

import keras

from classic.models._common import input_shape_of, positive_int
from classic.models.source.departure import Departure
from classic.shapes import Window, check_input_size


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
