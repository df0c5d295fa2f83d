"""AlexNet (NeurIPS 2012) and ZF-Net (ECCV 2014) against the papers' numbers."""

import keras
import numpy as np
import pytest

from classic import shapes
from classic.layers import LocalResponseNormalization
from classic.models.alexnet import alexnet
from classic.models.zfnet import zfnet


def conv(k, c_in, c_out):
    return (k * k * c_in + 1) * c_out


def dense(n_in, n_out):
    return (n_in + 1) * n_out


def params(model, *names):
    return sum(model.get_layer(name).count_params() for name in names)


def size(model, name):
    return tuple(model.get_layer(name).output.shape[1:])


def parent(model, name):
    """The name of the layer whose output feeds ``name``."""
    return model.get_layer(name).input._keras_history.operation.name


@pytest.fixture(scope="module")
def alex():
    return alexnet()


@pytest.fixture(scope="module")
def alex_one_tower():
    # Without fc6-fc8 (the same in both layouts) to save building 58M more weights.
    return alexnet(groups=1, include_top=False)


@pytest.fixture(scope="module")
def zf():
    return zfnet()


# ----------------------------------------------------------------------------------- AlexNet
def test_alexnet_parameters_from_the_paper(alex):
    # Figure 2, each tower (GPU) holding half the maps; conv2, conv4, conv5 see their own tower.
    expected = {
        "conv1": 2 * conv(11, 3, 48),  # = conv(11, 3, 96) = 34,944
        "conv2": 2 * conv(5, 48, 128),  # 307,456
        "conv3": 2 * conv(3, 256, 192),  # = conv(3, 256, 384): sees both towers, 885,120
        "conv4": 2 * conv(3, 192, 192),  # 663,936
        "conv5": 2 * conv(3, 192, 128),  # 442,624
    }
    assert expected["conv1"] == conv(11, 3, 96) and expected["conv3"] == conv(3, 256, 384)
    got = {name: params(alex, f"{name}_tower1", f"{name}_tower2") for name in expected}
    assert got == expected
    assert params(alex, "conv2_tower1") == conv(5, 48, 128)
    fc = {"fc6": dense(6 * 6 * 256, 4096), "fc7": dense(4096, 4096),
          "predictions": dense(4096, 1000)}
    assert {name: params(alex, name) for name in fc} == fc
    total = sum(expected.values()) + sum(fc.values())
    assert total == 60_965_224  # the often quoted "60 million parameters"
    assert alex.count_params() == total


def test_alexnet_one_tower_is_larger_by_what_the_towers_save(alex, alex_one_tower):
    saved = (
        conv(5, 96, 256) - 2 * conv(5, 48, 128)
        + conv(3, 384, 384) - 2 * conv(3, 192, 192)
        + conv(3, 384, 256) - 2 * conv(3, 192, 128)
    )
    assert saved == 1_413_120
    top = params(alex, "fc6", "fc7", "predictions")
    assert alex_one_tower.count_params() == alex.count_params() - top + saved
    # The whole one-tower network: 60,965,224 + 1,413,120.
    assert alex_one_tower.count_params() + top == 62_378_344
    assert params(alex_one_tower, "conv2") == conv(5, 96, 256)
    assert params(alex_one_tower, "conv3") == conv(3, 256, 384)
    assert not any("tower" in layer.name for layer in alex_one_tower.layers)


def test_alexnet_towers_are_wired_as_figure_2(alex):
    for tower in (1, 2):
        # conv2, conv4, conv5: only their own tower's maps.
        assert parent(alex, f"conv2_tower{tower}") == f"pool1_tower{tower}"
        assert alex.get_layer(f"conv2_tower{tower}").input.shape[-1] == 48
        assert parent(alex, f"conv4_tower{tower}") == f"conv3_tower{tower}"
        assert parent(alex, f"conv5_tower{tower}") == f"conv4_tower{tower}"
        # conv3: every map of layer 2, both towers.
        assert parent(alex, f"conv3_tower{tower}") == "pool2_concat"
        assert alex.get_layer(f"conv3_tower{tower}").input.shape[-1] == 256
        # Response normalization follows conv1 and conv2, pooling follows it, in each tower.
        assert parent(alex, f"norm1_tower{tower}") == f"conv1_tower{tower}"
        assert parent(alex, f"pool1_tower{tower}") == f"norm1_tower{tower}"
        assert parent(alex, f"pool5_tower{tower}") == f"conv5_tower{tower}"
    norm = alex.get_layer("norm1_tower1")
    assert isinstance(norm, LocalResponseNormalization)
    config = norm.get_config()
    assert (config["depth_radius"], config["bias"], config["alpha"], config["beta"]) == (
        2, 2.0, 1e-4, 0.75
    )  # k = 2, n = 5, alpha = 1e-4, beta = 0.75 (Section 3.3)
    assert alex.get_layer("drop6").rate == 0.5 and alex.get_layer("drop7").rate == 0.5


def test_two_towers_compute_a_grouped_convolution(alex):
    # Two Conv2D on the channel halves, concatenated, equal Conv2D(groups=2) with their kernels.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 7, 7, 96)).astype("float32")
    towers = [alex.get_layer(f"conv2_tower{t}") for t in (1, 2)]
    halves = [keras.ops.convert_to_numpy(t(x[..., 48 * i : 48 * (i + 1)]))
              for i, t in enumerate(towers)]
    grouped = keras.layers.Conv2D(256, 5, padding="same", groups=2, activation="relu")
    grouped.build(x.shape)
    kernels, biases = zip(*(t.get_weights() for t in towers), strict=True)
    grouped.set_weights([np.concatenate(kernels, -1), np.concatenate(biases)])
    assert grouped.count_params() == conv(5, 48, 128) * 2
    np.testing.assert_allclose(np.concatenate(halves, -1),
                               keras.ops.convert_to_numpy(grouped(x)), rtol=1e-4, atol=1e-4)


def test_alexnet_needs_227_not_224(alex):
    # (227 - 11) / 4 + 1 = 55, then 27, 27, 13, 13, 13, 13, 6 (Figure 2).
    expected = {"conv1_tower1": 55, "pool1_tower1": 27, "conv2_tower1": 27, "pool2_tower1": 13,
                "conv3_tower1": 13, "conv4_tower1": 13, "conv5_tower1": 13, "pool5_tower1": 6}
    assert {name: size(alex, name)[0] for name in expected} == expected
    assert size(alex, "flatten") == (6 * 6 * 256,)
    # At the 224 the text states: floor((224 - 11) / 4) + 1 = 54, ..., pool5 5x5, fc6 shrinks.
    features = alexnet(input_shape=(224, 224, 3), include_top=False)
    assert size(features, "conv1_tower1")[:2] == (54, 54)
    assert features.output_shape == (None, 5, 5, 256)


def test_alexnet_without_lrn_and_dropout():
    model = alexnet(input_shape=(67, 67, 3), lrn=False, dropout=0, width=1 / 8, classes=10)
    kinds = {type(layer).__name__ for layer in model.layers}
    assert "LocalResponseNormalization" not in kinds and "Dropout" not in kinds
    assert parent(model, "pool1_tower1") == "conv1_tower1"
    # fc6 follows the input: at 67x67 pool5 is 1x1, so fc6 sees 2 towers of 128 / 8 maps.
    assert params(model, "fc6") == dense(1 * 1 * 32, 4096 // 8)


def test_alexnet_width_and_features():
    model = alexnet(input_shape=(99, 99, 3), width=0.25, include_top=False, pooling="avg")
    assert model.get_layer("conv1_tower1").filters == 12  # 48 / 4 per tower
    assert model.output_shape == (None, 64)  # 2 towers of 128 / 4 at pool5


def test_alexnet_tanh_replaces_every_hidden_relu():
    relu = alexnet(input_shape=(67, 67, 3), width=1 / 8, classes=10)
    tanh = alexnet(input_shape=(67, 67, 3), width=1 / 8, classes=10, activation="tanh")
    hidden = [f"conv{i}_tower{t}" for i in range(1, 6) for t in (1, 2)] + ["fc6", "fc7"]
    for name in hidden:
        assert relu.get_layer(name).activation is keras.activations.relu
        assert tanh.get_layer(name).activation is keras.activations.tanh
    assert tanh.get_layer("predictions").activation is keras.activations.softmax
    assert tanh.count_params() == relu.count_params()  # same weights, another nonlinearity


# ----------------------------------------------------------------------------------- ZF-Net
def test_zfnet_feature_map_sizes_are_the_papers(zf):
    # Figure 3 at 224x224: 110, 55, 26, 13, 13, 13, 6 (layer 5's 13 before and 6 after pooling).
    expected = {
        "conv1": (110, 110, 96), "pool1": (55, 55, 96), "conv2": (26, 26, 256),
        "pool2": (13, 13, 256), "conv3": (13, 13, 384), "conv4": (13, 13, 384),
        "conv5": (13, 13, 256), "pool5": (6, 6, 256),
    }
    assert {name: size(zf, name) for name in expected} == expected
    # The same sizes from the hand formula floor((n + p - k) / s) + 1 with the chosen paddings.
    n = 224
    for k, s, pad, name in [(7, 2, (1, 1), "conv1"), (3, 2, (0, 1), "pool1"),
                            (5, 2, (0, 0), "conv2"), (3, 2, (0, 1), "pool2")]:
        n = shapes.output_size(n, k, s, pad)
        assert n == expected[name][0]


def test_zfnet_parameters_from_the_paper(zf):
    expected = {
        "conv1": conv(7, 3, 96), "conv2": conv(5, 96, 256), "conv3": conv(3, 256, 384),
        "conv4": conv(3, 384, 384), "conv5": conv(3, 384, 256),
        "fc6": dense(6 * 6 * 256, 4096), "fc7": dense(4096, 4096),
        "predictions": dense(4096, 1000),
    }
    assert {name: params(zf, name) for name in expected} == expected
    assert zf.count_params() == sum(expected.values()) == 62_357_608
    # Normalization after pooling in layers 1 and 2 (Figure 3's order), none after that.
    assert parent(zf, "norm1") == "pool1" and parent(zf, "norm2") == "pool2"
    assert parent(zf, "conv3") == "norm2"
    assert [layer.name for layer in zf.layers if "norm" in layer.name] == ["norm1", "norm2"]
    assert not any("tower" in layer.name for layer in zf.layers)


def test_zfnet_pooling_rounds_up(zf):
    # pool1_pad + pool1 must equal 3x3/2 max pooling in ceil mode on a ReLU output (>= 0): on a
    # 10x10 map the windows start at 0, 2, 4, 6, 8, and the last one sees columns 8 and 9 only.
    x = np.random.default_rng(1).uniform(size=(1, 10, 10, 2)).astype("float32")
    out = keras.ops.convert_to_numpy(zf.get_layer("pool1")(zf.get_layer("pool1_pad")(x)))
    expected = np.array([[x[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3].max((0, 1))
                          for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(out[0], expected)
    assert keras.layers.MaxPooling2D(3, 2)(x).shape[1:3] == (4, 4)  # floor mode loses a row


def test_zfnet_without_lrn():
    model = zfnet(input_shape=(47, 47, 3), lrn=False, width=1 / 8, classes=10)
    assert parent(model, "conv2") == "pool1"
    assert not any(isinstance(layer, LocalResponseNormalization) for layer in model.layers)


# ----------------------------------------------------------------------------------- both
def test_tables_agree_at_the_default_input(alex, alex_one_tower, zf):
    for model in (alex, alex_one_tower, zf):
        table = shapes.table(model)  # raises ArithmeticMismatch where formula and Keras disagree
        total = table.rows[-1]
        row = dict(zip(table.columns, total, strict=True))
        assert "checked" not in row and "worked out by the hand formulas" in table.title
        assert row["params"] == model.count_params()
    # ZeroPadding2D rows, asymmetric ones included, have their formula too.
    table = shapes.table(zf)
    rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert rows["pool1_pad"]["output"] == "111x111x96"
    assert rows["conv1_pad"]["output"] == "226x226x3"
    # Two towers cost the activation memory of one: the concatenations only move values.
    assert shapes.totals(alex).activation_bytes == shapes.totals(alexnet(groups=1)).activation_bytes


@pytest.mark.parametrize(
    ("build", "smallest", "kwargs"),
    [(alexnet, 67, {}), (alexnet, 67, {"groups": 1}), (zfnet, 47, {})],
)
def test_smallest_input_builds_and_trains(build, smallest, kwargs):
    # AlexNet: pool5 needs 3 -> conv3-5 keep 3 -> pool2 needs 7 -> conv2 keeps 7 -> pool1 needs
    # 15 -> conv1 needs (15 - 1) * 4 + 11 = 67; total stride 4 * 2 * 2 * 2 = 32 < 67.
    # ZF-Net: pool5 (pad 1 after) needs 2 -> conv3-5 keep 2 -> pool2 needs 4 -> conv2 needs
    # (4 - 1) * 2 + 5 = 11 -> pool1 needs 22 -> conv1 (pad 1 a side) needs 21 * 2 + 7 - 2 = 47;
    # total stride 2 * 2 * 2 * 2 * 2 = 32 < 47.
    name = build.__name__
    with pytest.raises(ValueError, match=f"at least {smallest}x{smallest}") as error:
        build(input_shape=(smallest - 1, smallest - 1, 3), **kwargs)
    assert name in str(error.value) and f"({smallest - 1}, {smallest - 1}, 3)" in str(error.value)
    with pytest.raises(ValueError, match=f"at least {smallest}x{smallest}"):
        build(input_shape=(smallest, smallest - 1, 3), **kwargs)

    keras.utils.set_random_seed(0)
    model = build(input_shape=(smallest, smallest, 3), classes=10, width=1 / 8, **kwargs)
    assert model.get_layer("flatten").input.shape[1:3] == (1, 1)  # pool5 is 1x1
    model.compile("adam", "sparse_categorical_crossentropy")
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(8, smallest, smallest, 3)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, rng.integers(0, 10, 8))
    assert np.isfinite(loss)
    changed = [not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert all(changed)
    assert model.predict(x, verbose=0).shape == (8, 10)


@pytest.mark.parametrize("build", [alexnet, zfnet])
def test_keras_round_trip(tmp_path, build):
    n = 67 if build is alexnet else 47  # the smallest inputs
    model = build(input_shape=(n, n, 3), classes=10, width=1 / 8)
    x = np.random.default_rng(2).uniform(size=(2, n, n, 3)).astype("float32")
    path = tmp_path / f"{build.__name__}.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


BAD = [
    ({"classes": 0}, "classes"),
    ({"width": 0}, "width"),
    ({"width": -0.5}, "width"),
    ({"width": "1"}, "width"),
    ({"lrn": "yes"}, "lrn"),
    ({"dropout": 1.0}, "dropout"),
    ({"dropout": -0.1}, "dropout"),
    ({"pooling": "mean"}, "pooling"),
    ({"include_top": "yes"}, "include_top"),
    ({"input_shape": (227, 227)}, "input_shape"),
]


@pytest.mark.parametrize(("kwargs", "argument"), [*BAD, ({"groups": 3}, "groups"),
                                                  ({"groups": "2"}, "groups"),
                                                  ({"activation": "sigmoid"}, "activation")])
def test_alexnet_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        alexnet(**kwargs)


@pytest.mark.parametrize(("kwargs", "argument"), BAD)
def test_zfnet_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        zfnet(**kwargs)


def test_groups_error_lists_the_choices():
    with pytest.raises(ValueError, match=r"one of 1, 2\. Received: groups=3"):
        alexnet(groups=3)


def test_alexnet_pooling_option():
    """2x2/2 pooling has no weights: same parameters, and on AlexNet's odd sizes the same maps."""
    overlapping = alexnet(input_shape=(67, 67, 3), classes=10, width=0.125)
    tiled = alexnet(input_shape=(67, 67, 3), classes=10, width=0.125, pool=(2, 2))
    assert tiled.count_params() == overlapping.count_params()
    assert tiled.get_layer("pool5_tower1").pool_size == (2, 2)
    assert tiled.get_layer("pool5_tower1").output.shape == overlapping.get_layer(
        "pool5_tower1").output.shape
    with pytest.raises(ValueError, match="`pool` must be one of"):
        alexnet(pool=(3, 3))


def test_four_layer_cnn_by_hand():
    from classic.models.alexnet import four_layer_cnn

    model = four_layer_cnn()
    # conv 5x5: (75 + 1) * 32, (800 + 1) * 32, (800 + 1) * 64; three 3x3/2 "same" pools take
    # 32 -> 16 -> 8 -> 4, so the softmax sees 4 * 4 * 64 = 1,024 inputs: 1,025 * 10
    assert model.count_params() == 2_432 + 25_632 + 51_264 + 10_250
    assert model.get_layer("conv1").activation.__name__ == "relu"
    assert four_layer_cnn(activation="tanh").get_layer("conv3").activation.__name__ == "tanh"
    with pytest.raises(ValueError, match="`activation` must be one of"):
        four_layer_cnn(activation="sigmoid")
