"""Tests of classic.deconvnet against hand computations: the deconvnet of Zeiler and Fergus
(ECCV 2014, Section 2.1), top activations (their Figure 2) and occlusion (their Figure 7)."""

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from classic import deconvnet
from classic.deconvnet import (
    layer_rules,
    occlusion_sensitivity,
    projection,
    strongest_activations,
    unpooling,
)
from classic.models.alexnet import alexnet
from classic.models.lenet import lenet5
from classic.models.zfnet import zfnet


def numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def conv_model(size, channels, filters, strides, padding, groups=1, activation=None, seed=0):
    """One Conv2D with fixed random weights and a non-zero bias (which the deconvnet ignores)."""
    rng = np.random.default_rng(seed)
    inputs = keras.Input((size, size, channels), name="image")
    outputs = keras.layers.Conv2D(
        filters, 3, strides, padding=padding, groups=groups, activation=activation, name="conv"
    )(inputs)
    model = keras.Model(inputs, outputs)
    kernel = rng.normal(size=(3, 3, channels // groups, filters)).astype("float32")
    bias = rng.normal(size=filters).astype("float32")
    model.get_layer("conv").set_weights([kernel, bias])
    return model, kernel, bias


# --------------------------------------------------------------------------- max unpooling


def test_max_unpool_puts_each_value_at_its_switch():
    x = np.array([[1, 5, 2, 0],
                  [3, 2, 8, 1],
                  [0, 4, 1, 1],
                  [7, 2, 3, 6]], dtype="float32")
    # Channel 0 is x, channel 1 is -x: other maxima, and a tie (-1, -1) in the last window.
    inputs = np.stack([x, -x], axis=-1)[None]
    values = np.array([[10, 20], [30, 40]], dtype="float32")
    values = np.stack([values, values + 1], axis=-1)[None]
    got = numpy(deconvnet.max_unpool(inputs, values, pool_size=2, strides=2))
    # Window maxima of x: 5 at (0, 1), 8 at (1, 2), 7 at (3, 0), 6 at (3, 3).
    expected_x = np.array([[0, 10, 0, 0],
                           [0, 0, 20, 0],
                           [0, 0, 0, 0],
                           [30, 0, 0, 40]], dtype="float32")
    # Window maxima of -x: -1 at (0, 0), 0 at (0, 3), 0 at (2, 0), -1 at (2, 2) and (2, 3): the
    # first in row-major order wins.
    expected_minus = np.array([[11, 0, 0, 21],
                               [0, 0, 0, 0],
                               [31, 0, 41, 0],
                               [0, 0, 0, 0]], dtype="float32")
    assert got.shape == (1, 4, 4, 2)
    np.testing.assert_array_equal(got[0, ..., 0], expected_x)
    np.testing.assert_array_equal(got[0, ..., 1], expected_minus)


def test_max_unpool_overlapping_windows_sharing_a_switch_add_up():
    # 3x3/2 pooling of 5x5: all four windows hold the centre, the only non-zero value.
    inputs = np.zeros((1, 5, 5, 1), dtype="float32")
    inputs[0, 2, 2, 0] = 9.0
    values = np.array([1, 2, 3, 4], dtype="float32").reshape(1, 2, 2, 1)
    got = numpy(deconvnet.max_unpool(inputs, values, pool_size=3, strides=2))
    expected = np.zeros((5, 5), dtype="float32")
    expected[2, 2] = 1 + 2 + 3 + 4
    np.testing.assert_array_equal(got[0, ..., 0], expected)


def test_max_unpool_same_padding():
    # 2x2/2 "same" pooling of 3x3 pads one row and column after: windows of 4, 2, 2 and 1.
    inputs = np.arange(1, 10, dtype="float32").reshape(1, 3, 3, 1)
    values = np.array([1, 2, 3, 4], dtype="float32").reshape(1, 2, 2, 1)
    got = numpy(deconvnet.max_unpool(inputs, values, pool_size=2, strides=2, padding="same"))
    expected = np.array([[0, 0, 0], [0, 1, 2], [0, 3, 4]], dtype="float32")
    np.testing.assert_array_equal(got[0, ..., 0], expected)


# --------------------------------------------------------------------------- one convolution


def numpy_conv(x, kernel, bias, stride, pad):
    """Forward Conv2D by loops on a zero-padded (H, W, C) image, groups from the kernel shape."""
    (top, bottom), k = pad, kernel.shape[0]
    xp = np.pad(x, [(top, bottom), (top, bottom), (0, 0)])
    out_size = (xp.shape[0] - k) // stride + 1
    per_group_in, filters = kernel.shape[2], kernel.shape[3]
    groups = x.shape[-1] // per_group_in
    out = np.zeros((out_size, out_size, filters), dtype="float64")
    for f in range(filters):
        g = f // (filters // groups)
        channels = slice(g * per_group_in, (g + 1) * per_group_in)
        for i in range(out_size):
            for j in range(out_size):
                window = xp[i * stride : i * stride + k, j * stride : j * stride + k, channels]
                out[i, j, f] = np.sum(window * kernel[..., f]) + bias[f]
    return out


def numpy_transposed(signal, kernel, f, size, channels, stride, pad):
    """Map ``f``'s signal back through the conv by loops: each output position adds its value
    times the filter into the window it came from; then the padding is cropped off."""
    (top, bottom), k = pad, kernel.shape[0]
    per_group_in, filters = kernel.shape[2], kernel.shape[3]
    groups = channels // per_group_in
    g = f // (filters // groups)
    padded = np.zeros((size + top + bottom, size + top + bottom, channels))
    for i in range(signal.shape[0]):
        for j in range(signal.shape[1]):
            padded[i * stride : i * stride + k, j * stride : j * stride + k,
                   g * per_group_in : (g + 1) * per_group_in] += signal[i, j] * kernel[..., f]
    return padded[top : top + size, top : top + size]


@pytest.mark.parametrize(
    ("size", "channels", "strides", "padding", "groups", "pad"),
    [
        (5, 2, 1, "valid", 1, (0, 0)),
        (6, 2, 2, "valid", 1, (0, 0)),  # windows at 0 and 2 never reach row 5: zeros there
        (6, 2, 2, "same", 1, (0, 1)),  # out = ceil(6 / 2) = 3, (3 - 1) * 2 + 3 - 6 = 1 zero after
        (5, 4, 1, "same", 2, (1, 1)),  # two groups of 2 input and 2 output maps
    ],
)
def test_projection_through_one_conv_is_the_transposed_convolution(
    size, channels, strides, padding, groups, pad
):
    model, kernel, bias = conv_model(size, channels, 4, strides, padding, groups, seed=size)
    image = np.random.default_rng(1).uniform(size=(size, size, channels)).astype("float32")
    maps = numpy(model(image[None]))[0]
    # The padding amounts written by hand are Keras' own: the forward pass agrees with them.
    np.testing.assert_allclose(maps, numpy_conv(image, kernel, bias, strides, pad), atol=1e-4)
    for f in (0, 3):  # a map of each group
        got = deconvnet.project(model, "conv", f, image, keep="map")
        expected = numpy_transposed(maps[..., f], kernel, f, size, channels, strides, pad)
        assert got.shape == (size, size, channels)
        np.testing.assert_allclose(got, expected, atol=1e-4)


@pytest.mark.parametrize("keep", ["max", "map"])
def test_one_layer_network_matches_the_papers_definition(keep):
    """Conv (ReLU), 2x2/2 max pool; by hand: unpool with the switches, rectify, then convolve
    with the flipped filters ("full" convolution: the signal zero-padded by k - 1 a side)."""
    inputs = keras.Input((6, 6, 1), name="image")
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    model = keras.Model(inputs, x)
    rng = np.random.default_rng(2)
    # Filters with mixed signs but a positive mean, so that map 1 is alive on a [0, 1) image.
    kernel = (0.5 * rng.normal(size=(3, 3, 1, 2)) + 0.2).astype("float32")
    bias = np.array([0.1, 0.2], dtype="float32")
    model.get_layer("conv").set_weights([kernel, bias])
    image = rng.uniform(size=(6, 6, 1)).astype("float32")
    f = 1
    assert kernel[..., f].min() < 0

    # Up: convolution, ReLU, pooling with its switches.
    relu = np.maximum(numpy_conv(image, kernel, bias, 1, (0, 0)), 0)[..., f]  # 4x4
    pooled, switches = np.zeros((2, 2)), {}
    for i in range(2):
        for j in range(2):
            window = relu[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            u, v = np.unravel_index(np.argmax(window), (2, 2))
            pooled[i, j], switches[i, j] = window[u, v], (2 * i + u, 2 * j + v)
    if keep == "max":  # the strongest activation alone
        i, j = np.unravel_index(np.argmax(pooled), (2, 2))
        kept = np.zeros((2, 2))
        kept[i, j] = pooled[i, j]
    else:
        kept = pooled
    # Down: unpool, rectify, filter with the flipped filter.
    unpooled = np.zeros((4, 4))
    for (i, j), (u, v) in switches.items():
        unpooled[u, v] = kept[i, j]
    rectified = np.maximum(unpooled, 0)
    flipped = kernel[::-1, ::-1, 0, f]
    padded = np.pad(rectified, 2)
    expected = np.zeros((6, 6))
    for y in range(6):
        for x_ in range(6):
            expected[y, x_] = np.sum(padded[y : y + 3, x_ : x_ + 3] * flipped)

    got = deconvnet.project(model, "pool", f, image, keep=keep)
    assert got.shape == (6, 6, 1)
    np.testing.assert_allclose(got[..., 0], expected, atol=1e-5)
    assert pooled.min() > 0 and np.count_nonzero(unpooled) == (1 if keep == "max" else 4)


def test_rectification_between_two_layers():
    """conv1 (ReLU) then conv2 (ReLU): down through conv2's transposed filters, then a ReLU
    (negative values cannot be what conv1 passed up), then conv1's transposed filters."""
    inputs = keras.Input((7, 7, 2), name="image")
    x = keras.layers.Conv2D(3, 3, activation="relu", name="conv1")(inputs)
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv2")(x)
    model = keras.Model(inputs, x)
    rng = np.random.default_rng(3)
    k1 = rng.normal(size=(3, 3, 2, 3)).astype("float32")
    k2 = rng.normal(size=(3, 3, 3, 2)).astype("float32")
    model.get_layer("conv1").set_weights([k1, np.full(3, 0.5, "float32")])
    model.get_layer("conv2").set_weights([k2, np.full(2, 0.5, "float32")])
    image = rng.uniform(size=(7, 7, 2)).astype("float32")
    h1 = np.maximum(numpy_conv(image, k1, np.full(3, 0.5), 1, (0, 0)), 0)
    h2 = np.maximum(numpy_conv(h1, k2, np.full(2, 0.5), 1, (0, 0)), 0)
    f = int(h2.sum(axis=(0, 1)).argmax())
    middle = numpy_transposed(h2[..., f], k2, f, 5, 3, 1, (0, 0))  # 5x5x3
    assert middle.min() < 0  # the rectification below has something to do
    expected = sum(
        numpy_transposed(np.maximum(middle[..., g], 0), k1, g, 7, 2, 1, (0, 0)) for g in range(3)
    )
    got = deconvnet.project(model, "conv2", f, image, keep="map")
    np.testing.assert_allclose(got, expected, atol=1e-4)


# --------------------------------------------------------------------------- clear errors


def test_wrong_layer_name_feature_map_image_or_keep():
    model, _, _ = conv_model(5, 2, 4, 1, "valid")
    image = np.zeros((5, 5, 2), dtype="float32")
    with pytest.raises(ValueError, match=r"Did you mean 'conv'.*Layers it can project from: "
                                         r"'conv'.*Received: layer_name='conv9'"):
        deconvnet.project(model, "conv9", 0, image)
    with pytest.raises(ValueError, match=r"from 0 to 3: layer 'conv' has 4 feature maps"):
        deconvnet.project(model, "conv", 4, image)
    with pytest.raises(ValueError, match=r"from 0 to 3"):
        deconvnet.project(model, "conv", -1, image)
    with pytest.raises(ValueError, match=r"shape \(5, 5, 2\).*Received: shape \(1, 4, 5, 2\)"):
        deconvnet.project(model, "conv", 0, image[:4])
    with pytest.raises(ValueError, match=r"`keep` must be 'max'"):
        deconvnet.project(model, "conv", 0, image, keep="all")
    with pytest.raises(ValueError, match=r"must name a layer whose output is a feature map"):
        deconvnet.project(model, "image", 0, image)


def test_lenet5_paper_variant_is_refused_naming_the_layers():
    model = lenet5(include_top=False)  # scaled tanh, trainable subsampling, sparse C3
    image = np.zeros((32, 32, 1), dtype="float32")
    with pytest.raises(ValueError, match=r"'C1' \(Conv2D\): activation 'scaled_tanh'"):
        deconvnet.project(model, "C1", 0, image)
    with pytest.raises(ValueError, match=r"'S2' \(Subsampling\).*no switches"):
        deconvnet.project(model, "S2", 0, image)
    # The modern variant (ReLU, max pooling) projects from every convolution and pooling.
    modern = lenet5(variant="modern", include_top=False)
    assert deconvnet.Deconvnet(modern).layer_names == ["C1", "S2", "C3", "S4", "C5"]
    assert deconvnet.project(modern, "S2", 0, image).shape == (32, 32, 1)


def test_unsupported_layers_are_named_with_the_reason():
    inputs = keras.Input((8, 8, 1), name="image")
    stem = keras.layers.Conv2D(2, 3, padding="same", activation="relu", name="stem")(inputs)
    avg = keras.layers.AveragePooling2D(2, name="avg")(stem)
    bn = keras.layers.BatchNormalization(name="bn")(stem)
    tanh = keras.layers.Activation("tanh", name="tanh")(stem)
    add = keras.layers.Add(name="add")([stem, bn])
    model = keras.Model(inputs, [avg, bn, tanh, add])
    image = np.zeros((8, 8, 1), dtype="float32")
    for name, reason in [
        ("avg", r"'avg' \(AveragePooling2D\): average pooling has no switches"),
        ("bn", r"'bn' \(BatchNormalization\): batch normalization"),
        ("tanh", r"'tanh' \(Activation\): activation 'tanh'"),
        ("add", r"'add' \(Add\): a merge of branches"),
    ]:
        with pytest.raises(ValueError, match=reason):
            deconvnet.project(model, name, 0, image)
    # Below the first unsupported layer, projecting still works.
    assert deconvnet.Deconvnet(model).layer_names == ["stem"]
    assert deconvnet.project(model, "stem", 0, image).shape == (8, 8, 1)


# --------------------------------------------------------------------------- occlusion


def corner_model():
    """Class 1's logit is the sum of the top-left 3x3 pixels, class 0's a constant 4.5.

    A 1x1 ReLU conv "features" makes map 0 = the image and map 1 = half of it.
    """
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(2, 1, activation="relu", name="features")(inputs)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(2, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs)
    model.get_layer("features").set_weights([np.array([[[[1.0, 0.5]]]], "float32"),
                                             np.zeros(2, "float32")])
    weights = np.zeros((8, 8, 2, 2), dtype="float32")  # (row, col, map) -> class, as flattened
    weights[:3, :3, 0, 1] = 1.0
    model.get_layer("predictions").set_weights(
        [weights.reshape(128, 2), np.array([4.5, 0.0], "float32")]
    )
    return model


def corner_image():
    image = np.zeros((8, 8, 1), dtype="float32")
    image[:3, :3] = 1.0  # what decides class 1
    image[5:, 5:] = 2.0  # brighter, and irrelevant to the class
    return image


def test_occlusion_maps_are_lowest_where_the_deciding_pattern_is_covered():
    model, image = corner_model(), corner_image()
    result = deconvnet.occlusion(model, image, 1, patch=3, stride=1, layer_name="features",
                                 fill=0.0, batch_size=5)
    assert result.probability.shape == ((8 - 3) // 1 + 1, (8 - 3) // 1 + 1) == (6, 6)
    assert result.activation.shape == (6, 6)
    # Unoccluded: logits 4.5 and 9; the square at (0, 0) removes all 9.
    assert result.unoccluded_probability == pytest.approx(1 / (1 + np.exp(-4.5)), rel=1e-5)
    assert result.probability[0, 0] == pytest.approx(1 / (1 + np.exp(4.5)), rel=1e-5)
    assert np.unravel_index(result.probability.argmin(), (6, 6)) == (0, 0)
    assert result.predicted[0, 0] == 0 and result.predicted[3, 3] == 1
    # Map 0 (the image itself) is stronger than map 1 (half of it); its total activation is the
    # image's sum, 9 + 18, lowest where the square covers the brighter bottom-right block.
    assert result.feature_map == 0 and result.unoccluded_activation == pytest.approx(27)
    assert np.unravel_index(result.activation.argmin(), (6, 6)) == (5, 5)
    assert result.activation[5, 5] == pytest.approx(9) and result.activation[0, 0] == 18
    # One batch or many: the same numbers.
    again = deconvnet.occlusion(model, image, 1, patch=3, stride=1, layer_name="features",
                                fill=0.0)
    np.testing.assert_allclose(again.probability, result.probability, rtol=1e-6)


def test_occlusion_shape_stride_default_fill_and_errors():
    model, image = corner_model(), corner_image()
    result = deconvnet.occlusion(model, image, 1, patch=3, stride=2)
    assert result.probability.shape == ((8 - 3) // 2 + 1,) * 2 == (3, 3)
    assert result.layer_name == "features"  # the last Conv2D by default
    np.testing.assert_allclose(result.fill, [image.mean()])
    figure = deconvnet.occlusion_figure(result)
    assert isinstance(figure, Figure) and len(figure.axes) == 3 + 2  # two colour bars
    with pytest.raises(ValueError, match=r"`label` must be a class index from 0 to 1"):
        deconvnet.occlusion(model, image, 2, patch=3)
    with pytest.raises(ValueError, match=r"`patch` must fit"):
        deconvnet.occlusion(model, image, 1, patch=9)
    with pytest.raises(ValueError, match=r"`fill` must be 'mean'"):
        deconvnet.occlusion(model, image, 1, patch=3, fill=[0.0, 0.0])


# --------------------------------------------------------------------------- top activations


def test_top_activations_sorted_from_the_right_images():
    inputs = keras.Input((7, 7, 1), name="image")
    outputs = keras.layers.Conv2D(2, 3, activation="relu", name="detect")(inputs)
    model = keras.Model(inputs, outputs)
    blob = np.ones((3, 3), "float32")  # map 0: sums a 3x3 window
    spot = np.full((3, 3), -1 / 8, "float32")  # map 1: a bright centre on a dark surround
    spot[1, 1] = 1.0
    model.get_layer("detect").set_weights(
        [np.stack([blob, spot], axis=-1)[:, :, None, :], np.zeros(2, "float32")]
    )
    c = np.zeros((7, 7, 1), "float32")
    c[1, 5] = 1.0  # map 0: 1, map 1: 1 at output (0, 4)
    a = np.zeros((7, 7, 1), "float32")
    a[2:5, 1:4] = 1.0  # map 0: 9 at output (2, 1); map 1: 1 - 3/8 at a corner of the square
    d = np.zeros((7, 7, 1), "float32")
    d[3:6, 3:6] = 0.5  # map 0: 4.5; map 1: 0.5 * (1 - 3/8)
    b = np.zeros((7, 7, 1), "float32")
    b[4, 4] = 2.0  # map 0: 2; map 1: 2 at output (3, 3)
    images = np.stack([c, a, d, b])

    tops = deconvnet.top_activations(model, "detect", images, [0, 1], k=3)
    assert list(tops) == [0, 1]
    assert [t.image_index for t in tops[0]] == [1, 2, 3]  # a, d, b
    assert [t.activation for t in tops[0]] == pytest.approx([9, 4.5, 2])
    assert [t.image_index for t in tops[1]] == [3, 0, 1]  # b, c, a
    assert [t.activation for t in tops[1]] == pytest.approx([2, 1, 0.625])
    # Receptive field 3x3, jump 1, no padding: the window under output (i, j) is (i..i+2, j..j+2).
    square = tops[0][0]
    assert square.position == (2, 1) and square.box == (2, 1, 5, 4)
    np.testing.assert_array_equal(square.patch, a[2:5, 1:4])
    spot_top = tops[1][0]
    assert spot_top.position == (3, 3) and spot_top.box == (3, 3, 6, 6)
    # One activation of 2 goes back through the filter: 2 times the filter, where it looked.
    np.testing.assert_allclose(spot_top.reconstruction[..., 0], 2 * spot, atol=1e-6)
    assert tops[1][1].box == (0, 4, 3, 7)
    # Fewer images than k: all of them.
    assert len(deconvnet.top_activations(model, "detect", images, 0, k=9)[0]) == 4
    figure = deconvnet.top_activations_figure(tops)
    assert isinstance(figure, Figure) and len(figure.axes) == 2 * 3 * 2


def test_distinct_maps_skip_a_map_whose_favourite_image_is_taken():
    inputs = keras.Input((2, 2, 3), name="image")
    outputs = keras.layers.Conv2D(3, 1, activation="relu", name="identity")(inputs)
    model = keras.Model(inputs, outputs)
    model.get_layer("identity").set_weights(
        [np.eye(3, dtype="float32")[None, None], np.zeros(3, "float32")]
    )
    images = np.zeros((3, 2, 2, 3), "float32")
    images[0, 0, 1] = [5, 4, 0]  # the favourite image of maps 0 and 1
    images[1, 1, 0] = [1, 1, 3]  # the favourite of map 2
    # Mean strongest activations: map 0 2, map 1 5/3, map 2 1; map 1 is skipped (image 0 taken).
    assert deconvnet.distinct_maps(model, "identity", images, 3) == [0, 2]
    assert deconvnet.distinct_maps(model, "identity", images, 1) == [0]
    with pytest.raises(ValueError, match="n"):
        deconvnet.distinct_maps(model, "identity", images, 0)


def test_for_display_puts_zero_at_grey():
    shown = deconvnet.for_display(np.array([[-2.0, 0.0, 1.0]]))
    np.testing.assert_allclose(shown, [[0.0, 0.5, 0.75]])
    np.testing.assert_array_equal(deconvnet.for_display(np.zeros((2, 2))), np.full((2, 2), 0.5))


# --------------------------------------------------------------------------- real networks


@pytest.fixture(scope="module")
def small_zfnet():
    keras.utils.set_random_seed(1311)
    # The deconvnet needs the convolutional part only; the dense top is slow to build on JAX.
    return zfnet(input_shape=(47, 47, 3), width=1 / 8, include_top=False)


def test_zfnet_projects_from_conv1_to_conv5(small_zfnet):
    net = deconvnet.Deconvnet(small_zfnet)
    image = np.random.default_rng(0).uniform(size=(47, 47, 3)).astype("float32")
    maps = {}
    for name in ("conv5", "conv4", "conv3", "conv2", "conv1"):
        activations = net.activations(name, image[None])[0]
        f = int(activations.sum(axis=(0, 1)).argmax())  # a map that is not dead
        reconstruction = net.project(name, f, image)
        assert reconstruction.shape == (47, 47, 3) and np.isfinite(reconstruction).all()
        assert np.abs(reconstruction).max() > 0
        maps[name] = (activations[..., f], reconstruction)
    # Receptive fields by hand: conv1 7x7/2 after 1 pixel of padding covers rows 2i - 1 .. 2i + 5;
    # conv2 (5x5/2 on pool1's 3x3/2) 27 pixels with a jump of 8 from 8i - 1. Nothing outside.
    for name, size, jump in (("conv1", 7, 2), ("conv2", 27, 8)):
        activations, reconstruction = maps[name]
        i, j = np.unravel_index(activations.argmax(), activations.shape)
        outside = np.ones((47, 47), bool)
        outside[max(jump * i - 1, 0) : jump * i - 1 + size,
                max(jump * j - 1, 0) : jump * j - 1 + size] = False
        assert not np.abs(reconstruction[outside]).any()


def test_zfnet_top_activations_boxes(small_zfnet):
    images = np.random.default_rng(1).uniform(size=(4, 47, 47, 3)).astype("float32")
    tops = deconvnet.top_activations(small_zfnet, "conv1", images, [0, 5], k=2)
    for entries in tops.values():
        assert len(entries) == 2 and entries[0].activation >= entries[1].activation
        for t in entries:
            i, j = t.position
            top, left = 2 * i - 1, 2 * j - 1  # conv1_pad's one pixel, then 7x7/2
            assert t.box == (max(top, 0), max(left, 0), min(top + 7, 47), min(left + 7, 47))
            assert t.patch.shape == t.reconstruction.shape == (t.box[2] - t.box[0],
                                                               t.box[3] - t.box[1], 3)
    conv5 = deconvnet.top_activations(small_zfnet, "conv5", images, 0, k=1)[0][0]
    assert conv5.box == (0, 0, 47, 47)  # a 139-pixel field: the whole 47x47 image


def test_alexnet_towers_route_each_slice_down_its_own_tower():
    keras.utils.set_random_seed(2012)
    model = alexnet(input_shape=(67, 67, 3), width=1 / 8, include_top=False, lrn=False)
    net = deconvnet.Deconvnet(model)
    image = np.random.default_rng(2).uniform(size=(67, 67, 3)).astype("float32")
    per_tower = model.get_layer("pool5_tower2").output.shape[-1]
    activations = net.activations("pool5_tower2", image[None])[0]
    f = int(activations.sum(axis=(0, 1)).argmax())
    from_concat = net.project("pool5_concat", per_tower + f, image)
    from_tower = net.project("pool5_tower2", f, image)
    assert np.abs(from_tower).max() > 0
    np.testing.assert_allclose(from_concat, from_tower, rtol=1e-5, atol=1e-9)


# --------------------------------------------------------------------------- the package


def test_the_package_re_exports_every_public_name_of_its_modules():
    modules = (layer_rules, occlusion_sensitivity, projection, strongest_activations, unpooling)
    defined = set()
    for module in modules:
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            if name.isupper() or getattr(value, "__module__", None) == module.__name__:
                defined.add(name)
                assert getattr(deconvnet, name) is value, f"{module.__name__}.{name}"
    assert set(deconvnet.__all__) <= defined
    assert {"KEEP", "SUPPORTED"} <= defined
