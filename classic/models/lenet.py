"""LeNet-5: LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document
recognition", Proceedings of the IEEE, 1998 (Section II.B and Appendix A)."""

from __future__ import annotations

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
)
from classic.shapes import Window, check_input_size

# Table I: the S2 maps each C3 map sees. Six see 3 contiguous maps, six see 4 contiguous,
# three see 4 non-contiguous, and the last sees all six: 60 links instead of 96.
C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)

# The main path as sliding windows (C1, S2, C3, S4, C5): the input-size arithmetic.
WINDOWS = (Window(5), Window(2, 2), Window(5), Window(2, 2), Window(5))

VARIANTS = ("paper", "modern")
HEADS = ("dense", "rbf")


def lenet5(
    input_shape=None,
    classes=10,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    variant="paper",
    c3_table=None,
    head="dense",
    weights=None,
    input_tensor=None,
):
    """LeNet-5 as published (defaults): 32x32x1 input scaled to [-0.1, 1.175], C1 6@5x5,
    S2 trainable subsampling, C3 16@5x5 on Table I's sparse connections, S4, C5 120@5x5, F6 84,
    scaled tanh throughout, then a ``classes``-way softmax (``head="rbf"``: the paper's
    Euclidean RBF units instead).

    C1 to F6 hold the paper's 60,000 trainable parameters. ``variant="modern"`` swaps in ReLU,
    max pooling and a fully connected C3. ``c3_table`` defaults to True for the paper, False for
    the modern variant. ``include_top=False`` ends at C5 (then ``pooling`` applies).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 1)`` opens it).
    """
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor,
                         default=(32, 32, 1))
    pretrained.check(weights, "lenet5", shape, classes, include_top)  # None only
    choice(variant, "variant", VARIANTS)
    choice(head, "head", HEADS)
    if c3_table is None:
        c3_table = variant == "paper"
    choice(c3_table, "c3_table", (True, False))
    check_input_size(shape, WINDOWS, "lenet5")

    paper = variant == "paper"
    act = classic_layers.scaled_tanh if paper else "relu"

    def pool(name):
        if paper:
            return classic_layers.Subsampling(2, activation=act, name=name)
        return keras.layers.MaxPooling2D(2, name=name)

    inputs = network_input(shape, input_tensor)
    x = inputs
    if paper:
        # Section II.B: white background -0.1, black ink 1.175, so the input has a mean near 0 and
        # a variance near 1 "which accelerates learning". Images arrive in [0, 1], ink high.
        x = keras.layers.Rescaling(1.275, offset=-0.1, name="normalize")(x)
    x = keras.layers.Conv2D(6, 5, activation=act, name="C1")(x)
    x = pool("S2")(x)
    if c3_table:
        x = classic_layers.SparseConv2D(16, 5, C3_TABLE, activation=act, name="C3")(x)
    else:
        x = keras.layers.Conv2D(16, 5, activation=act, name="C3")(x)
    x = pool("S4")(x)
    x = keras.layers.Conv2D(120, 5, activation=act, name="C5")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(84, activation=act, name="F6")(x)
        if head == "rbf":
            x = classic_layers.RBF(classes, name="output")(x)
            x = keras.layers.Activation(classifier_activation, name="predictions",
                                        dtype=output_dtype())(x)
        else:
            x = keras.layers.Dense(classes, activation=classifier_activation, name="output",
                                   dtype=output_dtype())(x)
    else:
        x = global_pool(x, pooling)
    return build_model(inputs, x, name="lenet5" if paper else "lenet5_modern")
