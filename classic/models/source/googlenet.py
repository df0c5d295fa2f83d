"""The source post's GoogLeNet: its Inception modules (conv -> ReLU -> BN) and its departures."""

from __future__ import annotations

import keras

from classic.models._common import input_shape_of, positive_int
from classic.models.source._conv2d_bn import conv_relu_bn
from classic.models.source.departure import Departure
from classic.shapes import Window, check_input_size


def _post_inception(x, width, name):
    """The post's ``Inception(x, nb_filter)``: four branches, every conv ``width`` maps wide.

    The "5x5" branch is a 1x1 reduce followed by another **1x1** conv, as posted
    (``Conv2d_BN(branch5x5, nb_filter, (1,1), ...)``); the names keep the post's "5x5".
    """
    branch1x1 = conv_relu_bn(x, width, 1, f"{name}_1x1")
    branch3x3 = conv_relu_bn(x, width, 1, f"{name}_3x3_reduce")
    branch3x3 = conv_relu_bn(branch3x3, width, 3, f"{name}_3x3")
    branch5x5 = conv_relu_bn(x, width, 1, f"{name}_5x5_reduce")
    branch5x5 = conv_relu_bn(branch5x5, width, 1, f"{name}_5x5")  # 1x1, as posted
    pool = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    pool = conv_relu_bn(pool, width, 1, f"{name}_pool_proj")
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
    x = conv_relu_bn(inputs, 64, 7, "conv1", strides=2)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = conv_relu_bn(x, 192, 3, "conv2")
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
