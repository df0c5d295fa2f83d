"""GoogLeNet against Table 1 and Section 5 of Szegedy et al. (CVPR 2015); its blocks are tested in
test_inception_blocks.py. Expected numbers come from Table 1's widths and the layer formulas
written below, never from the model's own output."""

import math

import keras
import numpy as np
import pytest

from classic import shapes
from classic.models import inception as g


# --------------------------------------------------------------------------- hand formulas
def conv(kernel, c_in, c_out, bias=True):
    """A convolution's parameters: (k_h * k_w * c_in + 1) * c_out."""
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    return (kh * kw * c_in + int(bias)) * c_out


def dense(n_in, n_out):
    return (n_in + 1) * n_out


# Table 1's "output size" depth of each inception module, as printed.
DEPTHS = {"3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528, "4e": 832,
          "5a": 832, "5b": 1024}


def module_convs(c_in, widths):
    """(kernel, c_in, c_out) of a module's six convolutions (Figure 2(b))."""
    n1, r3, n3, r5, n5, proj = widths
    return [(1, c_in, n1), (1, c_in, r3), (3, r3, n3), (1, c_in, r5), (5, r5, n5), (1, c_in, proj)]


def main_convs():
    """Every convolution on the main path, from Table 1: the stem, then the nine modules."""
    convs = [(7, 3, 64), (1, 64, 64), (3, 64, 192)]
    c_in = 192
    for key, widths in g.INCEPTION.items():
        convs += module_convs(c_in, widths)
        c_in = DEPTHS[key]
    return convs


def expected_params(classes=1000, aux=False, bn=False):
    """Parameters by hand. With BN a convolution loses its bias and gains gamma, beta and the
    moving mean and variance (4 per map)."""
    convs = main_convs()
    if aux:  # Section 5, on 4a (512 maps) and 4d (528 maps); 4x4 maps after the 5x5/3 pool
        convs += [(1, 512, 128), (1, 528, 128)]
    total = sum(conv(*c, bias=not bn) for c in convs) + dense(1024, classes)
    if bn:
        total += 4 * sum(c_out for _, _, c_out in convs)
    if aux:
        total += 2 * (dense(4 * 4 * 128, 1024) + dense(1024, classes))
    return total


def count(model, prefix):
    return sum(layer.count_params() for layer in model.layers if layer.name.startswith(prefix))


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def full():
    return g.googlenet()


@pytest.fixture(scope="module")
def small():
    """The smallest input without aux, 10 classes, widths / 4."""
    return g.googlenet((32, 32, 3), classes=10, width=0.25)


@pytest.fixture(scope="module")
def small_aux():
    """The smallest input with the auxiliary classifiers, with batch normalization."""
    return g.googlenet((65, 65, 3), classes=10, width=0.25, aux_logits=True, batch_norm=True)


def batch(size):
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, size, size, 3)).astype("float32"), np.arange(4) % 10


# --------------------------------------------------------------------------- Table 1
def test_inception_widths_add_up_to_table1_depths():
    for key, (n1, _, n3, _, n5, proj) in g.INCEPTION.items():
        assert n1 + n3 + n5 + proj == DEPTHS[key], key
    printed = {row[1][-3:-1]: row[3] for row in g.TABLE1 if row[1].startswith("inception")}
    assert {k: int(v.split("x")[-1]) for k, v in printed.items()} == DEPTHS


def test_parameters_from_table1_widths(full):
    total = expected_params()
    assert full.count_params() == total
    # "about 6.99M": 22 layers of Table 1 with biases; the paper counts weights only.
    assert 6_990_000 < total < 7_000_000
    biases = sum(c_out for _, _, c_out in main_convs()) + 1000
    assert total - biases == sum(math.prod(w.shape) for w in full.weights if w.ndim > 1)
    c_in = 192
    for key, widths in g.INCEPTION.items():
        assert count(full, f"inception_{key}_") == sum(
            conv(*c) for c in module_convs(c_in, widths)
        ), key
        c_in = DEPTHS[key]
    assert full.get_layer("predictions").count_params() == dense(1024, 1000)
    assert full.get_layer("dropout").rate == 0.4


def test_aux_classifiers_parameters_and_outputs():
    model = g.googlenet(aux_logits=True)
    assert model.count_params() == expected_params(aux=True)
    assert model.output_names == ["predictions", "aux1_predictions", "aux2_predictions"]
    assert [tuple(o.shape) for o in model.outputs] == [(None, 1000)] * 3
    # Section 5: 4x4x512 after the pool on 4a, 4x4x528 on 4d.
    assert tuple(model.get_layer("aux1_avg_pool").output.shape) == (None, 4, 4, 512)
    assert tuple(model.get_layer("aux2_avg_pool").output.shape) == (None, 4, 4, 528)
    assert model.get_layer("aux1_conv").count_params() == conv(1, 512, 128)
    assert model.get_layer("aux2_conv").count_params() == conv(1, 528, 128)
    assert model.get_layer("aux1_fc").count_params() == dense(2048, 1024)
    assert model.get_layer("aux2_dropout").rate == 0.7
    shapes.table(model)  # raises ArithmeticMismatch where a hand formula disagrees with Keras


def test_batch_norm_parameters():
    model = g.googlenet(batch_norm=True)
    assert model.count_params() == expected_params(bn=True)
    # Moving mean and variance (2 per map) do not train.
    maps = sum(c_out for _, _, c_out in main_convs())
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    assert trainable == expected_params(bn=True) - 2 * maps
    assert model.get_layer("inception_3a_5x5").get_config()["use_bias"] is False
    bn = model.get_layer("inception_3a_5x5_bn")
    assert bn.momentum == 0.99
    assert bn.input is model.get_layer("inception_3a_5x5").output
    assert model.get_layer("inception_3a_5x5_relu").input is bn.output
    total = shapes.totals(model)
    assert (total.params, total.trainable_params) == (model.count_params(), trainable)


def test_the_5x5_branch_has_5x5_kernels(full):
    c_in = 192
    for key, (_, _, _, r5, n5, _) in g.INCEPTION.items():
        assert tuple(full.get_layer(f"inception_{key}_5x5").kernel.shape) == (5, 5, r5, n5)
        assert tuple(full.get_layer(f"inception_{key}_5x5_reduce").kernel.shape) == (
            1, 1, c_in, r5)
        c_in = DEPTHS[key]
    assert full.get_layer("inception_3a_pool").get_config()["strides"] == (1, 1)


def test_output_sizes_at_224(full):
    sizes = {
        "conv1_7x7_s2": (112, 112, 64), "pool1_3x3_s2": (56, 56, 64),
        "conv2_3x3": (56, 56, 192), "pool2_3x3_s2": (28, 28, 192),
        "inception_3b_concat": (28, 28, 480), "pool3_3x3_s2": (14, 14, 480),
        "inception_4e_concat": (14, 14, 832), "pool4_3x3_s2": (7, 7, 832),
        "inception_5b_concat": (7, 7, 1024), "pool5_global_avg": (1024,),
    }
    assert {name: tuple(full.get_layer(name).output.shape[1:]) for name in sizes} == sizes
    lrn = full.get_layer("pool1_norm1")
    assert (lrn.depth_radius, lrn.bias, lrn.alpha, lrn.beta) == (2, 1.0, 2e-5, 0.75)


def test_table1_regenerated(full):
    table = g.table1(full)
    rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    # Every output size is the paper's, as printed.
    printed = [row[3] for row in g.TABLE1]
    assert table.column("output size")[: len(printed)] == printed
    # Inside a module every convolution has stride 1 and "same" padding: MACs = weights * h * w.
    c_in = 192
    for key, widths in g.INCEPTION.items():
        row = rows[f"inception ({key})"]
        weights = sum(conv(*c, bias=False) for c in module_convs(c_in, widths))
        side = {"3": 28, "4": 14, "5": 7}[key[0]]
        assert (row["weights"], row["MACs"]) == (weights, weights * side * side), key
        assert [row[c] for c in table.columns[4:10]] == list(widths)
        c_in = DEPTHS[key]
    # The paper's K is 1024 weights and its M 10^6 MACs: two rows are exact.
    stem = conv(1, 64, 64, False) + conv(3, 64, 192, False)
    conv1, conv2 = (dict(zip(table.columns, table.rows[i], strict=True)) for i in (0, 2))
    assert conv1["weights"] == 9_408 == conv(7, 3, 64, False)
    assert (conv2["weights"], conv2["paper params"], conv2["weights vs paper %"]) == (
        stem, "112K", 0.0)
    assert stem == 112 * 1024 and round(stem * 56 * 56 / 1e6) == 360
    assert rows["linear"]["weights"] == 1000 * 1024
    assert rows["total"]["params"] == full.count_params()
    assert rows["total"]["depth"] == 22  # "22 layers deep when counting only layers with params"


def test_table1_needs_googlenet_at_224(small):
    with pytest.raises(ValueError, match="224x224"):
        g.table1(small)
    with pytest.raises(ValueError, match="googlenet"):
        g.table1(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))


# --------------------------------------------------------------------------- input sizes
def test_smallest_input_by_hand():
    # Five stride-2 layers, all padding "same": any input gives maps of at least 1x1, so the
    # smallest input is the total stride, 2**5 = 32.
    assert g.smallest_input() == (32, 32)
    # The aux pool 5x5/3 (valid) needs a 5x5 map at stride 16: ceil(n / 16) >= 5 -> n >= 65.
    assert g.smallest_input(aux_logits=True) == (65, 65)
    for shape in [(31, 31, 3), (32, 31, 3), (31, 224, 3)]:
        with pytest.raises(ValueError, match="at least 32x32"):
            g.googlenet(shape)
    for shape in [(64, 64, 3), (65, 64, 3), (224, 64, 3)]:
        with pytest.raises(ValueError, match="at least 65x65"):
            g.googlenet(shape, aux_logits=True)
    with pytest.raises(ValueError, match=r"at least 65x65.*\(31, 31, 3\)"):
        g.googlenet((31, 31, 3), aux_logits=True)


def test_smallest_inputs_build(small, small_aux):
    assert tuple(small.get_layer("pool4_3x3_s2").output.shape[1:3]) == (1, 1)
    assert tuple(small_aux.get_layer("aux1_avg_pool").output.shape[1:3]) == (1, 1)
    # widths / 4, the classifiers' hidden layers too
    assert small.get_layer("conv1_7x7_s2").filters == 16
    assert small.get_layer("inception_5b_concat").output.shape[-1] == 256
    assert small_aux.get_layer("aux2_conv").filters == 32
    assert small_aux.get_layer("aux2_fc").units == 256


def test_headless_without_lrn():
    model = g.googlenet((32, 32, 3), include_top=False, pooling="avg", width=0.25, lrn=False)
    assert tuple(model.output_shape) == (None, 256)
    names = {layer.name for layer in model.layers}
    assert "pool1_norm1" not in names and "conv2_norm2" not in names
    assert "predictions" not in names


# --------------------------------------------------------------------------- training, saving
def forward(model, x):
    """Every output of one inference pass, as NumPy arrays. On JAX one compiled program
    (predict_on_batch) is much faster than dispatching the network op by op."""
    if keras.backend.backend() == "jax":
        outputs = model.predict_on_batch(x)
    else:
        outputs = model(x, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    return [keras.ops.convert_to_numpy(o) for o in outputs]


def weights_of(model, name):
    return [keras.ops.convert_to_numpy(w).copy() for w in model.get_layer(name).weights]


def test_one_training_step(small):
    x, y = batch(32)
    small.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    before = weights_of(small, "conv1_7x7_s2")
    loss = small.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 < loss < 10
    assert not np.allclose(before[0], weights_of(small, "conv1_7x7_s2")[0])


def test_one_training_step_with_aux_losses(small_aux):
    x, y = batch(65)
    small_aux.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=["sparse_categorical_crossentropy"] * 3,
        loss_weights=[1, 0.3, 0.3],
    )
    before = weights_of(small_aux, "aux1_fc")
    logs = small_aux.train_on_batch(x, (y, y, y), return_dict=True)
    weighted = (logs["predictions_loss"] + 0.3 * logs["aux1_predictions_loss"]
                + 0.3 * logs["aux2_predictions_loss"])
    assert logs["loss"] == pytest.approx(weighted, rel=1e-5)
    assert not np.allclose(before[0], weights_of(small_aux, "aux1_fc")[0])


@pytest.mark.parametrize("which", ["small", "small_aux"])
def test_keras_round_trip(which, request, tmp_path):
    model = request.getfixturevalue(which)
    x, _ = batch(model.input_shape[1])
    path = tmp_path / f"{which}.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    before, after = forward(model, x), forward(loaded, x)
    assert len(after) == len(before) == (3 if which == "small_aux" else 1)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"classes": 0}, "classes"),
        ({"width": 0}, "width"),
        ({"width": -0.5}, "width"),
        ({"width": "1"}, "width"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"bn_momentum": 1.0}, "bn_momentum"),
        ({"aux_logits": "yes"}, "aux_logits"),
        ({"batch_norm": None}, "batch_norm"),
        ({"lrn": "no"}, "lrn"),
        ({"input_shape": (224, 224)}, "input_shape"),
        ({"pooling": "sum"}, "pooling"),
        ({"include_top": False, "aux_logits": True}, "aux_logits"),
        ({"classifier_activation": "nope"}, "nope"),
        ({"modules": "v2"}, "modules"),
    ],
)
def test_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        g.googlenet(**kwargs)

# --------------------------------------------------------------------------- naive modules
def test_naive_googlenet_grows_from_module_to_module():
    naive = g.googlenet((65, 65, 3), classes=10, width=0.25, lrn=False, modules="naive")
    reduced = g.googlenet((65, 65, 3), classes=10, width=0.25, lrn=False)
    assert naive.name == "googlenet_naive"
    depth, c_in = [], 48  # conv2's 192 maps / 4
    for stage in g.STAGES:
        for key in stage:
            n1, _, n3, _, n5, _ = (max(1, round(w * 0.25)) for w in g.INCEPTION[key])
            c_in += n1 + n3 + n5
            depth.append(c_in)
            assert naive.get_layer(f"inception_{key}_concat").output.shape[-1] == c_in
    assert depth[-1] > 4 * reduced.get_layer("inception_5b_concat").output.shape[-1]
    assert naive.count_params() > 10 * reduced.count_params()
