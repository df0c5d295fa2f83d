"""VGG against the paper (Tables 1 and 2) and against keras.applications' VGG16 and VGG19."""

import gc

import keras
import numpy as np
import pytest

from classic import layers as classic_layers
from classic import shapes
from classic.models import vgg as vgg_module
from classic.models.vgg import vgg, vgg11, vgg13, vgg16, vgg19

# Table 1 of the paper, typed again here from the paper (not from classic.models.vgg): stages
# separated by "|", "1x1:" marks configuration C's conv1 layers, every other entry is a conv3.
TABLE_1 = {
    "A": "64 | 128 | 256 256 | 512 512 | 512 512",
    "B": "64 64 | 128 128 | 256 256 | 512 512 | 512 512",
    "C": "64 64 | 128 128 | 256 256 1x1:256 | 512 512 1x1:512 | 512 512 1x1:512",
    "D": "64 64 | 128 128 | 256 256 256 | 512 512 512 | 512 512 512",
    "E": "64 64 | 128 128 | 256 256 256 256 | 512 512 512 512 | 512 512 512 512",
}
# Table 2: "Number of parameters (in millions)".
TABLE_2_MILLIONS = {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144}


def conv_params_by_hand(config):
    """Sum of (k*k*c_in + 1) * c_out over Table 1's convolutions, from 3 RGB channels."""
    total, c_in = 0, 3
    for stage in TABLE_1[config].split("|"):
        for entry in stage.split():
            k, c_out = (1, int(entry[4:])) if entry.startswith("1x1:") else (3, int(entry))
            total += (k * k * c_in + 1) * c_out
            c_in = c_out
    return total


# 224 / 2**5 = 7, so the first FC layer sees 7*7*512 values; then FC-4096, FC-1000.
FC_PARAMS = (7 * 7 * 512 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000


def counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, non_trainable


def copy_by_name(source, target):
    """Copy every weighted layer of ``source`` into the layer of the same name in ``target``."""
    copied = 0
    for layer in source.layers:
        if layer.weights:
            target.get_layer(layer.name).set_weights(layer.get_weights())
            copied += 1
    return copied


def weighted_names(model):
    return [layer.name for layer in model.layers if layer.weights]


@pytest.fixture(scope="module")
def vgg16_pair():
    """Full VGG-16 (ours and keras.applications'), logits out so a mismatch cannot hide."""
    keras.utils.set_random_seed(0)
    pair = (vgg16(classifier_activation=None),
            keras.applications.VGG16(weights=None, classifier_activation=None))
    yield pair
    del pair
    gc.collect()


def test_conv_counts_by_hand_match_table_2():
    # The test's own arithmetic, checked against the paper before it checks the code.
    for config, millions in TABLE_2_MILLIONS.items():
        assert round((conv_params_by_hand(config) + FC_PARAMS) / 1e6) == millions
    assert conv_params_by_hand("D") + FC_PARAMS == 138_357_544


def test_vgg16_matches_keras_applications(vgg16_pair):
    ours, reference = vgg16_pair
    assert counts(ours) == counts(reference) == (138_357_544, 138_357_544, 0)
    assert weighted_names(ours) == weighted_names(reference)
    assert shapes.totals(ours).params == 138_357_544
    shapes.table(ours)  # every layer's hand formula agrees with Keras


def test_vgg19_matches_keras_applications():
    keras.utils.set_random_seed(0)
    ours, reference = vgg19(), keras.applications.VGG19(weights=None)
    assert counts(ours) == counts(reference) == (143_667_240, 143_667_240, 0)
    assert weighted_names(ours) == weighted_names(reference)
    shapes.table(ours)
    del ours, reference
    gc.collect()


@pytest.mark.parametrize(
    ("builder", "reference"),
    [(vgg16, keras.applications.VGG16), (vgg19, keras.applications.VGG19)],
)
def test_feature_extractors_match_keras_applications(builder, reference):
    ours = builder(include_top=False, pooling="max")
    theirs = reference(weights=None, include_top=False, pooling="max")
    assert counts(ours) == counts(theirs)
    assert weighted_names(ours) == weighted_names(theirs)
    assert ours.output_shape == theirs.output_shape == (None, 512)


@pytest.mark.parametrize(("builder", "config"), [(vgg11, "A"), (vgg13, "B")])
def test_vgg11_vgg13_against_table_2(builder, config):
    model = builder()
    assert model.count_params() == conv_params_by_hand(config) + FC_PARAMS
    assert round(model.count_params() / 1e6) == 133
    weight_layers = {"A": 11, "B": 13}[config]
    assert len(weighted_names(model)) == weight_layers
    assert model.name == f"vgg{weight_layers}"
    del model
    gc.collect()


@pytest.mark.parametrize("config", ["A", "B", "C", "D", "E"])
def test_convolutions_against_table_1(config):
    model = vgg(config, include_top=False)
    assert model.count_params() == conv_params_by_hand(config)
    widths = [layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    table = [int(e.removeprefix("1x1:")) for e in TABLE_1[config].replace("|", " ").split()]
    assert widths == table
    assert model.output_shape == (None, 7, 7, 512)


def test_config_c_has_1x1_convolutions_where_the_paper_says():
    model = vgg("C", input_shape=(32, 32, 3), include_top=False)
    kernels = {layer.name: layer.kernel_size for layer in model.layers
               if isinstance(layer, keras.layers.Conv2D)}
    ones = {"block3_conv3", "block4_conv3", "block5_conv3"}
    assert {name for name, k in kernels.items() if k == (1, 1)} == ones
    assert all(k == (3, 3) for name, k in kernels.items() if name not in ones)
    assert len(kernels) + 3 == 16  # 13 convolutions and 3 FC layers: C is a 16-layer net
    # A 1x1 conv on 256 channels: (1*1*256 + 1) * 256 parameters.
    assert model.get_layer("block3_conv3").count_params() == 65_792


def test_config_a_lrn():
    model = vgg("A-LRN", input_shape=(32, 32, 3), include_top=False)
    names = [layer.name for layer in model.layers]
    assert names[names.index("block1_conv1") + 1] == "block1_lrn"
    lrn = model.get_layer("block1_lrn")
    assert isinstance(lrn, classic_layers.LocalResponseNormalization)
    # Section 2.1: "the parameters for the LRN layer are those of (Krizhevsky et al., 2012)",
    # k = 2, n = 5 (2 maps each side), alpha = 1e-4, beta = 0.75.
    assert (lrn.bias, lrn.depth_radius, lrn.alpha, lrn.beta) == (2, 2, 1e-4, 0.75)
    assert model.count_params() == conv_params_by_hand("A")  # LRN has no weights
    assert model.name == "vgg11_lrn"


def test_weight_parity_with_keras_vgg16_top(vgg16_pair):
    ours, reference = vgg16_pair
    x = np.random.default_rng(0).uniform(-1, 1, size=(1, 224, 224, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x))
    before = keras.ops.convert_to_numpy(ours(x))
    assert np.abs(before - expected).max() > 1e-2  # different random weights: the test can fail
    assert copy_by_name(reference, ours) == 16
    got = keras.ops.convert_to_numpy(ours(x, training=False))
    assert np.abs(got - expected).max() <= 1e-4


def test_weight_parity_with_keras_vgg16_features():
    keras.utils.set_random_seed(1)
    reference = keras.applications.VGG16(weights=None, include_top=False,
                                         input_shape=(64, 64, 3), pooling="avg")
    ours = vgg16(input_shape=(64, 64, 3), include_top=False, pooling="avg")
    assert copy_by_name(reference, ours) == 13
    x = np.random.default_rng(1).uniform(0, 255, size=(2, 64, 64, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x))
    assert expected.shape == (2, 512) and np.abs(expected).max() > 1e-2
    got = keras.ops.convert_to_numpy(ours(x))
    assert np.abs(got - expected).max() <= 1e-4


@pytest.mark.parametrize("builder", [vgg11, vgg13, vgg16, vgg19])
def test_smallest_input_is_32(builder):
    # Five 2x2/2 max pools: 32 -> 16 -> 8 -> 4 -> 2 -> 1, and 31 -> 15 -> 7 -> 3 -> 1 -> 0.
    for bad in [(31, 31, 3), (32, 31, 3), (31, 32, 3)]:
        with pytest.raises(ValueError, match="at least 32x32") as error:
            builder(input_shape=bad, include_top=False)
        assert str(bad) in str(error.value)
    model = builder(input_shape=(32, 32, 3), include_top=False, width=1 / 8)
    assert model.get_layer("block5_pool").output.shape[1:] == (1, 1, 64)
    assert builder(input_shape=(63, 40, 3), include_top=False, width=1 / 8).output_shape == (
        None, 1, 1, 64)


def test_smallest_input_from_the_shape_arithmetic():
    for config in vgg_module.CONFIGS:
        assert shapes.smallest_input(vgg_module.windows(config)) == (32, 32)


def test_batch_norm_after_each_convolution():
    model = vgg16(include_top=False, batch_norm=True, bn_momentum=0.9, input_shape=(32, 32, 3))
    channels = 2 * 64 + 2 * 128 + 3 * 256 + 6 * 512  # 4,224 output channels over 13 convs
    base = conv_params_by_hand("D")
    # gamma and beta learn, the moving mean and variance do not: 4 numbers per channel.
    assert counts(model) == (base + 4 * channels, base + 2 * channels, 2 * channels)
    # torchvision's vgg16_bn has 138,365,992 parameters (no moving statistics counted), of which
    # its classifier holds FC_PARAMS: its features are our trainable count.
    assert base + 2 * channels == 138_365_992 - FC_PARAMS
    names = [layer.name for layer in model.layers]
    i = names.index("block1_conv1")
    assert names[i:i + 4] == ["block1_conv1", "block1_conv1_bn", "block1_conv1_relu",
                              "block1_conv2"]
    assert model.get_layer("block1_conv1").get_config()["activation"] == "linear"
    assert model.get_layer("block5_conv3_bn").momentum == 0.9
    assert model.name == "vgg16_bn"
    shapes.table(model)


def test_width_and_dropout():
    model = vgg16(input_shape=(32, 32, 3), classes=10, width=0.25)
    assert model.get_layer("block1_conv1").filters == 16
    assert model.get_layer("block5_conv3").filters == 128
    assert model.get_layer("fc1").units == model.get_layer("fc2").units == 1024
    assert model.get_layer("predictions").units == 10
    assert model.get_layer("fc1_dropout").rate == 0.5  # Section 3.1
    names = [layer.name for layer in model.layers]
    assert names.index("fc1_dropout") == names.index("fc1") + 1
    plain = vgg16(input_shape=(32, 32, 3), classes=10, width=0.25, dropout=0)
    assert not [layer for layer in plain.layers if isinstance(layer, keras.layers.Dropout)]
    assert plain.count_params() == model.count_params()


@pytest.mark.parametrize("batch_norm", [False, True])
def test_trains_one_step(batch_norm):
    keras.utils.set_random_seed(2)
    model = vgg16(input_shape=(32, 32, 3), classes=10, width=1 / 8, batch_norm=batch_norm)
    model.compile(keras.optimizers.SGD(0.01, momentum=0.9), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(8, 32, 32, 3)).astype("float32")
    paths = [w.path for w in model.weights]
    before = model.get_weights()
    loss = model.train_on_batch(x, rng.integers(0, 10, 8))
    assert np.isfinite(loss)
    moved = {path: np.abs(a - b).max()
             for path, a, b in zip(paths, before, model.get_weights(), strict=True)}
    # BatchNormalization subtracts the batch mean, which cancels a conv bias in front of it: its
    # gradient is zero (to rounding), so with batch_norm the conv biases do not learn.
    frozen = {p for p in paths if batch_norm and "_conv" in p and p.endswith("/bias")}
    assert len(frozen) == (13 if batch_norm else 0)
    # (Without BN the early layers' steps are tiny too, around 1e-6: a plain 16-layer stack
    # passes little gradient back from a random start, which is why the paper began from A.)
    assert all(moved[p] < 1e-6 for p in frozen)
    assert all(moved[p] > 1e-8 for p in paths if p not in frozen)


@pytest.mark.parametrize("kwargs", [{}, {"config": "C", "batch_norm": True}, {"config": "A-LRN"}])
def test_keras_round_trip(tmp_path, kwargs):
    model = vgg(input_shape=(32, 32, 3), classes=10, width=1 / 8, **kwargs)
    x = np.random.default_rng(3).uniform(size=(2, 32, 32, 3)).astype("float32")
    path = tmp_path / "vgg.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"config": "F"}, "config"),
        ({"config": "vgg16"}, "config"),
        ({"classes": 0}, "classes"),
        ({"input_shape": (224, 224)}, "input_shape"),
        ({"pooling": "mean"}, "pooling"),
        ({"include_top": "yes"}, "include_top"),
        ({"width": 0}, "width"),
        ({"width": "1"}, "width"),
        ({"width": True}, "width"),
        ({"batch_norm": "yes"}, "batch_norm"),
        ({"bn_momentum": 1.0}, "bn_momentum"),
        ({"bn_momentum": -0.1}, "bn_momentum"),
        ({"dropout": 1}, "dropout"),
        ({"dropout": -0.5}, "dropout"),
        ({"dropout": None}, "dropout"),
    ],
)
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        vgg(**kwargs)


def test_kernel_initializer_option():
    model = vgg("A", input_shape=(32, 32, 3), classes=10, width=0.125,
                kernel_initializer="he_normal")
    init = model.get_layer("block1_conv1").kernel_initializer
    assert type(init).__name__ == "HeNormal"
    assert type(model.get_layer("fc1").kernel_initializer).__name__ == "HeNormal"
    post = vgg("A", input_shape=(32, 32, 3), classes=10, width=0.125, kernel_initializer="uniform")
    kernel = post.get_layer("block1_conv1").kernel_initializer
    assert type(kernel).__name__ == "RandomUniform"
    assert (kernel.minval, kernel.maxval) == (-0.05, 0.05)  # fixed, whatever the fan-in
    with pytest.raises(ValueError, match="`kernel_initializer` must be one of"):
        vgg("A", input_shape=(32, 32, 3), kernel_initializer="zeros")
