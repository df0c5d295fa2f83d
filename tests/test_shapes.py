"""Hand-computed expectations for classic.shapes (none copied from the code's output)."""

import keras
import pytest

from classic import shapes
from classic.shapes import Field, Window


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [
        (32, 5, 1, "valid", 28),  # LeNet-5 C1
        (28, 2, 2, "valid", 14),  # S2
        (227, 11, 4, "valid", 55),  # AlexNet conv1: (227 - 11) / 4 + 1
        (224, 11, 4, 2, 55),  # floor((224 + 4 - 11) / 4) + 1 = 54 + 1
        (224, 7, 2, (1, 2), 111),  # floor((224 + 1 + 2 - 7) / 2) + 1
        (224, 3, 1, "same", 224),
        (224, 3, 2, "same", 112),  # ceil(224 / 2)
        (7, 3, 2, "same", 4),  # ceil(7 / 2)
        (4, 5, 1, "valid", 0),  # the window does not fit
    ],
)
def test_output_size(size, kernel, stride, padding, expected):
    assert shapes.output_size(size, kernel, stride, padding) == expected


def test_output_size_with_dilation():
    # A 3x3 kernel dilated by 2 spans 5 pixels: (10 - 5) / 1 + 1 = 6.
    assert shapes.output_size(10, 3, 1, "valid", dilation=2) == 6


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"size": 0, "kernel": 3}, "size"),
        ({"size": 8, "kernel": 3, "stride": 0}, "stride"),
        ({"size": 8, "kernel": 3, "padding": "full"}, "padding"),
        ({"size": 8, "kernel": 3, "padding": -1}, "padding"),
    ],
)
def test_output_size_rejects_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        shapes.output_size(**kwargs)


def test_conv2d_params():
    assert shapes.conv2d_params(5, 1, 6) == 156  # (5*5*1 + 1) * 6
    assert shapes.conv2d_params(5, 16, 120) == 48_120  # LeNet-5 C5
    assert shapes.conv2d_params((3, 2), 64, 128) == (3 * 2 * 64 + 1) * 128
    assert shapes.conv2d_params(3, 64, 64, use_bias=False) == 36_864
    # AlexNet conv2 in two towers: each filter sees 48 of the 96 maps.
    assert shapes.conv2d_params(5, 96, 256, groups=2) == (5 * 5 * 48 + 1) * 256


def test_conv2d_params_groups_must_divide():
    with pytest.raises(ValueError, match="groups"):
        shapes.conv2d_params(3, 6, 16, groups=4)


def test_dense_and_batchnorm_params():
    assert shapes.dense_params(120, 84) == 10_164
    assert shapes.dense_params(84, 10, use_bias=False) == 840
    bn = shapes.batchnorm_params(64)
    assert (bn.trainable, bn.non_trainable, bn.total) == (128, 128, 256)
    assert shapes.batchnorm_params(64, scale=False).trainable == 64


def test_macs():
    assert shapes.conv2d_macs(28, 5, 1, 6) == 28 * 28 * 6 * 25
    assert shapes.conv2d_macs((27, 27), 5, 96, 256, groups=2) == 27 * 27 * 256 * 25 * 48
    assert shapes.dense_macs(120, 84) == 10_080
    assert shapes.dense_macs(512, 10, positions=49) == 512 * 10 * 49


def test_activation_memory():
    assert shapes.activation_memory((224, 224, 64)) == 224 * 224 * 64 * 4
    assert shapes.activation_memory((10,), bytes_per_value=2) == 20
    with pytest.raises(ValueError, match="shape"):
        shapes.activation_memory(())


def test_receptive_fields():
    # Two stacked 3x3 convs see 5x5; three see 7x7 (the VGG paper's argument).
    fields = shapes.receptive_fields([(3, 1), (3, 1), (3, 1)])
    assert fields == [Field(3, 1), Field(5, 1), Field(7, 1)]
    # LeNet-5: C1 5/1 -> 5, S2 2/2 -> 6 (jump 2), C3 5/1 -> 6 + 4*2 = 14, S4 -> 16 (jump 4),
    # C5 -> 16 + 4*4 = 32: C5 sees the whole 32x32 input.
    lenet = shapes.receptive_fields([(5, 1), (2, 2), (5, 1), (2, 2), (5, 1)])
    assert [f.size for f in lenet] == [5, 6, 14, 16, 32]
    assert [f.jump for f in lenet] == [1, 2, 2, 4, 4]
    assert shapes.receptive_fields([(3, 1, 2)]) == [Field(5, 1)]


def test_smallest_input():
    lenet = [Window(5), Window(2, 2), Window(5), Window(2, 2), Window(5)]
    # Backwards: C5 needs 5, S4 needs 10, C3 needs 14, S2 needs 28, C1 needs 32.
    assert shapes.smallest_input(lenet) == (32, 32)
    # Five 'same' stride-2 stages keep every map >= 1x1 at any size; the total stride 32 rules.
    assert shapes.smallest_input([Window(3, 2, "same")] * 5) == (32, 32)
    # A 3x2 kernel needs 3 rows but only 2 columns.
    assert shapes.smallest_input([Window((3, 2))]) == (3, 2)


def test_check_input_size_names_the_smallest():
    # Seven 5x5 'valid' convs take 4 pixels each: 7 * 4 + 1 = 29.
    with pytest.raises(ValueError, match="net needs an input of at least 29x29"):
        shapes.check_input_size((28, 40, 1), [Window(5)] * 7, "net")
    shapes.check_input_size((29, 29, 1), [Window(5)] * 7, "net")


def _functional():
    inputs = keras.Input((32, 32, 3), name="input")
    a = keras.layers.Conv2D(8, 3, padding="same", name="a")(inputs)
    b = keras.layers.Conv2D(8, 5, strides=2, name="b")(a)
    c = keras.layers.Conv2D(8, 1, strides=2, name="c")(a)
    c = keras.layers.ZeroPadding2D(((0, 0), (0, 0)), name="pad")(c)
    c = keras.layers.Cropping2D(((1, 1), (1, 1)), name="crop")(c)  # unknown to the formulas
    b = keras.layers.Cropping2D(((0, 0), (0, 0)), name="crop_b")(b)
    x = keras.layers.Concatenate(name="join")([b, c])
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    x = keras.layers.Dense(10, name="fc")(x)
    return keras.Model(inputs, x)


def test_table_matches_hand_arithmetic():
    model = _functional()
    table = shapes.table(model)
    rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    # a: 'same' 3x3 keeps 32x32; (27 + 1) * 8 = 224 parameters; 32*32*8*27 MACs.
    assert rows["a"]["output"] == "32x32x8" and rows["a"]["checked"] == "yes"  # crops: a column
    assert rows["a"]["params"] == 224
    assert rows["a"]["MACs"] == 32 * 32 * 8 * 27
    # b: (32 - 5) // 2 + 1 = 14.
    assert rows["b"]["output"] == "14x14x8"
    assert rows["b"]["RF"] == 3 + 4 * 1 and rows["b"]["jump"] == 2
    # c: 1x1/2 on 32 -> 16; Cropping2D has no formula here, so Keras alone gives its shape.
    assert rows["crop"]["checked"] == "Keras only" and rows["crop"]["output"] == "14x14x8"
    assert rows["join"]["output"] == "14x14x16" and rows["join"]["checked"] == "yes"
    assert rows["bn"]["params"] == 64  # 4 * 16
    assert rows["fc"]["params"] == 170
    # Layers that only move values count no activation memory; the maps they join count where
    # they are made (b's, read by the batch normalization through the concatenation).
    assert rows["join"]["activations KiB"] is None and rows["crop"]["activations KiB"] is None
    assert rows["b"]["activations KiB"] == round(14 * 14 * 8 * 4 / 1024, 1)
    # Global average pooling's gradient spreads evenly: it reads no input, so the batch
    # normalization's output before it is not kept.
    assert rows["bn"]["activations KiB"] is None
    assert rows["fc"]["RF"] is None  # no spatial layout left
    total = rows["total"]
    assert total["params"] == 224 + (5 * 5 * 8 + 1) * 8 + (8 + 1) * 8 + 64 + 170
    assert total["checked"] == f"{len(table.rows) - 3} of {len(table.rows) - 1} layers"  # 2 crops
    # Plain text and HTML both show the table.
    assert "14x14x16" in str(table) and "<table>" in table._repr_html_()


def test_table_fails_loudly_when_keras_disagrees(monkeypatch):
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Conv2D(4, 5, name="conv")(inputs)
    model = keras.Model(inputs, outputs)
    real = shapes.output_size
    monkeypatch.setattr(shapes, "output_size", lambda *a, **k: real(*a, **k) + 1)
    with pytest.raises(shapes.ArithmeticMismatch, match="conv"):
        shapes.table(model)


def test_totals():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)  # 6x6x2, 20 params, 6*6*2*9 MACs
    x = keras.layers.BatchNormalization(name="bn")(x)  # 4 trainable + 4 moving statistics
    x = keras.layers.Flatten(name="flat")(x)
    x = keras.layers.Dense(3, name="fc")(x)  # 72 inputs: 219 params, 216 MACs
    total = shapes.totals(keras.Model(inputs, x))
    assert total.params == 20 + 8 + 219
    assert total.trainable_params == 20 + 4 + 219
    assert total.macs == 648 + 216
    # Float32 activations: input 64, conv 72, bn 72, fc 3 values; Flatten only moves values.
    assert total.activation_bytes == 4 * (64 + 72 + 72 + 3)


def test_activation_rule_counts_what_layers_compute():
    """Towers joined by a concatenation cost what they compute: the same as one wide layer."""
    inputs = keras.Input((8, 8, 2))
    one = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    left = keras.layers.Conv2D(2, 3, padding="same")(inputs)
    right = keras.layers.Conv2D(2, 3, padding="same")(inputs)
    joined = keras.layers.Concatenate()([left, right])
    padded = keras.layers.ZeroPadding2D(1)(keras.layers.Dropout(0.5)(joined))
    wide, towers = keras.Model(inputs, one), keras.Model(inputs, padded)
    assert shapes.totals(wide).activation_bytes == 4 * (8 * 8 * 2 + 8 * 8 * 4)
    assert shapes.totals(towers).activation_bytes == shapes.totals(wide).activation_bytes
    assert not shapes.counts_activations(towers.layers[-1])  # ZeroPadding2D


def _conv_relu(fused: bool):
    inputs = keras.Input((8, 8, 2))
    if fused:
        x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    else:
        x = keras.layers.Activation("relu")(keras.layers.Conv2D(4, 3, padding="same")(inputs))
    x = keras.layers.MaxPooling2D(2)(x)
    return keras.Model(inputs, keras.layers.Conv2D(3, 1)(x))


def test_activation_rule_counts_a_relu_once_wherever_it_is_written():
    """VGG's built-in ReLU and ResNet's ReLU layer cost the same: the ReLU's output (its own
    gradient reads it), not the convolution's sum before it (no gradient reads it)."""
    fused, apart = shapes.totals(_conv_relu(True)), shapes.totals(_conv_relu(False))
    # input 128, ReLU 256, pool 64 (max pooling reads its output), last conv 48 values
    assert fused.activation_bytes == apart.activation_bytes == 4 * (128 + 256 + 64 + 48)


def test_activation_rule_keeps_what_the_backward_pass_reads():
    inputs = keras.Input((8, 8, 4))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)  # read by the ReLU, whose gradient needs y
    x = keras.layers.Activation("relu", name="relu")(x)
    x = keras.layers.Add(name="add")([x, inputs])  # read by a ReLU: not kept either
    x = keras.layers.Activation("relu", name="out_relu")(x)
    model = keras.Model(inputs, x)
    kept = {layer.name: shapes.kept_for_backward(layer) for layer in model.layers}
    assert kept == {inputs._keras_history.operation.name: True, "conv": True, "bn": False,
                    "relu": True, "add": False, "out_relu": True}
    assert shapes.totals(model).activation_bytes == 4 * 8 * 8 * 4 * 4
    by_type = shapes.activations_by_type(model)
    assert by_type["Activation"] == shapes.TypeActivations(2, 2, 2 * 4 * 256, 0)
    assert by_type["BatchNormalization"] == shapes.TypeActivations(1, 0, 0, 4 * 256)
    assert sum(t.bytes for t in by_type.values()) == shapes.totals(model).activation_bytes


def test_compare():
    inputs = keras.Input((4, 4, 1))
    small = keras.Model(inputs, keras.layers.Dense(2, name="fc")(keras.layers.Flatten()(inputs)))
    table = shapes.compare({"small": small})
    row = dict(zip(table.columns, table.rows[0], strict=True))
    assert row["input"] == "4x4x1"
    assert row["params"] == (16 + 1) * 2 and row["MACs"] == 32
    # input 16 + dense 2 values, 4 bytes each = 72 bytes (Flatten only moves values)
    assert row["activations KiB"] == round(72 / 1024, 1)


def test_a_table_checked_everywhere_says_so_once():
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="c")])
    table = shapes.table(model)
    assert "checked" not in table.columns and "hand formulas" in table.title
