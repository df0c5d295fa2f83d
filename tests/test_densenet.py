"""DenseNet against keras.applications (parameters, layer names, outputs) and the paper's formulas.

Every expected number is either keras.applications' own count or derived by hand below from
conv (k*k*c_in)*c_out (no bias), BatchNormalization 4c (2c trainable, 2c moving statistics) and
Dense (n+1)*m, with the channel bookkeeping of Section 3: c grows by k per dense layer and a
transition keeps floor(θ*c).
"""

import keras
import numpy as np
import pytest

from classic import shapes
from classic.models import densenet as dn

BLOCKS_121 = (6, 12, 24, 16)


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def counts(model):
    """(total, trainable, non-trainable) parameters."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return model.count_params(), trainable, model.count_params() - trainable


def randomize_batchnorm(model, seed):
    """Non-trivial BN statistics, so a wrong epsilon or a swapped weight shows in the outputs."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([
                rng.uniform(0.8, 1.2, c), rng.normal(0, 0.1, c),
                rng.normal(0, 0.1, c), rng.uniform(0.8, 1.2, c),
            ])


def copy_by_name(source, target):
    """keras.applications' weights into ours, layer by layer, by name (as .h5 weights load)."""
    weights = {layer.name: layer.get_weights() for layer in source.layers if layer.weights}
    copied = 0
    for layer in target.layers:
        if layer.weights:
            layer.set_weights(weights[layer.name])
            copied += 1
    return copied


def train_one_step(model, size):
    """One train step: eager on TensorFlow, whose graph tracing of a 100-layer DenseNet took
    20 s to 2 minutes here against 1-10 s eagerly; jitted on JAX (27 s for DenseNet121, against
    84 s eagerly, with one XLA compile per op and shape)."""
    eager = keras.backend.backend() == "tensorflow"
    model.compile("sgd", "sparse_categorical_crossentropy", run_eagerly=eager)
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(2, size, size, 3)).astype("float32")
    before = numpy(model.get_layer("conv1_conv").kernel).copy()
    history = model.fit(x, np.array([0, 1]), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not np.allclose(numpy(model.get_layer("conv1_conv").kernel), before)


# --------------------------------------------------------------------------- keras.applications
@pytest.fixture(scope="module")
def ref121():
    model = keras.applications.DenseNet121(weights=None)
    randomize_batchnorm(model, 0)
    return model


@pytest.fixture(scope="module")
def ours121():
    return dn.densenet121()


@pytest.fixture(scope="module", params=[121, 169, 201])
def at64(request):
    """keras.applications' DenseNet-N (with top) and ours without top, at 64x64, pooling avg."""
    n = request.param
    ref = getattr(keras.applications, f"DenseNet{n}")(weights=None, input_shape=(64, 64, 3))
    randomize_batchnorm(ref, n)
    # keras.applications' include_top=False, pooling="avg" network: the same layers up to avg_pool.
    ref_features = keras.Model(ref.input, ref.get_layer("avg_pool").output)
    builder = getattr(dn, f"densenet{n}")
    ours = builder(input_shape=(64, 64, 3), include_top=False, pooling="avg")
    return n, ref, ref_features, ours


@pytest.mark.slow
def test_densenet121_parameters_equal_keras_applications(ref121, ours121):
    assert counts(ours121) == counts(ref121)
    assert counts(ref121)[0] == 8_062_504  # keras.io's table: DenseNet121, 8.1M
    assert ours121.name == "densenet121"
    assert ours121.output_shape == ref121.output_shape == (None, 1000)


@pytest.mark.slow
def test_densenet121_layer_names_equal_keras_applications(ref121, ours121):
    def named(model):
        # keras.applications leaves its input and two ZeroPadding2D layers to Keras' auto names.
        return {
            layer.name for layer in model.layers
            if not isinstance(layer, keras.layers.InputLayer | keras.layers.ZeroPadding2D)
        }

    assert named(ours121) == named(ref121)
    assert {"conv2_block1_0_bn", "conv2_block6_concat", "pool2_conv", "pool4_pool",
            "conv5_block16_2_conv", "bn", "relu", "avg_pool", "predictions"} <= named(ours121)
    assert ours121.get_layer("conv1_pad").padding == ((3, 3), (3, 3))


@pytest.mark.slow
def test_densenet121_weights_copy_and_give_the_same_outputs(ref121, ours121):
    # 120 convolutions + 121 batch normalizations + the classifier.
    assert copy_by_name(ref121, ours121) == 120 + 121 + 1
    x = np.random.default_rng(1).uniform(0, 1, (1, 224, 224, 3)).astype("float32")

    def features_and_probabilities(model):
        # Softmax over 1,000 classes of a random network is nearly flat: compare the pooled
        # features too, where a wrong epsilon or a misplaced weight shows.
        both = keras.Model(model.input, [model.get_layer("avg_pool").output, model.output])
        return [numpy(y) for y in both(x, training=False)]

    (ref_features, ref_probabilities) = features_and_probabilities(ref121)
    (features, probabilities) = features_and_probabilities(ours121)
    assert features.shape == (1, 1_024) and probabilities.shape == (1, 1_000)
    np.testing.assert_allclose(features, ref_features, rtol=0, atol=1e-4)
    np.testing.assert_allclose(probabilities, ref_probabilities, rtol=0, atol=1e-4)


@pytest.mark.slow
def test_shape_table_agrees_with_keras(ours121):
    table = shapes.table(ours121)  # raises ArithmeticMismatch where a formula disagrees
    total = dict(zip(table.columns, table.rows[-1], strict=True))
    assert total["params"] == 8_062_504 and "checked" not in total  # every layer by hand
    assert "worked out by the hand formulas" in table.title
    # Table 1's output sizes: 112 after the stem conv, 56 in block 1, then 28, 14 and 7.
    assert ours121.get_layer("conv1_conv").output.shape[1:] == (112, 112, 64)
    assert ours121.get_layer("conv2_block6_concat").output.shape[1:] == (56, 56, 64 + 6 * 32)
    assert ours121.get_layer("pool2_pool").output.shape[1:] == (28, 28, 128)  # (64 + 192) / 2
    assert ours121.get_layer("conv3_block12_concat").output.shape[1:] == (28, 28, 128 + 384)
    assert ours121.get_layer("pool3_pool").output.shape[1:] == (14, 14, 256)
    assert ours121.get_layer("conv4_block24_concat").output.shape[1:] == (14, 14, 256 + 768)
    assert ours121.get_layer("pool4_pool").output.shape[1:] == (7, 7, 512)
    assert ours121.get_layer("relu").output.shape[1:] == (7, 7, 512 + 16 * 32)  # 1,024


@pytest.mark.slow
def test_parameters_and_outputs_at_64_without_top(at64):
    n, ref, ref_features, ours = at64
    assert counts(ours) == counts(ref_features)
    # With top: keras.applications' count, and ours built with top.
    with_top = getattr(dn, f"densenet{n}")(input_shape=(64, 64, 3))
    assert counts(with_top) == counts(ref)
    assert with_top.name == ref.name == f"densenet{n}"
    expected_total = {121: 8_062_504, 169: 14_307_880, 201: 20_242_984}[n]  # keras.io's table
    assert counts(ref)[0] == expected_total
    # The last block's maps, k = 32 from 64: 121: 256 -> 128, 512 -> 256, 1,024 -> 512,
    # 1,024; 169: ... 1,280 -> 640, 1,664; 201: ... 1,792 -> 896, 1,920.
    maps = {121: 1_024, 169: 1_664, 201: 1_920}[n]
    assert ours.output_shape == (None, maps)
    assert counts(with_top)[0] - counts(ours)[0] == (maps + 1) * 1000
    # Weights copy by name and give the same features.
    copy_by_name(ref, ours)
    x = np.random.default_rng(n).uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    expected = numpy(ref_features(x, training=False))
    assert expected.shape == (2, maps)
    np.testing.assert_allclose(numpy(ours(x, training=False)), expected, rtol=0, atol=1e-4)


# --------------------------------------------------------------------------- the four variants
SMALL = {"blocks": (2, 2), "input_shape": (8, 8, 3), "classes": 10, "growth_rate": 4,
         "init_channels": 8}


def bn(c):
    return 4 * c  # gamma, beta (trainable), moving mean and variance (not)


def conv(k, c_in, c_out):
    return k * k * c_in * c_out


STEM = conv(7, 3, 8) + bn(8)  # 1,176 + 32


def dense_layer(c, k=4, bottleneck=True):
    if bottleneck:  # BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k)
        return bn(c) + conv(1, c, 4 * k) + bn(4 * k) + conv(3, 4 * k, k)
    return bn(c) + conv(3, c, k)  # BN-ReLU-Conv3x3(k)


def transition(c_in, c_out):
    return bn(c_in) + conv(1, c_in, c_out)


# Blocks of 2 layers, k = 4, from 8 maps: block 1 goes 8 -> 12 -> 16; θ = 0.5 keeps 8, θ = 1
# keeps 16; block 2 then goes 8 -> 16 or 16 -> 24; the classifier sees 16 or 24 maps.
HAND = {
    # (bottleneck, compression): (total, non-trainable)
    (True, 0.5): (
        STEM + dense_layer(8) + dense_layer(12) + transition(16, 8)
        + dense_layer(8) + dense_layer(12) + bn(16) + (16 + 1) * 10,
        (8 + (8 + 16 + 12 + 16) + 16 + (8 + 16 + 12 + 16) + 16) * 2,
    ),
    (True, 1.0): (
        STEM + dense_layer(8) + dense_layer(12) + transition(16, 16)
        + dense_layer(16) + dense_layer(20) + bn(24) + (24 + 1) * 10,
        (8 + (8 + 16 + 12 + 16) + 16 + (16 + 16 + 20 + 16) + 24) * 2,
    ),
    (False, 0.5): (
        STEM + dense_layer(8, bottleneck=False) + dense_layer(12, bottleneck=False)
        + transition(16, 8)
        + dense_layer(8, bottleneck=False) + dense_layer(12, bottleneck=False)
        + bn(16) + (16 + 1) * 10,
        (8 + (8 + 12) + 16 + (8 + 12) + 16) * 2,
    ),
    (False, 1.0): (
        STEM + dense_layer(8, bottleneck=False) + dense_layer(12, bottleneck=False)
        + transition(16, 16)
        + dense_layer(16, bottleneck=False) + dense_layer(20, bottleneck=False)
        + bn(24) + (24 + 1) * 10,
        (8 + (8 + 12) + 16 + (16 + 20) + 24) * 2,
    ),
}


@pytest.mark.parametrize(
    ("bottleneck", "compression", "total", "name"),
    [
        (True, 0.5, 4_994, "densenet11"),  # DenseNet-BC: 1 + 2*4 + 1 + 1 layers
        (True, 1.0, 5_554, "densenet11_b"),
        (False, 0.5, 3_234, "densenet7_c"),  # 1 + 4 + 1 + 1 layers
        (False, 1.0, 4_114, "densenet7_plain"),
    ],
)
def test_variant_parameters_by_hand(bottleneck, compression, total, name):
    model = dn.densenet(bottleneck=bottleneck, compression=compression, **SMALL)
    hand_total, hand_frozen = HAND[bottleneck, compression]
    assert hand_total == total  # the sums above, added up on paper
    assert counts(model) == (total, total - hand_frozen, hand_frozen)
    assert model.name == name
    table = shapes.table(model)
    assert table.rows[-1][4] == total and "hand formulas" in table.title  # checked by hand


def test_variant_layers():
    bc = dn.densenet(**SMALL)
    plain = dn.densenet(bottleneck=False, compression=1.0, **SMALL)
    # A bottleneck layer: 1x1 to 4k maps, then 3x3 to k; without it one 3x3 to k.
    assert bc.get_layer("conv2_block1_1_conv").kernel.shape == (1, 1, 8, 16)
    assert bc.get_layer("conv2_block1_2_conv").kernel.shape == (3, 3, 16, 4)
    assert plain.get_layer("conv2_block1_1_conv").kernel.shape == (3, 3, 8, 4)
    assert "conv2_block1_1_bn" not in {layer.name for layer in plain.layers}
    # Transitions: θ = 0.5 halves 16 maps, θ = 1 keeps them; 2x2/2 average pooling.
    assert bc.get_layer("pool2_conv").kernel.shape == (1, 1, 16, 8)
    assert plain.get_layer("pool2_conv").kernel.shape == (1, 1, 16, 16)
    assert bc.get_layer("pool2_pool").output.shape[1:] == (1, 1, 8)  # 8 -> 4 -> 2 -> 1
    assert bc.get_layer("conv3_block2_concat").output.shape[1:] == (1, 1, 16)


def test_compression_floors():
    # θ = 0.3 of 16 maps is 4.8: floor keeps 4, as keras.applications' int(m * θ).
    model = dn.densenet(compression=0.3, include_top=False, **SMALL)
    assert model.get_layer("pool2_conv").kernel.shape == (1, 1, 16, 4)
    assert model.output_shape == (None, 1, 1, 4 + 2 * 4)


def test_dropout_after_every_convolution_but_the_first():
    model = dn.densenet(dropout=0.2, **SMALL)
    dropouts = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    # 4 dense layers of 2 convolutions and 1 transition convolution; none after the stem.
    assert len(dropouts) == 4 * 2 + 1
    assert {d.rate for d in dropouts} == {0.2}
    assert {"conv2_block1_1_drop", "conv2_block1_2_drop", "pool2_drop"} <= {
        d.name for d in dropouts}
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in dn.densenet(
        **SMALL).layers)
    plain = dn.densenet(dropout=0.2, bottleneck=False, **SMALL)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in plain.layers) == 4 + 1


def test_bn_momentum():
    model = dn.densenet(bn_momentum=0.9, **SMALL)
    momenta = {layer.momentum for layer in model.layers
               if isinstance(layer, keras.layers.BatchNormalization)}
    assert momenta == {0.9}
    assert dn.densenet(**SMALL).get_layer("bn").momentum == 0.99  # keras.applications' default
    assert dn.densenet(**SMALL).get_layer("bn").epsilon == 1.001e-5


def test_init_channels_default_twice_the_growth_rate():
    small = {**SMALL, "init_channels": None, "growth_rate": 6}
    assert dn.densenet(**small).get_layer("conv1_conv").kernel.shape == (7, 7, 3, 12)
    assert dn.densenet(**{**SMALL, "init_channels": 16}).get_layer(
        "conv1_conv").kernel.shape == (7, 7, 3, 16)


def test_table_one_and_depths():
    assert dn.BLOCKS[121] == BLOCKS_121
    assert dn.BLOCKS[169] == (6, 12, 32, 32)
    assert dn.BLOCKS[201] == (6, 12, 48, 32)
    assert dn.BLOCKS[264] == (6, 12, 64, 48)
    # L counts the stem conv, 2 convolutions per dense layer, 3 transitions and the classifier.
    assert dn.depth(BLOCKS_121) == 1 + 2 * 58 + 3 + 1 == 121
    assert dn.depth(dn.BLOCKS[169]) == 169 and dn.depth(dn.BLOCKS[201]) == 201
    assert dn.depth(dn.BLOCKS[264]) == 265  # the paper's "264" is one short of its own count


# --------------------------------------------------------------------------- smallest input
def test_smallest_input_by_hand():
    # Output sizes: three 2x2/2 average pools need 8 maps after pool1 (8 -> 4 -> 2 -> 1); the
    # 3x3/2 pool with pad 1 gives floor((n - 1) / 2) + 1 >= 8 from n >= 15; the 7x7/2 conv with
    # pad 3 gives 15 from 29. keras.applications' DenseNet121 runs at 29 and fails at 28 (inside
    # TensorFlow). The total stride is 2 * 2 * 2^3 = 32, which wins: 32x32.
    assert shapes.smallest_input(dn.windows(BLOCKS_121)) == (32, 32)
    assert shapes.smallest_input(dn.windows(BLOCKS_121)[:-1]) == (16, 16)  # 3 blocks: 13 vs 16
    assert shapes.smallest_input(dn.windows((2, 2))) == (8, 8)  # 5 vs 8
    assert shapes.smallest_input(dn.windows((6,))) == (4, 4)  # 1 vs 4
    for size in (28, 31):
        with pytest.raises(ValueError, match="densenet121 needs .* at least 32x32") as error:
            dn.densenet121(input_shape=(size, size, 3), classes=10)
        assert f"({size}, {size}, 3)" in str(error.value)
    with pytest.raises(ValueError, match="at least 32x32"):
        dn.densenet121(input_shape=(32, 31, 3), classes=10)
    with pytest.raises(ValueError, match="at least 8x8"):
        dn.densenet(**{**SMALL, "input_shape": (7, 7, 3)})
    with pytest.raises(ValueError, match="at least 64x64"):
        dn.densenet((1, 1, 1, 1, 1), input_shape=(63, 63, 3))


@pytest.fixture(scope="module")
def smallest121():
    return dn.densenet121(input_shape=(32, 32, 3), classes=10)  # full size, k = 32


# On JAX the first train step of DenseNet121 compiles for about 30 s on 2 idle cores (minutes when
# they are busy): DenseNet121 trains there, 169 and 201 on TensorFlow only. Every depth is built
# and run forward on every backend.
TRAINS_ON_TF = pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="a deep DenseNet's first JAX train step compiles for 30 s or more on a 2-core CPU",
)


@pytest.mark.slow
def test_densenet121_at_its_smallest_input(smallest121):
    assert smallest121.count_params() == 8_062_504 - (1_024 + 1) * 1000 + (1_024 + 1) * 10
    assert smallest121.get_layer("relu").output.shape[1:] == (1, 1, 1_024)


@pytest.mark.slow
def test_densenet121_trains_one_step_at_its_smallest_input(smallest121):
    train_one_step(smallest121, 32)


@pytest.mark.slow
@TRAINS_ON_TF
@pytest.mark.parametrize("n", [169, 201])
def test_every_depth_trains_one_step_at_its_smallest_input(n):
    model = getattr(dn, f"densenet{n}")(input_shape=(32, 32, 3), classes=10, growth_rate=4)
    # k = 4 from 8 maps: 8 + 24 = 32 -> 16, 16 + 48 = 64 -> 32, then 169: 32 + 128 = 160 -> 80,
    # 80 + 128 = 208; 201: 32 + 192 = 224 -> 112, 112 + 128 = 240.
    maps = {169: 208, 201: 240}[n]
    assert model.get_layer("relu").output.shape[1:] == (1, 1, maps)
    train_one_step(model, 32)


def test_small_variants_train():
    for bottleneck in (True, False):
        model = dn.densenet(bottleneck=bottleneck, bn_momentum=0.9, dropout=0.2, **SMALL)
        train_one_step(model, 8)


def test_densenet264_parameters_by_hand():
    # DenseNet-BC-264 at k = 32 from the formulas above: 64 -> 256 -> 128 -> 512 -> 256
    # -> 2,304 -> 1,152 -> 2,688 maps.
    total, c = conv(7, 3, 64) + bn(64), 64
    for i, layers_in_block in enumerate(dn.BLOCKS[264]):
        for _ in range(layers_in_block):
            total += dense_layer(c, k=32)
            c += 32
        if i < 3:
            total += transition(c, c // 2)
            c //= 2
    total += bn(c) + (c + 1) * 1000
    assert c == 2_688
    model = dn.densenet264(input_shape=(32, 32, 3))
    assert model.count_params() == total
    assert model.name == "densenet264"


# --------------------------------------------------------------------------- saving, arguments
@pytest.mark.parametrize("options", [{}, {"bottleneck": False, "dropout": 0.2, "bn_momentum": 0.9}])
def test_keras_round_trip(tmp_path, options):
    model = dn.densenet(**options, **{**SMALL, "input_shape": (16, 16, 3)})
    randomize_batchnorm(model, 3)
    x = np.random.default_rng(4).uniform(size=(3, 16, 16, 3)).astype("float32")
    path = tmp_path / "densenet.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(numpy(loaded(x, training=False)), numpy(model(x, training=False)))


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"compression": 0}, "compression"),
        ({"compression": 1.5}, "compression"),
        ({"compression": -0.5}, "compression"),
        ({"compression": True}, "compression"),
        ({"compression": 0.05}, "compression"),  # floor(0.05 * 16) = 0 maps
        ({"growth_rate": 0}, "growth_rate"),
        ({"growth_rate": 4.5}, "growth_rate"),
        ({"init_channels": 0}, "init_channels"),
        ({"classes": 0}, "classes"),
        ({"blocks": ()}, "blocks"),
        ({"blocks": (2, 0)}, "blocks"),
        ({"blocks": "22"}, "blocks"),
        ({"blocks": 4}, "blocks"),
        ({"bottleneck": "yes"}, "bottleneck"),
        ({"bn_momentum": 1.0}, "bn_momentum"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"pooling": "mean"}, "pooling"),
        ({"input_shape": (32, 32)}, "input_shape"),
    ],
)
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        dn.densenet(**{**SMALL, **kwargs})


def test_named_builders_reject_bad_arguments_before_building():
    with pytest.raises(ValueError, match="`compression`"):
        dn.densenet169(compression=0)
    with pytest.raises(ValueError, match="`growth_rate`"):
        dn.densenet201(growth_rate=0)
    with pytest.raises(ValueError, match="`classes`"):
        dn.densenet121(classes=0)


# --------------------------------------------------------------------------- CIFAR (Section 3)
# Table 2 of the paper, millions of parameters, for DenseNet (16 first maps, no bottleneck,
# no compression: L = 3n + 4) and DenseNet-BC (2k first maps, θ = 0.5: L = 6n + 4).
TABLE_2 = [
    (40, 12, False, 1.0),
    (100, 12, False, 7.0),
    (100, 24, False, 27.2),
    (100, 12, True, 0.8),
    (250, 24, True, 15.3),
    (190, 40, True, 25.6),
]


def cifar_hand_count(depth, k, bc):
    """Trainable parameters by hand: BN 2c, bias-free convolutions, a Dense with biases."""
    n = (depth - 4) // (6 if bc else 3)
    c = 2 * k if bc else 16
    total = conv(3, 3, c)
    for block in range(3):
        for _ in range(n):
            total += 2 * c + (conv(1, c, 4 * k) + 2 * 4 * k + conv(3, 4 * k, k) if bc
                              else conv(3, c, k))
            c += k
        if block < 2:
            out = c // 2 if bc else c
            total += 2 * c + conv(1, c, out)
            c = out
    return total + 2 * c + (c + 1) * 10, c


# On JAX every new weight shape compiles its initializer once (about half a second each on 2 busy
# cores), and a DenseNet has a new input width in every layer: Table 2's networks (up to 1,100
# layers) are built on TensorFlow only; the small networks below run on every backend.
BUILDS_ON_TF = pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="building Table 2's DenseNets on JAX compiles hundreds of initializers (minutes)",
)


@BUILDS_ON_TF
@pytest.mark.parametrize(("depth", "k", "bc", "millions"), TABLE_2)
def test_cifar_table_2_parameters(depth, k, bc, millions):
    model = dn.cifar_densenet(depth, growth_rate=k, bottleneck=bc, compression=0.5 if bc else 1.0)
    trainable = counts(model)[1]
    hand, maps = cifar_hand_count(depth, k, bc)
    assert trainable == hand
    assert round(trainable / 1e6, 1) == millions
    assert dn.CIFAR_TABLE_2[depth, k, "DenseNet-BC" if bc else "DenseNet"] == millions
    assert model.name == f"cifar_densenet{depth}_k{k}{'_bc' if bc else ''}"
    assert model.get_layer("relu").output.shape[1:] == (8, 8, maps)
    assert model.output_shape == (None, 10)


def test_cifar_table_2_is_the_papers():
    assert sorted(dn.CIFAR_TABLE_2.values()) == sorted(m for *_, m in TABLE_2)


def test_cifar_densenet_tiny_by_hand():
    # L = 7, k = 4: one 3x3 dense layer per block. conv1 3*3*3*16 = 432 (no BN after it);
    # block 1: BN(16) 64 + 3*3*16*4 = 576 -> 20 maps; transition BN(20) 80 + 20*20 = 400;
    # block 2: BN(20) 80 + 3*3*20*4 = 720 -> 24; transition BN(24) 96 + 24*24 = 576;
    # block 3: BN(24) 96 + 3*3*24*4 = 864 -> 28; BN(28) 112; Dense (28 + 1) * 10 = 290.
    model = dn.cifar_densenet(7, growth_rate=4)
    assert 432 + 64 + 576 + 80 + 400 + 80 + 720 + 96 + 576 + 96 + 864 + 112 + 290 == 4_386
    assert model.count_params() == 4_386
    assert counts(model)[2] == (16 + 20 + 20 + 24 + 24 + 28) * 2  # moving mean and variance
    table = shapes.table(model)
    assert table.rows[-1][4] == 4_386 and "hand formulas" in table.title  # checked by hand
    assert model.name == "cifar_densenet7_k4"
    assert "conv1_bn" not in {layer.name for layer in model.layers}
    assert model.get_layer("conv1_conv").kernel.shape == (3, 3, 3, 16)


@BUILDS_ON_TF
def test_cifar_densenet_shapes():
    model = dn.cifar_densenet()  # DenseNet (L = 40, k = 12): 12 layers per block
    assert model.name == "cifar_densenet40_k12"
    # 16 -> 16 + 12*12 = 160 on 32x32, kept (θ = 1) and pooled to 16x16, 304 on 16x16, 448 on 8x8
    assert model.get_layer("conv2_block12_concat").output.shape[1:] == (32, 32, 160)
    assert model.get_layer("pool2_pool").output.shape[1:] == (16, 16, 160)
    assert model.get_layer("conv3_block12_concat").output.shape[1:] == (16, 16, 304)
    assert model.get_layer("pool3_pool").output.shape[1:] == (8, 8, 304)
    assert model.get_layer("relu").output.shape[1:] == (8, 8, 448)
    assert "conv4_block13_concat" not in {layer.name for layer in model.layers}
    assert "pool4_conv" not in {layer.name for layer in model.layers}
    bc = dn.cifar_densenet(100, bottleneck=True, compression=0.5)  # 16 layers per block
    # 24 -> 24 + 16*12 = 216 -> 108, 300 -> 150, 342
    assert bc.get_layer("conv1_conv").kernel.shape == (3, 3, 3, 24)
    assert bc.get_layer("pool2_pool").output.shape[1:] == (16, 16, 108)
    assert bc.get_layer("pool3_pool").output.shape[1:] == (8, 8, 150)
    assert bc.get_layer("relu").output.shape[1:] == (8, 8, 342)
    assert bc.get_layer("conv2_block16_2_conv").kernel.shape == (3, 3, 48, 12)
    headless = dn.cifar_densenet(include_top=False, pooling="avg", input_shape=(16, 16, 3))
    assert headless.output_shape == (None, 448)


def test_cifar_densenet_variants_and_first_maps():
    # 16 first maps but for DenseNet-BC (2k); -B and -C keep 16, as the paper names only BC.
    first = {}
    for bottleneck, compression, suffix in [(False, 1.0, ""), (True, 1.0, "_b"),
                                            (False, 0.5, "_c"), (True, 0.5, "_bc")]:
        model = dn.cifar_densenet(10, growth_rate=6, bottleneck=bottleneck,
                                  compression=compression, input_shape=(8, 8, 3))
        assert model.name == f"cifar_densenet10_k6{suffix}"
        first[suffix] = model.get_layer("conv1_conv").kernel.shape[-1]
    assert first == {"": 16, "_b": 16, "_c": 16, "_bc": 12}
    custom = dn.cifar_densenet(10, bottleneck=True, compression=0.5, init_channels=5)
    assert custom.get_layer("conv1_conv").kernel.shape == (3, 3, 3, 5)


def test_cifar_densenet_layers_per_block():
    assert dn.cifar_layers(40) == 12 and dn.cifar_layers(100) == 32
    assert dn.cifar_layers(100, bottleneck=True) == 16
    assert dn.cifar_layers(250, bottleneck=True) == 41
    assert dn.cifar_layers(190, bottleneck=True) == 31
    assert dn.cifar_layers(7) == 1 and dn.cifar_layers(10, bottleneck=True) == 1


def test_cifar_densenet_dropout_and_momentum():
    model = dn.cifar_densenet(10, growth_rate=4, bottleneck=True, dropout=0.2, bn_momentum=0.9)
    dropouts = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert len(dropouts) == 3 * 2 + 2  # two per bottleneck layer, one per transition
    assert {layer.momentum for layer in model.layers
            if isinstance(layer, keras.layers.BatchNormalization)} == {0.9}


def test_cifar_smallest_input():
    # conv1 3x3/1 pad 1 keeps the size; two 2x2/2 pools: 4 -> 2 -> 1, total stride 4.
    assert shapes.smallest_input(dn.cifar_windows()) == (4, 4)
    assert dn.cifar_densenet(7, growth_rate=4, input_shape=(4, 4, 3)).output_shape == (None, 10)
    with pytest.raises(ValueError, match="cifar_densenet7_k4 needs .* at least 4x4"):
        dn.cifar_densenet(7, growth_rate=4, input_shape=(3, 8, 3))


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"depth": 41}, "depth"),  # (41 - 4) / 3 is not whole
        ({"depth": 42, "bottleneck": True}, "depth"),  # (42 - 4) / 6 is not whole
        ({"depth": 4}, "depth"),  # n = 0
        ({"depth": 1}, "depth"),
        ({"depth": 40.0}, "depth"),
        ({"depth": "40"}, "depth"),
        ({"depth": True}, "depth"),
        ({"bottleneck": "yes"}, "bottleneck"),
        ({"growth_rate": 0}, "growth_rate"),
        ({"compression": 0}, "compression"),
        ({"compression": 1.5}, "compression"),
        ({"init_channels": 0}, "init_channels"),
        ({"classes": 0}, "classes"),
        ({"bn_momentum": 1.0}, "bn_momentum"),
        ({"dropout": 1.0}, "dropout"),
        ({"pooling": "mean"}, "pooling"),
        ({"input_shape": (32, 32)}, "input_shape"),
    ],
)
def test_cifar_densenet_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        dn.cifar_densenet(**{"depth": 7, "growth_rate": 4, **kwargs})


def test_cifar_densenet_depth_error_explains_the_formula():
    with pytest.raises(ValueError, match=r"6n \+ 4 .*Received: depth=40.5"):
        dn.cifar_densenet(40.5, bottleneck=True)
    with pytest.raises(ValueError, match=r"3n \+ 4 .*Received: depth=41"):
        dn.cifar_densenet(41)


def test_cifar_densenet_trains_one_step():
    model = dn.cifar_densenet(10, growth_rate=4, bottleneck=True, compression=0.5,
                              input_shape=(8, 8, 3), bn_momentum=0.9)
    train_one_step(model, 8)


# --------------------------------------------------------------------------- connection weights
def test_connection_weights_by_hand():
    # L = 10 with 2 dense layers per block, k = 2, 3 first maps. Every target kernel gets
    # |weight| = c + 1 at input map c (signs alternate, so the absolute value matters): block
    # conv2's input holds maps 0-2 (mean 2), layer 1 adds 3-4 (4.5), layer 2 adds 5-6 (6.5).
    model = dn.cifar_densenet(10, growth_rate=2, init_channels=3, input_shape=(8, 8, 3))
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D | keras.layers.Dense):
            shape = layer.kernel.shape
            c = np.arange(1, shape[-2] + 1, dtype="float32").reshape(-1, 1)
            signs = np.where(np.arange(shape[-1]) % 2, -1.0, 1.0).astype("float32")
            kernel = np.broadcast_to(c * signs, shape).copy()
            layer.set_weights([kernel, *layer.get_weights()[1:]])
    weights, sources, targets = dn.connection_weights(model, "conv2")
    assert sources == ["input", "conv2_block1", "conv2_block2"]
    assert targets == ["conv2_block1_1_conv", "conv2_block2_1_conv", "pool2_conv"]
    nan = np.nan
    np.testing.assert_allclose(weights, [[2, nan, nan], [2, 4.5, nan], [2, 4.5, 6.5]])
    # Connections into the dense layers: 1 + 2 = L(L+1)/2 for L = 2 layers (input counted).
    assert np.isfinite(weights[:-1]).sum() == 3
    # The last block feeds the classifier. θ = 1: conv2 ends with 7 maps, conv3 with 11, conv4
    # with 15; the classifier reads maps 0-10 (mean of 1..11: 6), 11-12 (12.5) and 13-14 (14.5).
    weights, sources, targets = dn.connection_weights(model, "conv4")
    assert targets[-1] == "predictions" and len(sources) == 3
    np.testing.assert_allclose(weights[-1], [6, 12.5, 14.5])


def test_connection_weights_counts_and_errors():
    model = dn.cifar_densenet(16, growth_rate=2, input_shape=(4, 4, 3))  # 4 layers per block
    weights, sources, targets = dn.connection_weights(model, "conv3")
    assert weights.shape == (5, 5) and len(sources) == 5 and targets[-1] == "pool3_conv"
    assert np.isfinite(weights[:-1]).sum() == 4 * 5 // 2  # L(L+1)/2
    assert np.isfinite(weights[-1]).all()
    headless = dn.cifar_densenet(7, growth_rate=2, include_top=False, input_shape=(4, 4, 3))
    assert dn.connection_weights(headless, "conv4")[2] == ["conv4_block1_1_conv"]
    with pytest.raises(ValueError, match="`block` must name a dense block .* conv2, conv3, conv4"):
        dn.connection_weights(model, "conv5")
    with pytest.raises(ValueError, match="`model`"):
        dn.connection_weights("densenet", "conv2")
