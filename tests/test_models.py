"""LeNet-5 against the paper, the registry, the custom layers and the post's own "LeNet"."""

import keras
import numpy as np
import pytest

import classic.models as models
from classic import layers
from classic.models import lenet as lenet_module
from classic.models import source


def params(model, name):
    return model.get_layer(name).count_params()


def test_lenet5_parameters_layer_by_layer():
    model = models.lenet5()
    expected = {
        "C1": (5 * 5 * 1 + 1) * 6,  # 156
        "S2": 2 * 6,  # a coefficient and a bias per map: 12
        "C3": 5 * 5 * 60 + 16,  # Table I has 60 links: 1,516
        "S4": 2 * 16,  # 32
        "C5": (5 * 5 * 16 + 1) * 120,  # 48,120
        "F6": (120 + 1) * 84,  # 10,164
        "output": (84 + 1) * 10,  # 850
    }
    assert {name: params(model, name) for name in expected} == expected
    assert expected["C3"] == 1_516
    # The paper: "60,000 trainable parameters" from C1 to F6.
    assert sum(v for k, v in expected.items() if k != "output") == 60_000
    assert model.output_shape == (None, 10)
    assert model.get_layer("C5").output.shape[1:] == (1, 1, 120)


def test_lenet5_normalizes_input_as_the_paper():
    # Background (0) becomes -0.1 and ink (1) becomes 1.175.
    layer = models.lenet5().get_layer("normalize")
    out = keras.ops.convert_to_numpy(layer(np.array([[0.0, 1.0]], "float32")))
    np.testing.assert_allclose(out, [[-0.1, 1.175]], atol=1e-6)


def test_c3_fully_connected_and_modern_variant():
    full = models.lenet5(c3_table=False)
    assert params(full, "C3") == (5 * 5 * 6 + 1) * 16  # 2,416
    modern = models.lenet5(variant="modern")
    assert isinstance(modern.get_layer("S2"), keras.layers.MaxPooling2D)
    assert modern.get_layer("C1").get_config()["activation"] == "relu"
    assert params(modern, "C3") == 2_416  # fully connected by default in the modern variant


def test_c3_table_is_the_papers_table_one():
    # Row 0 of Table I: S2 map 0 feeds C3 maps 0, 4, 5, 6, 9, 10, 11, 12, 14, 15.
    feeds_from_0 = [j for j, inputs in enumerate(lenet_module.C3_TABLE) if 0 in inputs]
    assert feeds_from_0 == [0, 4, 5, 6, 9, 10, 11, 12, 14, 15]
    sizes = [len(inputs) for inputs in lenet_module.C3_TABLE]
    assert sizes == [3] * 6 + [4] * 9 + [6]


def test_rbf_head():
    model = models.lenet5(head="rbf")
    rbf = model.get_layer("output")
    assert rbf.count_params() == 10 * 84 and not rbf.trainable_weights
    x = np.random.default_rng(0).normal(size=(2, 84)).astype("float32")
    centres = keras.ops.convert_to_numpy(rbf.centres)
    expected = -((x[:, None, :] - centres[None]) ** 2).sum(-1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(rbf(x)), expected, rtol=1e-5)


def test_lenet5_smallest_input():
    with pytest.raises(ValueError, match="at least 32x32") as error:
        models.build("lenet5", input_shape=(8, 8, 1))
    assert "(8, 8, 1)" in str(error.value)
    with pytest.raises(ValueError, match="at least 32x32"):
        models.lenet5(input_shape=(32, 31, 1))
    assert models.lenet5(input_shape=(36, 36, 3)).get_layer("C5").output.shape[1:] == (2, 2, 120)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"classes": 0}, "classes"),
        ({"classes": 2.5}, "classes"),
        ({"input_shape": (32, 32, 0)}, "input_shape"),
        ({"input_shape": (32, 32)}, "input_shape"),
        ({"pooling": "mean"}, "pooling"),
        ({"variant": "2024"}, "variant"),
        ({"head": "svm"}, "head"),
        ({"include_top": "yes"}, "include_top"),
    ],
)
def test_lenet5_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        models.lenet5(**kwargs)


def test_registry():
    # DESIGN.md's names, in the course's order.
    assert models.names() == (
        "lenet5", "alexnet", "zfnet", "vgg11", "vgg13", "vgg16", "vgg19", "googlenet",
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
        "densenet121", "densenet169", "densenet201",
    )
    assert models.build("lenet5", classes=3).output_shape == (None, 3)
    with pytest.raises(ValueError, match="Known models: .*lenet5"):
        models.build("lenet6")


def test_include_top_false_and_pooling():
    features = models.lenet5(include_top=False, input_shape=(40, 40, 1), pooling="avg")
    assert features.output_shape == (None, 120)
    assert models.lenet5(include_top=False).output_shape == (None, 1, 1, 120)


def test_scaled_tanh():
    # LeCun's choice of A = 1.7159 and S = 2/3 makes f(1) = 1 and f(-1) = -1 (to 1e-4).
    values = keras.ops.convert_to_numpy(layers.scaled_tanh(keras.ops.array([-1.0, 0.0, 1.0])))
    np.testing.assert_allclose(values, [-1.0, 0.0, 1.0], atol=1e-4)


def test_subsampling_by_hand():
    layer = layers.Subsampling(2)
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    layer.build(x.shape)
    layer.coefficient.assign([0.5])
    layer.bias.assign([1.0])
    # Window sums: 0+1+4+5 = 10, 2+3+6+7 = 18, 8+9+12+13 = 42, 10+11+14+15 = 50.
    expected = 0.5 * np.array([[10, 18], [42, 50]], "float32") + 1.0
    out = keras.ops.convert_to_numpy(layer(x))[0, :, :, 0]
    np.testing.assert_allclose(out, expected)


def test_sparse_conv_equals_masked_dense_conv():
    connections = [(0,), (0, 1), (1, 2)]
    layer = layers.SparseConv2D(3, 3, connections)
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    kernel = keras.ops.convert_to_numpy(layer.dense_kernel())
    mask = np.zeros((3, 3), bool)  # mask[input, output]
    for j, inputs in enumerate(connections):
        mask[list(inputs), j] = True
    assert np.all(kernel[:, :, ~mask] == 0) and np.all(kernel[:, :, mask] != 0)
    assert layer.count_params() == 3 * 3 * 5 + 3  # 5 links and 3 biases
    dense = keras.layers.Conv2D(3, 3)
    dense.build(x.shape)
    dense.set_weights([kernel, keras.ops.convert_to_numpy(layer.bias)])
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(dense(x)), atol=1e-5)


def test_sparse_conv_rejects_bad_tables():
    with pytest.raises(ValueError, match="connections"):
        layers.SparseConv2D(2, 3, [(0,)])
    with pytest.raises(ValueError, match="connections"):
        layers.SparseConv2D(1, 3, [(5,)])(np.zeros((1, 4, 4, 2), "float32"))


@pytest.mark.parametrize("kwargs", [{}, {"head": "rbf"}, {"variant": "modern"}])
def test_keras_round_trip(tmp_path, kwargs):
    model = models.lenet5(**kwargs)
    x = np.random.default_rng(2).uniform(size=(3, 32, 32, 1)).astype("float32")
    path = tmp_path / "lenet5.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_lenet5_trains_one_step():
    model = models.lenet5()
    model.compile("adam", "sparse_categorical_crossentropy")
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(8, 32, 32, 1)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, rng.integers(0, 10, 8), epochs=1, verbose=0)
    changed = [not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert all(changed)  # every weight, S2's coefficients and C3's sparse kernel included


def test_post_lenet_is_not_lenet5():
    post = source.post_lenet()
    # 28 -> conv 5 -> 24 -> pool -> 12 -> conv 5 -> 8 -> pool -> 4: 4*4*64 = 1,024 inputs to fc1.
    assert post.get_layer("flatten").output.shape[1:] == (1_024,)
    expected = {
        "conv1": (25 * 1 + 1) * 32,  # 832
        "conv2": (25 * 32 + 1) * 64,  # 51,264
        "fc1": (1_024 + 1) * 100,  # 102,500
        "predictions": (100 + 1) * 10,  # 1,010
    }
    assert {name: params(post, name) for name in expected} == expected
    assert post.count_params() == sum(expected.values())
    # The errata table says the Dense 100 holds most of the parameters.
    assert expected["fc1"] > post.count_params() / 2
    assert isinstance(post.get_layer("conv1").kernel_initializer, keras.initializers.RandomUniform)


def test_errata():
    table = source.errata("lenet")
    assert table.columns[:3] == ["aspect", "the post's code", "the paper"]
    assert len(table.rows) == len(source.LENET_DEPARTURES) >= 8
    with pytest.raises(ValueError, match="Known: lenet"):
        source.errata("lenet7")


def test_block_model_holds_one_block():
    from classic.models.resnet import basic_block

    model = models.block_model(basic_block, (8, 8, 16), "conv2_block2", filters=16, stride=1)
    assert model.name == "conv2_block2"
    assert model.output.shape == (None, 8, 8, 16)
    # two 3x3 convs of 16 -> 16 with biases (v1) and two batch norms: 2 * (9*16*16 + 16 + 4*16)
    assert model.count_params() == 2 * (9 * 16 * 16 + 16 + 4 * 16)
    assert all(layer.name.startswith("conv2_block2") for layer in model.layers[1:])


@pytest.mark.parametrize(
    "args, argument",
    [((None, (8, 8, 3), "b"), "block"), ((len, (8, 8), "b"), "input_shape"),
     ((len, (8, 8, 3), ""), "prefix")],
)
def test_block_model_bad_arguments(args, argument):
    with pytest.raises(ValueError, match=argument):
        models.block_model(*args)


@pytest.mark.parametrize("build", [
    lambda: models.lenet5(),
    lambda: models.lenet5(head="rbf"),
    lambda: models.alexnet(input_shape=(67, 67, 3), classes=10, width=0.1),
    lambda: models.zfnet(input_shape=(64, 64, 3), classes=10, width=0.1),
    lambda: models.vgg11(input_shape=(32, 32, 3), classes=10, width=0.1),
    lambda: models.googlenet(input_shape=(65, 65, 3), classes=10, width=0.1, aux_logits=True),
    lambda: models.resnet18(input_shape=(32, 32, 3), classes=10, width=0.1),
    lambda: models.resnet.cifar_resnet(20, classes=10),
    lambda: models.densenet.cifar_densenet(22, growth_rate=4, classes=10, bottleneck=True,
                                           compression=0.5),
], ids=["lenet5", "lenet5-rbf", "alexnet", "zfnet", "vgg11", "googlenet-aux", "resnet18",
        "cifar_resnet", "cifar_densenet"])
def test_mixed_precision_keeps_the_classifier_in_float32(build):
    """Built under mixed_float16 (the gpu profile), the layers compute in float16 but every
    output, auxiliary heads included, is float32: float16 probabilities lose the small ones."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = build()
    finally:
        keras.config.set_dtype_policy(previous)
    computing = [layer for layer in model.layers if layer.weights]
    assert computing[0].compute_dtype == "float16"
    assert [str(output.dtype) for output in model.outputs] == ["float32"] * len(model.outputs)
    x = np.zeros((1, *model.input_shape[1:]), "float32")
    predictions = model(x)
    for p in predictions if isinstance(predictions, list | tuple) else [predictions]:
        assert keras.ops.convert_to_numpy(p).dtype == np.float32
