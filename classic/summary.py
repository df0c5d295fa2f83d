"""The course's closing comparison: every network's facts, what each paper reports, and the post's
closing summary checked against computed numbers.

* :data:`PAPERS` holds each network's paper (venue and year, the depth it states, its input size),
  written once; :func:`facts` builds every network at its paper's input size and measures it
  (:func:`depth`, parameters, MACs and activation memory with :mod:`classic.shapes`).
* :func:`depth` counts the layers with weights on the deepest path from the input to the output,
  which is how the papers count depth (VGG-16's 16, ResNet-50's 50, GoogLeNet's 22, DenseNet-121's
  121); :func:`weight_layers` counts them all, branches and shortcuts included.
* :data:`REPORTED` is each family's own number as its paper reports it, and :func:`reported`
  sets the course's small versions (the experiment ``families``) beside them.
* :func:`claims` sets each sentence of the post's closing summary next to evidence computed from
  :func:`facts` and the shape arithmetic; :func:`post_departures` counts the post's code departures
  per network (:data:`classic.models.source.DEPARTURES`).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass

import keras

from classic import models
from classic.experiments import mean_sd
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
    "REPORTED",
    "Measures",
    "Paper",
    "Reported",
    "claims",
    "depth",
    "depth_notes",
    "facts",
    "inception_reductions",
    "is_weight_layer",
    "measure",
    "post_departures",
    "reported",
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
        "side by side; the course's builder splits the five convolutions into the towers, so "
        "each counts once on the path but twice in all (13 = 2 x 5 + 3 weight layers; the "
        "paper's Figure 2 also splits the dense layers across the two GPUs)",
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
    trainable_params: int
    macs: int
    activation_bytes: int  # float32, what the backward pass reads (classic.shapes.totals' rule)


def measure(model) -> Measures:
    """Depth, weight layers, parameters, MACs and activation bytes of one image, from the model."""
    _check_model(model)
    total = totals(model)
    return Measures(depth(model), weight_layers(model), total.params, total.trainable_params,
                    total.macs, total.activation_bytes)


# --------------------------------------------------------------------------- the table of facts
FACT_COLUMNS = ["network", "venue", "year", "input", "depth (paper)", "depth (counted)",
                "weight layers", "params", "trainable", "MACs x10^9", "activations MiB"]
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
                     m.depth, m.weight_layers, m.params, m.trainable_params, m.macs / 1e9,
                     m.activation_bytes / _MIB])
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


# --------------------------------------------------------------------------- what papers report
@dataclass(frozen=True)
class Reported:
    """What one family's paper reports for the network closest to the course's small version.

    ``arm`` names that small version in the experiment ``families`` (classic.experiments)."""

    arm: str
    network: str
    data: str
    measure: str
    error: float  # percent
    source: str


_ILSVRC = "ImageNet (ILSVRC-2012), 1.2M images"
REPORTED: tuple[Reported, ...] = (
    Reported("LeNet-5", "LeNet-5", "MNIST, 60,000 training images", "test error", 0.95,
             "LeCun et al. 1998, Section III"),
    Reported("AlexNet/4", "AlexNet, one network", _ILSVRC,
             "top-5 validation error, 10 crops", 18.2, "Krizhevsky et al. 2012, Table 2"),
    Reported("ZF-Net/4", "ZF-Net, one network", _ILSVRC,
             "top-5 validation error, 10 crops", 16.5, "Zeiler and Fergus 2014, Table 2"),
    Reported("VGG-11/4 (BN)", "VGG-11 (A), no batch normalization", _ILSVRC,
             "top-5 validation error, one scale", 10.4, "Simonyan and Zisserman 2015, Table 3"),
    Reported("GoogLeNet/4 (BN)", "GoogLeNet, one network", _ILSVRC,
             "top-5 validation error, one crop", 10.07, "Szegedy et al. 2015, Table 3"),
    Reported("ResNet-20/2", "ResNet-20 (full width)", "CIFAR-10, 50,000 images, shifts and mirrors",
             "test error", 8.75, "He et al. 2016, Table 6"),
    Reported("DenseNet-BC (L=22)", "DenseNet-BC (L=100, k=12)",
             "CIFAR-10, 50,000 images, shifts and mirrors", "test error", 4.51,
             "Huang et al. 2017, Table 2"),
)


def reported(results=None) -> Table:
    """Each family's own number, as its paper reports it, on its own data; with ``results`` (the
    stored or live :class:`classic.experiments.Results` of the experiment ``families``), the
    course's small version's test error beside it (mean ± sd over seeds; 10 classes, top-1).

    The papers' numbers are not comparable with one another (other data, top-5 against top-1,
    other budgets): each shows what its paper claimed over the networks before it."""
    columns = ["small version", "the paper's network", "data", "measure", "error %", "source"]
    if results is not None:
        columns.append("here: test error % (mean ± sd)")
    rows = []
    for r in REPORTED:
        row = [r.arm, r.network, r.data, r.measure, r.error, r.source]
        if results is not None:
            row.append(mean_sd([100.0 - v for v in results.values(r.arm)]))
        rows.append(row)
    title = "What each paper reports"
    if results is not None:
        setting = results.experiment.setting(results.profile)
        title += (f", next to this course's small versions ({setting.data}, {setting.steps:,} "
                  f"optimizer steps, {results.profile} profile)")
    return Table(columns, rows, title=title)


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


def _one_tower_macs(alexnet_macs: float) -> tuple[float, float]:
    """AlexNet's MACs in one tower, as ZF-Net is, and what ZF-Net's 7x7/2 conv1 adds to them.
    AlexNet's conv2, conv4 and conv5 read only their own tower's half of the maps (groups=2);
    in one tower each reads all of them: their MACs double."""
    grouped = (conv2d_macs(27, 5, 96, 256, groups=2) + conv2d_macs(13, 3, 384, 384, 2)
               + conv2d_macs(13, 3, 384, 256, groups=2))
    return alexnet_macs + grouped, conv2d_macs(110, 7, 3, 96) - conv2d_macs(55, 11, 3, 96)


def _three_by_three_stack(c: int = 512):
    """VGG's argument on ``c`` maps: the field of three 3x3 convolutions, the stack's parameters
    against one convolution of that field, and VGG-16's dense layers' parameters."""
    field_size = receptive_fields([(3, 1)] * 3)[-1].size
    stack, single = 3 * conv2d_params(3, c, c), conv2d_params(field_size, c, c)
    dense = dense_params(7 * 7 * 512, 4096) + dense_params(4096, 4096) + dense_params(4096, 1000)
    return field_size, c, stack, single, dense


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

    def params(label):  # trainable: the papers count no batch-normalization statistics
        return get(label, "trainable")

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
    one_tower, conv1_extra = _one_tower_macs(macs("AlexNet") * 1e9)
    rows.append([
        "ZF-Net", "showed through visualization what each layer does",
        f"{macs('ZF-Net') / macs('AlexNet'):.1f}x AlexNet's MACs for "
        f"{params('ZF-Net') / params('AlexNet'):.2f}x its parameters, mostly from being one "
        f"tower: AlexNet in one tower needs {one_tower / 1e9:.2f} x10^9 MACs "
        f"({one_tower / 1e9 / macs('AlexNet'):.2f}x); conv1 7x7/2 instead of 11x11/4 (the "
        f"change the visualizations suggested) adds {conv1_extra / 1e6:.0f} x10^6",
        "history and method: notebook 3 rebuilds the deconvnet and looks inside a trained ZF-Net",
    ])
    field_size, c, stack, single, vgg_dense = _three_by_three_stack()
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
        "true for depth (notebook 6 trains plain and residual 20- and 56-layer networks); "
        "'solved' is strong: the paper's 1,202-layer CIFAR-10 network tests worse than its "
        "110-layer one (7.93% against 6.43%), which the paper puts down to overfitting (19.4M "
        "parameters for a small data set; both train to similar errors), not to degradation",
    ])
    rows.append([
        "DenseNet", "(not in the post's summary, though its last section teaches it)",
        f"DenseNet-121: {get('DenseNet-121', 'depth (counted)')} layers, "
        f"{_millions(get('DenseNet-121', 'trainable'))} trainable parameters against "
        f"ResNet-50's {_millions(get('ResNet-50', 'trainable'))}, "
        f"{macs('DenseNet-121'):.2f} against {macs('ResNet-50'):.2f} x10^9 MACs, but "
        f"{get('DenseNet-121', 'activations MiB'):.0f} against "
        f"{get('ResNet-50', 'activations MiB'):.0f} MiB of activations per image",
        "left out: reusing every earlier map of a block gives DenseNet-121 a third of "
        "ResNet-50's parameters and fewer MACs, and the wide inputs its layers read make it keep "
        "more activations than a ResNet of three times its parameters",
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
