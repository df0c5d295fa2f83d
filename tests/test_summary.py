"""Tests of classic.summary: depth counting, the facts of every network, the small versions, the
post's summary checked.

Building every full-size network costs about 20 s here: the `table` fixture builds them once for
the whole module.
"""


import keras
import pytest

from classic import models, shapes, summary
from classic.models import source
from classic.tables import Table

# Reference parameter counts: keras.applications' VGG16, ResNet50 and DenseNet121 (1,000 classes).
KERAS_APPLICATIONS = {"VGG-16": 138_357_544, "ResNet-50": 25_636_712, "DenseNet-121": 8_062_504}


def branchy_model():
    """conv a; then conv b -> conv c beside maxpool -> conv d; concatenated, BN, ReLU, pool, dense.

    By hand: deepest weighted path a, b, c, dense = 4; weight layers a, b, c, d, dense = 5 (BN
    not counted). Parameters a (27+1)*4 = 112, b (4+1)*2 = 10, c (18+1)*2 = 38, d 10, BN 4*4 =
    16, dense (4+1)*3 = 15: 201. MACs (8x8 maps) a 64*4*27 = 6,912, b 64*2*4 = 512, c 64*2*18 =
    2,304, d 512, dense 12: 10,252. Activations per image, what the backward pass reads: input
    192, a 256, b 128, c 128, pool 256, d 128, ReLU 256, pool 4, dense 3 = 1,351 values = 5,404
    bytes (the concat only moves values; the ReLU's gradient reads its output, not the BN's).
    """
    inputs = keras.Input((8, 8, 3), name="image")
    a = keras.layers.Conv2D(4, 3, padding="same", name="a")(inputs)
    b = keras.layers.Conv2D(2, 1, name="b")(a)
    c = keras.layers.Conv2D(2, 3, padding="same", name="c")(b)
    p = keras.layers.MaxPooling2D(3, strides=1, padding="same", name="pool")(a)
    d = keras.layers.Conv2D(2, 1, name="d")(p)
    x = keras.layers.Concatenate(name="concat")([c, d])
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.ReLU(name="relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, name="dense")(x)
    return keras.Model(inputs, outputs, name="branchy")


def test_depth_and_measures_of_a_hand_counted_model():
    m = summary.measure(branchy_model())
    assert m == summary.Measures(depth=4, weight_layers=5, params=201, trainable_params=193,
                                 macs=10_252, activation_bytes=5_404)


def test_depth_of_a_residual_block_counts_the_longer_branch():
    inputs = keras.Input((6, 6, 2), name="x")
    y = keras.layers.Conv2D(2, 3, padding="same", name="r1")(inputs)
    y = keras.layers.Conv2D(2, 3, padding="same", name="r2")(y)
    y = keras.layers.Conv2D(2, 3, padding="same", name="r3")(y)
    shortcut = keras.layers.Conv2D(2, 1, name="projection")(inputs)
    x = keras.layers.Add(name="add")([y, shortcut])
    model = keras.Model(inputs, x)
    assert summary.depth(model) == 3
    assert summary.weight_layers(model) == 4


def test_depth_of_a_nested_model():
    inner = branchy_model()
    outer = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Rescaling(0.5, name="scale"), inner,
         keras.layers.Dense(2, name="head")]
    )
    assert summary.depth(outer) == 5  # 4 inside, 1 head
    assert summary.weight_layers(outer) == 6


def test_weight_layer_rule():
    assert not summary.is_weight_layer(keras.layers.Dense(2))  # no weights before it is built
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    bn = keras.layers.BatchNormalization()
    bn.build((None, 3))
    assert summary.is_weight_layer(dense) and not summary.is_weight_layer(bn)


@pytest.fixture(scope="module")
def table():
    return summary.facts()


def row(table, label):
    labels = table.column("network")
    return dict(zip(table.columns, table.rows[labels.index(label)], strict=True))


def test_facts_parameters_match_keras_applications(table):
    for label, params in KERAS_APPLICATIONS.items():
        assert row(table, label)["params"] == params


def test_facts_depth_counted_equals_the_papers(table):
    assert table.column("depth (counted)") == table.column("depth (paper)")
    expected = {"LeNet-5": 7, "AlexNet": 8, "VGG-16": 16, "GoogLeNet": 22, "ResNet-50": 50,
                "DenseNet-121": 121, "DenseNet-201": 201}
    for label, depth in expected.items():
        assert row(table, label)["depth (counted)"] == depth


def test_facts_weight_layers_beside_the_path(table):
    # AlexNet: 5 convolutions in two towers + 3 dense; GoogLeNet: 57 convolutions + 1 dense;
    # ResNet-50: 50 + 4 projections; DenseNet: no side branches with weights.
    assert row(table, "AlexNet")["weight layers"] == 2 * 5 + 3
    assert row(table, "GoogLeNet")["weight layers"] == 58
    assert row(table, "ResNet-50")["weight layers"] == 54
    assert row(table, "DenseNet-121")["weight layers"] == 121


def test_facts_lenet5_macs_and_memory_by_hand(table):
    lenet = row(table, "LeNet-5")
    # C1 28*28*6*25, S2 14*14*6, C3 10*10*25*60 links, S4 5*5*16, C5 120*400, F6 84*120, out 10*84.
    macs = 117_600 + 1_176 + 150_000 + 400 + 48_000 + 10_080 + 840
    assert lenet["MACs x10^9"] == pytest.approx(macs / 1e9, rel=1e-12)
    # Outputs: input and normalize 1024 each, C1 4704, S2 1176, C3 1600, S4 400, C5 120,
    # F6 84, output 10 (flatten only moves values); float32.
    values = 1024 + 1024 + 4704 + 1176 + 1600 + 400 + 120 + 84 + 10
    assert lenet["activations MiB"] == pytest.approx(4 * values / 2**20, rel=1e-12)
    assert (lenet["venue"], lenet["year"], lenet["input"]) == ("Proc. IEEE", "1998", "32x32x1")


def test_facts_vgg16_macs_by_hand(table):
    size, c_in, macs = 224, 3, 0
    for widths in [[64, 64], [128, 128], [256] * 3, [512] * 3, [512] * 3]:
        for width in widths:
            macs += size * size * 9 * c_in * width
            c_in = width
        size //= 2
    macs += 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000
    assert row(table, "VGG-16")["MACs x10^9"] == pytest.approx(macs / 1e9, rel=1e-12)
    assert row(table, "ResNet-50")["MACs x10^9"] == pytest.approx(3.8, abs=0.07)  # Table 1


def test_facts_venues_and_inputs(table):
    assert row(table, "AlexNet")["input"] == "227x227x3"
    assert row(table, "ZF-Net")["venue"] == "ECCV"
    assert (row(table, "GoogLeNet")["venue"], row(table, "GoogLeNet")["year"]) == ("CVPR", "2015")
    assert row(table, "DenseNet-169")["year"] == "2017"


def test_inception_reductions_by_hand():
    r = summary.inception_reductions("3a")
    # 3a reads 192 maps at 28x28: 1x1 192->96, 3x3 96->128, 1x1 192->16, 5x5 16->32 (biases).
    assert r.with_params == 193 * 96 + 865 * 128 + 193 * 16 + 401 * 32 == 145_168
    assert r.without_params == 1729 * 128 + 4801 * 32 == 374_944
    assert r.with_macs == 784 * (192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32)
    assert r.without_macs == 784 * (9 * 192 * 128 + 25 * 192 * 32)
    with pytest.raises(ValueError, match="module"):
        summary.inception_reductions("6z")


def test_claims_carry_the_computed_evidence(table):
    claims = summary.claims(table)
    assert claims.column("network") == ["LeNet", "AlexNet", "ZF-Net", "VGG", "GoogLeNet",
                                        "ResNet", "DenseNet"]
    evidence = dict(zip(claims.column("network"), claims.column("computed evidence"),
                        strict=True))
    # 3 x (3*3*512*512 + 512) against 7*7*512*512 + 512.
    assert "7,079,424" in evidence["VGG"] and "12,845,568" in evidence["VGG"]
    assert "374,944" in evidence["GoogLeNet"] and "145,168" in evidence["GoogLeNet"]
    assert "152 layers deep against VGG-19's 19" in evidence["ResNet"]
    # ZF-Net's extra MACs: AlexNet in one tower, counted in the built model, needs nearly as many
    one_tower = shapes.totals(models.build("alexnet", groups=1)).macs
    assert f"AlexNet in one tower needs {one_tower / 1e9:.2f} x10^9 MACs" in evidence["ZF-Net"]
    # DenseNet-121's trainable parameters: the count less batch normalization's moving statistics
    dense = row(table, "DenseNet-121")
    assert dense["params"] - dense["trainable"] == 2 * sum(
        layer.input.shape[-1] for layer in models.build("densenet121").layers
        if isinstance(layer, keras.layers.BatchNormalization))
    assert f"{dense['trainable'] / 1e6:.1f}M trainable" in evidence["DenseNet"]


def test_claims_need_the_facts_table():
    with pytest.raises(ValueError, match="facts"):
        summary.claims(Table(["a"], [[1]]))
    with pytest.raises(ValueError, match="AlexNet"):
        summary.claims(summary.facts(["lenet5"]))


def test_depth_notes_and_post_departures():
    notes = summary.depth_notes(["lenet5", "googlenet"])
    assert notes.column("depth (paper)") == [7, 22]
    departures = summary.post_departures()
    counts = departures.column("departures")
    assert departures.column("the post's network")[-1] == "all"
    assert counts[-1] == sum(counts[:-1]) == sum(len(d) for d in source.DEPARTURES.values())


def test_bad_arguments():
    with pytest.raises(ValueError, match="names"):
        summary.facts(["vgg99"])
    with pytest.raises(ValueError, match="names"):
        summary.facts("vgg16")
    with pytest.raises(ValueError, match="model"):
        summary.depth("vgg16")
