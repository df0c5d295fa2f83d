"""VGG: Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015 (arXiv 2014), Table 1 (configurations A to E) and Section 2.1."""

from __future__ import annotations

import keras

from classic import layers as classic_layers
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
from classic.shapes import Window, check_input_size

# keras.applications' own, for the ImageNet weights (RGB in [0, 255]; see pretrained.py)
preprocess_input = keras.applications.vgg16.preprocess_input
decode_predictions = keras.applications.vgg16.decode_predictions

# Table 1, one row per configuration, one list per stage (each stage ends in a 2x2/2 max pool).
# An int is "conv3-<width>" (3x3, stride 1, padding 1, ReLU), a pair (width, 1) is C's
# "conv1-<width>" (1x1), and "LRN" is A-LRN's local response normalization. Then, for all of
# them, FC-4096, FC-4096, FC-1000 and a soft-max.
CONFIGS = {
    "A": [[64], [128], [256, 256], [512, 512], [512, 512]],
    "A-LRN": [[64, "LRN"], [128], [256, 256], [512, 512], [512, 512]],
    "B": [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
    "C": [[64, 64], [128, 128], [256, 256, (256, 1)], [512, 512, (512, 1)], [512, 512, (512, 1)]],
    "D": [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
    "E": [[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4],
}
FC_UNITS = (4096, 4096)
INITIALIZERS = ("glorot_uniform", "he_normal", "uniform")

# Model names: keras.applications' for D and E (vgg16, vgg19), the weight-layer count for the rest.
MODEL_NAMES = {
    "A": "vgg11", "A-LRN": "vgg11_lrn", "B": "vgg13", "C": "vgg16_c", "D": "vgg16", "E": "vgg19",
}


def _conv(entry) -> tuple[int, int] | None:
    """(width, kernel) of a Table 1 entry, None for "LRN"."""
    if entry == "LRN":
        return None
    if isinstance(entry, int):
        return entry, 3
    return entry


def windows(config: str) -> tuple[Window, ...]:
    """The main path of a configuration as sliding windows (the input-size arithmetic)."""
    path = []
    for stage in CONFIGS[config]:
        for entry in stage:
            conv = _conv(entry)
            if conv is not None:
                path.append(Window(conv[1], 1, "same"))
        path.append(Window(2, 2))
    return tuple(path)


def vgg(
    config="D",
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    width=1.0,
    batch_norm=False,
    bn_momentum=0.99,
    dropout=0.5,
    kernel_initializer="glorot_uniform",
    weights=None,
    input_tensor=None,
):
    """A VGG configuration of Table 1 (``config`` one of A, A-LRN, B, C, D, E; D is VGG-16).

    Defaults, and where they come from:

    * ``input_shape=(224, 224, 3)``: the paper's fixed-size 224x224 RGB crops (Section 2.1).
    * 3x3 convolutions with stride 1 and padding 1 ("same"), ReLU after each, five 2x2/2 max
      pools, FC-4096, FC-4096 and a ``classes``-way soft-max: Section 2.1 and Table 1.
    * ``dropout=0.5`` after the first two fully connected layers: Section 3.1 ("dropout ratio
      set to 0.5"); keras.applications leaves it out, and ``dropout=0`` does too.
    * Weights start from Keras' Glorot-uniform, zero biases: Section 3.1 notes that "it is
      possible to initialise the weights without pre-training" with Glorot and Bengio's
      procedure (the paper trained A first and copied its layers into the deeper nets).
    * ``kernel_initializer="glorot_uniform"`` (Keras' default, the paper's "procedure of Glorot
      and Bengio"); ``"he_normal"`` is He et al.'s 2015 initialization for ReLU networks, which
      came after VGG; ``"uniform"`` is the post's choice, Keras' fixed range of -0.05 to 0.05
      whatever a layer's fan-in. Notebook 4 trains a plain D from each.
    * A-LRN: local response normalization after the first convolution (Table 1) with AlexNet's
      parameters (Section 2.1), which are ``classic.layers.LocalResponseNormalization``'s defaults.
    * ``batch_norm=False``: VGG predates batch normalization (Ioffe and Szegedy, 2015);
      ``batch_norm=True`` puts a BatchNormalization (``bn_momentum``, Keras' default 0.99)
      between each convolution and its ReLU, as torchvision's ``vgg16_bn``. The convolutions
      keep their biases (so weights still copy by name), though BN's mean subtraction cancels
      them: their gradient is zero and they stay where they start.
    * ``width=1.0``: multiplies every convolution's and hidden dense layer's width (not the
      paper's; for width-scaled variants that train on a CPU).

    Layer names are keras.applications' (``block1_conv1``, ``block1_pool``, ``flatten``, ``fc1``,
    ``fc2``, ``predictions``), so its VGG16 and VGG19 weights copy by name: ``weights="imagenet"``
    or the path of keras.applications' file loads them into D and E
    (:mod:`classic.models.pretrained`). The smallest input is 32x32: five 2x2/2 pools.
    ``include_top=False`` ends at ``block5_pool`` (then ``pooling``).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it). This module's ``preprocess_input`` and
    ``decode_predictions`` are keras.applications' own, for ``weights="imagenet"``.
    """
    choice(config, "config", tuple(CONFIGS))
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor)
    positive_number(width, "width")
    choice(batch_norm, "batch_norm", (True, False))
    fraction(bn_momentum, "bn_momentum")
    fraction(dropout, "dropout")
    choice(kernel_initializer, "kernel_initializer", INITIALIZERS)
    name = MODEL_NAMES[config] + ("_bn" if batch_norm else "")
    check_input_size(shape, windows(config), name)
    pretrained.check(weights, MODEL_NAMES[config], shape, classes, include_top,
                     width=(width, 1.0), batch_norm=(batch_norm, False),
                     classifier_activation=classifier_activation)

    inputs = network_input(shape, input_tensor)
    x = inputs
    for b, stage in enumerate(CONFIGS[config], start=1):
        n = 0
        for entry in stage:
            conv = _conv(entry)
            if conv is None:
                x = classic_layers.LocalResponseNormalization(name=f"block{b}_lrn")(x)
                continue
            n += 1
            filters, kernel = conv
            layer = f"block{b}_conv{n}"
            x = keras.layers.Conv2D(
                scaled(filters, width), kernel, padding="same",
                activation=None if batch_norm else "relu", name=layer,
                kernel_initializer=kernel_initializer,
            )(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{layer}_bn")(x)
                x = keras.layers.Activation("relu", name=f"{layer}_relu")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{b}_pool")(x)

    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        for i, units in enumerate(FC_UNITS, start=1):
            x = keras.layers.Dense(
                scaled(units, width), activation="relu", name=f"fc{i}",
                kernel_initializer=kernel_initializer,
            )(x)
            if dropout:
                x = keras.layers.Dropout(dropout, name=f"fc{i}_dropout")(x)
        x = keras.layers.Dense(classes, activation=classifier_activation, name="predictions",
                               dtype=output_dtype())(x)
    else:
        x = global_pool(x, pooling)
    model = build_model(inputs, x, name=name)
    if weights is not None:
        pretrained.load(model, weights, MODEL_NAMES[config], include_top, inputs)
    return model


def vgg11(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    width=1.0,
    batch_norm=False,
    bn_momentum=0.99,
    dropout=0.5,
    weights=None,
    input_tensor=None,
):
    """VGG-11, configuration A of Table 1; :func:`vgg` gives each default's source."""
    return vgg("A", input_shape, classes, include_top, pooling, classifier_activation,
               width=width, batch_norm=batch_norm, bn_momentum=bn_momentum, dropout=dropout,
               weights=weights, input_tensor=input_tensor)


def vgg13(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    width=1.0,
    batch_norm=False,
    bn_momentum=0.99,
    dropout=0.5,
    weights=None,
    input_tensor=None,
):
    """VGG-13, configuration B of Table 1; :func:`vgg` gives each default's source."""
    return vgg("B", input_shape, classes, include_top, pooling, classifier_activation,
               width=width, batch_norm=batch_norm, bn_momentum=bn_momentum, dropout=dropout,
               weights=weights, input_tensor=input_tensor)


def vgg16(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    width=1.0,
    batch_norm=False,
    bn_momentum=0.99,
    dropout=0.5,
    weights=None,
    input_tensor=None,
):
    """VGG-16, configuration D of Table 1; :func:`vgg` gives each default's source."""
    return vgg("D", input_shape, classes, include_top, pooling, classifier_activation,
               width=width, batch_norm=batch_norm, bn_momentum=bn_momentum, dropout=dropout,
               weights=weights, input_tensor=input_tensor)


def vgg19(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    width=1.0,
    batch_norm=False,
    bn_momentum=0.99,
    dropout=0.5,
    weights=None,
    input_tensor=None,
):
    """VGG-19, configuration E of Table 1; :func:`vgg` gives each default's source."""
    return vgg("E", input_shape, classes, include_top, pooling, classifier_activation,
               width=width, batch_norm=batch_norm, bn_momentum=bn_momentum, dropout=dropout,
               weights=weights, input_tensor=input_tensor)
