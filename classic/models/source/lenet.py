"""The source post's "LeNet" (a small ReLU MNIST convnet, not LeNet-5) and its departures."""

from __future__ import annotations

import keras

from classic.models._common import input_shape_of, positive_int
from classic.models.source.departure import Departure
from classic.shapes import Window, check_input_size

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
