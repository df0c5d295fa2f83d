"""The source post's networks: hand-derived numbers that show where they depart from the papers.

Every expected number is derived here from the post's layer settings or the paper's, with the
course's formulas (classic.shapes), never copied from a model's own output. The ImageNet-sized
networks are built once per module and run one forward pass on a single image.
"""

import importlib
import math

import keras
import numpy as np
import pytest

from classic.models import source
from classic.shapes import conv2d_params, dense_params, output_size

BN = 4  # BatchNormalization: gamma, beta, moving mean and moving variance per channel


@pytest.fixture(scope="module")
def built():
    """The post's networks, each built at most once per module for a given set of arguments."""
    cache = {}

    def get(name, **kwargs):
        key = (name, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = source.BUILDERS[name](**kwargs)
        return cache[key]

    return get


def forward(model, x):
    """One forward pass in inference mode, as a NumPy array.

    On JAX one compiled program (predict_on_batch) is much faster than dispatching a large
    network op by op; on TensorFlow the eager call is the faster one.
    """
    if keras.backend.backend() == "jax":
        return np.asarray(model.predict_on_batch(x))
    return keras.ops.convert_to_numpy(model(x, training=False))


def params(model, name):
    return model.get_layer(name).count_params()


def why(network, aspect):
    (found,) = [d for d in source.DEPARTURES[network] if d.aspect == aspect]
    return found.why_it_matters


# ------------------------------------------------------------------------------- every builder
@pytest.mark.parametrize(
    ("name", "input_shape", "output_shape"),
    [
        ("lenet", (28, 28, 1), (10,)),
        ("alexnet", (227, 227, 3), (1000,)),
        ("zfnet", (224, 224, 3), (1000,)),
        ("vgg16", (224, 224, 3), (1000,)),
        ("googlenet", (224, 224, 3), (1, 1, 1000)),  # no Flatten before its Dense layers
        ("resnet50", (227, 227, 3), (1000,)),
    ],
)
def test_every_post_network_runs_at_its_default_size(built, name, input_shape, output_shape):
    model = built(name)
    assert model.input_shape[1:] == input_shape
    assert model.output_shape[1:] == output_shape
    x = np.random.default_rng(0).uniform(size=(1, *input_shape)).astype("float32")
    y = forward(model, x)
    assert y.shape == (1, *output_shape)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-4)  # a softmax


def test_layer_names_are_stable(built):
    # Stable names, never Keras' automatic ones (conv2d_12, dense_3, ...).
    model = built("googlenet", input_shape=(32, 32, 3), classes=3)
    names = [layer.name for layer in model.layers]
    assert "inception_3a_5x5_conv" in names and "inception_5b_concat" in names
    assert not [n for n in names if n.startswith(("conv2d", "dense", "batch_normalization"))]


@pytest.mark.parametrize(
    ("name", "smallest"),
    [
        # conv 5, pool 2, conv 5, pool 2: ((n - 4) // 2 - 4) // 2 >= 1 needs n >= 16.
        ("lenet", 16),
        # pool5 needs 3 maps, so pool2 7, pool1 15 (conv1's output): 11 + 14 * 4 = 67.
        ("alexnet", 67),
        # pool5 needs 3, pool2 7, conv2 ("same", /2) 13 inputs, pool1 27, conv1: 7 + 26 * 2 = 59.
        ("zfnet", 59),
        # five 2x2/2 pools: total stride 32, and 32 also fits.
        ("vgg16", 32),
        # everything "same": the total stride 2 * 2 * 2 * 2 * 2 = 32.
        ("googlenet", 32),
    ],
)
def test_smallest_input(built, name, smallest):
    channels = 1 if name == "lenet" else 3
    builder = source.BUILDERS[name]
    with pytest.raises(ValueError, match=f"at least {smallest}x{smallest}"):
        builder(input_shape=(smallest - 1, smallest, channels))
    model = built(name, input_shape=(smallest, smallest, channels), classes=3)
    x = np.zeros((1, smallest, smallest, channels), "float32")
    assert forward(model, x).shape[-1] == 3


def test_resnet50_smallest_input():
    # The 7x7 average pool needs a 7x7 map: 7 <- 13 <- 25 <- 49 (three "same" /2 stages) <- 97
    # (pool1, "same" /2) <- conv1 7x7/2 on n + 6 pixels: (n - 1) // 2 + 1 >= 97, n >= 193.
    n = 193
    size = output_size(n, 7, 2, 3)
    for _ in range(4):
        size = output_size(size, 1, 2, "same")
    assert size == 7 and output_size(n - 1, 7, 2, 3) == 96
    with pytest.raises(ValueError, match="at least 193x193"):
        source.post_resnet50(input_shape=(192, 192, 3))


@pytest.mark.parametrize("name", list(source.BUILDERS))
@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"classes": 0}, "classes"),
        ({"classes": 2.5}, "classes"),
        ({"input_shape": (224, 224)}, "input_shape"),
        ({"input_shape": (224, 224, 0)}, "input_shape"),
    ],
)
def test_bad_arguments(name, kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        source.BUILDERS[name](**kwargs)


# ------------------------------------------------------------------------------- AlexNet
def test_alexnet_one_tower_against_the_papers_two(built):
    post = built("alexnet")
    one_tower = {  # the post's settings: every conv sees every map below
        "conv1": conv2d_params(11, 3, 96),  # (11*11*3 + 1) * 96 = 34,944
        "conv2": conv2d_params(5, 96, 256),
        "conv3": conv2d_params(3, 256, 384),
        "conv4": conv2d_params(3, 384, 384),
        "conv5": conv2d_params(3, 384, 256),
        "fc6": dense_params(6 * 6 * 256, 4096),
        "fc7": dense_params(4096, 4096),
        "predictions": dense_params(4096, 1000),
    }
    assert {name: params(post, name) for name in one_tower} == one_tower
    assert post.count_params() == sum(one_tower.values()) == 62_378_344

    two_towers = {  # the paper: conv2, conv4, conv5 see only their own GPU's half
        "conv1": (11 * 11 * 3 + 1) * 96,
        "conv2": 2 * ((5 * 5 * 48 + 1) * 128),
        "conv3": (3 * 3 * 256 + 1) * 384,
        "conv4": 2 * ((3 * 3 * 192 + 1) * 192),
        "conv5": 2 * ((3 * 3 * 192 + 1) * 128),
        "fc6": (6 * 6 * 256 + 1) * 4096,
        "fc7": (4096 + 1) * 4096,
        "fc8": (4096 + 1) * 1000,
    }
    assert sum(two_towers.values()) == 60_965_224
    grouped = {"conv2": (5, 96, 256), "conv4": (3, 384, 384), "conv5": (3, 384, 256)}
    for layer, (kernel, c_in, c_out) in grouped.items():  # groups=2 in the course's formula
        assert two_towers[layer] == conv2d_params(kernel, c_in, c_out, groups=2)
    extra = sum(one_tower[k] - two_towers[k] for k in ("conv2", "conv4", "conv5"))
    assert extra == post.count_params() - 60_965_224 == 1_413_120
    text = why("alexnet", "two towers")
    assert all(f"{n:,}" in text for n in (extra, post.count_params(), 60_965_224))


def test_alexnet_needs_227_not_224(built):
    assert output_size(227, 11, 4) == 55 and output_size(224, 11, 4) == 54
    post = built("alexnet")
    sizes = [post.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "pool2", "pool5")]
    # 55, then (55 - 3) // 2 + 1 = 27, (27 - 3) // 2 + 1 = 13, (13 - 3) // 2 + 1 = 6.
    assert sizes == [55, 27, 13, 6]
    assert not any(isinstance(layer, keras.layers.Concatenate) for layer in post.layers)


def test_initializers_as_posted(built):
    post = built("alexnet")
    init = post.get_layer("conv1").kernel_initializer
    assert isinstance(init, keras.initializers.RandomUniform)
    assert (init.minval, init.maxval) == (-0.05, 0.05)  # Keras' "uniform"
    assert isinstance(post.get_layer("fc6").kernel_initializer, keras.initializers.GlorotUniform)
    # GoogLeNet's and ResNet's Conv2d_BN give no initializer: Keras' default.
    resnet = built("resnet50")
    assert isinstance(resnet.get_layer("conv1_conv").kernel_initializer,
                      keras.initializers.GlorotUniform)


# ------------------------------------------------------------------------------- ZF-Net
def test_zfnet_map_sizes_against_figure_3(built):
    # The post: conv1 valid, conv2 "same" with stride 2 (ceil), pools valid.
    conv1 = output_size(224, 7, 2)  # (224 - 7) // 2 + 1 = 109
    pool1 = output_size(conv1, 3, 2)  # 54
    conv2 = output_size(pool1, 5, 2, "same")  # ceil(54 / 2) = 27
    pool2 = output_size(conv2, 3, 2)  # 13
    pool5 = output_size(pool2, 3, 2)  # 6
    assert (conv1, pool1, conv2, pool2, pool5) == (109, 54, 27, 13, 6)
    post = built("zfnet")
    names = ("conv1", "pool1", "conv2", "pool2", "conv5", "pool5")
    assert [post.get_layer(n).output.shape[1] for n in names] == [109, 54, 27, 13, 13, 6]
    # The paper's Figure 3: 110, 55, 26, 13 needs 1 pixel of padding on conv1 and pooling that
    # rounds up: ceil((110 - 3) / 2) + 1 = 55, ceil((26 - 3) / 2) + 1 = 13.
    assert output_size(224, 7, 2, 1) == 110
    assert math.ceil((110 - 3) / 2) + 1 == 55
    assert output_size(55, 5, 2) == 26
    assert math.ceil((26 - 3) / 2) + 1 == 13
    # Both reach 6x6x256 = 9,216 inputs, so the dense layers are AlexNet's.
    assert params(post, "fc6") == dense_params(9_216, 4096)
    (sizes,) = [d for d in source.ZFNET_DEPARTURES if d.aspect == "map sizes"]
    assert "224 -> 109 -> 54" in sizes.post and "54 -> 27 -> 13" in sizes.post
    assert "224 -> 110 -> 55 -> 26 -> 13" in sizes.paper and "9,216" in sizes.why_it_matters
    assert params(post, "conv1") == conv2d_params(7, 3, 96)


# ------------------------------------------------------------------------------- VGG-16
def vgg_d_by_hand(input_size, classes):
    """VGG-16 (configuration D) written out with keras layers: 3x3 everywhere."""
    inputs = keras.Input((input_size, input_size, 3))
    x = inputs
    for width, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        for _ in range(convs):
            x = keras.layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(4096, activation="relu")(x)
    x = keras.layers.Dense(4096, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(x))


def test_vgg16_three_by_two_kernel(built):
    post = built("vgg16")
    assert post.get_layer("block2_conv1").kernel_size == (3, 2)
    assert [layer.kernel_size for layer in post.layers
            if isinstance(layer, keras.layers.Conv2D) and layer.name != "block2_conv1"] == [
        (3, 3)] * 12
    removed = (3 * 3 - 3 * 2) * 64 * 128
    assert removed == 24_576
    assert params(post, "block2_conv1") == (3 * 2 * 64 + 1) * 128
    assert conv2d_params(3, 64, 128) - params(post, "block2_conv1") == removed
    assert f"{removed:,}" in why("vgg16", "block2_conv1 kernel")

    # The paper's VGG-16 by formula: 13 convs and 3 dense layers, 138,357,544 weights.
    convs = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
             (256, 512), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
    paper = sum(conv2d_params(3, i, o) for i, o in convs)
    paper += dense_params(7 * 7 * 512, 4096) + dense_params(4096, 4096) + dense_params(4096, 1000)
    assert paper == 138_357_544
    assert post.count_params() == paper - removed

    # The same against a hand-built network with 3x3 there (at 32x32, where fc1 is small).
    small_post = built("vgg16", input_shape=(32, 32, 3), classes=3)
    assert vgg_d_by_hand(32, 3).count_params() - small_post.count_params() == removed


def test_same_padding_with_an_even_kernel_is_lopsided():
    # With "same" padding a width-2 kernel gets 0 columns on the left and 1 on the right: a kernel
    # (0, 1) reads the pixel to the right, so the 3x2 layer is centred half a pixel to the right.
    layer = keras.layers.Conv2D(1, (1, 2), padding="same", use_bias=False)
    x = np.arange(1, 6, dtype="float32").reshape(1, 1, 5, 1)
    layer.build(x.shape)
    layer.set_weights([np.array([0.0, 1.0], "float32").reshape(1, 2, 1, 1)])
    out = keras.ops.convert_to_numpy(layer(x)).ravel()
    np.testing.assert_allclose(out, [2, 3, 4, 5, 0])
    assert "1 on the right" in why("vgg16", "block2_conv1 kernel")


# ------------------------------------------------------------------------------- GoogLeNet
# Table 1 of the GoogLeNet paper: each module's output width.
TABLE_1_OUTPUTS = {"3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528,
                   "4e": 832, "5a": 832, "5b": 1024}


def post_widths():
    return {m: n for m, n in (s for s in source.POST_GOOGLENET if not isinstance(s, str))}


def test_googlenet_five_by_five_branch_is_one_by_one(built):
    post = built("googlenet")
    widths = post_widths()
    assert {m: 4 * n for m, n in widths.items()} == TABLE_1_OUTPUTS
    for module, n in widths.items():
        layer = post.get_layer(f"inception_{module}_5x5_conv")
        assert layer.kernel_size == (1, 1)
        assert layer.count_params() == (1 * 1 * n + 1) * n
        # A true 5x5 on the n reduced maps: 5*5*n*n weights instead of n*n.
        assert conv2d_params(5, n, n) - layer.count_params() == 24 * n * n
        assert post.get_layer(f"inception_{module}_concat").output.shape[-1] == 4 * n
    assert 24 * 64 * 64 == 98_304
    (widths_row,) = [d for d in source.GOOGLENET_DEPARTURES if d.aspect == "branch widths"]
    assert ", ".join(str(w) for w in TABLE_1_OUTPUTS.values()) in widths_row.post
    assert "98,304" in why("googlenet", "the '5x5' branch")


def test_googlenet_parameters_by_hand(built):
    post = built("googlenet")

    def conv_bn(kernel, c_in, c_out):  # Conv2d_BN: a conv with bias, then BN
        return conv2d_params(kernel, c_in, c_out) + BN * c_out

    total = conv_bn(7, 3, 64) + conv_bn(3, 64, 192)
    c_in = 192
    for n in post_widths().values():
        total += (conv_bn(1, c_in, n)  # 1x1
                  + conv_bn(1, c_in, n) + conv_bn(3, n, n)  # 3x3 reduce, 3x3
                  + conv_bn(1, c_in, n) + conv_bn(1, n, n)  # 5x5 reduce, "5x5" (1x1)
                  + conv_bn(1, c_in, n))  # pool projection
        c_in = 4 * n
    assert c_in == 1024
    head_hidden, head_out = dense_params(1024, 1000), dense_params(1000, 1000)
    total += head_hidden + head_out
    assert post.count_params() == total
    # The paper has one linear layer 1024 -> 1000: the post's hidden Dense adds 1,000 x 1,001.
    assert head_out == 1_001_000 and "1,001,000" in why("googlenet", "head")
    assert params(post, "fc1") == head_hidden


def test_googlenet_layer_order_and_four_d_output(built):
    post = built("googlenet")
    conv = post.get_layer("inception_3a_3x3_conv")
    assert conv.get_config()["activation"] == "relu"  # ReLU inside the conv, BN after it
    bn = post.get_layer("inception_3a_3x3_bn")
    assert bn.input._keras_history.operation is conv
    # Dense on the 1x1x1024 map: (batch, 1, 1, 1000). Integer labels of shape (batch,) fail
    # Keras 3's loss; (batch, 1, 1) works.
    assert post.get_layer("fc1").input.shape[1:] == (1, 1, 1024)
    probs = np.full((2, 1, 1, 1000), 1e-3, "float32")
    loss = keras.losses.SparseCategoricalCrossentropy()
    with pytest.raises(ValueError):
        loss(np.array([3, 7]), probs)
    value = keras.ops.convert_to_numpy(loss(np.array([3, 7]).reshape(2, 1, 1), probs))
    np.testing.assert_allclose(value, -np.log(1e-3), rtol=1e-5)


def test_post_googlenet_round_trips(built, tmp_path):
    model = built("googlenet", input_shape=(32, 32, 3), classes=3)
    x = np.random.default_rng(4).uniform(size=(2, 32, 32, 3)).astype("float32")
    path = tmp_path / "post_googlenet.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(forward(loaded, x), forward(model, x), atol=1e-6)


# ------------------------------------------------------------------------------- ResNet-50
def resnet50_by_hand(shortcut_kernel):
    """ResNet-50's weights with the post's Conv2d_BN (conv with bias + BN) everywhere."""

    def conv_bn(kernel, c_in, c_out):
        return conv2d_params(kernel, c_in, c_out) + BN * c_out

    total, c_in = conv_bn(7, 3, 64), 64
    for (m1, m2, c_out), blocks in [((64, 64, 256), 3), ((128, 128, 512), 4),
                                     ((256, 256, 1024), 6), ((512, 512, 2048), 3)]:
        for block in range(blocks):
            total += conv_bn(1, c_in, m1) + conv_bn(3, m1, m2) + conv_bn(1, m2, c_out)
            if block == 0:  # the projection where the width (and maybe the size) changes
                total += conv_bn(shortcut_kernel, c_in, c_out)
            c_in = c_out
    return total + dense_params(2048, 1000)


def test_resnet50_three_by_three_projections(built):
    post = built("resnet50")
    projections = {"conv2_block1_0_conv": (64, 256), "conv3_block1_0_conv": (256, 512),
                   "conv4_block1_0_conv": (512, 1024), "conv5_block1_0_conv": (1024, 2048)}
    for name, (c_in, c_out) in projections.items():
        layer = post.get_layer(name)
        assert layer.kernel_size == (3, 3) and layer.get_config()["activation"] == "relu"
        assert layer.count_params() == conv2d_params(3, c_in, c_out)
    extra = sum(8 * c_in * c_out for c_in, c_out in projections.values())  # (9 - 1) per pair
    assert extra == 22_151_168
    assert post.count_params() == resnet50_by_hand(3) == resnet50_by_hand(1) + extra
    # With 1x1 projections it is keras.applications' ResNet50 (conv biases kept): 25,636,712.
    assert resnet50_by_hand(1) == 25_636_712
    text = why("resnet50", "projection shortcuts")
    assert all(f"{n:,}" in text for n in (extra, resnet50_by_hand(3), resnet50_by_hand(1)))


def test_resnet50_eight_by_eight_before_the_seven_by_seven_pool(built):
    def sizes(n):
        out = [output_size(n, 7, 2, 3)]  # ZeroPadding2D((3,3)), conv1 7x7/2 valid
        out.append(output_size(out[-1], 3, 2, "same"))  # pool1
        out.append(out[-1])  # conv2_x, stride 1
        for _ in range(3):  # conv3_x to conv5_x: the 1x1/2 "same" conv
            out.append(output_size(out[-1], 1, 2, "same"))
        return out

    assert sizes(227) == [114, 57, 57, 29, 15, 8]
    assert sizes(224) == [112, 56, 56, 28, 14, 7]
    assert output_size(8, 7, 7) == 1  # one 7x7 window: the last row and column are dropped
    assert 8 * 8 - 7 * 7 == 15
    post = built("resnet50")
    names = ["conv1_conv", "pool1_pool", "conv2_block3_add", "conv3_block4_add",
             "conv4_block6_add", "conv5_block3_add"]
    assert [post.get_layer(n).output.shape[1] for n in names] == sizes(227)
    assert post.get_layer("avg_pool").output.shape[1:] == (1, 1, 2048)
    (row,) = [d for d in source.RESNET50_DEPARTURES if d.aspect == "input size and final pool"]
    assert " -> ".join(str(n) for n in [227, *sizes(227)]) in row.post
    assert " -> ".join(str(n) for n in [224, *sizes(224)]) in row.paper
    assert "15 of the 64" in row.why_it_matters


def test_resnet50_order_and_no_relu_after_the_addition(built):
    post = built("resnet50")
    # conv (ReLU inside) -> BN, as Conv2d_BN does.
    assert post.get_layer("conv2_block1_2_conv").get_config()["activation"] == "relu"
    assert post.get_layer("conv2_block1_2_bn").input._keras_history.operation.name == (
        "conv2_block1_2_conv")
    # The sum goes straight into the next block: no activation in between.
    nxt = post.get_layer("conv2_block2_1_conv")
    assert nxt.input._keras_history.operation.name == "conv2_block1_add"
    assert post.get_layer("conv2_block2_add").input[1]._keras_history.operation.name == (
        "conv2_block1_add")  # the identity shortcut
    assert not [layer for layer in post.layers if isinstance(layer, keras.layers.Activation)]


# ------------------------------------------------------------------------------- DenseNet
def test_densenet_architecture_by_hand():
    spec = source.POST_DENSENET121
    blocks, k = spec["blocks"], spec["growth_rate"]
    # conv1, two convs per bottleneck layer, three transitions, the classifier.
    assert 1 + 2 * sum(blocks) + (len(blocks) - 1) + 1 == 121

    def widths(compression):
        maps, out = spec["initial_maps"], []
        for i, layers in enumerate(blocks):
            maps += layers * k
            out.append(maps)
            if i < len(blocks) - 1:
                maps = int(maps * compression)
        return out

    assert spec["compression"] == 1.0
    assert widths(spec["compression"]) == [256, 640, 1408, 1920]  # the post: DenseNet-B
    assert widths(0.5) == [256, 512, 1024, 1024]  # the paper's DenseNet-BC-121
    text = why("densenet121", "compression")
    assert "256 -> 640 -> 1,408 -> 1,920" in text and "256 -> 512 -> 1,024 -> 1,024" in text
    assert spec["bottleneck_maps"] == 4 * k == 128


def test_keras1_calls_fail_in_keras_3():
    # Each claim of the table, checked against the Keras installed.
    for module in ("keras.utils.data_utils", "keras.utils.vis_utils"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(module)
    with pytest.raises(ImportError):
        exec("from keras.utils import layer_utils", {})
    assert not hasattr(keras.backend, "image_dim_ordering")
    assert not hasattr(keras.layers, "merge") and not hasattr(keras.layers, "Scale")
    with pytest.raises(ValueError, match="subsample"):
        keras.layers.Convolution2D(64, 7, 7, subsample=(2, 2))
    with pytest.raises(ValueError, match="bias"):
        keras.layers.Convolution2D(32, 3, 3, bias=False)
    silent = keras.layers.Convolution2D(32, 3, 3)  # Keras 1: 3x3; Keras 3: 3x3 with stride 3
    assert silent.kernel_size == (3, 3) and silent.strides == (3, 3)
    # The replacements exist.
    assert callable(keras.utils.get_file) and callable(keras.utils.model_to_dot)
    assert keras.config.image_data_format() in ("channels_last", "channels_first")
    x = np.zeros((1, 4, 4, 2), "float32")
    assert keras.layers.Concatenate(axis=3)([x, x]).shape == (1, 4, 4, 4)

    table = source.keras1_changes()
    assert table.columns == ["the post's call", "in Keras 3", "write instead"]
    calls = " ".join(table.column("the post's call"))
    for fragment in ("merge(", "subsample=", "bias=False", "image_dim_ordering", "Scale(",
                     "data_utils", "vis_utils", "layer_utils"):
        assert fragment in calls
    assert len(table.rows) == len(source.DENSENET_KERAS1)


# ------------------------------------------------------------------------------- errata
@pytest.mark.parametrize("name", list(source.DEPARTURES))
def test_errata_for_every_network(name):
    table = source.errata(name)
    assert table.columns == ["aspect", "the post's code", "the paper", "why it matters"]
    assert len(table.rows) == len(source.DEPARTURES[name]) >= 2
    assert all(isinstance(cell, str) and cell for row in table.rows for cell in row)
    assert name in table.title


def test_registries():
    assert list(source.BUILDERS) == ["lenet", "alexnet", "zfnet", "vgg16", "googlenet",
                                     "resnet50"]
    assert set(source.BUILDERS) < set(source.DEPARTURES)
    assert "densenet121" in source.DEPARTURES and "densenet121" not in source.BUILDERS
    with pytest.raises(ValueError, match="Known: lenet, alexnet, zfnet, vgg16, googlenet, "
                                         "resnet50, densenet121"):
        source.errata("inception")
    with pytest.raises(ValueError, match="keras1_changes"):
        source.build("densenet121")
    assert source.build("lenet", classes=3).output_shape == (None, 3)
