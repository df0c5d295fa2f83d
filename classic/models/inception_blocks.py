"""The inception blocks: GoogLeNet's module (Figure 2) and the later Inception ideas the source
post describes, each a function that adds its layers to a tensor, with their weight arithmetic.

GoogLeNet's own modules (Szegedy et al., "Going Deeper with Convolutions", CVPR 2015):
:func:`inception_module` with dimension reductions (Figure 2(b)) and the
:func:`naive_inception_module` (Figure 2(a)); :func:`conv_block` is every convolution of them.
The network that stacks them is :func:`classic.models.inception.googlenet`, which also re-exports
every name here.

The later Inception ideas, as blocks to study next to the v1 module: the 5x5 branch replaced by
two stacked 3x3 convolutions (BN-Inception, which the post and many tutorials call Inception v2:
Ioffe and Szegedy, "Batch Normalization", ICML 2015; Szegedy et al., "Rethinking the Inception
Architecture for Computer Vision", CVPR 2016, Section 3.1 and Figure 5, a paper that gives the
name Inception-v2 to a different, factorized network) and an n x n convolution replaced by 1 x n
then n x 1 (Inception v3: "Rethinking", Section 3.2 and Figure 6), with
:func:`factorization_savings` doing the arithmetic.

And the residual inception block of Inception-v4's paper (Szegedy, Ioffe, Vanhoucke and Alemi,
"Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning", AAAI 2017):
:func:`inception_resnet_a`, its Inception-ResNet-A (Figures 10 and 16) with the linear 1x1
expansion and the scaled residual of its Section 3.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import keras

from classic.models._common import choice, fraction, positive_int
from classic.shapes import conv2d_params


# --------------------------------------------------------------------------- argument checks
def _widths(widths) -> tuple[int, ...]:
    """A module's six widths (Table 1's column order), each a positive integer."""
    if not isinstance(widths, Sequence) or isinstance(widths, str) or len(widths) != 6:
        raise ValueError(
            "`widths` must be six positive integers (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, "
            f"pool proj), as a row of Table 1. Received: widths={widths!r}"
        )
    for w in widths:
        positive_int(w, "widths")
    return tuple(widths)


def _name(name) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"`name` must be a non-empty string. Received: name={name!r}")
    return name


def _bn_options(batch_norm, bn_momentum):
    choice(batch_norm, "batch_norm", (True, False))
    fraction(bn_momentum, "bn_momentum")


# --------------------------------------------------------------------------- blocks
def conv_block(x, filters, kernel, name, *, strides=1, batch_norm=False, bn_momentum=0.99):
    """A convolution with "same" padding and a ReLU (every convolution of GoogLeNet, Section 5).

    ``batch_norm=True``: the convolution has no bias, then BatchNormalization (``{name}_bn``) and
    the ReLU (``{name}_relu``), as torchvision's ``BasicConv2d``.
    """
    x = keras.layers.Conv2D(
        filters, kernel, strides=strides, padding="same", use_bias=not batch_norm,
        activation=None if batch_norm else "relu", name=name,
    )(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn")(x)
        x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
    return x


def inception_module(x, widths, name, *, batch_norm=False, bn_momentum=0.99):
    """The inception module with dimension reductions (Figure 2(b)), four branches concatenated:

    * ``{name}_1x1``: 1x1 convolution (#1x1);
    * ``{name}_3x3_reduce`` (1x1, #3x3 reduce) then ``{name}_3x3`` (3x3, #3x3);
    * ``{name}_5x5_reduce`` (1x1, #5x5 reduce) then ``{name}_5x5`` (a true 5x5, #5x5);
    * ``{name}_pool`` (3x3/1 max pool) then ``{name}_pool_proj`` (1x1, pool proj);

    joined by ``{name}_concat``. ``widths`` is a row of Table 1, e.g. ``INCEPTION["3a"]``.
    """
    return _four_branches(x, widths, name, batch_norm, bn_momentum, double_3x3=False)


def naive_inception_module(x, widths, name, *, batch_norm=False, bn_momentum=0.99):
    """The naive inception module (Figure 2(a)): 1x1, 3x3 and 5x5 convolutions straight on the
    input, and a 3x3/1 max pool whose output joins the concatenation as it is. ``widths`` is a
    row of Table 1, of which only #1x1, #3x3 and #5x5 are used (``{name}_1x1``, ``{name}_3x3``,
    ``{name}_5x5``, ``{name}_pool``, ``{name}_concat``). The output depth is the input's plus
    #1x1 + #3x3 + #5x5: it grows from module to module, the "computational blow up" of Section 4.
    """
    n1, _, n3, _, n5, _ = _widths(widths)
    name = _name(name)
    _bn_options(batch_norm, bn_momentum)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    b1 = conv_block(x, n1, 1, f"{name}_1x1", **bn)
    b3 = conv_block(x, n3, 3, f"{name}_3x3", **bn)
    b5 = conv_block(x, n5, 5, f"{name}_5x5", **bn)
    bp = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    return keras.layers.Concatenate(name=f"{name}_concat")([b1, b3, b5, bp])


def inception_v2_block(x, widths, name, *, batch_norm=False, bn_momentum=0.99):
    """The BN-Inception ("Inception v2") module: as :func:`inception_module`, with the 5x5
    convolution replaced by two stacked 3x3 ones (``{name}_double3x3_1``, ``{name}_double3x3_2``,
    each #5x5 wide, after ``{name}_double3x3_reduce``): the same 5x5 receptive field, one more ReLU,
    28% fewer weights (18 instead of 25 per pair of channels; "Rethinking the Inception
    Architecture", Figure 5; the "double 3x3" of Ioffe and Szegedy's BN-Inception).
    """
    return _four_branches(x, widths, name, batch_norm, bn_momentum, double_3x3=True)


def _four_branches(x, widths, name, batch_norm, bn_momentum, double_3x3):
    """The module both versions share; only the third branch differs (5x5, or two 3x3)."""
    n1, r3, n3, r5, n5, proj = _widths(widths)
    name = _name(name)
    _bn_options(batch_norm, bn_momentum)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    b1 = conv_block(x, n1, 1, f"{name}_1x1", **bn)
    b3 = conv_block(x, r3, 1, f"{name}_3x3_reduce", **bn)
    b3 = conv_block(b3, n3, 3, f"{name}_3x3", **bn)
    if double_3x3:
        b5 = conv_block(x, r5, 1, f"{name}_double3x3_reduce", **bn)
        b5 = conv_block(b5, n5, 3, f"{name}_double3x3_1", **bn)
        b5 = conv_block(b5, n5, 3, f"{name}_double3x3_2", **bn)
    else:
        b5 = conv_block(x, r5, 1, f"{name}_5x5_reduce", **bn)
        b5 = conv_block(b5, n5, 5, f"{name}_5x5", **bn)
    bp = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv_block(bp, proj, 1, f"{name}_pool_proj", **bn)
    return keras.layers.Concatenate(name=f"{name}_concat")([b1, b3, b5, bp])


def factorized_conv(x, filters, n, name, *, mid=None, batch_norm=False, bn_momentum=0.99):
    """An n x n convolution factorized into ``{name}_1x{n}`` (``mid`` maps, default ``filters``)
    then ``{name}_{n}x1`` (``filters`` maps): the same n x n receptive field with 2n instead of n^2
    weights per pair of channels ("Rethinking the Inception Architecture", Section 3.2).
    """
    positive_int(filters, "filters")
    positive_int(n, "n")
    mid = filters if mid is None else positive_int(mid, "mid")
    name = _name(name)
    _bn_options(batch_norm, bn_momentum)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    x = conv_block(x, mid, (1, n), f"{name}_1x{n}", **bn)
    return conv_block(x, filters, (n, 1), f"{name}_{n}x1", **bn)


def factorized_block(x, widths, name, *, n=7, batch_norm=False, bn_momentum=0.99):
    """The Inception v3 module after factorizing n x n convolutions ("Rethinking", Figure 6; its
    17x17 modules use n = 7). ``widths`` reads as a row of Table 1 with n x n for 3x3 and a double
    n x n for 5x5:

    * ``{name}_1x1``;
    * ``{name}_{n}x{n}_reduce`` then one factorized n x n (``{name}_{n}x{n}_1x{n}``,
      ``{name}_{n}x{n}_{n}x1``);
    * ``{name}_double{n}x{n}_reduce`` then two factorized n x n in a row (``..._1_1x{n}``,
      ``..._1_{n}x1``, ``..._2_1x{n}``, ``..._2_{n}x1``);
    * ``{name}_pool`` (3x3/1 max pool) then ``{name}_pool_proj``.

    Inside a factorized pair the 1 x n convolution keeps the reduce width, as Keras' and
    torchvision's Inception v3 do.
    """
    n1, r3, n3, r5, n5, proj = _widths(widths)
    positive_int(n, "n")
    name = _name(name)
    _bn_options(batch_norm, bn_momentum)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    nxn = f"{n}x{n}"
    b1 = conv_block(x, n1, 1, f"{name}_1x1", **bn)
    b3 = conv_block(x, r3, 1, f"{name}_{nxn}_reduce", **bn)
    b3 = factorized_conv(b3, n3, n, f"{name}_{nxn}", mid=r3, **bn)
    b5 = conv_block(x, r5, 1, f"{name}_double{nxn}_reduce", **bn)
    b5 = factorized_conv(b5, r5, n, f"{name}_double{nxn}_1", mid=r5, **bn)
    b5 = factorized_conv(b5, n5, n, f"{name}_double{nxn}_2", mid=r5, **bn)
    bp = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv_block(bp, proj, 1, f"{name}_pool_proj", **bn)
    return keras.layers.Concatenate(name=f"{name}_concat")([b1, b3, b5, bp])


# Inception-ResNet-A (Inception-v4 paper, on the 35x35 grid): (#1x1, #3x3 reduce, #3x3, #double
# 3x3 reduce, #double 3x3 first, #double 3x3 second), the three branches of Figure 10
# (Inception-ResNet-v1, on 256 maps) and Figure 16 (Inception-ResNet-v2, on 384 maps). A linear
# 1x1 convolution then expands the concatenation back to the input's width.
INCEPTION_RESNET_A = {
    "v1": (32, 32, 32, 32, 32, 32),
    "v2": (32, 32, 32, 32, 48, 64),
}
# Section 3.3: "scaling factors between 0.1 and 0.3"; keras.applications' Inception-ResNet-v2
# uses 0.17 for its A blocks.
RESIDUAL_SCALE = 0.2


def inception_resnet_a(x, name, *, widths=INCEPTION_RESNET_A["v1"], scale=RESIDUAL_SCALE,
                       batch_norm=True, bn_momentum=0.99):
    """The Inception-ResNet-A block (Inception-v4 paper, AAAI 2017, Figures 10 and 16):

    * three branches on the input x: ``{name}_1x1``; ``{name}_3x3_reduce`` then ``{name}_3x3``;
      ``{name}_double3x3_reduce`` then ``{name}_double3x3_1`` and ``{name}_double3x3_2``;
      joined by ``{name}_concat`` (no pooling branch);
    * ``{name}_expand``: a *linear* 1x1 convolution (bias, no batch normalization, no ReLU)
      back to x's width, so that the branches' output can be added to x;
    * ``{name}_scale``: the residual multiplied by ``scale`` (Section 3.3: with more than about
      1,000 filters the paper's networks "died" early in training unless the residuals were
      scaled by 0.1 to 0.3 before the addition); ``scale=1`` adds it unscaled;
    * ``{name}_add`` (x + scale * residual) and ``{name}_out``, a ReLU.

    ``widths`` (six positive integers) defaults to Inception-ResNet-v1's block (Figure 10:
    32 everywhere, on 256 maps); ``INCEPTION_RESNET_A["v2"]`` is Figure 16's (32, 32, 32, 32,
    48, 64, on 384 maps). ``batch_norm=True`` (the paper's: batch normalization on the
    convolutions, not on the sum) as in :func:`conv_block`. The block keeps the shape of x.
    """
    n1, r3, n3, rd, d1, d2 = _widths(widths)
    name = _name(name)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise ValueError(
            "`scale` must be a number in (0, 1], the factor on the residual before the "
            f"addition (the paper: 0.1 to 0.3; 1 for no scaling). Received: scale={scale!r}"
        )
    _bn_options(batch_norm, bn_momentum)
    bn = {"batch_norm": batch_norm, "bn_momentum": bn_momentum}
    channels = x.shape[-1]
    b1 = conv_block(x, n1, 1, f"{name}_1x1", **bn)
    b3 = conv_block(x, r3, 1, f"{name}_3x3_reduce", **bn)
    b3 = conv_block(b3, n3, 3, f"{name}_3x3", **bn)
    bd = conv_block(x, rd, 1, f"{name}_double3x3_reduce", **bn)
    bd = conv_block(bd, d1, 3, f"{name}_double3x3_1", **bn)
    bd = conv_block(bd, d2, 3, f"{name}_double3x3_2", **bn)
    mixed = keras.layers.Concatenate(name=f"{name}_concat")([b1, b3, bd])
    residual = keras.layers.Conv2D(channels, 1, padding="same", name=f"{name}_expand")(mixed)
    residual = keras.layers.Rescaling(scale, name=f"{name}_scale")(residual)
    x = keras.layers.Add(name=f"{name}_add")([x, residual])
    return keras.layers.Activation("relu", name=f"{name}_out")(x)


@dataclass(frozen=True)
class Savings:
    """Weights of a convolution before and after a factorization (MACs scale the same way when
    the output size is unchanged, as with "same" padding and stride 1)."""

    before: int
    after: int

    @property
    def saved(self) -> int:
        return self.before - self.after

    @property
    def fraction(self) -> float:
        """The share of weights saved: 0.28 for 5x5 -> two 3x3, 1/3 for 3x3 -> 1x3 + 3x1."""
        return self.saved / self.before


FACTORIZATIONS = ("1xn", "3x3")


def factorization_savings(c_in, c_out, n, *, into="1xn", mid=None, bias=False) -> Savings:
    """Weights of an n x n convolution (``c_in`` -> ``c_out`` maps) and of its factorization.

    ``into="1xn"``: 1 x n (``mid`` maps, default ``c_out``) then n x 1 (Inception v3): with
    c_in = mid = c_out = C, 2nC^2 instead of n^2 C^2 (3x3: 33% fewer). ``into="3x3"``: (n - 1) / 2
    stacked 3x3 convolutions, the first c_in -> mid, the last mid -> c_out, for odd n (Inception
    v2): 18C^2 instead of 25C^2 for a 5x5 (28% fewer). ``bias=True`` adds a bias per output map
    and layer, as Keras' ``count_params`` counts a Conv2D with ``use_bias=True``.
    """
    positive_int(c_in, "c_in")
    positive_int(c_out, "c_out")
    positive_int(n, "n")
    choice(into, "into", FACTORIZATIONS)
    mid = c_out if mid is None else positive_int(mid, "mid")
    choice(bias, "bias", (True, False))
    before = conv2d_params(n, c_in, c_out, use_bias=bias)
    if into == "1xn":
        after = conv2d_params((1, n), c_in, mid, use_bias=bias)
        after += conv2d_params((n, 1), mid, c_out, use_bias=bias)
        return Savings(before, after)
    if n < 3 or n % 2 == 0:
        raise ValueError(
            "`n` must be odd and at least 3 to factorize into stacked 3x3 convolutions "
            f"((n - 1) / 2 of them keep an n x n receptive field). Received: n={n!r}"
        )
    depth = (n - 1) // 2
    maps = [c_in] + [mid] * (depth - 1) + [c_out]
    pairs = zip(maps[:-1], maps[1:], strict=True)
    after = sum(conv2d_params(3, a, b, use_bias=bias) for a, b in pairs)
    return Savings(before, after)
