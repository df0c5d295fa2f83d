"""The course's closing comparison: every network's facts, small versions to train, and the post's
closing summary checked against computed numbers.

* :data:`PAPERS` holds each network's paper (venue and year, the depth it states, its input size),
  written once; :func:`facts` builds every network at its paper's input size and measures it
  (:func:`depth`, parameters, MACs and activation memory with :mod:`classic.shapes`).
* :func:`depth` counts the layers with weights on the deepest path from the input to the output,
  which is how the papers count depth (VGG-16's 16, ResNet-50's 50, GoogLeNet's 22, DenseNet-121's
  121); :func:`weight_layers` counts them all, branches and shortcuts included.
* :data:`SMALL` is one small, width-scaled configuration per family for a short training run on
  the same data set, :func:`small_builder` builds one for a data set and :func:`measurements`
  tabulates the runs.
* :func:`claims` sets each sentence of the post's closing summary next to evidence computed from
  :func:`facts` and the shape arithmetic; :func:`post_departures` counts the post's code departures
  per network (:data:`classic.models.source.DEPARTURES`).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import keras

from classic import models
from classic.models import source
from classic.models.inception import INCEPTION
from classic.shapes import (
    conv2d_macs,
    conv2d_params,
    dense_params,
    receptive_fields,
    totals,
)
from classic.tables import Table

__all__ = [
    "PAPERS",
    "SMALL",
    "Measures",
    "Paper",
    "Small",
    "claims",
    "depth",
    "depth_notes",
    "facts",
    "inception_reductions",
    "is_weight_layer",
    "measure",
    "measurements",
    "post_departures",
    "small_builder",
    "small_table",
    "weight_layers",
]


# --------------------------------------------------------------------------- the papers, as data
@dataclass(frozen=True)
class Paper:
    """One network of the course and what its paper says about it."""

    label: str  # the network's usual name
    section: int  # the section of the source post (and the course's notebook) that teaches it
    paper: str  # short citation: authors and title
    venue: str
    year: int
    depth: int  # the depth the paper states (layers with weights on the deepest path)
    input_shape: tuple[int, int, int]  # the paper's input
    depth_note: str = ""  # how the paper's count is made, where a reader could be misled


_LENET = "LeCun, Bottou, Bengio, Haffner: Gradient-based learning applied to document recognition"
_ALEXNET = "Krizhevsky, Sutskever, Hinton: ImageNet classification with deep CNNs"
_ZFNET = "Zeiler, Fergus: Visualizing and understanding convolutional networks"
_VGG = "Simonyan, Zisserman: Very deep convolutional networks for large-scale image recognition"
_GOOGLENET = "Szegedy et al.: Going deeper with convolutions"
_RESNET = "He, Zhang, Ren, Sun: Deep residual learning for image recognition"
_DENSENET = "Huang, Liu, van der Maaten, Weinberger: Densely connected convolutional networks"
_IMAGENET = (224, 224, 3)
_RESNET_NOTE = (
    "conv1, {blocks} blocks of {per} convolutions and the classifier; the {projections} "
    "projection shortcuts run beside the main path and are not counted"
)
_DENSENET_NOTE = (
    "the stem convolution, {layers} dense layers of two convolutions (1x1 and 3x3), 3 transition "
    "convolutions and the classifier"
)

PAPERS: dict[str, Paper] = {
    "lenet5": Paper(
        "LeNet-5", 1, _LENET, "Proc. IEEE", 1998, 7, (32, 32, 1),
        "the 5 is a version number (LeNet-1 to LeNet-5), not a depth: the paper counts 7 layers "
        "with trainable parameters, its two trainable subsampling layers included",
    ),
    "alexnet": Paper(
        "AlexNet", 2, _ALEXNET, "NeurIPS", 2012, 8, (227, 227, 3),
        "five convolutional and three fully connected layers; the two towers (one per GPU) sit "
        "side by side, so each layer counts once on the path but twice in all",
    ),
    "zfnet": Paper(
        "ZF-Net", 3, _ZFNET, "ECCV", 2014, 8, _IMAGENET,
        "AlexNet's eight layers in one tower",
    ),
    "vgg16": Paper(
        "VGG-16", 4, _VGG, "ICLR", 2015, 16, _IMAGENET,
        "13 convolutions and 3 fully connected layers (configuration D)",
    ),
    "vgg19": Paper(
        "VGG-19", 4, _VGG, "ICLR", 2015, 19, _IMAGENET,
        "16 convolutions and 3 fully connected layers (configuration E)",
    ),
    "googlenet": Paper(
        "GoogLeNet", 5, _GOOGLENET, "CVPR", 2015, 22, _IMAGENET,
        "the paper counts 22 layers with parameters (27 with the pooling layers): the deepest "
        "path through each inception module is two convolutions deep, but the network has 57 "
        "convolutions and 1 fully connected layer in all (its auxiliary classifiers left out)",
    ),
    "resnet18": Paper(
        "ResNet-18", 6, _RESNET, "CVPR", 2016, 18, _IMAGENET,
        _RESNET_NOTE.format(blocks=8, per=2, projections=3),
    ),
    "resnet34": Paper(
        "ResNet-34", 6, _RESNET, "CVPR", 2016, 34, _IMAGENET,
        _RESNET_NOTE.format(blocks=16, per=2, projections=3),
    ),
    "resnet50": Paper(
        "ResNet-50", 6, _RESNET, "CVPR", 2016, 50, _IMAGENET,
        _RESNET_NOTE.format(blocks=16, per=3, projections=4),
    ),
    "resnet101": Paper(
        "ResNet-101", 6, _RESNET, "CVPR", 2016, 101, _IMAGENET,
        _RESNET_NOTE.format(blocks=33, per=3, projections=4),
    ),
    "resnet152": Paper(
        "ResNet-152", 6, _RESNET, "CVPR", 2016, 152, _IMAGENET,
        _RESNET_NOTE.format(blocks=50, per=3, projections=4),
    ),
    "densenet121": Paper(
        "DenseNet-121", 7, _DENSENET, "CVPR", 2017, 121, _IMAGENET,
        _DENSENET_NOTE.format(layers=58),
    ),
    "densenet169": Paper(
        "DenseNet-169", 7, _DENSENET, "CVPR", 2017, 169, _IMAGENET,
        _DENSENET_NOTE.format(layers=82),
    ),
    "densenet201": Paper(
        "DenseNet-201", 7, _DENSENET, "CVPR", 2017, 201, _IMAGENET,
        _DENSENET_NOTE.format(layers=98),
    ),
}


def _check_names(names) -> tuple[str, ...]:
    if names is None:
        return tuple(PAPERS)
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(
            f"`names` must be a non-empty list of network names from {', '.join(PAPERS)}. "
            f"Received: names={names!r}"
        )
    for name in names:
        if name not in PAPERS:
            raise ValueError(
                f"`names` must hold network names from {', '.join(PAPERS)}. "
                f"Received: {name!r} in names"
            )
    return tuple(names)


# --------------------------------------------------------------------------- depth
# Layers that learn only a per-channel scale and shift of one input: papers do not count them.
_NORMALIZATION = (
    keras.layers.BatchNormalization,
    keras.layers.LayerNormalization,
    keras.layers.GroupNormalization,
    keras.layers.Normalization,
)


def is_weight_layer(layer) -> bool:
    """Whether a layer counts towards a network's depth: it has weights and is not a normalization.

    Convolutions and dense layers count, and so do LeNet-5's trainable subsampling layers and RBF
    units, as in LeNet-5's paper; batch normalization does not, as in ResNet's and DenseNet's.
    """
    if isinstance(layer, keras.Model):
        return False  # a nested model counts its own layers (see depth)
    return bool(layer.weights) and not isinstance(layer, _NORMALIZATION)


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
        )
    if not model.built or not model.layers:
        raise ValueError(
            f"`model` must be built, with layers (a functional model or a Sequential with an "
            f"Input). Received: model {model.name!r}"
        )


def _parents(layer) -> list:
    """The layers whose outputs a layer's first call reads (none for an input layer)."""
    if isinstance(layer, keras.layers.InputLayer):
        return []
    inputs = layer.input
    inputs = list(inputs) if isinstance(inputs, list | tuple) else [inputs]
    return [t._keras_history.operation for t in inputs if hasattr(t, "_keras_history")]


def depth(model) -> int:
    """The number of layers with weights on the deepest path from the model's input to an output.

    Branches that run side by side (AlexNet's towers, an inception module's four branches, a
    projection shortcut) count once, by their deepest member; layers in series all count
    (DenseNet's transitions). A nested model counts as its own depth.
    """
    _check_model(model)
    deepest: dict[int, int] = {}
    for layer in model.layers:  # a functional model lists its layers in topological order
        before = max((deepest.get(id(p), 0) for p in _parents(layer)), default=0)
        own = depth(layer) if isinstance(layer, keras.Model) else int(is_weight_layer(layer))
        deepest[id(layer)] = before + own
    outputs = [t._keras_history.operation for t in model.outputs]
    return max(deepest.get(id(op), 0) for op in outputs)


def weight_layers(model) -> int:
    """All layers with weights, on the main path or beside it (nested models included)."""
    _check_model(model)
    return sum(
        weight_layers(layer) if isinstance(layer, keras.Model) else int(is_weight_layer(layer))
        for layer in model.layers
    )


@dataclass(frozen=True)
class Measures:
    """What :func:`measure` counts in one built model, per image."""

    depth: int
    weight_layers: int
    params: int
    macs: int
    activation_bytes: int  # float32, what the layers compute (classic.shapes.totals' rule)


def measure(model) -> Measures:
    """Depth, weight layers, parameters, MACs and activation bytes of one image, from the model."""
    _check_model(model)
    total = totals(model)
    return Measures(depth(model), weight_layers(model), total.params, total.macs,
                    total.activation_bytes)


# --------------------------------------------------------------------------- the table of facts
FACT_COLUMNS = ["network", "venue", "year", "input", "depth (paper)", "depth (counted)",
                "weight layers", "params", "MACs x10^9", "activations MiB"]
_MIB = 2**20


def facts(names=None, *, verbose: bool = False) -> Table:
    """One row per network, built at its paper's input size with a 1,000-way (LeNet-5: 10) head.

    Columns: the paper's venue and year, the input, the depth the paper states next to
    :func:`depth` counted in the model, all :func:`weight_layers`, parameters, MACs per image
    (x10^9) and float32 activation memory per image (MiB, by classic.shapes.totals' rule). Each
    network is built, measured and dropped in turn (``names``: a subset of :data:`PAPERS`).
    """
    rows = []
    for name in _check_names(names):
        paper = PAPERS[name]
        model = models.build(name, input_shape=paper.input_shape)
        m = measure(model)
        del model
        gc.collect()
        h, w, c = paper.input_shape
        rows.append([paper.label, paper.venue, str(paper.year), f"{h}x{w}x{c}", paper.depth,
                     m.depth, m.weight_layers, m.params, m.macs / 1e9, m.activation_bytes / _MIB])
        if verbose:
            print(f"{paper.label}: measured")
    return Table(FACT_COLUMNS, rows, title="The course's networks at their papers' input sizes")


def depth_notes(names=None) -> Table:
    """What each paper's depth counts, and where a name or a count could mislead."""
    rows = [[PAPERS[n].label, PAPERS[n].depth, PAPERS[n].depth_note] for n in _check_names(names)]
    return Table(["network", "depth (paper)", "what the paper counts"], rows,
                 title="How the papers count depth")


def _fact(table: Table, label: str, column: str):
    """One value of a facts table: the row of network ``label``, the column ``column``."""
    if column not in table.columns:
        raise ValueError(f"`column` must be one of {table.columns}. Received: column={column!r}")
    labels = table.column("network")
    if label not in labels:
        raise ValueError(
            f"The facts table has no row for {label!r}: build it with facts() over the networks "
            f"the claims need ({', '.join(_CLAIM_NETWORKS)}). Received rows: {labels}"
        )
    return table.rows[labels.index(label)][table.columns.index(column)]


# --------------------------------------------------------------------------- small versions
@dataclass(frozen=True)
class Small:
    """A small, width-scaled member of a family, for a short run on a small data set.

    ``kwargs`` go to the builder (``classic.models.build(network, ...)``) besides the data's input
    shape and class count; ``image_size`` is the input side (the smallest the architecture
    accepts, or the data's own 32 where that is larger); ``epochs`` is per profile, 0 where the
    network is not trained in that profile.
    """

    network: str
    label: str
    kwargs: Mapping = field(default_factory=dict)
    image_size: int = 32
    epochs: Mapping = field(default_factory=lambda: {"ci": 1, "cpu": 10, "gpu": 30})
    learning_rate: float = 1e-3

    def epochs_for(self, profile) -> int:
        """The epochs of this configuration for a profile (a name or an object with `.name`)."""
        name = profile if isinstance(profile, str) else getattr(profile, "name", None)
        if name not in self.epochs:
            raise ValueError(
                f"`profile` must be one of {', '.join(self.epochs)} (or have such a `.name`). "
                f"Received: profile={profile!r}"
            )
        return self.epochs[name]


# One per family (the post's sections), each narrowed to about a quarter of its widths, at the
# smallest input it accepts; batch normalization momentum 0.9 where the network has it (Keras'
# 0.99 is too slow for a run of a minute). Budgets are in epochs (reproducible, unlike seconds):
# more for the fast, shallow networks, fewer for the slow, deep ones, so that all seven train in
# minutes on a 2-core CPU with the 10,000-image CIFAR-10 copy.
SMALL: dict[str, Small] = {
    "lenet5": Small("lenet5", "LeNet-5", {}, 32, {"ci": 1, "cpu": 15, "gpu": 30}),
    "alexnet": Small("alexnet", "AlexNet/4", {"width": 0.25}, 67, {"ci": 1, "cpu": 8, "gpu": 30}),
    "zfnet": Small("zfnet", "ZF-Net/4", {"width": 0.25}, 47, {"ci": 1, "cpu": 8, "gpu": 30}),
    "vgg11": Small("vgg11", "VGG-11/4", {"width": 0.25}, 32, {"ci": 1, "cpu": 6, "gpu": 30}),
    "googlenet": Small("googlenet", "GoogLeNet/4", {"width": 0.25}, 32,
                       {"ci": 1, "cpu": 6, "gpu": 30}),
    "resnet18": Small("resnet18", "ResNet-18/4", {"width": 0.25, "bn_momentum": 0.9}, 32,
                      {"ci": 1, "cpu": 4, "gpu": 30}),
    # 0 epochs in ci: tracing its 429 layers alone takes about a minute on 2 CPU cores, more than
    # the other six networks' ci runs together (its build is unit-tested instead).
    "densenet121": Small("densenet121", "DenseNet-121 k=8",
                         {"growth_rate": 8, "bn_momentum": 0.9}, 32,
                         {"ci": 0, "cpu": 2, "gpu": 30}),
}


def small_builder(config: Small, data):
    """A function of no arguments that builds ``config``'s network for ``data`` (its input shape
    and class count), what :func:`classic.train.fit` takes."""
    if not isinstance(config, Small):
        raise ValueError(
            f"`config` must be a classic.summary.Small, e.g. SMALL['vgg11']. Received: {config!r}"
        )
    shape, classes = tuple(data.input_shape), int(data.num_classes)

    def build():
        return models.build(config.network, input_shape=shape, classes=classes, **config.kwargs)

    return build


def small_table(configs: Mapping | None = None) -> Table:
    """The small configurations as a table: builder, options, input side, epochs per profile."""
    configs = SMALL if configs is None else configs
    rows = []
    for config in configs.values():
        options = ", ".join(f"{k}={v!r}" for k, v in config.kwargs.items()) or "-"
        epochs = " / ".join(str(config.epochs[p]) for p in ("ci", "cpu", "gpu"))
        rows.append([config.label, f"classic.models.{config.network}", options,
                     f"{config.image_size}x{config.image_size}", epochs, config.learning_rate])
    return Table(["small network", "builder", "options", "input", "epochs ci / cpu / gpu",
                  "learning rate"], rows, title="One small member of each family")


MEASUREMENT_COLUMNS = ["network", "input", "epochs", "seconds", "images/s", "test accuracy %",
                       "params", "MACs x10^6"]


def measurements(results: Mapping, configs: Mapping | None = None) -> Table:
    """This run's training results, one row per small network.

    ``results`` maps a :data:`SMALL` key to a ``classic.train.TrainingResult``; parameters and
    MACs per image are counted in the trained model (at its own input size).
    """
    configs = SMALL if configs is None else configs
    if not isinstance(results, Mapping) or not results:
        raise ValueError(
            "`results` must map SMALL's keys to classic.train.fit results. "
            f"Received: {results!r}"
        )
    rows = []
    for key, result in results.items():
        if key not in configs:
            raise ValueError(
                f"`results` keys must be among {', '.join(configs)}. Received: {key!r}"
            )
        model = result.model
        total = totals(model)
        h, w, c = model.input_shape[1:]
        rows.append([configs[key].label, f"{h}x{w}x{c}", len(result.epochs),
                     round(result.seconds, 1), round(result.images_per_second or 0),
                     round(100 * result.test_accuracy, 1), total.params, total.macs / 1e6])
    return Table(MEASUREMENT_COLUMNS, rows, title="Small versions, trained on the same data")


# --------------------------------------------------------------------------- the post's summary
@dataclass(frozen=True)
class Reductions:
    """An inception module's 3x3 and 5x5 branches with and without their 1x1 reductions."""

    with_params: int
    without_params: int
    with_macs: int
    without_macs: int


def inception_reductions(module: str = "3a", in_channels: int = 192, size: int = 28) -> Reductions:
    """Parameters and MACs of a GoogLeNet module's 3x3 and 5x5 branches (Table 1's widths),
    with the 1x1 reductions and with the 3x3 and 5x5 convolutions reading the input directly.

    Defaults: inception 3a, which reads 192 maps of 28x28.
    """
    if module not in INCEPTION:
        raise ValueError(
            f"`module` must be one of {', '.join(INCEPTION)}. Received: module={module!r}"
        )
    _, reduce3, n3, reduce5, n5, _ = INCEPTION[module]
    pairs_with = [(1, in_channels, reduce3), (3, reduce3, n3), (1, in_channels, reduce5),
                  (5, reduce5, n5)]
    pairs_without = [(3, in_channels, n3), (5, in_channels, n5)]

    def cost(pairs):
        params = sum(conv2d_params(k, c_in, c_out) for k, c_in, c_out in pairs)
        macs = sum(conv2d_macs(size, k, c_in, c_out) for k, c_in, c_out in pairs)
        return params, macs

    (p_with, m_with), (p_without, m_without) = cost(pairs_with), cost(pairs_without)
    return Reductions(p_with, p_without, m_with, m_without)


_CLAIM_NETWORKS = ("LeNet-5", "AlexNet", "ZF-Net", "VGG-16", "VGG-19", "GoogLeNet", "ResNet-50",
                   "ResNet-152", "DenseNet-121")


def _millions(n) -> str:
    return f"{n / 1e6:.1f}M"


def claims(table: Table) -> Table:
    """The post's closing summary, one claim per network (in English), next to evidence computed
    from ``table`` (what :func:`facts` returns, with at least the networks the claims name) and
    from the shape arithmetic, and a verdict."""
    if not isinstance(table, Table) or table.columns != FACT_COLUMNS:
        raise ValueError(
            "`table` must be the table facts() returns. "
            f"Received: {type(table).__name__}"
        )

    def get(label, column):
        return _fact(table, label, column)

    def params(label):
        return get(label, "params")

    def macs(label):
        return get(label, "MACs x10^9")

    rows = []
    rows.append([
        "LeNet", "the first convolutional network applied successfully to handwritten characters",
        f"LeNet-5: {get('LeNet-5', 'depth (counted)')} layers with weights, "
        f"{params('LeNet-5'):,} parameters, {macs('LeNet-5') * 1e3:.2f} x10^6 MACs on a 32x32 "
        "digit (notebook 1 trains it)",
        "history, not measurable here; LeCun et al.'s zip-code network (Neural Computation, 1989) "
        "came first, LeNet-5 (1998) refined it",
    ])
    alexnet_dense = (dense_params(6 * 6 * 256, 4096) + dense_params(4096, 4096)
                     + dense_params(4096, 1000))
    rows.append([
        "AlexNet", "showed how powerful convolutional networks are and started the boom",
        f"{_millions(params('AlexNet'))} parameters, {macs('AlexNet'):.2f} x10^9 MACs; "
        f"its three dense layers hold {alexnet_dense / params('AlexNet'):.0%} of the parameters",
        "history: the paper's ILSVRC-2012 top-5 error was 15.3% against 26.2% for the next entry",
    ])
    rows.append([
        "ZF-Net", "showed through visualization what each layer does",
        f"conv1 7x7/2 instead of AlexNet's 11x11/4 (a change the visualizations suggested): "
        f"{macs('ZF-Net') / macs('AlexNet'):.1f}x AlexNet's MACs for "
        f"{params('ZF-Net') / params('AlexNet'):.2f}x its parameters",
        "history and method: notebook 3 rebuilds the deconvnet and looks inside a trained ZF-Net",
    ])
    field_size = receptive_fields([(3, 1)] * 3)[-1].size
    c = 512
    stack, single = 3 * conv2d_params(3, c, c), conv2d_params(field_size, c, c)
    vgg_dense = dense_params(7 * 7 * 512, 4096) + dense_params(4096, 4096) + dense_params(4096,
                                                                                           1000)
    rows.append([
        "VGG", "stacked small kernels replace a large one: a stack of 3x3 convolutions equals one "
        "large convolution, is more discriminative and has fewer parameters",
        f"three 3x3 convolutions see {field_size}x{field_size} pixels, like one {field_size}x"
        f"{field_size}; on {c} maps they have {stack:,} parameters against {single:,} "
        f"({1 - stack / single:.0%} fewer) and 3 ReLUs against 1",
        f"true for the field and the parameters; 'equals' is too strong (a 3x3 stack is a "
        f"narrower family of functions); and VGG-16 still has {_millions(params('VGG-16'))} "
        f"parameters, {vgg_dense / params('VGG-16'):.0%} of them in its dense layers",
    ])
    red = inception_reductions("3a")
    rows.append([
        "GoogLeNet", "made the network wider: convolutions of several sizes side by side, their "
        "outputs joined; 1x1 convolutions reduce the dimensions and the parameters",
        f"{get('GoogLeNet', 'depth (counted)')} layers deep against AlexNet's "
        f"{get('AlexNet', 'depth (counted)')}, with {_millions(params('GoogLeNet'))} parameters "
        f"against {_millions(params('AlexNet'))}; in inception 3a the 1x1 reductions cut the "
        f"3x3 and 5x5 branches from {red.without_params:,} to {red.with_params:,} parameters "
        f"({red.without_params / red.with_params:.1f}x) and from "
        f"{red.without_macs / 1e6:.0f} to {red.with_macs / 1e6:.0f} x10^6 MACs",
        f"true; most of the saving against AlexNet comes from the head, though (global average "
        f"pooling instead of dense layers), and GoogLeNet needs "
        f"{macs('GoogLeNet') / macs('AlexNet'):.1f}x AlexNet's MACs",
    ])
    rows.append([
        "ResNet", "solved the degradation problem, so networks can be deeper",
        f"ResNet-152 is {get('ResNet-152', 'depth (counted)')} layers deep against VGG-19's "
        f"{get('VGG-19', 'depth (counted)')}, with {macs('ResNet-152'):.1f} against "
        f"{macs('VGG-19'):.1f} x10^9 MACs and {_millions(params('ResNet-152'))} against "
        f"{_millions(params('VGG-19'))} parameters",
        "true for depth (notebook 6 trains a plain and a residual 56-layer network); 'solved' is "
        "strong: the paper's 1,202-layer CIFAR-10 network tests worse than its 110-layer one",
    ])
    rows.append([
        "DenseNet", "(not in the post's summary, though its last section teaches it)",
        f"DenseNet-121: {get('DenseNet-121', 'depth (counted)')} layers, "
        f"{_millions(params('DenseNet-121'))} parameters "
        f"({params('DenseNet-121') / params('ResNet-50'):.2f}x ResNet-50's), "
        f"{macs('DenseNet-121'):.2f} against {macs('ResNet-50'):.2f} x10^9 MACs, but "
        f"{get('DenseNet-121', 'activations MiB'):.0f} against "
        f"{get('ResNet-50', 'activations MiB'):.0f} MiB of activations per image",
        "left out: reusing every earlier map of a block makes DenseNet the most "
        "parameter-efficient network here, and concatenations make it memory-hungry",
    ])
    return Table(["network", "the post's summary says", "computed evidence", "verdict"], rows,
                 title="The post's closing summary, checked")


def post_departures() -> Table:
    """How many ways the post's code departs from each paper (:data:`source.DEPARTURES`)."""
    rows = [[name, len(found), "; ".join(d.aspect for d in found)]
            for name, found in source.DEPARTURES.items()]
    rows.append(["all", sum(len(found) for found in source.DEPARTURES.values()), ""])
    return Table(["the post's network", "departures", "aspects"], rows,
                 title="The post's code against the papers (classic.models.source)")
