"""ZF-Net: Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014
(arXiv 1311.2901, 2013), Section 3 and Figure 3."""

from __future__ import annotations

from typing import NamedTuple

import keras

from classic import layers as classic_layers
from classic.models import pretrained
from classic.models._common import (
    build_model,
    check_common,
    choice,
    global_pool,
    network_input,
    positive_number,
    scaled,
)
from classic.models.alexnet import check_dropout, classifier
from classic.shapes import Window, check_input_size


class ConvLayer(NamedTuple):
    """One convolutional layer of the paper's Figure 3 (one dense tower, no groups)."""

    name: str
    filters: int
    kernel: int
    stride: int
    padding: tuple[int, int]  # zeros (before, after) on each spatial axis before the convolution
    pool: bool  # 3x3/2 max pooling after the ReLU
    normalize: bool  # contrast normalization across feature maps after the pooling


# Figure 3: "96 different 7 by 7 filters (...) with a stride of 2 in both x and y. The resulting
# feature maps are then: (i) passed through a rectified linear function, (ii) pooled (max within
# 3x3 regions, using stride 2) and (iii) contrast normalized across feature maps (...). Similar
# operations are repeated in layers 2,3,4,5." Layers 3-5 are neither pooled nor normalized until
# the pooling after layer 5; the paper's sizes at 224x224 are 110, 55, 26, 13, 13, 13, 6.
#
# The paper gives no paddings; these are the ones that make its sizes come out exactly,
# with out = floor((n + before + after - k) / s) + 1:
#   conv1  pad 1 a side:  floor((224 + 2 - 7) / 2) + 1 = 110  (no padding gives 109)
#   pool1  pad 1 after:   floor((110 + 1 - 3) / 2) + 1 = 55   (no padding gives 54)
#   conv2  no padding:    floor((55 - 5) / 2) + 1      = 26
#   pool2  pad 1 after:   floor((26 + 1 - 3) / 2) + 1  = 13   (no padding gives 12)
#   conv3-5 pad 1 a side: floor((13 + 2 - 3) / 1) + 1  = 13
#   pool5  pad 1 after:   floor((13 + 1 - 3) / 2) + 1  = 6    (the same as no padding here)
# One zero after each map before a stride-2 pooling is the "ceil mode" of Caffe and cuda-convnet,
# out = ceil((n - k) / s) + 1: the last window may hang over the edge. The pooled maps come out of
# a ReLU, so they are >= 0 and a padded zero never changes a maximum.
ZFNET = (
    ConvLayer("conv1", 96, 7, 2, (1, 1), pool=True, normalize=True),
    ConvLayer("conv2", 256, 5, 2, (0, 0), pool=True, normalize=True),
    ConvLayer("conv3", 384, 3, 1, (1, 1), pool=False, normalize=False),
    ConvLayer("conv4", 384, 3, 1, (1, 1), pool=False, normalize=False),
    ConvLayer("conv5", 256, 3, 1, (1, 1), pool=True, normalize=False),
)
POOL = Window(3, 2, padding=(0, 1))  # 3x3/2 max pooling in ceil mode

# The main path as sliding windows: 224 -> 110 -> 55 -> 26 -> 13 -> 13 -> 13 -> 13 -> 6.
WINDOWS = tuple(
    window
    for layer in ZFNET
    for window in (Window(layer.kernel, layer.stride, layer.padding),) + (POOL,) * layer.pool
)


def zfnet(
    input_shape=None,
    classes=1000,
    include_top=True,
    pooling=None,
    classifier_activation="softmax",
    *,
    lrn=True,
    width=1.0,
    dropout=0.5,
    weights=None,
    input_tensor=None,
):
    """ZF-Net as published (defaults, Figure 3): AlexNet with conv1 96@7x7/2 (AlexNet's was
    11x11/4), conv2 256@5x5/2, conv3 384, conv4 384 and conv5 256 @3x3, all in one dense tower,
    ReLU, 3x3/2 max pooling after conv1, conv2 and conv5, contrast normalization across feature
    maps after the first two poolings, fc6 and fc7 of 4096 units with dropout 0.5 (Section 3),
    and a ``classes``-way softmax (the paper's 1000 ImageNet classes).

    ``input_shape=(224, 224, 3)``: the paper's crop. The paddings (see ``ZFNET``) are chosen so
    that the paper's map sizes 110, 55, 26, 13, 13, 13, 6 come out exactly; pool5 flattens to
    6x6x256 = 9,216. ``lrn=True`` implements the normalization as AlexNet's response
    normalization (k = 2, n = 5, alpha = 1e-4, beta = 0.75; the paper gives no constants);
    ``lrn=False`` leaves it out. ``width`` multiplies every convolution and hidden dense width
    (1.0: the paper's). ``dropout=0.5`` is the paper's rate in fc6 and fc7 (0 leaves the layers
    out). Not included: the paper's renormalization of filters whose RMS exceeds 0.1.
    ``include_top=False`` ends at pool5 (then ``pooling`` applies).
    keras.applications' arguments mean what they mean there (:mod:`classic.models`), by
    keyword; but ``weights=None`` is random weights, and ``input_shape=None`` the input above
    even without the top (``(None, None, 3)`` opens it).
    """
    shape = check_common(input_shape, classes, include_top, pooling, input_tensor=input_tensor)
    pretrained.check(weights, "zfnet", shape, classes, include_top)  # None only
    choice(lrn, "lrn", (True, False))
    positive_number(width, "width")
    check_dropout(dropout)
    check_input_size(shape, WINDOWS, "zfnet")

    inputs = network_input(shape, input_tensor)
    x = inputs
    for layer in ZFNET:
        number = layer.name.removeprefix("conv")
        before, after = layer.padding
        if layer.stride == 1 and before == after and 2 * before == layer.kernel - 1:
            padding = "same"  # at stride 1 Keras' "same" pads (k - 1) / 2 a side
        else:
            padding = "valid"
            if before or after:
                # ((top, bottom), (left, right)): the same (before, after) on both axes.
                x = keras.layers.ZeroPadding2D(
                    (layer.padding, layer.padding), name=f"{layer.name}_pad"
                )(x)
        x = keras.layers.Conv2D(
            scaled(layer.filters, width), layer.kernel, layer.stride, padding=padding,
            activation="relu", name=layer.name,
        )(x)
        if layer.pool:
            x = keras.layers.ZeroPadding2D(
                (POOL.padding, POOL.padding), name=f"pool{number}_pad"  # bottom and right only
            )(x)
            x = keras.layers.MaxPooling2D(POOL.kernel, POOL.stride, name=f"pool{number}")(x)
        if layer.normalize and lrn:
            x = classic_layers.LocalResponseNormalization(
                depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, name=f"norm{number}"
            )(x)

    if include_top:
        x = classifier(x, classes, classifier_activation, width, dropout)
    else:
        x = global_pool(x, pooling)
    return build_model(inputs, x, name="zfnet")
