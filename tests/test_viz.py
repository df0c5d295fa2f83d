"""Tests of classic.viz: diagrams (with and without Graphviz), curves, filters, feature maps."""

import os
import re
import sys
import types

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure

from classic import viz
from classic.viz import charts, diagrams, plots, summaries

needs_graphviz = pytest.mark.skipif(not viz.graphviz_available(), reason="Graphviz not installed")


def residual_model():
    """A stem, one residual block (two convs + a 1x1 shortcut, added), a head."""
    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", name="stem_conv")(inputs)
    y = keras.layers.Conv2D(4, 3, padding="same", name="res_block1_1_conv")(x)
    y = keras.layers.ReLU(name="res_block1_1_relu")(y)
    y = keras.layers.Conv2D(4, 3, padding="same", name="res_block1_2_conv")(y)
    shortcut = keras.layers.Conv2D(4, 1, name="res_block1_0_conv")(x)
    x = keras.layers.Add(name="res_block1_add")([y, shortcut])
    x = keras.layers.ReLU(name="res_block1_out")(x)
    x = keras.layers.Conv2D(4, 3, padding="same", name="res_block10_conv")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(3, name="predictions")(x)
    return keras.Model(inputs, outputs, name="tiny_resnet")


def recorded_dot_sources(monkeypatch):
    """Record the dot source that diagram() sends to Graphviz."""
    sources = []
    run_dot = diagrams._run_dot

    def recording(program, source, fmt):
        sources.append(source.decode("utf-8"))
        return run_dot(program, source, fmt)

    monkeypatch.setattr(diagrams, "_run_dot", recording)
    return sources


def boxes(source):
    """Names of the layers drawn as full boxes, and of the grey feeding boxes."""
    inside = re.findall(r'color="white"><b>([^<]+)</b>', source)
    feeding = re.findall(r"from <b>([^<]+)</b>", source)
    return sorted(inside), sorted(feeding)


def image_axes(figure):
    return [axes for axes in figure.axes if axes.images]


# --------------------------------------------------------------------------- diagram


@needs_graphviz
def test_diagram_returns_png_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    image = viz.diagram(residual_model())
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    shown, _ = DisplayFormatter().format(image)  # what Jupyter would display
    assert "image/png" in shown
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().out == ""  # 11 layers: no hint


@needs_graphviz
def test_diagram_of_a_block_draws_only_that_block(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sources = recorded_dot_sources(monkeypatch)
    model = residual_model()
    whole = viz.diagram(model)
    block = viz.diagram(model, block="res_block1")
    assert block.data.startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().out == ""
    source = sources[-1]
    # res_block10 continues the name, not the block; the layer feeding both branches is
    # drawn once, as a grey box
    assert boxes(source) == (
        [
            "res_block1_0_conv",
            "res_block1_1_conv",
            "res_block1_1_relu",
            "res_block1_2_conv",
            "res_block1_add",
            "res_block1_out",
        ],
        ["stem_conv"],
    )
    # 6 block layers + 1 feeding box; edges: 2 from stem_conv, 1_conv->relu->2_conv->add,
    # 0_conv->add, add->out = 7
    assert source.count(" -> ") == 7
    height = int.from_bytes(block.data[20:24], "big")
    assert height < int.from_bytes(whole.data[20:24], "big")


@needs_graphviz
def test_diagram_first_last_range(monkeypatch):
    sources = recorded_dot_sources(monkeypatch)
    viz.diagram(residual_model(), first="res_block1_add", last="pool")
    assert boxes(sources[-1]) == (
        ["pool", "res_block10_conv", "res_block1_add", "res_block1_out"],
        ["res_block1_0_conv", "res_block1_2_conv"],
    )


@needs_graphviz
def test_diagram_to_file_writes_there(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    image = viz.diagram(residual_model(), to_file="model.png")
    assert (tmp_path / "model.png").read_bytes() == image.data
    viz.diagram(residual_model(), block="res_block1", to_file=tmp_path / "block.svg")
    assert b"<svg" in (tmp_path / "block.svg").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["block.svg", "model.png"]


@needs_graphviz
def test_diagram_of_a_deep_network_hints_at_one_block(capsys):
    inputs = keras.Input((4,), name="x")
    x = inputs
    for i in range(70):  # stages s1..s7 of 10 layers each
        x = keras.layers.Dense(2, name=f"s{i // 10 + 1}_layer{i % 10}")(x)
    model = keras.Model(inputs, x, name="deep")
    image = viz.diagram(model)
    assert image.data.startswith(b"\x89PNG")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "deep has 71 layers" in out
    assert 'block="s1"' in out
    viz.diagram(model, block="s2")
    assert capsys.readouterr().out == ""


def test_diagram_without_graphviz_prints_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(diagrams, "graphviz_available", lambda: False)
    assert viz.diagram(residual_model()) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "apt-get install graphviz" in out and "brew install graphviz" in out
    assert "rest of the notebook works" in out
    assert list(tmp_path.iterdir()) == []


def test_diagram_without_dot_program_prints_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no `dot` anywhere, even after a cached success
    assert viz.diagram(residual_model(), block="res_block1") is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "apt-get install graphviz" in out
    monkeypatch.setattr(diagrams, "_graphviz_ok", False)
    assert viz.graphviz_available() is False
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]


def test_diagram_without_pydot_prints_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pydot", None)
    monkeypatch.setattr(diagrams, "_graphviz_ok", False)
    assert viz.graphviz_available() is False
    assert viz.diagram(residual_model()) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "pip install pydot" in out and "brew install" in out


def test_diagram_bad_arguments():
    model = residual_model()
    with pytest.raises(ValueError, match=r"block.*'stem_conv'.*Received: block='conv9'"):
        viz.diagram(model, block="conv9")
    with pytest.raises(ValueError, match=r"Did you mean 'res_block1_2_conv'.*Received: first="):
        viz.diagram(model, first="res_block1_2_cnv")
    with pytest.raises(ValueError, match=r"`first` must come before `last`"):
        viz.diagram(model, first="pool", last="stem_conv")
    with pytest.raises(ValueError, match=r"either `block` or `first`/`last`"):
        viz.diagram(model, block="res_block1", last="pool")
    with pytest.raises(ValueError, match=r"Received: rankdir='down'"):
        viz.diagram(model, rankdir="down")
    with pytest.raises(ValueError, match=r"Received: model of type str"):
        viz.diagram("resnet")


def test_graphviz_available_is_a_bool():
    assert isinstance(viz.graphviz_available(), bool)


# --------------------------------------------------------------------------- learning curves

LOGS = {
    "loss": [1.0, 0.5, 0.25],
    "val_loss": [1.2, 0.8, 0.7],
    "accuracy": [0.4, 0.7, 0.9],
    "val_accuracy": [0.3, 0.6, 0.65],
}


@pytest.mark.parametrize(
    "history",
    [LOGS, types.SimpleNamespace(history=LOGS)],
    ids=["dict", "object with .history"],
)
def test_learning_curves(history):
    before = plt.get_fignums()
    figure = viz.learning_curves(history)
    assert isinstance(figure, Figure)
    assert repr(figure) == "<Figure size 1000x400 with 2 Axes>"
    loss, accuracy = figure.axes
    assert (loss.get_title(), accuracy.get_title()) == ("Loss", "Accuracy")
    assert loss.get_xlabel() == "epoch" and accuracy.get_ylabel() == "accuracy"
    for axes, key in [(loss, "loss"), (accuracy, "accuracy")]:
        train, validation = axes.lines
        assert list(train.get_xdata()) == [1, 2, 3]
        assert list(train.get_ydata()) == LOGS[key]
        assert list(validation.get_ydata()) == LOGS[f"val_{key}"]
        assert [t.get_text() for t in axes.get_legend().get_texts()] == ["training", "validation"]
    assert plt.get_fignums() == before  # not registered with pyplot


def test_learning_curves_of_a_keras_history_without_accuracy():
    history = keras.callbacks.History()
    history.history = {"loss": [3.0, 2.0]}
    figure = viz.learning_curves(history)
    assert repr(figure) == "<Figure size 500x400 with 1 Axes>"
    (line,) = figure.axes[0].lines
    assert list(line.get_xdata()) == [1, 2]


def test_learning_curves_bad_input():
    with pytest.raises(ValueError, match=r"Received: list"):
        viz.learning_curves([1.0, 0.5])
    with pytest.raises(ValueError, match=r"'loss'.*Received: keys \['accuracy'\]"):
        viz.learning_curves({"accuracy": [0.5]})


def test_figures_get_a_png_formatter_in_ipython(monkeypatch):
    # Without pyplot's inline backend, IPython has no PNG formatter for Figure.
    import IPython

    shell = types.SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    figure = viz.learning_curves(LOGS)
    data, _ = shell.display_formatter.format(figure)
    assert data["image/png"].startswith(b"\x89PNG")
    assert data["text/plain"] == "<Figure size 1000x400 with 2 Axes>"


# --------------------------------------------------------------------------- filters


def conv_model(channels, filters, kernel):
    inputs = keras.Input((6, 6, channels), name="image")
    x = keras.layers.Rescaling(1.0, name="scale")(inputs)  # not a conv: skipped by default
    x = keras.layers.Conv2D(filters, 3, use_bias=False, name="conv1")(x)
    x = keras.layers.Conv2D(2, 3, name="conv2")(x)
    model = keras.Model(inputs, x, name="convs")
    model.get_layer("conv1").set_weights([kernel])
    return model


def test_filters_greyscale_one_channel():
    kernel = np.arange(3 * 3 * 1 * 6, dtype="float32").reshape(3, 3, 1, 6)
    figure = viz.filters(conv_model(1, 6, kernel))
    shown = image_axes(figure)
    assert len(shown) == 6
    assert [axes.get_title() for axes in shown] == ["0", "1", "2", "3", "4", "5"]
    np.testing.assert_array_equal(shown[4].images[0].get_array(), kernel[:, :, 0, 4])
    assert "conv1: 6 of 6 filters, 3x3" in figure.get_suptitle()
    assert len(image_axes(viz.filters(conv_model(1, 6, kernel), max_filters=4))) == 4


def test_filters_against_another_network_share_one_scale():
    kernel = np.arange(3 * 3 * 1 * 2, dtype="float32").reshape(3, 3, 1, 2) - 4
    figure = viz.filters(conv_model(1, 2, kernel), against=conv_model(1, 2, kernel / 10))
    shown = image_axes(figure)
    assert [axes.get_title() for axes in shown] == ["trained 0", "trained 1", "untrained 0",
                                                    "untrained 1"]
    limits = {axes.images[0].get_clim() for axes in shown}
    assert limits == {(-13.0, 13.0)}  # the largest weight of either, both signs: one scale
    assert len(figure.axes) == 5  # and its colour bar
    with pytest.raises(ValueError, match="same kernel shape"):
        viz.filters(conv_model(1, 2, kernel), against=conv_model(1, 6, np.zeros((3, 3, 1, 6),
                                                                                "float32")))


def test_filters_rgb_min_max_per_filter():
    kernel = np.zeros((3, 3, 3, 2), dtype="float32")
    kernel[..., 0] = np.arange(27).reshape(3, 3, 3)  # 0..26 -> 0..1 in steps of 1/26
    kernel[..., 1] = -5.0  # constant: shown as mid grey
    figure = viz.filters(conv_model(3, 2, kernel))
    first, second = (axes.images[0].get_array() for axes in image_axes(figure))
    assert first.shape == (3, 3, 3)
    np.testing.assert_allclose(first, np.arange(27).reshape(3, 3, 3) / 26, atol=1e-6)
    np.testing.assert_allclose(second, 0.5)
    assert "RGB" in figure.get_suptitle()


def test_filters_mean_over_input_channels_of_a_named_layer():
    model = conv_model(1, 6, np.zeros((3, 3, 1, 6), "float32"))
    layer = model.get_layer("conv2")  # kernel (3, 3, 6, 2)
    kernel = np.broadcast_to(np.arange(1, 7, dtype="float32")[:, None], (3, 3, 6, 2))
    layer.set_weights([kernel, np.zeros(2, "float32")])
    figure = viz.filters(model, "conv2")
    shown = image_axes(figure)
    assert len(shown) == 2
    np.testing.assert_allclose(shown[1].images[0].get_array(), np.full((3, 3), 3.5))  # 21 / 6
    assert "mean over 6 input channels" in figure.get_suptitle()


def test_filters_of_a_custom_layer_with_a_4d_kernel():
    class Tied(keras.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(5, 5, 2, 3), initializer="ones")

        def call(self, x):
            return keras.ops.conv(x, self.kernel)

    layer = Tied(name="tied")
    inputs = keras.Input((8, 8, 2), name="image")
    model = keras.Model(inputs, layer(inputs))
    for figure in (viz.filters(layer), viz.filters(model)):
        shown = image_axes(figure)
        assert len(shown) == 3
        assert shown[0].images[0].get_array().shape == (5, 5)


def test_filters_bad_input():
    model = conv_model(1, 6, np.zeros((3, 3, 1, 6), "float32"))
    with pytest.raises(ValueError, match=r"'conv1'.*Received: layer_name='conv3'"):
        viz.filters(model, "conv3")
    with pytest.raises(ValueError, match=r"4-D kernel.*'scale'"):
        viz.filters(model, "scale")
    with pytest.raises(ValueError, match=r"Received: max_filters=0"):
        viz.filters(model, max_filters=0)
    dense = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="fc")])
    with pytest.raises(ValueError, match=r"must contain a convolution layer.*'fc'"):
        viz.filters(dense)


# --------------------------------------------------------------------------- feature maps


def mixing_model():
    """1x1 conv with a fixed kernel: maps = x0, x1, x0 - x1; then a ReLU."""
    inputs = keras.Input((4, 4, 2), name="image")
    mix = keras.layers.Conv2D(3, 1, use_bias=False, name="mix")
    x = mix(inputs)
    x = keras.layers.ReLU(name="relu")(x)
    x = keras.layers.Flatten(name="flat")(x)
    model = keras.Model(inputs, x, name="mixer")
    mix.set_weights([np.array([[1, 0, 1], [0, 1, -1]], "float32").reshape(1, 1, 2, 3)])
    return model


def test_feature_maps_equal_hand_computed_activations():
    x0 = np.arange(16, dtype="float32").reshape(4, 4)
    x1 = np.full((4, 4), 2.0, dtype="float32")
    image = np.stack([x0, x1], axis=-1)
    figure = viz.feature_maps(mixing_model(), "relu", image)
    shown = image_axes(figure)
    assert [axes.get_title() for axes in shown] == ["input", "0", "1", "2"]
    # the input first (two channels: their mean, min-max scaled), then the maps
    mean = (x0 + x1) / 2
    expected = [(mean - mean.min()) / (mean.max() - mean.min()), x0, x1,
                np.maximum(x0 - x1, 0)]
    for axes, want in zip(shown, expected, strict=True):
        np.testing.assert_allclose(axes.images[0].get_array(), want, atol=1e-6)
    assert figure.get_suptitle() == "relu: 3 of 3 feature maps, 4x4, of the input first"
    # a batch of one, and fewer maps than channels
    figure = viz.feature_maps(mixing_model(), "mix", image[None], max_maps=2)
    shown = image_axes(figure)
    assert len(shown) == 3
    np.testing.assert_allclose(shown[2].images[0].get_array(), x1)


def test_feature_maps_bad_input():
    model = mixing_model()
    image = np.zeros((4, 4, 2), "float32")
    with pytest.raises(ValueError, match=r"'mix'.*Received: layer_name='conv1'"):
        viz.feature_maps(model, "conv1", image)
    with pytest.raises(ValueError, match=r"feature map.*Received: layer_name='flat'"):
        viz.feature_maps(model, "flat", image)
    with pytest.raises(ValueError, match=r"\(4, 4, 2\).*Received: shape \(1, 5, 4, 2\)"):
        viz.feature_maps(model, "mix", np.zeros((5, 4, 2)))
    with pytest.raises(ValueError, match=r"Received: shape \(2, 4, 4, 2\)"):
        viz.feature_maps(model, "mix", np.zeros((2, 4, 4, 2)))


# --------------------------------------------------------------------------- image grid


def test_image_grid_layout_and_titles():
    images = np.zeros((10, 5, 5, 1), "uint8")
    figure = viz.image_grid(images, titles=np.arange(10), columns=4)
    assert repr(figure) == "<Figure size 600x450 with 10 Axes>"  # 4 x 3 cells of 1.5 in
    assert [axes.get_title() for axes in figure.axes] == [str(i) for i in range(10)]
    assert figure.axes[0].images[0].get_array().shape == (5, 5)
    with pytest.raises(ValueError, match=r"one title per image \(10\)\. Received: 3 titles"):
        viz.image_grid(images, titles=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"Received: columns=0"):
        viz.image_grid(images, columns=0)
    with pytest.raises(ValueError, match=r"Received: image 0 of shape \(5, 5, 2\)"):
        viz.image_grid(np.zeros((1, 5, 5, 2)))


def test_image_grid_scales_float_rgb_outside_unit_range():
    image = np.zeros((2, 2, 3), "float32")
    image[0, 0] = [0.0, 127.5, 255.0]
    figure = viz.image_grid([image, image / 255])
    scaled, already = (axes.images[0].get_array() for axes in figure.axes)
    np.testing.assert_allclose(scaled[0, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(already, image / 255)


@needs_graphviz
def test_diagram_hints_when_graphviz_scales_a_block_down(monkeypatch, capsys):
    monkeypatch.setattr(diagrams, "GRAPHVIZ_MAX_PIXELS", 100)  # any real diagram exceeds it
    image = viz.diagram(residual_model(), block="res_block1")
    assert image.data.startswith(b"\x89PNG")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "This part of the network is too large to read (Graphviz scaled it down" in out
    assert 'block="res_block1"' in out


@needs_graphviz
def test_diagram_of_a_sequential_range(monkeypatch):
    sources = recorded_dot_sources(monkeypatch)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(2, 3, name="c1"),
            keras.layers.ReLU(name="r1"),
            keras.layers.Conv2D(2, 3, name="c2"),
            keras.layers.ReLU(name="r2"),
        ],
        name="plain",
    )
    assert viz.diagram(model, first="r1", last="c2").data.startswith(b"\x89PNG")
    assert boxes(sources[-1]) == (["c2", "r1"], ["c1"])


def test_bubble_chart_areas_labels_and_log_axis():
    figure = viz.bubble_chart([1e6, 1e8, 1e7], [0.4, 0.6, 0.5], [100, 1000, 400],
                              ["small", "large", "middle"], title="networks")
    assert isinstance(figure, Figure)
    (axes,) = figure.axes
    assert axes.get_xscale() == "log"
    (points,) = axes.collections
    assert points.get_offsets().tolist() == [[1e6, 0.4], [1e8, 0.6], [1e7, 0.5]]
    # Area proportional to size, the largest at max_area (1200 by default): 120, 1200, 480.
    assert points.get_sizes().tolist() == pytest.approx([120.0, 1200.0, 480.0])
    assert [text.get_text() for text in axes.texts] == ["small", "large", "middle"]
    assert axes.get_title() == "networks\nbubble area: parameters (largest 1,000)"
    assert "log scale" in axes.get_xlabel()


def test_bubble_chart_linear_axis_and_tiny_bubbles():
    figure = viz.bubble_chart([0, 1], [1, 2], [1, 1e6], ["a", "b"], log_x=False, max_area=100)
    (axes,) = figure.axes
    assert axes.get_xscale() == "linear"
    assert axes.collections[0].get_sizes().tolist() == pytest.approx([0.1, 100.0])  # floor 1e-3


def test_bubble_chart_bad_input():
    with pytest.raises(ValueError, match="labels"):
        viz.bubble_chart([1], [1], [1], "one")
    with pytest.raises(ValueError, match="`x` must have one value per label"):
        viz.bubble_chart([1, 2], [1], [1], ["a"])
    with pytest.raises(ValueError, match="`x` must hold positive numbers"):
        viz.bubble_chart([0], [1], [1], ["a"])  # log axis
    with pytest.raises(ValueError, match="`sizes` must hold positive numbers"):
        viz.bubble_chart([1], [1], [0], ["a"])
    with pytest.raises(ValueError, match="`y` must be a sequence of numbers"):
        viz.bubble_chart([1], ["high"], [1], ["a"])
    with pytest.raises(ValueError, match="max_area"):
        viz.bubble_chart([1], [1], [1], ["a"], max_area=0)


def test_summary_widens_until_nothing_is_cut_short(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    inputs = keras.Input((8, 8, 3), name="an_input_with_a_rather_long_name")
    left = keras.layers.Conv2D(4, 3, padding="same", name="a_convolution_with_a_long_name")(inputs)
    right = keras.layers.Conv2D(4, 1, name="another_convolution_with_a_long_name")(inputs)
    joined = keras.layers.Concatenate(name="joined")([left, right])
    viz.summary(keras.Model(inputs, joined, name="wide"))
    out = capsys.readouterr().out
    assert "…" not in out
    assert "another_convolution_with_a_long_name[0][0]" in out  # the whole connection
    assert "Total params: 128" in out  # (27 + 1) * 4 + (3 + 1) * 4
    assert "\x1b[" not in out  # plain text, stable under nbval
    assert os.environ["COLUMNS"] == "60"  # restored
    with pytest.raises(ValueError, match="`longest` must be at least"):
        viz.summary(keras.Model(inputs, joined), shortest=100, longest=90)


# --------------------------------------------------------------------------- the package


def test_the_package_re_exports_every_public_name_of_its_modules():
    defined = set()
    # figures and arguments hold the helpers the pictures share, not pictures: not re-exported
    for module in (charts, diagrams, plots, summaries):
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            if name.isupper() or getattr(value, "__module__", None) == module.__name__:
                defined.add(name)
                assert getattr(viz, name) is value, f"{module.__name__}.{name}"
    assert set(viz.__all__) <= defined
    assert {"summary", "INSTALL_HINT", "PYDOT_HINT", "GRAPHVIZ_MAX_PIXELS"} <= defined
