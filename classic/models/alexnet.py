"""AlexNet: Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS (then NIPS) 2012 (Section 3 and Figure 2)."""

from __future__ import annotations

from typing import NamedTuple

import keras

from classic import layers as classic_layers
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


class ConvLayer(NamedTuple):
    """One convolutional layer of the paper's Figure 2, widths summed over both towers (GPUs)."""

    name: str
    filters: int
    kernel: int
    stride: int
    padding: int  # zero padding on each side, as the paper's arithmetic needs it
    sees: str  # "all": every map below (the image, or both towers); "own": its own tower only
    normalize: bool  # response normalization after the ReLU (Section 3.3)
    pool: bool  # overlapping max pooling after that (Section 3.4)


# Section 3.5 and Figure 2. "The kernels of the second, fourth, and fifth convolutional layers are
# connected only to those kernel maps in the previous layer which reside on the same GPU. The
# kernels of the third convolutional layer are connected to all kernel maps in the second layer."
# Response normalization follows conv1 and conv2; max pooling follows both of those and conv5.
ALEXNET = (
    ConvLayer("conv1", 96, 11, 4, 0, "all", normalize=True, pool=True),
    ConvLayer("conv2", 256, 5, 1, 2, "own", normalize=True, pool=True),
    ConvLayer("conv3", 384, 3, 1, 1, "all", normalize=False, pool=False),
    ConvLayer("conv4", 384, 3, 1, 1, "own", normalize=False, pool=False),
    ConvLayer("conv5", 256, 3, 1, 1, "own", normalize=False, pool=True),
)
HIDDEN = (4096, 4096)  # fc6 and fc7, each with dropout 0.5 (Section 4.2)
POOL = Window(3, 2)  # "overlapping pooling": windows of z = 3 with a stride s = 2 < z

# The main path as sliding windows: 227 -> 55 -> 27 -> 27 -> 13 -> 13 -> 13 -> 13 -> 6.
WINDOWS = tuple(
    window
    for layer in ALEXNET
    for window in (Window(layer.kernel, layer.stride, layer.padding),) + (POOL,) * layer.pool
)

POOLS = ((3, 2), (2, 2))  # (window, stride): the paper's overlapping pooling, and the usual kind
GROUPS = (1, 2)
ACTIVATIONS = ("relu", "tanh")  # Section 3.1 and Figure 1: ReLU, against the saturating tanh


def check_dropout(dropout) -> float:
    """The dropout rate of the hidden dense layers: a number in [0, 1)."""
    ok = isinstance(dropout, int | float) and not isinstance(dropout, bool)
    if not ok or not 0 <= dropout < 1:
        raise ValueError(
            f"`dropout` must be a number in [0, 1) (0 leaves dropout out). Received: "
            f"dropout={dropout!r}"
        )
    return dropout


def keras_padding(kernel: int, stride: int, padding: int) -> str:
    """The Keras padding mode that equals ``padding`` zeros on each side, where one does."""
    if padding == 0:
        return "valid"
    if stride == 1 and 2 * padding == kernel - 1:  # "same" at stride 1 pads (k - 1) / 2 a side
        return "same"
    raise ValueError(f"No Keras padding mode pads {padding} a side for {kernel}x{kernel}/{stride}")


def classifier(x, classes, classifier_activation, width, dropout, activation="relu"):
    """fc6 and fc7 (ReLU, then dropout) and the ``classes``-way output layer, as in AlexNet."""
    x = keras.layers.Flatten(name="flatten")(x)
    for number, units in enumerate(HIDDEN, start=6):
        x = keras.layers.Dense(scaled(units, width), activation=activation, name=f"fc{number}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"drop{number}")(x)
    return keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                              dtype=output_dtype())(x)


def alexnet(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    groups=2,
    lrn=True,
    width=1.0,
    dropout=0.5,
    activation="relu",
    pool=(3, 2),
    weights=None,
    input_tensor=None,
):
    """AlexNet as published (defaults): five convolutional layers (96@11x11/4, 256@5x5,
    384@3x3, 384@3x3, 256@3x3), ReLU, response normalization after conv1 and conv2, overlapping
    3x3/2 max pooling after both and after conv5, then fc6 and fc7 of 4096 units with dropout 0.5
    and a ``classes``-way softmax (the paper's 1000 ImageNet classes).

    ``input_shape=(227, 227, 3)``: the paper says 224x224, but its own numbers need 227
    (``(227 - 11) / 4 + 1 = 55``, the 55x55 of Figure 2; 224 gives 54 and a 5x5x256 pool5).
    The flattened pool5 size, and so fc6's parameters, follow the input: at 227, 6x6x256 = 9,216.

    ``groups=2`` (default) keeps the paper's two towers, one per GPU: each tower has half the maps
    of every layer; conv2, conv4 and conv5 see only their own tower's maps, conv1 sees the image
    and conv3 both towers (a ``Concatenate`` joins them). Each tower is its own ``Conv2D``, which
    has the same parameters as ``Conv2D(groups=2)`` and runs faster on a CPU; ``groups=1`` is the
    one-tower network (more parameters in conv2, conv4 and conv5). The response normalization
    runs within each tower, as on the paper's GPUs (Caffe normalizes across all 96 conv1 maps).

    ``lrn=True``: the paper's k = 2, n = 5, alpha = 1e-4, beta = 0.75, see
    :class:`classic.layers.LocalResponseNormalization`; ``lrn=False`` leaves it out. ``width``
    multiplies every convolution and hidden dense width (1.0: the paper's). ``dropout=0.5`` is the
    paper's rate in fc6 and fc7 (0 leaves the layers out). Weights start from Keras' defaults
    (Glorot uniform, zero biases), not the paper's N(0, 0.01) with biases of 1.
    ``activation="relu"`` is the paper's nonlinearity in every convolutional and hidden dense
    layer; ``"tanh"`` puts the saturating unit it compared against (Section 3.1, Figure 1) in the
    same places, for that comparison.
    ``pool=(3, 2)``: the paper's overlapping 3x3/2 max pooling; ``(2, 2)`` is the
    non-overlapping pooling it compared against (Section 3.4: 0.4 points more top-1 error).
    ``include_top=False`` ends at pool5 (then ``pooling`` applies).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it).
    """
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor,
                         default=(227, 227, 3))
    pretrained.check(weights, "alexnet", shape, classes, include_top)  # None only
    pool = tuple(pool) if isinstance(pool, list | tuple) else pool
    choice(pool, "pool", POOLS)
    choice(groups, "groups", GROUPS)
    choice(lrn, "lrn", (True, False))
    positive_number(width, "width")
    check_dropout(dropout)
    choice(activation, "activation", ACTIVATIONS)
    windows = WINDOWS if pool == POOLS[0] else tuple(
        window for layer in ALEXNET
        for window in (Window(layer.kernel, layer.stride, layer.padding),)
        + (Window(*pool),) * layer.pool
    )
    check_input_size(shape, windows, "alexnet")

    def named(base, tower, towers):
        return base if towers == 1 else f"{base}_tower{tower + 1}"

    inputs = network_input(shape, input_tensor)
    branches = [inputs]  # one tensor per tower
    last = "input"
    for layer in ALEXNET:
        if layer.sees == "all" and len(branches) > 1:
            branches = [keras.layers.Concatenate(name=f"{last}_concat")(branches)]
        if len(branches) == 1:
            branches = branches * groups
        padding = keras_padding(layer.kernel, layer.stride, layer.padding)
        filters = scaled(layer.filters // groups, width)
        outputs = []
        for tower, x in enumerate(branches):
            x = keras.layers.Conv2D(
                filters, layer.kernel, layer.stride, padding=padding, activation=activation,
                name=named(layer.name, tower, groups),
            )(x)
            last = layer.name
            number = layer.name.removeprefix("conv")
            if layer.normalize and lrn:
                x = classic_layers.LocalResponseNormalization(
                    depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75,
                    name=named(f"norm{number}", tower, groups),
                )(x)
            if layer.pool:
                x = keras.layers.MaxPooling2D(
                    pool[0], pool[1], name=named(f"pool{number}", tower, groups)
                )(x)
                last = f"pool{number}"
            outputs.append(x)
        branches = outputs
    x = branches[0]
    if len(branches) > 1:
        x = keras.layers.Concatenate(name=f"{last}_concat")(branches)

    if include_top:
        x = classifier(x, classes, classifier_activation, width, dropout, activation)
    else:
        x = global_pool(x, pooling)
    return build_model(inputs, x, name="alexnet")


def four_layer_cnn(input_shape=(32, 32, 3), classes=10, *, activation="relu", width=1.0):
    """The kind of network of the AlexNet paper's Figure 1: four weight layers on CIFAR-10.

    The paper gives no table for it (it was a cuda-convnet network); this follows that
    package's small CIFAR-10 layout without normalization: three 5x5 convolutions of 32, 32
    and 64 maps, each followed by 3x3/2 max pooling, then a ``classes``-way softmax.
    ``activation`` is ReLU or tanh, the comparison of Figure 1; no dropout or other
    regularization, as there.
    """
    shape = check_common(input_shape, classes, True, None)
    choice(activation, "activation", ACTIVATIONS)
    positive_number(width, "width")
    inputs = keras.Input(shape, name="input")
    x = inputs
    for number, filters in enumerate((32, 32, 64), start=1):
        x = keras.layers.Conv2D(
            scaled(filters, width), 5, padding="same", activation=activation, name=f"conv{number}"
        )(x)
        x = keras.layers.MaxPooling2D(3, 2, padding="same", name=f"pool{number}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x, name="four_layer_cnn")
