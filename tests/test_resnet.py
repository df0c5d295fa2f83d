"""ResNet against the paper's Table 1, keras.applications (v1) and torchvision's counts (v1.5).

keras.applications' ResNet50/101/152 are expensive to build here (3-6 s each): the fixtures below
build each reference and each of our full-width networks once for the whole module.
"""

import keras
import numpy as np
import pytest

from classic import shapes
from classic.models import resnet as rn

APPLICATIONS = {
    50: keras.applications.ResNet50,
    101: keras.applications.ResNet101,
    152: keras.applications.ResNet152,
}
SMALL = 64  # the input of the include_top=False comparisons (parameters do not depend on it)

# torchvision's published parameter counts (its v1.5 layout: no conv biases). torchvision does not
# count BatchNormalization's moving statistics, so they equal Keras' trainable count.
TORCHVISION = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032}


def counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, non_trainable


def randomize(model, seed):
    """Random batch-norm statistics and conv biases, so that copying them must be right too."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.1, c),
                               rng.normal(0, 0.1, c), rng.uniform(0.5, 2.0, c)])
        elif isinstance(layer, keras.layers.Conv2D) and layer.use_bias:
            kernel, bias = layer.get_weights()
            layer.set_weights([kernel, rng.normal(0, 0.1, bias.shape)])


def copy_by_name(source, target):
    """keras.applications' weights into ours, layer by layer name; both must have the same set."""
    with_weights = {layer.name for layer in source.layers if layer.weights}
    assert with_weights == {layer.name for layer in target.layers if layer.weights}
    for name in with_weights:
        target.get_layer(name).set_weights(source.get_layer(name).get_weights())


def numpy(x):
    return keras.ops.convert_to_numpy(x)


HEAD = (2048 + 1) * 1000  # the 1000-way classifier on 2,048 pooled features, by hand


def features(model):
    """The network up to its global average pooling (what include_top=False, pooling="avg" is)."""
    return keras.Model(model.input, model.get_layer("avg_pool").output)


@pytest.fixture(scope="module")
def reference():
    """keras.applications.ResNet{depth}(weights=None), randomized, built once each: without top at
    64x64 (pooling="avg") for every depth, and ResNet50 with its top at 224x224 too."""
    cache = {}

    def get(depth, top=False):
        if (depth, top) not in cache:
            kwargs = {} if top else {"include_top": False, "input_shape": (SMALL, SMALL, 3),
                                     "pooling": "avg"}
            model = APPLICATIONS[depth](weights=None, **kwargs)
            randomize(model, depth + top)
            cache[depth, top] = model
        return cache[depth, top]

    return get


@pytest.fixture(scope="module")
def ours():
    """Our networks at full width, built once per (depth, variant, top, size)."""
    cache = {}

    def get(depth, variant="v1", top=True, size=224):
        key = (depth, variant, top, size)
        if key not in cache:
            cache[key] = rn.resnet(depth, input_shape=(size, size, 3), include_top=top,
                                   pooling=None if top else "avg", variant=variant)
        return cache[key]

    return get


def full_v1(ours, depth):
    """ResNet50 at its default 224x224; ResNet101/152 with their top at 64x64 (cheaper to run)."""
    return ours(depth) if depth == 50 else ours(depth, size=SMALL)


# --------------------------------------------------------------------------- Table 1
def test_table_one_depths():
    # Table 1: conv1 + (2 or 3 layers per block) x blocks + fc = the depth in the name.
    for depth, (block, blocks) in rn.STAGES.items():
        assert {"basic": 2, "bottleneck": 3}[block] * sum(blocks) + 2 == depth
    assert rn.STAGES[101][1] == (3, 4, 23, 3) and rn.STAGES[152][1] == (3, 8, 36, 3)


@pytest.mark.parametrize("depth", [50, 101, 152])
def test_weighted_layers_on_the_main_path_equal_the_depth(ours, depth):
    model = full_v1(ours, depth)
    main = [layer for layer in model.layers
            if isinstance(layer, keras.layers.Conv2D | keras.layers.Dense)
            and not layer.name.endswith("_0_conv")]  # projections are not counted in the depth
    assert len(main) == depth
    size = model.input_shape[1] // 32  # Table 1: 7x7 at 224x224, the total stride being 32
    assert model.get_layer("conv5_block3_out").output.shape[1:] == (size, size, 2048)
    shapes.table(model)  # the hand formulas agree with Keras


# Table 1's last row: FLOPs (multiply-adds) at 224x224, in units of 10^9.
PAPER_FLOPS = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}


def test_multiply_adds_match_table_one(ours):
    def conv_and_head(model):
        head = model.get_layer("predictions").count_params() - 1000  # 2,048 x 1,000 MACs
        return shapes.totals(model).macs - head, head

    macs = {depth: shapes.totals(ours(depth, variant="v1.5")).macs for depth in (18, 34)}
    macs[50] = shapes.totals(ours(50)).macs  # v1: v1.5's strided 3x3 costs 0.2e9 more
    for depth in (101, 152):
        # Built at 64x64: every map is 64/224 = 2/7 of its size at 224 (64 -> 32 -> ... -> 2,
        # 224 -> 112 -> ... -> 7), so the convolutions cost (7/2)^2 times more at 224.
        conv, head = conv_and_head(full_v1(ours, depth))
        macs[depth] = conv * 49 // 4 + head
    # The paper rounds loosely (ResNet-34: 3.66e9, printed 3.6e9): within 0.07e9 of each.
    for depth, flops in PAPER_FLOPS.items():
        assert abs(macs[depth] / 1e9 - flops) < 0.07, (depth, macs[depth])


# --------------------------------------------------------------------------- v1: keras.applications
@pytest.mark.parametrize("depth", [50, 101, 152])
def test_v1_parameters_equal_keras_applications(reference, ours, depth):
    ref, model = reference(depth), full_v1(ours, depth)
    total, trainable, moving = counts(ref)
    assert counts(model) == (total + HEAD, trainable + HEAD, moving)
    assert counts(features(model)) == counts(ref)
    # Same layers, in the same order, with weights of the same shapes.
    names = [layer.name for layer in model.layers[1:]]
    assert names[:-1] == [layer.name for layer in ref.layers[1:]] and names[-1] == "predictions"
    assert [w.shape for w in model.weights][:-2] == [w.shape for w in ref.weights]
    if depth == 50:
        # With its top, against keras.applications' own, and Keras' published 25,636,712.
        assert counts(model) == counts(reference(50, top=True)) == (25_636_712, 25_583_592, 53_120)
        assert counts(ours(50, top=False, size=SMALL)) == counts(ref)


def test_v1_resnet50_weight_parity_with_top(reference, ours):
    ref, model = reference(50, top=True), ours(50)
    copy_by_name(ref, model)
    x = np.random.default_rng(0).normal(size=(2, 224, 224, 3)).astype("float32")
    expected, got = numpy(ref(x, training=False)), numpy(model(x, training=False))
    assert np.abs(got - expected).max() <= 1e-4
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-7)  # softmax outputs are ~1e-3
    # The features before the classifier, O(1) numbers, agree as well.
    pooled = [numpy(features(m)(x)) for m in (ref, model)]
    assert np.abs(pooled[0]).max() > 0.1
    assert np.abs(pooled[1] - pooled[0]).max() <= 1e-4


@pytest.mark.parametrize("depth", [50, 101, 152])
def test_v1_weight_parity_without_top(reference, ours, depth):
    # ResNet50 built with include_top=False; ResNet101/152 cut at avg_pool (the same layers).
    ref = reference(depth)
    model = ours(50, top=False, size=SMALL) if depth == 50 else features(full_v1(ours, depth))
    copy_by_name(ref, model)
    x = np.random.default_rng(depth).normal(size=(2, SMALL, SMALL, 3)).astype("float32")
    expected, got = numpy(ref(x, training=False)), numpy(model(x, training=False))
    assert got.shape == (2, 2048) and np.abs(expected).max() > 0.1
    assert np.abs(got - expected).max() <= 1e-4


# --------------------------------------------------------------------------- v1.5 = torchvision
@pytest.mark.parametrize("depth", [18, 34, 50])
def test_v15_trainable_parameters_equal_torchvision(ours, depth):
    model = ours(depth, variant="v1.5")
    assert counts(model)[1] == TORCHVISION[depth]
    assert not any(getattr(layer, "use_bias", False) for layer in model.layers
                   if isinstance(layer, keras.layers.Conv2D))
    shapes.table(model)


def test_v1_and_v15_differ_by_the_conv_biases(ours):
    # ResNet-50 conv biases, one per output channel of every convolution:
    #   conv1 64; conv2_x 256 (projection) + 3 x (64 + 64 + 256); conv3_x 512 + 4 x 768;
    #   conv4_x 1024 + 6 x 1536; conv5_x 2048 + 3 x 3072.
    biases = 64 + (256 + 3 * 384) + (512 + 4 * 768) + (1024 + 6 * 1536) + (2048 + 3 * 3072)
    assert biases == 26_560
    assert counts(ours(50))[1] - counts(ours(50, variant="v1.5"))[1] == biases


def test_v15_strides_the_3x3_convolution(ours):
    v1, v15 = ours(50), ours(50, variant="v1.5")
    assert v1.get_layer("conv3_block1_1_conv").strides == (2, 2)
    assert v1.get_layer("conv3_block1_2_conv").strides == (1, 1)
    assert v15.get_layer("conv3_block1_1_conv").strides == (1, 1)
    conv = v15.get_layer("conv3_block1_2_conv")
    assert conv.strides == (2, 2) and conv.padding == "valid"
    # torchvision pads 1 on every side; Keras' "same" would pad only bottom and right.
    assert v15.get_layer("conv3_block1_2_pad").padding == ((1, 1), (1, 1))
    assert v15.get_layer("conv3_block1_2_conv").output.shape[1:] == (28, 28, 128)


# --------------------------------------------------------------------------- shortcut options
@pytest.fixture(scope="module")
def resnet18_by_shortcut():
    return {option: rn.resnet18(variant="v1.5", shortcut=option) for option in "ABC"}


def projection(c_in, c_out):
    """A 1x1 projection without bias and its batch norm's gamma and beta (trainable)."""
    return c_in * c_out + 2 * c_out


def test_shortcut_parameters(resnet18_by_shortcut):
    b = TORCHVISION[18]
    # B projects where the shape changes: the first blocks of conv3_x, conv4_x and conv5_x.
    changing = projection(64, 128) + projection(128, 256) + projection(256, 512)
    assert changing == 173_824
    # C also projects in the other 5 blocks (both of conv2_x, the second of each other stage).
    others = 2 * projection(64, 64) + projection(128, 128) + projection(256, 256)
    others += projection(512, 512)
    assert others == 354_304
    expected = {"A": b - changing, "B": b, "C": b + others}
    assert {k: counts(m)[1] for k, m in resnet18_by_shortcut.items()} == expected
    # Moving mean and variance: 2 per channel of each projection's batch norm.
    moving = {k: counts(m)[2] for k, m in resnet18_by_shortcut.items()}
    assert moving["B"] - moving["A"] == 2 * (128 + 256 + 512)
    assert moving["C"] - moving["B"] == 2 * (2 * 64 + 128 + 256 + 512)
    for model in resnet18_by_shortcut.values():
        shapes.table(model)


def test_shortcut_a_is_a_zero_padded_subsampled_identity(resnet18_by_shortcut):
    model = resnet18_by_shortcut["A"]
    assert not [layer.name for layer in model.layers if "_0_conv" in layer.name]
    for name in ("conv3_block1_0_pool", "conv3_block1_0_zeros", "conv3_block1_0_pad"):
        assert model.get_layer(name).count_params() == 0
    probe = keras.Model(model.input, [model.get_layer("conv2_block2_out").output,
                                      model.get_layer("conv3_block1_0_pad").output])
    x = np.random.default_rng(4).normal(size=(1, 224, 224, 3)).astype("float32")
    block_input, shortcut = (numpy(t) for t in probe(x, training=False))
    assert block_input.shape == (1, 56, 56, 64) and shortcut.shape == (1, 28, 28, 128)
    np.testing.assert_array_equal(shortcut[..., :64], block_input[:, ::2, ::2, :])
    np.testing.assert_array_equal(shortcut[..., 64:], 0)


def test_shortcut_a_pads_bottleneck_four_times():
    # conv2_x of ResNet-50 widens 64 -> 256 at stride 1: the identity plus three zero copies.
    model = rn.resnet50(input_shape=(32, 32, 3), classes=10, width=0.125, shortcut="A")
    pad = model.get_layer("conv2_block1_0_pad")
    assert pad.output.shape[-1] == 32 and len(pad.input) == 4
    assert "conv2_block1_0_pool" not in [layer.name for layer in model.layers]
    with pytest.raises(ValueError, match="width=0.3"):  # 19 then 77 channels
        rn.resnet50(shortcut="A", width=0.3)


# --------------------------------------------------------------------------- input size
def test_smallest_input_is_the_total_stride():
    # 2 (conv1) * 2 (pool1) * 2 * 2 * 2 (conv3_x to conv5_x) = 32; every output stays >= 1x1
    # from 1x1 up (padding), so the total stride decides.
    assert shapes.smallest_input(rn.windows(50, "v1")) == (32, 32)
    assert shapes.smallest_input(rn.windows(18, "v1.5")) == (32, 32)
    for builder in (rn.resnet18, rn.resnet50, rn.resnet152):
        with pytest.raises(ValueError, match="at least 32x32") as error:
            builder(input_shape=(31, 31, 3))
        assert "(31, 31, 3)" in str(error.value)
    with pytest.raises(ValueError, match="at least 32x32"):
        rn.resnet34(input_shape=(32, 31, 3), include_top=False)
    small = rn.resnet18(input_shape=(32, 32, 3), include_top=False)
    assert small.output_shape == (None, 1, 1, 512)


# --------------------------------------------------------------------------- training, saving
@pytest.mark.parametrize(
    ("depth", "width", "channels", "eagerly"),
    [
        (18, 1.0, 512, False),
        (34, 0.125, 64, True),
        (50, 0.125, 256, True),
        (101, 0.125, 256, True),
        (152, 0.125, 256, True),
    ],
)
def test_every_depth_trains_one_step_at_32(depth, width, channels, eagerly):
    # The compiled train step (tf.function or jax.jit) traces the whole network: 15 s of CPU for
    # ResNet152 with TensorFlow, 35 s with JAX. ResNet-18 at full width, the notebooks' network,
    # takes that path; the narrow deeper ones run the same step eagerly.
    model = rn.resnet(depth, input_shape=(32, 32, 3), classes=10, width=width, bn_momentum=0.9)
    # conv1 is 64 * width wide; the last stage 512 (basic) or 2048 (bottleneck) * width.
    assert model.get_layer("conv1_conv").filters == round(64 * width)
    assert model.get_layer(f"conv5_block{rn.STAGES[depth][1][-1]}_out").output.shape[1:] == (
        1, 1, channels)
    assert model.output_shape == (None, 10)
    model.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy",
                  run_eagerly=eagerly)
    rng = np.random.default_rng(depth)
    x = rng.normal(size=(4, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, 4)
    kernel = numpy(model.get_layer("conv1_conv").kernel).copy()
    moving = numpy(model.get_layer("conv1_bn").moving_mean).copy()
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    assert not np.allclose(numpy(model.get_layer("conv1_conv").kernel), kernel)
    assert not np.allclose(numpy(model.get_layer("conv1_bn").moving_mean), moving)
    assert model.get_layer("conv1_bn").momentum == 0.9


@pytest.mark.parametrize(
    "kwargs",
    [{"depth": 18, "shortcut": "A"}, {"depth": 50, "variant": "v1.5", "shortcut": "C"}],
)
def test_keras_round_trip(tmp_path, kwargs):
    model = rn.resnet(input_shape=(32, 32, 3), classes=10, width=0.125, **kwargs)
    randomize(model, 5)
    x = np.random.default_rng(5).normal(size=(2, 32, 32, 3)).astype("float32")
    path = tmp_path / "resnet.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert loaded.name == model.name
    np.testing.assert_array_equal(numpy(loaded(x, training=False)), numpy(model(x, training=False)))


# --------------------------------------------------------------------------- arguments
def test_names_heads_and_pooling():
    model = rn.resnet18(input_shape=(64, 64, 3), classes=7, variant="v1.5", shortcut="A",
                        classifier_activation=None)
    assert model.name == "resnet18_v1_5_shortcut_A"
    assert model.get_layer("predictions").get_config()["activation"] == "linear"
    assert rn.resnet18(input_shape=(32, 32, 3)).get_layer("predictions").activation.__name__ == (
        "softmax")
    assert rn.resnet18(input_shape=(64, 64, 3), include_top=False).output_shape == (
        None, 2, 2, 512)
    assert rn.resnet18(input_shape=(64, 64, 1), include_top=False, pooling="max").output_shape == (
        None, 512)
    assert rn.resnet50.__name__ == "resnet50" and "Table 1" in rn.resnet50.__doc__


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"variant": "v2"}, "variant"),
        ({"shortcut": "D"}, "shortcut"),
        ({"width": 0}, "width"),
        ({"width": "1"}, "width"),
        ({"classes": 0}, "classes"),
        ({"bn_momentum": 1.0}, "bn_momentum"),
        ({"bn_momentum": -0.1}, "bn_momentum"),
        ({"pooling": "mean"}, "pooling"),
        ({"input_shape": (224, 224)}, "input_shape"),
        ({"include_top": None}, "include_top"),
    ],
)
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        rn.resnet50(**kwargs)


def test_unknown_depth():
    with pytest.raises(ValueError, match="`depth` must be one of 18, 34, 50, 101, 152"):
        rn.resnet(20)


# --------------------------------------------------------------------------- CIFAR-10 (Section 4.2)
def cifar_trainable(n, classes=10):
    """Trainable parameters of the 6n+2-layer CIFAR network by hand: bias-free 3x3 convolutions
    (9 * c_in * c_out), gamma and beta per channel of each batch norm, and the fc layer."""
    conv1 = 9 * 3 * 16 + 2 * 16
    stage1 = 2 * n * (9 * 16 * 16 + 2 * 16)
    # The first block of stages 2 and 3 widens (16 -> 32, 32 -> 64) in its first convolution.
    stage2 = 9 * 16 * 32 + (2 * n - 1) * 9 * 32 * 32 + 2 * n * 2 * 32
    stage3 = 9 * 32 * 64 + (2 * n - 1) * 9 * 64 * 64 + 2 * n * 2 * 64
    fc = (64 + 1) * classes
    return conv1 + stage1 + stage2 + stage3 + fc


def cifar_moving(n):
    """Moving mean and variance: two per channel of each batch norm (1 + 2n per stage)."""
    return 2 * (16 + 2 * n * (16 + 32 + 64))


# Table 6 of the paper, in millions of parameters.
TABLE_6 = {20: 0.27, 32: 0.46, 44: 0.66, 56: 0.85, 110: 1.7}


def test_cifar_parameters_by_hand_round_to_table_six():
    assert cifar_trainable(3) == 269_722  # ResNet-20
    assert cifar_trainable(9) == 853_018  # ResNet-56
    for depth, millions in TABLE_6.items():
        n = (depth - 2) // 6
        digits = 1 if depth == 110 else 2
        assert round(cifar_trainable(n) / 1e6, digits) == millions, depth


@pytest.mark.parametrize("depth", [20, 56])
def test_cifar_networks_match_the_hand_counts(depth):
    n = (depth - 2) // 6
    residual = rn.cifar_resnet(depth)
    plain = rn.cifar_resnet(depth, residual=False)
    expected = (cifar_trainable(n) + cifar_moving(n), cifar_trainable(n), cifar_moving(n))
    # Option A shortcuts have no parameters: plain and residual networks have the same count.
    assert counts(residual) == counts(plain) == expected
    assert residual.name == f"cifar_resnet{depth}" and plain.name == f"cifar_plain{depth}"
    # 6n+2 weighted layers, none of them on a shortcut; the maps are 32, 16 and 8 wide.
    weighted = [layer for layer in residual.layers
                if isinstance(layer, keras.layers.Conv2D | keras.layers.Dense)]
    assert len(weighted) == depth
    for stage, (size, maps) in enumerate([(32, 16), (16, 32), (8, 64)], start=2):
        out = residual.get_layer(f"conv{stage}_block{n}_out").output.shape[1:]
        assert out == (size, size, maps)
    assert len([layer for layer in residual.layers if layer.name.endswith("_add")]) == 3 * n
    assert not [layer for layer in plain.layers if layer.name.endswith("_add")]
    shapes.table(residual)


def test_cifar_names_are_stable():
    first = [layer.name for layer in rn.cifar_resnet(20).layers]
    assert first == [layer.name for layer in rn.cifar_resnet(20).layers]
    assert first[:4] == ["input", "conv1_conv", "conv1_bn", "conv1_relu"]
    assert "conv3_block1_0_pad" in first and first[-2:] == ["avg_pool", "predictions"]


def test_cifar_smallest_input_and_bad_arguments():
    assert shapes.smallest_input(rn.cifar_windows()) == (4, 4)  # total stride 1 * 2 * 2
    with pytest.raises(ValueError, match="at least 4x4") as error:
        rn.cifar_resnet(20, input_shape=(3, 3, 3))
    assert "(3, 3, 3)" in str(error.value)
    assert rn.cifar_resnet(20, input_shape=(4, 4, 3), include_top=False).output_shape == (
        None, 1, 1, 64)
    for kwargs, argument in [({"depth": 21}, "depth"), ({"depth": 2}, "depth"),
                             ({"residual": "yes"}, "residual"), ({"width": 0.3}, "width"),
                             ({"shortcut": "D"}, "shortcut"),
                             ({"bn_momentum": 1}, "bn_momentum"), ({"classes": 0}, "classes")]:
        with pytest.raises(ValueError, match=argument):
            rn.cifar_resnet(**kwargs)


def test_cifar_shortcuts_b_and_c_add_projections_by_hand():
    """B projects in the two blocks that change the shape (16->32 and 32->64 maps), C in all
    nine blocks of ResNet-20: a bias-free 1x1 convolution and BN's gamma and beta each."""
    def projection(c_in, c_out):
        return c_in * c_out + 2 * c_out

    a = shapes.totals(rn.cifar_resnet(20)).trainable_params
    b = shapes.totals(rn.cifar_resnet(20, shortcut="B")).trainable_params
    c = shapes.totals(rn.cifar_resnet(20, shortcut="C")).trainable_params
    changing = projection(16, 32) + projection(32, 64)
    assert b - a == changing
    assert c - a == changing + 3 * projection(16, 16) + 2 * projection(32, 32) + 2 * projection(
        64, 64)
    assert rn.cifar_resnet(20, shortcut="B").name == "cifar_resnet20_b"
    # Projections need no width ratio: a width that A's zero-padding refuses builds with B.
    assert rn.cifar_resnet(8, width=0.75, shortcut="B").output_shape == (None, 10)


@pytest.mark.parametrize("residual", [True, False])
def test_cifar_trains_and_round_trips(tmp_path, residual):
    model = rn.cifar_resnet(8, input_shape=(8, 8, 3), width=0.5, residual=residual,
                            bn_momentum=0.9)
    model.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(8)
    x = rng.normal(size=(4, 8, 8, 3)).astype("float32")
    assert np.isfinite(model.train_on_batch(x, rng.integers(0, 10, 4)))
    randomize(model, 8)
    path = tmp_path / "cifar.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert loaded.name == model.name
    np.testing.assert_array_equal(numpy(loaded(x, training=False)), numpy(model(x, training=False)))
