"""The inception blocks (classic.models.inception_blocks) against hand arithmetic: GoogLeNet's
naive module (Figure 2(a)), the Inception v2/v3 blocks and Inception-ResNet-A. Expected numbers
come from the widths and the layer formulas written below, never from the model's own output."""

import keras
import numpy as np
import pytest

from classic import shapes
from classic.models import inception
from classic.models import inception_blocks as blocks
from classic.models.inception import INCEPTION


# --------------------------------------------------------------------------- hand formulas
def conv(kernel, c_in, c_out, bias=True):
    """A convolution's parameters: (k_h * k_w * c_in + 1) * c_out."""
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    return (kh * kw * c_in + int(bias)) * c_out


def module_convs(c_in, widths):
    """(kernel, c_in, c_out) of a module's six convolutions (Figure 2(b))."""
    n1, r3, n3, r5, n5, proj = widths
    return [(1, c_in, n1), (1, c_in, r3), (3, r3, n3), (1, c_in, r5), (5, r5, n5), (1, c_in, proj)]


# --------------------------------------------------------------------------- one API
BLOCK_NAMES = (
    "FACTORIZATIONS", "INCEPTION_RESNET_A", "RESIDUAL_SCALE", "Savings", "conv_block",
    "factorization_savings", "factorized_block", "factorized_conv", "inception_module",
    "inception_resnet_a", "inception_v2_block", "naive_inception_module",
)


def test_blocks_importable_from_inception():
    # The notebooks import the blocks from classic.models.inception: the same objects.
    for name in BLOCK_NAMES:
        assert getattr(inception, name) is getattr(blocks, name), name
        assert name in inception.__all__, name


# --------------------------------------------------------------------------- Inception v2 / v3
def test_factorization_savings_by_hand():
    c = 64
    five = blocks.factorization_savings(c, c, 5, into="3x3")  # 25 C^2 -> 2 * 9 C^2
    assert (five.before, five.after, five.saved) == (25 * c * c, 18 * c * c, 7 * c * c)
    assert five.fraction == pytest.approx(0.28)
    three = blocks.factorization_savings(c, c, 3)  # 9 C^2 -> 3 C^2 + 3 C^2
    assert (three.before, three.after) == (9 * c * c, 6 * c * c)
    assert three.fraction == pytest.approx(1 / 3)
    seven = blocks.factorization_savings(c, c, 7)  # 49 C^2 -> 14 C^2
    assert seven.fraction == pytest.approx(35 / 49)
    assert blocks.factorization_savings(c, c, 7, into="3x3").after == 27 * c * c  # three 3x3
    mixed = blocks.factorization_savings(16, 32, 3, mid=8, bias=True)
    assert (mixed.before, mixed.after) == (9 * 16 * 32 + 32, 3 * 16 * 8 + 8 + 3 * 8 * 32 + 32)


def test_blocks_against_count_params():
    # Six different widths, so that a mix-up shows; most kernels have the shapes of module 3a of
    # test_inception.py's `small` (48 maps in), which spares JAX compiling their initializers
    # again when both files run in one session.
    widths = (16, 24, 32, 4, 12, 8)
    c_in = 48
    x = keras.Input((8, 8, c_in))
    v1 = keras.Model(x, blocks.inception_module(x, widths, "v1"))
    v2 = keras.Model(x, blocks.inception_v2_block(x, widths, "v2"))
    saved = blocks.factorization_savings(4, 12, 5, into="3x3", mid=12, bias=True).saved
    assert v1.count_params() - v2.count_params() == saved
    assert v1.count_params() == sum(conv(*c) for c in module_convs(c_in, widths))
    assert tuple(v2.get_layer("v2_double3x3_2").kernel.shape) == (3, 3, 12, 12)
    assert tuple(v2.output.shape) == (None, 8, 8, 16 + 32 + 12 + 8)

    pair = keras.Model(x, blocks.factorized_conv(x, 24, 3, "f"))
    assert pair.count_params() == blocks.factorization_savings(c_in, 24, 3, bias=True).after
    assert [tuple(layer.kernel.shape[:2]) for layer in pair.layers[1:]] == [(1, 3), (3, 1)]

    v3 = keras.Model(x, blocks.factorized_block(x, widths, "v3", n=7))
    n1, r3, n3, r5, n5, proj = widths
    expected = (conv(1, c_in, n1) + conv(1, c_in, r3) + conv((1, 7), r3, r3)
                + conv((7, 1), r3, n3) + conv(1, c_in, r5) + conv((1, 7), r5, r5)
                + conv((7, 1), r5, r5) + conv((1, 7), r5, r5) + conv((7, 1), r5, n5)
                + conv(1, c_in, proj))
    assert v3.count_params() == expected
    assert tuple(v3.get_layer("v3_double7x7_2_7x1").kernel.shape) == (7, 1, r5, n5)


def test_bad_block_arguments():
    x = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match="six positive integers"):
        blocks.inception_module(x, (1, 2, 3, 4, 5), "m")
    with pytest.raises(ValueError, match="widths"):
        blocks.inception_module(x, (1, 2, 0, 4, 5, 6), "m")
    with pytest.raises(ValueError, match="name"):
        blocks.inception_v2_block(x, (1, 2, 3, 4, 5, 6), "")
    with pytest.raises(ValueError, match="n"):
        blocks.factorized_conv(x, 4, 0, "f")
    with pytest.raises(ValueError, match="into"):
        blocks.factorization_savings(4, 4, 3, into="2x2")
    with pytest.raises(ValueError, match="odd"):
        blocks.factorization_savings(4, 4, 4, into="3x3")


# --------------------------------------------------------------------------- Inception-ResNet-A
def test_inception_resnet_a_parameters_by_hand():
    """Figure 10 (Inception-ResNet-v1, 256 maps): 1x1 32 | 1x1 32, 3x3 32 | 1x1 32, 3x3 32,
    3x3 32, concat 96, linear 1x1 back to 256 (with bias). Batch normalization on every
    convolution but the linear one: no conv bias, 4 numbers per map (2 of them trainable)."""
    x = keras.Input((35, 35, 256))
    block = keras.Model(x, blocks.inception_resnet_a(x, "block35_1"))
    convs = [(1, 256, 32), (1, 256, 32), (3, 32, 32), (1, 256, 32), (3, 32, 32), (3, 32, 32)]
    hand = sum(conv(*c, bias=False) + 4 * c[2] for c in convs) + conv(1, 96, 256)
    assert hand == 77_824
    assert block.count_params() == hand
    assert tuple(block.output.shape) == (None, 35, 35, 256)
    assert block.get_layer("block35_1_concat").output.shape[-1] == 96
    expand = block.get_layer("block35_1_expand")
    assert expand.activation is keras.activations.linear and expand.use_bias
    assert block.get_layer("block35_1_scale").scale == 0.2
    names = {layer.name for layer in block.layers}
    assert "block35_1_expand_bn" not in names and "block35_1_3x3_bn" in names
    # Figure 16 (Inception-ResNet-v2, 384 maps): 32 | 32, 32 | 32, 48, 64, concat 128.
    x2 = keras.Input((35, 35, 384))
    v2 = keras.Model(x2, blocks.inception_resnet_a(x2, "b", widths=blocks.INCEPTION_RESNET_A["v2"],
                                              batch_norm=False))
    convs = [(1, 384, 32), (1, 384, 32), (3, 32, 32), (1, 384, 32), (3, 32, 48), (3, 48, 64)]
    assert v2.count_params() == sum(conv(*c) for c in convs) + conv(1, 128, 384)


def test_inception_resnet_a_adds_the_scaled_residual():
    """The block computes relu(x + scale * expand(concat)): checked on its own tensors."""
    x = keras.Input((6, 6, 8))
    out = blocks.inception_resnet_a(x, "r", widths=(2, 2, 3, 2, 3, 4), scale=0.1, batch_norm=False)
    block = keras.Model(x, out)
    probe = keras.Model(x, [block.get_layer("r_expand").output, out])
    images = np.random.default_rng(1).normal(size=(2, 6, 6, 8)).astype("float32")
    residual, result = (keras.ops.convert_to_numpy(t) for t in probe(images))
    np.testing.assert_allclose(result, np.maximum(images + 0.1 * residual, 0), atol=1e-6)
    assert np.abs(residual).max() > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scale": 0}, r"`scale` must be a number in \(0, 1\].*Received: scale=0"),
        ({"scale": 1.5}, "scale=1.5"),
        ({"scale": True}, "scale=True"),
        ({"scale": "0.2"}, "scale='0.2'"),
        ({"widths": (32, 32, 32)}, "six positive integers"),
        ({"widths": (32, 32, 32, 32, 0, 32)}, "widths"),
        ({"bn_momentum": 1}, "bn_momentum"),
        ({"batch_norm": "yes"}, "batch_norm"),
    ],
)
def test_inception_resnet_a_bad_arguments(kwargs, message):
    x = keras.Input((8, 8, 16))
    with pytest.raises(ValueError, match=message):
        blocks.inception_resnet_a(x, "r", **kwargs)
    with pytest.raises(ValueError, match="name"):
        blocks.inception_resnet_a(x, "")


# --------------------------------------------------------------------------- naive module
def test_naive_module_by_hand():
    """Figure 2(a) on module 3a's input (28x28x192): 1x1, 3x3 and 5x5 convolutions straight on
    the input (64, 128 and 32 maps, with biases) and the pool passed through, so the output is
    192 + 64 + 128 + 32 = 416 maps deep."""
    inputs = keras.Input((28, 28, 192))
    model = keras.Model(inputs, blocks.naive_inception_module(inputs, INCEPTION["3a"], "naive"))
    weights = 192 * 64 + 9 * 192 * 128 + 25 * 192 * 32
    assert model.count_params() == weights + 64 + 128 + 32
    assert model.output_shape == (None, 28, 28, 416)
    assert shapes.totals(model).macs == weights * 28 * 28
