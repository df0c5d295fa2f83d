"""The source post's ResNet-50 (3x3 projection shortcuts, conv -> ReLU -> BN) and its departures."""

from __future__ import annotations

from typing import NamedTuple

import keras

from classic.models._common import input_shape_of, positive_int
from classic.models.source._conv2d_bn import conv_relu_bn
from classic.models.source.departure import Departure
from classic.shapes import Window, check_input_size


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
    y = conv_relu_bn(x, f1, 1, f"{name}_1", strides=strides)
    y = conv_relu_bn(y, f2, 3, f"{name}_2")
    y = conv_relu_bn(y, f3, 1, f"{name}_3")
    if with_conv_shortcut:
        shortcut = conv_relu_bn(x, f3, POST_SHORTCUT_KERNEL, f"{name}_0", strides=strides)
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
    x = conv_relu_bn(x, 64, 7, "conv1", strides=2, padding="valid")
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
        "He initialisation keeps the signal's variance through deep ReLU stacks; the course's "
        "builder keeps Glorot, as keras.applications does: with batch normalization after every "
        "convolution the start matters less",
    ),
)
