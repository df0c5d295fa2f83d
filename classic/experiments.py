"""A paper's claim as an experiment: arms that differ in one thing, one step budget, several seeds.

An :class:`Experiment` is data: the claim (one sentence and where the paper makes it), the
paper's own number, the arms (a builder and its options each; the first arm is the baseline
every other arm is compared with), and per profile a :class:`Setting` (data, input size,
epochs, batch, learning rate, seeds) that every arm shares. :func:`run` trains every arm for
every seed with :func:`classic.train.fit` and writes ``results/<profile>/<name>.json`` after
each arm-seed, atomically, so a killed run continues where it stopped. :func:`load` reads a
stored result; its :meth:`Results.summary`, :meth:`Results.comparisons` and
:meth:`Results.plot` are what a notebook shows. From the shell::

    python -m classic.experiments list
    python -m classic.experiments run lenet5 --profile cpu
    python -m classic.experiments show lenet5
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import importlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classic.tables import Table

__all__ = [
    "EXPERIMENTS",
    "Arm",
    "Experiment",
    "Paper",
    "Results",
    "Setting",
    "get",
    "load",
    "mean_sd",
    "names",
    "results_dir",
    "run",
]

_SETTING_ORDER = ("gpu", "cpu", "ci")
"""Settings from the largest down: a live run short of data falls back along this order."""

RESULTS = Path(__file__).resolve().parent.parent / "results"
"""Where reference results live in a checkout: results/<profile>/<experiment>.json."""

MIN_SEEDS = 3


# --------------------------------------------------------------------------- definitions


@dataclasses.dataclass(frozen=True)
class Setting:
    """What every arm of an experiment shares in one profile: data, input, budget, seeds.

    ``limit`` training images are taken from the data set (a seeded shuffle that does not
    change with the training seed), ``validation`` of them held out; the rest are trained on
    for ``epochs`` passes of ``batch_size``, so the optimizer-step budget is fixed before any
    data is loaded. Adam with a cosine decay from ``learning_rate`` (``classic.train.fit``'s
    default) for every arm. ``options`` go to every arm's builder (``width`` of the narrow
    networks). ``image_size`` is the network's input; images stay uint8 at their native size on
    the host and are padded or resized inside the model.
    """

    data: str
    image_size: int
    channels: int
    epochs: int
    seeds: tuple[int, ...] = (0, 1, 2)
    limit: int = 10_000
    validation: float = 0.1
    batch_size: int = 128
    learning_rate: float = 1e-3
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def train_images(self) -> int:
        """Images trained on: ``limit`` less the validation part (as classic.data splits it)."""
        held = int(round(self.validation * self.limit))
        return self.limit - (max(held, 1) if self.validation > 0 else 0)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.train_images / self.batch_size)

    @property
    def steps(self) -> int:
        """The optimizer-step budget of every arm and seed."""
        return self.epochs * self.steps_per_epoch


@dataclasses.dataclass(frozen=True)
class Arm:
    """One arm: a builder (a name of ``classic.models.build`` or ``module:function``) and its
    options. ``augment`` adds AlexNet-style augmentation in front of the network: the images are
    enlarged by ``augment`` (the paper: 256 / 224) and a random crop of the network's input size
    is taken, mirrored at random, in training; the central crop in testing.

    ``init_from`` names an earlier arm of the same experiment (the donor): this arm's network
    starts from the donor's trained weights (same seed) in the layers ``init_layers``, and
    from random weights elsewhere, as VGG's deep nets started from net A (Section 3.1).

    ``loss_weights`` (one per output) for a network with several outputs, as GoogLeNet's
    auxiliary classifiers: the first output is the one measured.

    ``image_size`` is this arm's input side where its architecture needs another than the
    setting's (AlexNet's 67 pixels beside networks that take CIFAR-10's 32): the same images,
    enlarged inside the model."""

    name: str
    builder: str
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    augment: float | None = None
    init_from: str | None = None
    init_layers: tuple[str, ...] = ()
    loss_weights: tuple[float, ...] | None = None
    image_size: int | None = None

    def input_size(self, setting: Setting) -> int:
        """The side of the network's input: the arm's own, else the setting's."""
        return self.image_size or setting.image_size


@dataclasses.dataclass(frozen=True)
class Paper:
    """The paper's own figure for the claim, where it says it, and its setting."""

    result: str
    citation: str
    setting: str


@dataclasses.dataclass(frozen=True)
class Variant:
    """What one profile trains instead of the experiment's own arms: the gpu profile's networks
    at full width, or the paper's own CIFAR version, with what then differs from the paper.
    A field left ``None`` keeps the experiment's own."""

    arms: tuple[Arm, ...] | None = None
    differs: str | None = None
    pairs: tuple[tuple[str, str], ...] | None = None
    live: tuple[str, ...] | None = None
    measure: str | None = None
    """``""``: no measure in this profile (one that means nothing with its data)."""


@dataclasses.dataclass(frozen=True)
class Experiment:
    """A claim tested by arms that differ in one thing; ``arms[0]`` is the baseline.

    ``metric`` is ``"test_accuracy"`` (percent, higher is better), ``"train_accuracy"`` (the
    last epoch's training accuracy in percent, for claims about optimization such as
    degradation) or ``"steps_to_train_error"`` (optimizer steps until the training error first
    falls to ``target_train_error``, lower is better; a seed that never gets there counts as not
    reached).

    ``pairs`` lists the comparisons to make, as (arm, reference arm); by default every arm is
    compared with the baseline, ``arms[0]``.
    """

    name: str
    notebook: str
    claim: str
    paper: Paper
    differs: str
    arms: tuple[Arm, ...]
    settings: Mapping[str, Setting]
    metric: str = "test_accuracy"
    target_train_error: float | None = None
    measure: str | None = None
    """``module:function(model, data) -> dict`` of fractions measured on each trained model
    (preprocessing and network) with the raw data set it trained on."""
    pairs: tuple[tuple[str, str], ...] = ()
    live: tuple[str, ...] = ()
    """The arms a notebook trains live (``run(..., arms="live")``); default the baseline."""
    variants: Mapping[str, Variant] = dataclasses.field(default_factory=dict)
    """Per profile, other arms than ``arms`` (see :class:`Variant`); :meth:`in_profile`."""
    base: Experiment | None = dataclasses.field(default=None, repr=False, compare=False)
    """The experiment as defined, when this is its :meth:`in_profile` view."""
    view_of: str | None = dataclasses.field(default=None, repr=False, compare=False)
    """The profile whose view this is (``None``: the experiment as defined)."""

    def in_profile(self, profile: str) -> Experiment:
        """The experiment as ``profile`` trains it: its :class:`Variant` there, if it has one."""
        defined = self.base or self
        defined.setting(profile)  # an unknown profile gets its error here
        variant = defined.variants.get(profile)
        if variant is None:
            return defined
        if self.view_of == profile:
            return self
        changes = {k: v for k, v in dataclasses.asdict(variant).items() if v is not None}
        if variant.arms is not None:  # asdict turns the arms into dicts
            changes["arms"] = variant.arms
        return dataclasses.replace(defined, **changes, base=defined, view_of=profile)

    def live_arms(self) -> tuple[str, ...]:
        """The arms a notebook trains live: ``live``, else the baseline."""
        return self.live or (self.arms[0].name,)

    def comparison_pairs(self) -> tuple[tuple[str, str], ...]:
        """(arm, reference) of every comparison: ``pairs``, or each arm against the baseline."""
        if self.pairs:
            return tuple((self.arm(a).name, self.arm(b).name) for a, b in self.pairs)
        return tuple((arm.name, self.arms[0].name) for arm in self.arms[1:])

    def setting(self, profile: str) -> Setting:
        """The setting of ``profile``."""
        if profile in self.settings:
            return self.settings[profile]
        raise ValueError(
            f"profile: experiment {self.name!r} is defined for {', '.join(self.settings)}. "
            f"Received: profile={profile!r}"
        )

    def arm(self, name: str) -> Arm:
        for arm in self.arms:
            if arm.name == name:
                return arm
        known = ", ".join(repr(a.name) for a in self.arms)
        raise ValueError(f"arm: {self.name} has the arms {known}. Received: arm={name!r}")

    def definition(self, profile: str, trained_in: str | None = None) -> dict:
        """Everything that decides the numbers of one profile's run, as plain data.

        The seeds are left out: adding a seed extends a stored result instead of voiding it.
        ``trained_in``: the profile whose precision and compilation trained ``profile``'s
        setting, when another (the gpu check runs the cpu setting on a GPU).
        """
        if (view := self.in_profile(profile)) is not self:
            return view.definition(profile, trained_in)
        setting = dataclasses.asdict(self.setting(profile))
        setting.pop("seeds")
        arms = [
            {k: v for k, v in dataclasses.asdict(arm).items()
             if k not in ("init_from", "init_layers", "loss_weights", "image_size") or v}
            # unused options are left out, so that adding one does not void stored results
            for arm in self.arms
        ]
        definition = {
            "name": self.name,
            "metric": self.metric,
            "target_train_error": self.target_train_error,
            "arms": arms,
            "setting": setting,
            "profile": profile,
        }
        if self.measure:
            definition["measure"] = self.measure
        if trained_in not in (None, profile):
            definition["trained_in"] = trained_in
        return _plain(definition)

    def fingerprint(self, profile: str, trained_in: str | None = None) -> str:
        """A hash of :meth:`definition`: a stored result made by another definition is stale."""
        text = json.dumps(self.definition(profile, trained_in), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def table(self, profile: str, seeds: Sequence[int] | None = None) -> Table:
        """The arms and their shared budget, as a notebook shows them (``seeds``: the seeds
        being run, if not the setting's)."""
        if (view := self.in_profile(profile)) is not self:
            return view.table(profile, seeds)
        s = self.setting(profile)
        seeds = s.seeds if seeds is None else seeds
        shared = ", ".join(f"{k}={v!r}" for k, v in s.options.items())
        rows = []
        for arm in self.arms:
            options = ", ".join(f"{k}={v!r}" for k, v in arm.options.items())
            if arm.augment:
                options = ", ".join(filter(None, [options, "random crops + mirrors"]))
            if arm.init_from:
                options = ", ".join(filter(None, [
                    options, f"{', '.join(arm.init_layers)} start from {arm.init_from!r} "
                    "trained with the same seed (its steps come on top)"]))
            if arm.image_size:
                options = ", ".join(filter(None, [
                    options, f"input {arm.image_size}x{arm.image_size}"]))
            rows.append([arm.name, arm.builder.split(":")[-1], options or "(defaults)"])
        title = (
            f"{self.name} ({profile}): {s.data}, {s.train_images:,} training images at "
            f"{s.image_size}x{s.image_size}"
            + (" (or the arm's input)" if any(a.image_size for a in self.arms) else "")
            + f", {s.epochs} epoch{'s' if s.epochs > 1 else ''} "
            f"of batch {s.batch_size} = "
            f"{s.steps:,} optimizer steps per arm, Adam with cosine decay from "
            f"{s.learning_rate:g}, seed{'s' if len(seeds) > 1 else ''} "
            f"{', '.join(map(str, seeds))}"
            + (f"; every arm: {shared}" if shared else "")
        )
        return Table(["arm", "builder", "options"], rows, title=title)


def _plain(value):
    """Tuples to lists and mappings to dicts, so that a definition hashes as its JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ------------------------------------------------------------------ the course's experiments

_MNIST_CPU = dict(data="mnist", image_size=32, channels=1, limit=8_000, epochs=20,
                  learning_rate=2e-3)
_DIGITS_CI = dict(data="digits", limit=300, epochs=1, batch_size=64)  # seconds: checks cells run
_CIFAR_CPU = dict(data="cifar10", channels=3, limit=10_000)
# The gpu profile: the whole training set keras.datasets gives (a tenth held out for validation,
# so 45,000 CIFAR-10 images, the split the ResNet paper chose its schedule on), networks at full
# width, and epochs chosen so that a notebook's live run takes at most about ten minutes on a T4
# (classic.budget); where a paper's own epoch count fits in that, it is that count.
_MNIST_GPU = dict(data="mnist", image_size=32, channels=1, limit=60_000, learning_rate=2e-3)
_CIFAR_GPU = dict(data="cifar10", channels=3, limit=50_000)

EXPERIMENTS: dict[str, Experiment] = {}


def _register(experiment: Experiment) -> None:
    EXPERIMENTS[experiment.name] = experiment


_register(
    Experiment(
        name="lenet5",
        notebook="01_lenet",
        claim=(
            "LeNet-5's design choices described in Section II.B, Table I's sparse C3 and the "
            "scaled tanh with trainable subsampling, each tested here against the alternative "
            "that later replaced it (the paper reports no such comparison)."
        ),
        paper=Paper(
            result="0.95% test error (LeNet-5, Table I's C3, no distortions)",
            citation="LeCun et al., Proc. IEEE 1998, Section III.B",
            setting=(
                "60,000 MNIST training images for 20 passes, tested on MNIST's 10,000 test "
                "images, stochastic diagonal Levenberg-Marquardt, RBF output"
            ),
        ),
        differs=(
            "MNIST's 10,000 official test images as the whole data set, split 7,200 training / "
            "800 validation / 2,000 test; 20 epochs of Adam with a cosine decay; a softmax output"
        ),
        arms=(
            Arm("paper: sparse C3, tanh, subsampling", "lenet5"),
            Arm("full C3", "lenet5", {"c3_table": False}),
            Arm("ReLU + max pooling", "lenet5", {"variant": "modern", "c3_table": True}),
        ),
        settings={
            "cpu": Setting(**_MNIST_CPU, seeds=(0, 1, 2, 3, 4)),
            "ci": Setting(**_DIGITS_CI, image_size=32, channels=1),
            "gpu": Setting(**_MNIST_GPU, epochs=15, seeds=(0, 1, 2, 3, 4)),
        },
        measure="classic.experiments:validation_by_position",
        live=("paper: sparse C3, tanh, subsampling", "full C3", "ReLU + max pooling"),
        variants={"gpu": Variant(differs=(
            "MNIST's 60,000 training images split 54,000 training / 6,000 validation, tested on "
            "its 10,000 test images; 15 epochs instead of 20 passes, of Adam with a cosine decay "
            "instead of stochastic diagonal Levenberg-Marquardt; a softmax output"
        ), measure="")},  # validation by file position means something only in the test set
    )
)

_ALEXNET_CPU = Setting(**_CIFAR_CPU, image_size=67, epochs=12, options={"width": 0.25})
_ALEXNET_CI = Setting(**_DIGITS_CI, image_size=67, channels=3, options={"width": 0.25})
_ALEXNET_GPU = Setting(**_CIFAR_GPU, image_size=67, epochs=90)
_ZFNET_GPU = Setting(**_CIFAR_GPU, image_size=67, epochs=70)
_ALEXNET_ARM = "alexnet"
_ALEXNET_WHAT = (
    "CIFAR-10 copy (9,000 training images of 32x32, enlarged to 77x77 and cropped to 67x67) "
    "instead of 1.2 million ImageNet images at 224; widths / 4; 12 epochs instead of 90; "
    "Adam instead of SGD with momentum and weight decay"
)
_ALEXNET_WHAT_GPU = (
    "CIFAR-10 (45,000 training images of 32x32, enlarged to 77x77 and cropped to 67x67) "
    "instead of 1.2 million ImageNet images at 224; as many epochs as the paper (90), so under "
    "4% of the images it saw; Adam instead of SGD with momentum and weight decay"
)

_register(
    Experiment(
        name="alexnet_relu_figure1",
        notebook="02_alexnet",
        claim=(
            "A four-layer convolutional network with ReLUs reaches 25% training error on "
            "CIFAR-10 six times faster than the same network with tanh units (Section 3.1, "
            "Figure 1)."
        ),
        paper=Paper(
            result="ReLU reaches 25% training error about 6x sooner than tanh",
            citation="Krizhevsky et al., NeurIPS 2012, Section 3.1 and Figure 1",
            setting=(
                "full CIFAR-10 (50,000 images), learning rates tuned separately for each "
                "network, no regularization, SGD"
            ),
        ),
        differs=(
            "9,000 images of the CIFAR-10 copy, the same Adam learning rate for both arms "
            "(the paper tuned each), training error read once an epoch"
        ),
        arms=(
            Arm("ReLU", "classic.models.alexnet:four_layer_cnn", {"activation": "relu"}),
            Arm("tanh", "classic.models.alexnet:four_layer_cnn", {"activation": "tanh"}),
        ),
        settings={
            "cpu": Setting(**_CIFAR_CPU, image_size=32, epochs=20, batch_size=64,
                           seeds=(0, 1, 2, 3, 4)),
            "ci": Setting(**_DIGITS_CI, image_size=32, channels=3),
            "gpu": Setting(**_CIFAR_GPU, image_size=32, epochs=35, batch_size=64,
                           seeds=(0, 1, 2, 3, 4)),
        },
        metric="steps_to_train_error",
        target_train_error=0.25,
        variants={"gpu": Variant(differs=(
            "45,000 of CIFAR-10's 50,000 training images (5,000 held out), the same Adam "
            "learning rate for both arms (the paper tuned each), training error read once an "
            "epoch, 35 epochs (the length of Figure 1's axis)"
        ))},
    )
)

_register(
    Experiment(
        name="alexnet_ablations",
        notebook="02_alexnet",
        claim=(
            "Each of AlexNet's ingredients helps: ReLU (Section 3.1), local response "
            "normalization (3.3), overlapping pooling (3.4), augmentation (4.1) and dropout (4.2)."
        ),
        paper=Paper(
            result=(
                "LRN: 1.4 points less top-1 error; overlapping pooling: 0.4; without "
                "augmentation 'substantial overfitting'; without dropout 'substantial "
                "overfitting'"
            ),
            citation="Krizhevsky et al., NeurIPS 2012, Sections 3.3, 3.4, 4.1 and 4.2",
            setting="ImageNet, 1.2 million images at 224x224, 90 epochs, two GPUs",
        ),
        differs=_ALEXNET_WHAT,
        arms=(
            Arm("AlexNet (all of the paper's choices)", _ALEXNET_ARM, augment=256 / 224),
            Arm("tanh instead of ReLU", _ALEXNET_ARM, {"activation": "tanh"}, augment=256 / 224),
            Arm("no LRN", _ALEXNET_ARM, {"lrn": False}, augment=256 / 224),
            Arm("2x2/2 pooling", _ALEXNET_ARM, {"pool": (2, 2)}, augment=256 / 224),
            Arm("no dropout", _ALEXNET_ARM, {"dropout": 0.0}, augment=256 / 224),
            Arm("no augmentation", _ALEXNET_ARM),
        ),
        settings={"cpu": _ALEXNET_CPU, "ci": _ALEXNET_CI, "gpu": _ALEXNET_GPU},
        live=("AlexNet (all of the paper's choices)",),
        variants={"gpu": Variant(differs=_ALEXNET_WHAT_GPU)},
    )
)

_register(
    Experiment(
        name="zfnet_vs_alexnet",
        notebook="03_zfnet",
        claim=(
            "ZF-Net's smaller, denser first layers (7x7/2 instead of 11x11/4, conv2 at stride 2) "
            "beat the AlexNet they were derived from, and its first-layer filters are healthier: "
            "fewer dead, fewer extreme frequencies (Section 4.1, Figure 6, Table 2)."
        ),
        paper=Paper(
            result=(
                "38.4% top-1 / 16.5% top-5 validation error against 40.5% / 18.1% for the "
                "authors' replication of AlexNet"
            ),
            citation="Zeiler and Fergus, ECCV 2014, Table 2 and Figure 6",
            setting="ImageNet 2012, 1.3 million images at 224x224, 70 epochs, one GPU",
        ),
        differs=_ALEXNET_WHAT.replace("12 epochs instead of 90", "12 epochs instead of 70")
        + "; both networks at 67x67, the input AlexNet needs",
        arms=(
            Arm("AlexNet, one tower", _ALEXNET_ARM, {"groups": 1}, augment=256 / 224),
            Arm("ZF-Net", "zfnet", augment=256 / 224),
        ),
        settings={"cpu": _ALEXNET_CPU, "ci": _ALEXNET_CI, "gpu": _ZFNET_GPU},
        measure="classic.experiments:first_layer_filters",
        live=("ZF-Net",),
        variants={"gpu": Variant(differs=_ALEXNET_WHAT_GPU.replace(
            "1.2 million", "1.3 million").replace("(90)", "(70)")
            + "; both networks at 67x67, the input AlexNet needs")},
    )
)

_VGG_CPU = Setting(**_CIFAR_CPU, image_size=32, epochs=8, options={"width": 0.25})
_VGG_CI = Setting(**_DIGITS_CI, image_size=32, channels=3, options={"width": 0.25})
_VGG_WHAT = (
    "CIFAR-10 copy (9,000 training images at 32x32) instead of ImageNet at 224; widths / 4; "
    "8 epochs instead of 74; Adam instead of SGD with momentum; no scale jittering"
)
_VGG_GPU = Setting(**_CIFAR_GPU, image_size=32, epochs=74)
_VGG_WHAT_GPU = (
    "CIFAR-10 (45,000 training images at 32x32) instead of 1.3 million ImageNet images at 224; "
    "as many epochs as the paper (74), so under 4% of the images it saw; Adam instead of SGD with "
    "momentum; no scale jittering"
)
_VGG = "classic.models.vgg:vgg"
_VGG_BN = ("; batch normalization (momentum 0.9) in every arm, so that depth alone differs and "
           "the deep plain nets start")
_VGG_PLAIN = "; no batch normalization (the plain nets of the paper)"

_register(
    Experiment(
        name="vgg_depth",
        notebook="04_vgg",
        claim=(
            "Error falls as depth grows from 11 to 16 weight layers and saturates at 19 "
            "(Section 4.1, Table 3)."
        ),
        paper=Paper(
            result="top-1 validation error A 29.6%, B 28.7%, D 27.0%, E 27.3% (single scale)",
            citation="Simonyan and Zisserman, ICLR 2015, Table 3",
            setting="ImageNet, 224x224 crops of images rescaled to 256, SGD, 74 epochs",
        ),
        differs=_VGG_WHAT + _VGG_BN,
        arms=tuple(
            Arm(f"{c} ({n} layers)", _VGG, {"config": c, "batch_norm": True, "bn_momentum": 0.9})
            for c, n in (("A", 11), ("B", 13), ("D", 16), ("E", 19))
        ),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        live=("A (11 layers)",),
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU + _VGG_BN)},
    )
)

_register(
    Experiment(
        name="vgg_lrn",
        notebook="04_vgg",
        claim="Local response normalization does not improve net A (Section 4.1, Table 3).",
        paper=Paper(
            result="top-1 validation error A 29.6%, A-LRN 29.7%",
            citation="Simonyan and Zisserman, ICLR 2015, Table 3",
            setting="ImageNet, 224x224 crops, SGD, 74 epochs",
        ),
        differs=_VGG_WHAT,
        arms=(Arm("A", _VGG, {"config": "A"}), Arm("A-LRN", _VGG, {"config": "A-LRN"})),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU)},
    )
)

_A_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block3_conv2", "fc1", "fc2",
             "predictions")

_register(
    Experiment(
        name="vgg_init",
        notebook="04_vgg",
        claim=(
            "A plain 16-layer net is hard to start from random weights: the paper initialized "
            "it from a trained net A (Section 3.1); Glorot's and He's initializations are the "
            "alternatives."
        ),
        paper=Paper(
            result=(
                "no figure: 'bad initialisation can stall learning'; the paper copied A's first "
                "four convolutional and three fully connected layers into D, and notes after "
                "submission that Glorot's initialization works without pre-training"
            ),
            citation="Simonyan and Zisserman, ICLR 2015, Section 3.1",
            setting="ImageNet, SGD with momentum, learning rate 0.01",
        ),
        differs=_VGG_WHAT + _VGG_PLAIN,
        arms=(
            Arm("D, Glorot (Keras' default)", _VGG, {"config": "D"}),
            Arm("D, He", _VGG, {"config": "D", "kernel_initializer": "he_normal"}),
            Arm("D, the post's 'uniform'", _VGG, {"config": "D", "kernel_initializer": "uniform"}),
            Arm("A (the donor)", _VGG, {"config": "A"}),
            Arm("D from trained A", _VGG, {"config": "D"}, init_from="A (the donor)",
                init_layers=_A_LAYERS),
        ),
        settings={"cpu": _VGG_CPU, "ci": _VGG_CI, "gpu": _VGG_GPU},
        variants={"gpu": Variant(differs=_VGG_WHAT_GPU + _VGG_PLAIN)},
    )
)

_GOOGLENET = "classic.models.inception:googlenet"
_GOOGLENET_CPU = Setting(**_CIFAR_CPU, image_size=65, epochs=6, options={
    "width": 0.25, "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_CI = Setting(**_DIGITS_CI, image_size=65, channels=3, options={
    "width": 0.25, "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_GPU = Setting(**_CIFAR_GPU, image_size=65, epochs=6, options={
    "batch_norm": True, "bn_momentum": 0.9, "lrn": False})
_GOOGLENET_WHAT = (
    "CIFAR-10 copy (9,000 training images of 32x32, enlarged to 65x65, the smallest input the "
    "auxiliary classifiers fit) instead of ImageNet at 224; widths / 4; batch normalization "
    "(momentum 0.9) and no LRN, so that the narrow net trains in 6 epochs of Adam instead of "
    "asynchronous SGD with momentum 0.9 and Polyak averaging (the paper gives no epoch count)"
)
_GOOGLENET_WHAT_GPU = (
    _GOOGLENET_WHAT.replace("CIFAR-10 copy (9,000 training images", "CIFAR-10 (45,000 training "
                            "images").replace("; widths / 4", "").replace("so that the narrow net",
                                                                           "so that the net")
)
_AUX_HEADS = ("; the heads' 5x5/3 pool sees the 5x5 map of a 65x65 input and outputs 1x1: "
              "global-pooling heads, not the paper's 4x4")

_register(
    Experiment(
        name="googlenet_aux",
        notebook="05_googlenet",
        claim=(
            "The auxiliary classifiers on top of 4a and 4d help the training of the main "
            "classifier, but only a little ('a relatively minor effect')."
        ),
        paper=Paper(
            result=(
                "no table: later control experiments found 'a relatively minor effect (around "
                "0.5%)' (a sentence the arXiv v1 text does not have). The Inception-v3 paper "
                "(Szegedy et al., CVPR 2016, Section 4): training curves 'virtually identical' "
                "with and without the side heads until late in training, then slightly higher "
                "accuracy with them; it reads them as regularizers"
            ),
            citation="Szegedy et al., CVPR 2015, Section 5; CVPR 2016, Section 4",
            setting="ImageNet, 1.2 million images at 224x224, asynchronous SGD",
        ),
        differs=_GOOGLENET_WHAT + _AUX_HEADS,
        arms=(
            Arm("no auxiliary classifiers", _GOOGLENET),
            Arm("auxiliary classifiers (weight 0.3)", _GOOGLENET, {"aux_logits": True},
                loss_weights=(1.0, 0.3, 0.3)),
        ),
        settings={"cpu": _GOOGLENET_CPU, "ci": _GOOGLENET_CI, "gpu": _GOOGLENET_GPU},
        live=("auxiliary classifiers (weight 0.3)",),
        variants={"gpu": Variant(differs=_GOOGLENET_WHAT_GPU + _AUX_HEADS)},
    )
)

_register(
    Experiment(
        name="googlenet_reductions",
        notebook="05_googlenet",
        claim=(
            "The 1x1 reductions make the inception module affordable: without them the "
            "network's computation blows up within a few stages (Section 4, Figure 2). The "
            "paper rejects the naive module on cost and never trains it: what does it give "
            "for that cost?"
        ),
        paper=Paper(
            result="no training figure: the naive module is rejected on cost alone",
            citation="Szegedy et al., CVPR 2015, Section 4 and Figure 2",
            setting="(not trained in the paper)",
        ),
        differs=_GOOGLENET_WHAT.replace(", the smallest input the auxiliary classifiers fit",
                                        ", as in googlenet_aux"),
        arms=(
            Arm("reduced modules (Figure 2(b))", _GOOGLENET),
            Arm("naive modules (Figure 2(a))", _GOOGLENET, {"modules": "naive"}),
        ),
        settings={"cpu": _GOOGLENET_CPU, "ci": _GOOGLENET_CI, "gpu": _GOOGLENET_GPU},
        variants={"gpu": Variant(differs=_GOOGLENET_WHAT_GPU.replace(
            ", the smallest input the auxiliary classifiers fit", ", as in googlenet_aux"))},
    )
)

_RESNET = "classic.models.resnet:cifar_resnet"
_RESNET_CPU = Setting(**_CIFAR_CPU, image_size=32, epochs=8, options={
    "width": 0.5, "bn_momentum": 0.9})
_RESNET_CI = Setting(**_DIGITS_CI, image_size=32, channels=3, options={
    "width": 0.5, "bn_momentum": 0.9})
_RESNET_GPU = Setting(**_CIFAR_GPU, image_size=32, epochs=30, options={"bn_momentum": 0.9})
_RESNET_WHAT = (
    "CIFAR-10 copy (9,000 training images) instead of 45,000 with padding, crops and flips; "
    "widths 8, 16, 32 instead of 16, 32, 64; 568 optimizer steps of Adam with a cosine decay "
    "instead of 64,000 of SGD (momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by "
    "10 at 32k and 48k), less than 1% of the paper's budget"
)
_RESNET_WHAT_GPU = (
    "45,000 training images (the paper's split for choosing its schedule; its final runs "
    "trained on all 50,000), without its padding, crops and flips; "
    f"{_RESNET_GPU.steps:,} optimizer steps ({_RESNET_GPU.epochs} epochs of batch "
    f"{_RESNET_GPU.batch_size}) of Adam with a cosine decay instead of 64,000 of SGD (momentum "
    "0.9, weight decay 1e-4, learning rate 0.1 divided by 10 at 32k and 48k), "
    f"{_RESNET_GPU.steps / 64_000:.1%} of the paper's budget"
)

_register(
    Experiment(
        name="resnet_degradation",
        notebook="06_resnet",
        claim=(
            "Degradation: the deeper plain network has the higher training error (plain-56 "
            "above plain-20), and residual connections turn depth into lower error (ResNet-56 "
            "below ResNet-20) (Section 4.2, Figure 6)."
        ),
        paper=Paper(
            result=(
                "Figure 6: plain-56 has higher training and test error than plain-20 all "
                "through training; ResNet-56 ends below ResNet-20. Test error (Table 6): "
                "ResNet-20 8.75%, ResNet-56 6.97%"
            ),
            citation="He et al., CVPR 2016, Section 4.2, Figure 6 and Table 6",
            setting="CIFAR-10, 45,000 training images, batch 128, 64,000 steps of SGD",
        ),
        differs=_RESNET_WHAT,
        arms=(
            Arm("plain-20", _RESNET, {"depth": 20, "residual": False}),
            Arm("plain-56", _RESNET, {"depth": 56, "residual": False}),
            Arm("ResNet-20", _RESNET, {"depth": 20}),
            Arm("ResNet-56", _RESNET, {"depth": 56}),
        ),
        settings={"cpu": _RESNET_CPU, "ci": _RESNET_CI, "gpu": _RESNET_GPU},
        metric="train_accuracy",
        live=("ResNet-20",),
        variants={"gpu": Variant(differs=_RESNET_WHAT_GPU)},
        measure="classic.experiments:response_std",
        pairs=(("plain-56", "plain-20"), ("ResNet-56", "ResNet-20"),
               ("ResNet-20", "plain-20"), ("ResNet-56", "plain-56")),
    )
)

_register(
    Experiment(
        name="resnet_shortcuts",
        notebook="06_resnet",
        claim=(
            "Projection shortcuts are not essential: B (projections where the shape changes) is "
            "slightly better than A (zero-padded identity), C (projections everywhere) slightly "
            "better than B (Section 4.1, Table 3)."
        ),
        paper=Paper(
            result="ResNet-34 top-1 error (10-crop): A 25.03%, B 24.52%, C 24.19%",
            citation="He et al., CVPR 2016, Table 3",
            setting="ImageNet, 1.28 million images at 224x224, 600,000 steps of SGD",
        ),
        differs="ResNet-20 on CIFAR-10 instead of ResNet-34 on ImageNet; " + _RESNET_WHAT,
        arms=(
            Arm("A: zero-padded identity", _RESNET, {"depth": 20}),
            Arm("B: projections where the shape changes", _RESNET,
                {"depth": 20, "shortcut": "B"}),
            Arm("C: projections everywhere", _RESNET, {"depth": 20, "shortcut": "C"}),
        ),
        settings={"cpu": _RESNET_CPU, "ci": _RESNET_CI, "gpu": _RESNET_GPU},
        variants={"gpu": Variant(
            differs="ResNet-20 on CIFAR-10 instead of ResNet-34 on ImageNet; " + _RESNET_WHAT_GPU)},
    )
)


_DENSENET = "classic.models.densenet:cifar_densenet"
# Half the CIFAR-10 copy and 6 epochs: a DenseNet-BC seed then takes about two minutes on 2 cores
# (its many thin layers make it several times slower per image than ResNet-20 at half width).
_DENSENET_CPU = Setting(**{**_CIFAR_CPU, "limit": 5_000}, image_size=32, epochs=6,
                        options={"bn_momentum": 0.9})
_DENSENET_CI = Setting(**_DIGITS_CI, image_size=32, channels=3, options={"bn_momentum": 0.9})
_DENSENET_GPU = Setting(**_CIFAR_GPU, image_size=32, epochs=2, options={"bn_momentum": 0.9})
_DENSENET_BC_100 = {"depth": 100, "bottleneck": True, "compression": 0.5}

_register(
    Experiment(
        name="densenet_efficiency",
        notebook="07_densenet",
        claim=(
            "DenseNet-BC is the most parameter-efficient variant (the most accurate for its "
            "parameters), and a DenseNet-BC matches a ResNet of several times its parameters "
            "(Sections 4.3 and 5, Figure 4, CIFAR-10)."
        ),
        paper=Paper(
            result=(
                "C10+ test error (Table 2): DenseNet (L=40, k=12, 1.0M) 5.24%, DenseNet-BC "
                "(L=100, k=12, 0.8M) 4.51%; a DenseNet-BC with 0.8M parameters is as accurate "
                "as a 1001-layer pre-activation ResNet with 10.2M (Table 2; Figure 4, right)"
            ),
            citation="Huang et al., CVPR 2017, Table 2, Figure 4",
            setting="CIFAR-10, 50,000 images with shifts and mirrors, 300 epochs of SGD "
                    "(batch 64, learning rate 0.1 divided by 10 at 50% and 75%)",
        ),
        differs=(
            "L = 22 (6 layers per block, 3 bottleneck layers for -B and -BC) instead of 40 to "
            "250; half the CIFAR-10 copy (4,500 training images, no augmentation) instead of "
            "50,000 with shifts and mirrors; 216 optimizer steps of Adam with a cosine decay "
            "instead of about 235,000 of SGD with Nesterov momentum and weight decay 1e-4; the "
            "ResNet is ResNet-20 at half width (option A "
            "shortcuts), "
            "chosen for its parameter count close to DenseNet-BC's"
        ),
        arms=(
            Arm("DenseNet", _DENSENET, {"depth": 22}),
            Arm("DenseNet-B", _DENSENET, {"depth": 22, "bottleneck": True}),
            Arm("DenseNet-BC", _DENSENET, {"depth": 22, "bottleneck": True,
                                           "compression": 0.5}),
            Arm("ResNet-20 (half width)", _RESNET, {"depth": 20, "width": 0.5}),
        ),
        settings={"cpu": _DENSENET_CPU, "ci": _DENSENET_CI, "gpu": _DENSENET_GPU},
        measure="classic.experiments:dense_connections",
        pairs=(("DenseNet-B", "DenseNet"), ("DenseNet-BC", "DenseNet"),
               ("DenseNet-BC", "DenseNet-B"), ("DenseNet-BC", "ResNet-20 (half width)")),
        live=("DenseNet-BC",),
        variants={"gpu": Variant(
            arms=(
                Arm("DenseNet", _DENSENET, {"depth": 40}),
                Arm("DenseNet-BC", _DENSENET, _DENSENET_BC_100),
                Arm("ResNet-56", _RESNET, {"depth": 56}),
            ),
            pairs=(("DenseNet-BC", "DenseNet"), ("DenseNet-BC", "ResNet-56")),
            differs=(
                "the arms are Table 2's DenseNet (L=40, k=12) and DenseNet-BC (L=100, k=12), so "
                "they differ in depth as well as in bottlenecks and compression, and He et al.'s "
                "ResNet-56 (their Table 6), the CIFAR ResNet closest to DenseNet-BC's size; "
                "45,000 of CIFAR-10's 50,000 training images, without the paper's shifts and "
                "mirrors; "
                f"{_DENSENET_GPU.steps:,} optimizer steps ({_DENSENET_GPU.epochs} epochs of batch "
                f"{_DENSENET_GPU.batch_size}) of Adam with a cosine decay instead of about "
                "235,000 of SGD with Nesterov momentum and weight decay 1e-4 (300 epochs of "
                "batch 64)"
            ),
        )},
    )
)

# Notebook 8: one small member of each family, all trained the same way. Where a paper defines a
# CIFAR-10 network (ResNet, DenseNet), the course's version of it from notebooks 6 and 7; else the
# ImageNet network at a quarter of its widths, as notebooks 2-5 train them.
_FAMILIES_CPU = Setting(**_CIFAR_CPU, image_size=32, epochs=8)
_FAMILIES_CI = Setting(**_DIGITS_CI, image_size=32, channels=3)
_FAMILIES_GPU = Setting(**_CIFAR_GPU, image_size=32, epochs=25)

_register(
    Experiment(
        name="families",
        notebook="08_summary",
        claim=(
            "Each family improved on the ones before it: every paper of the course reports a "
            "lower error than the networks it set out to beat. Does the order of the years "
            "hold for small versions trained the same way on the same small data set?"
        ),
        paper=Paper(
            result=(
                "no paper trains all seven: each reports its own network on its own data "
                "(classic.summary.reported(), one row per family)"
            ),
            citation="the seven papers of the course",
            setting=(
                "MNIST for LeNet-5; ImageNet at 224x224 for AlexNet to GoogLeNet (ResNet and "
                "DenseNet too); CIFAR-10 with shifts and mirrors for ResNet-20 and DenseNet-BC; "
                "each with its own optimizer, schedule and tens to hundreds of epochs"
            ),
        ),
        differs=(
            "the same for every network: the CIFAR-10 copy (9,000 training images at 32x32, "
            "no augmentation), enlarged inside the model where a network needs more (ZF-Net "
            "47x47, AlexNet 67x67, the smallest inputs they accept), 568 optimizer steps of Adam "
            "with a cosine decay from 0.001, batch 128; ImageNet networks at a quarter of their "
            "widths; VGG and GoogLeNet with batch normalization, as notebooks 4 and 5 train "
            "them; ResNet-20 at half width and DenseNet-BC with L=22 as in notebooks 6 and 7"
        ),
        arms=(
            Arm("LeNet-5", "lenet5"),
            Arm("AlexNet/4", "alexnet", {"width": 0.25}, image_size=67),
            Arm("ZF-Net/4", "zfnet", {"width": 0.25}, image_size=47),
            Arm("VGG-11/4 (BN)", _VGG, {"config": "A", "width": 0.25, "batch_norm": True,
                                        "bn_momentum": 0.9}),
            Arm("GoogLeNet/4 (BN)", _GOOGLENET, {"width": 0.25, "batch_norm": True,
                                                 "bn_momentum": 0.9, "lrn": False}),
            Arm("ResNet-20/2", _RESNET, {"depth": 20, "width": 0.5, "bn_momentum": 0.9}),
            Arm("DenseNet-BC (L=22)", _DENSENET, {"depth": 22, "bottleneck": True,
                                                  "compression": 0.5, "bn_momentum": 0.9}),
        ),
        settings={"cpu": _FAMILIES_CPU, "ci": _FAMILIES_CI, "gpu": _FAMILIES_GPU},
        live=("LeNet-5", "VGG-11/4 (BN)"),
        variants={"gpu": Variant(
            arms=(
                Arm("LeNet-5", "lenet5"),
                Arm("AlexNet", "alexnet", image_size=67),
                Arm("ZF-Net", "zfnet", image_size=47),
                Arm("VGG-11 (BN)", _VGG, {"config": "A", "batch_norm": True,
                                          "bn_momentum": 0.9}),
                Arm("GoogLeNet (BN)", _GOOGLENET, {"batch_norm": True, "bn_momentum": 0.9,
                                                   "lrn": False}),
                Arm("ResNet-20", _RESNET, {"depth": 20, "bn_momentum": 0.9}),
                Arm("DenseNet-BC (L=100, k=12)", _DENSENET,
                    {**_DENSENET_BC_100, "bn_momentum": 0.9}),
            ),
            pairs=(("AlexNet", "LeNet-5"), ("ZF-Net", "AlexNet"), ("VGG-11 (BN)", "ZF-Net"),
                   ("GoogLeNet (BN)", "VGG-11 (BN)"), ("ResNet-20", "GoogLeNet (BN)"),
                   ("DenseNet-BC (L=100, k=12)", "ResNet-20")),
            live=("LeNet-5", "VGG-11 (BN)"),
            differs=(
                "the same for every network: CIFAR-10's 45,000 training images at 32x32, no "
                "augmentation, enlarged inside the model where a network needs more (ZF-Net "
                f"47x47, AlexNet 67x67), {_FAMILIES_GPU.steps:,} optimizer steps "
                f"({_FAMILIES_GPU.epochs} epochs of batch {_FAMILIES_GPU.batch_size}) of Adam "
                "with a cosine decay from 0.001; every network at full width; VGG and GoogLeNet "
                "with batch normalization, as notebooks 4 and 5 train them; ResNet-20 and "
                "DenseNet-BC (L=100, k=12) as the papers define them for CIFAR-10"
            ),
        )},
        # each network against the one it set out to beat, in the order of the papers
        pairs=(("AlexNet/4", "LeNet-5"), ("ZF-Net/4", "AlexNet/4"),
               ("VGG-11/4 (BN)", "ZF-Net/4"), ("GoogLeNet/4 (BN)", "VGG-11/4 (BN)"),
               ("ResNet-20/2", "GoogLeNet/4 (BN)"), ("DenseNet-BC (L=22)", "ResNet-20/2")),
    )
)


def names() -> tuple[str, ...]:
    return tuple(EXPERIMENTS)


def get(name: str) -> Experiment:
    """The experiment called ``name``; an unknown name lists the known ones."""
    if name not in EXPERIMENTS:
        raise ValueError(
            f"Unknown experiment; known experiments: {', '.join(EXPERIMENTS)}. "
            f"Received: name={name!r}"
        )
    return EXPERIMENTS[name]


def _experiment(experiment) -> Experiment:
    if isinstance(experiment, Experiment):
        return experiment
    return get(experiment)


# --------------------------------------------------------------------------- building an arm


def _builder(path: str):
    if ":" not in path:
        import classic.models

        return lambda **kwargs: classic.models.build(path, **kwargs)
    module, function = path.split(":", 1)
    return getattr(importlib.import_module(module), function)


def build_network(experiment, arm: str | Arm, profile: str = "cpu", classes: int = 10):
    """The network an arm trains, untrained and without its preprocessing, at the setting's input
    size: to count its parameters and MACs (``classic.shapes``) next to its results."""
    experiment = _experiment(experiment).in_profile(profile)
    arm = experiment.arm(arm) if isinstance(arm, str) else arm
    s = experiment.setting(profile)
    size = arm.input_size(s)
    return _builder(arm.builder)(input_shape=(size, size, s.channels),
                                 classes=classes, **s.options, **arm.options)


def build_arm(experiment, arm: str | Arm, profile: str, native_shape, classes: int,
              donor=None, jit: bool = False):
    """The model an arm trains: preprocessing (scale, pad or resize, augmentation) + network.

    ``native_shape`` is the raw images' (height, width, channels); ``donor`` is the trained
    network of the arm's ``init_from`` arm, whose ``init_layers`` weights it starts from.
    ``jit``: the model will be compiled with XLA, so the augmentation's crop must compile too.
    """
    import keras

    import classic.data

    experiment = _experiment(experiment).in_profile(profile)
    arm = experiment.arm(arm) if isinstance(arm, str) else arm
    s = experiment.setting(profile)
    size = arm.input_size(s)
    network = build_network(experiment, arm, profile, classes)
    if arm.init_from:
        if donor is None:
            raise ValueError(f"donor: {arm.name!r} starts from {arm.init_from!r}'s trained "
                             "network; pass it as donor=")
        for layer in arm.init_layers:
            network.get_layer(layer).set_weights(donor.get_layer(layer).get_weights())
    if arm.augment:
        front = classic.data.preprocessing(
            native_shape, round(size * arm.augment), crop=size, flip=True, jittable=jit
        )
    else:
        front = classic.data.preprocessing(native_shape, size)
    inputs = keras.Input(tuple(native_shape), name="image")
    outputs = network(front(inputs))
    if isinstance(outputs, list | tuple):  # several heads keep their names (metrics, losses)
        outputs = [keras.layers.Identity(name=name)(out)
                   for name, out in zip(network.output_names, outputs, strict=True)]
    return keras.Model(inputs, outputs, name=network.name)


# --------------------------------------------------------------------------- measurements

LOW_BAND, HIGH_BAND = 0.15, 0.35
"""Radial frequency bands of a filter, in cycles per input pixel (0.5 is the finest there is)."""


def signal_by_layer(model, images, layers: Sequence[str]) -> dict[str, float]:
    """Root mean square of each of ``layers``' outputs for ``images`` (and of the images,
    under "input"): how the signal's scale travels through an untrained or trained network."""
    import keras

    missing = [name for name in layers if name not in {layer.name for layer in model.layers}]
    if missing:
        raise ValueError(f"layers: {model.name} has no layer {', '.join(map(repr, missing))}. "
                         f"Received: layers={list(layers)}")
    probe = keras.Model(model.inputs, [model.get_layer(name).output for name in layers])
    outputs = probe.predict(np.asarray(images), verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    rms = {"input": float(np.sqrt(np.mean(np.square(np.asarray(images, dtype="float64")))))}
    for name, out in zip(layers, outputs, strict=True):
        rms[name] = float(np.sqrt(np.mean(np.square(np.asarray(out, dtype="float64")))))
    return rms


def first_layer_filters(model, data) -> dict[str, float]:
    """ZF-Net's Figure 6 argument, measured on the first convolution of a trained ``model``.

    ``dead``: share of its maps that stay at zero after the ReLU on every one of the first 256
    test images.
    ``low``, ``high``: share of filters with at least half their power (summed over input
    channels, the mean of each channel removed) below ``LOW_BAND`` or above ``HIGH_BAND``
    cycles per pixel; ``mid``: the rest. Zeiler and Fergus saw AlexNet's 11x11/4 filters as a
    mix of very high and very low frequencies with few in between, and some dead.
    """
    import keras

    network = _network_of(model)
    images = model.layers[1](data.x_test[:256], training=False)
    conv = next(layer for layer in network.layers if isinstance(layer, keras.layers.Conv2D))
    kernel = keras.ops.convert_to_numpy(conv.kernel)  # (k, k, c_in, c_out)
    centred = kernel - kernel.mean(axis=(0, 1), keepdims=True)
    # Zero-padded to 32x32: the same fine frequency grid for a 7x7 and an 11x11 filter.
    power = (np.abs(np.fft.fft2(centred, s=(32, 32), axes=(0, 1))) ** 2).sum(axis=2)
    f = np.fft.fftfreq(32)
    radius = np.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    total = power.sum(axis=(0, 1)) + 1e-12
    low = power[radius < LOW_BAND].sum(axis=0) / total
    high = power[radius > HIGH_BAND].sum(axis=0) / total
    probe = keras.Model(network.input, conv.output)
    maps = keras.ops.convert_to_numpy(probe(images, training=False))
    dead = (maps.max(axis=(0, 1, 2)) <= 0).mean()
    return {
        "dead": float(dead),
        "low": float((low >= 0.5).mean()),
        "high": float((high >= 0.5).mean()),
        "mid": float(((low < 0.5) & (high < 0.5)).mean()),
    }


def validation_by_position(model, data, first: int = 5_000) -> dict[str, float]:
    """Accuracy on the validation images that come from the first ``first`` positions of the
    source's training part, on those from later positions, and on the test images.

    For the course's MNIST copy the training part is the first 8,000 images of MNIST's
    official test set, which was assembled from two NIST collections, 5,000 images each;
    this shows whether the two halves are equally hard for the network."""
    if data.val_index is None:
        raise ValueError("data: validation_by_position needs classic.data.load's val_index")
    early = np.asarray(data.val_index) < first

    import keras

    def accuracy(x, y):
        if len(y) == 0:
            return float("nan")
        # a direct call, not predict(): predict traces a new function for every model
        outputs = [keras.ops.convert_to_numpy(model(x[i : i + 500], training=False))
                   for i in range(0, len(x), 500)]
        return float((np.concatenate(outputs).argmax(axis=1) == np.asarray(y)).mean())

    return {
        f"validation, positions below {first:,}": accuracy(data.x_val[early], data.y_val[early]),
        f"validation, positions from {first:,}": accuracy(data.x_val[~early], data.y_val[~early]),
        "test": accuracy(data.x_test, data.y_test),
    }


def response_std(model, data, images: int = 500) -> dict[str, float]:
    """The paper's Figure 7 (He et al. 2016): the standard deviation of each 3x3 layer's
    response, its output after batch normalization and before the ReLU or the addition, over
    the first ``images`` test images (every value of every map), in network order. Keys are the
    batch normalization layers' names (``conv2_block1_1_bn``, ...); the first convolution and
    the projection shortcuts (``_0_bn``) are left out, as in the paper's plot."""
    import keras

    network = _network_of(model)
    names = [layer.name for layer in network.layers
             if isinstance(layer, keras.layers.BatchNormalization)
             and not layer.name.startswith("conv1") and not layer.name.endswith("_0_bn")]
    if not names:
        raise ValueError(f"model: {network.name} has no batch normalization after its 3x3 layers")
    probe = keras.Model(network.inputs, [network.get_layer(n).output for n in names])
    x = np.asarray(data.x_test[:images])
    seen = model.layers[1](x) if len(model.layers) > 2 else x  # the preprocessing, as trained
    outputs = probe(seen, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    return {name: float(np.std(keras.ops.convert_to_numpy(out)))
            for name, out in zip(names, outputs, strict=True)}



def dense_connections(model, data) -> dict[str, float]:
    """The paper's Figure 5 on a trained DenseNet: for every dense block, how strongly each target
    layer reads each earlier source (``classic.models.densenet.connection_weights``: the mean
    absolute weight over the source's input maps), divided by the target's mean over its
    sources, so that 1 means "as much as the average source" and the scale that Glorot's
    initialization gives each layer drops out. Keys ``"{block}: {target} <- {source}"``; empty
    for a network without dense blocks (the ResNet arm). ``data`` is not used."""
    from classic.models.densenet import connection_weights

    network = _network_of(model)
    names = {layer.name for layer in network.layers}
    found = {}
    for block in ("conv2", "conv3", "conv4"):
        if f"{block}_block1_concat" not in names:
            continue
        weights, sources, targets = connection_weights(network, block)
        for t, target in enumerate(targets):
            mean = np.nanmean(weights[t])
            for s, source in enumerate(sources):
                if not np.isnan(weights[t, s]):
                    found[f"{block}: {target} <- {source}"] = float(weights[t, s] / mean)
    return found


def _connection_matrices(results, arm: str) -> dict:
    """``dense_connections`` of every seed of ``arm``, per block: ``(values, sources,
    targets)`` with ``values[seed, source, target]`` (NaN where there is no connection)."""
    records = [r for _, r in sorted(results.runs.get(arm, {}).items()) if r.get("measures")]
    if not records:
        raise ValueError(f"arm: {arm!r} has no dense_connections measure stored. Received: "
                         f"arm={arm!r}")
    blocks: dict = {}
    for key in records[0]["measures"]:
        block, link = key.split(": ", 1)
        target, source = link.split(" <- ")
        sources, targets = blocks.setdefault(block, ([], []))
        if source not in sources:
            sources.append(source)
        if target not in targets:
            targets.append(target)
    matrices = {}
    for block, (sources, targets) in blocks.items():
        values = np.full((len(records), len(sources), len(targets)), np.nan)
        for i, record in enumerate(records):
            for t, target in enumerate(targets):
                for s, source in enumerate(sources):
                    key = f"{block}: {target} <- {source}"
                    if key in record["measures"]:
                        values[i, s, t] = record["measures"][key]
        matrices[block] = (values, sources, targets)
    return matrices


def _interval_about(values, decimals: int = 2) -> tuple[str, str]:
    """mean ± sd of ``values`` with its 95% t interval, and how it lies against 1."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(values) - 1)) * sd / math.sqrt(len(values))
    verdict = ("above 1" if mean - half > 1 else "below 1" if mean + half < 1
               else "not distinguishable from 1")
    return (f"{mean:.{decimals}f} ± {sd:.{decimals}f} ({mean - half:.{decimals}f} to "
            f"{mean + half:.{decimals}f})", verdict)


def dense_connection_checks(results, arm: str = "DenseNet") -> Table:
    """The paper's reading of its Figure 5, tested on the stored ``dense_connections`` of one
    arm: each value is a relative weight (1 = the target's average source), per seed, and its
    95% t interval over the seeds says whether it differs from an even spread beyond the seed
    noise. Rows: how many of all connections do; the weight the layers of blocks 2 and 3 put
    on their block's input, the transition's output (the paper: the least); the weight the
    classifier puts on the last layer of the last block (the paper: a concentration there)."""
    matrices = _connection_matrices(results, arm)
    rows = []
    beyond = total = 0
    for values, _, _ in matrices.values():
        for t in range(values.shape[2]):
            if np.isfinite(values[0, :, t]).sum() < 2:  # a lone source is 1 by construction
                continue
            for s in range(values.shape[1]):
                cell = values[:, s, t]
                if np.isnan(cell).any():
                    continue
                total += 1
                beyond += _interval_about(cell)[1] != "not distinguishable from 1"
    rows.append(["connections whose relative weight differs from 1 beyond the seed noise",
                 f"{beyond} of {total}", ""])
    for block in list(matrices)[1:]:
        values, sources, targets = matrices[block]
        dense = [t for t, name in enumerate(targets) if "_block" in name][1:]  # not the first
        per_seed = np.nanmean(values[:, sources.index("input"), dense], axis=1)
        rows.append([f"{block}: dense layers' weight on the block input (the transition's "
                     "output), mean over layers 2 and up", *_interval_about(per_seed)])
    values, sources, targets = matrices[list(matrices)[-1]]
    if targets[-1] == "predictions":
        rows.append([f"classifier's weight on the last layer ({sources[-1]})",
                     *_interval_about(values[:, -1, -1])])
        rows.append(["classifier's weight on the block input",
                     *_interval_about(values[:, 0, -1])])
    return Table(["the paper's observation, measured", "relative weight: mean ± sd (95% interval)",
                  "against an even spread"], rows,
                 title=f"Figure 5's reading on {arm}, {len(values)} seeds")


def plot_dense_connections(results, arm: str = "DenseNet"):
    """The paper's Figure 5 from the stored ``dense_connections`` of one arm: per dense block,
    the relative weight (mean over seeds) of each source layer s (rows; 0 = the block's input)
    in each target layer l (columns; the last one, marked, is the transition or the classifier
    that reads the whole block)."""
    from classic.viz import _new_figure

    matrices = _connection_matrices(results, arm)
    figure = _new_figure(4.0 * len(matrices), 3.8)
    means = {block: m[0].mean(axis=0) for block, m in matrices.items()}  # NaN: no connection
    top = max(float(np.nanmax(mean)) for mean in means.values())
    image = None
    for i, (block, (_, sources, targets)) in enumerate(matrices.items()):
        axes = figure.add_subplot(1, len(matrices), i + 1)
        image = axes.imshow(np.ma.masked_invalid(means[block]), cmap="viridis", vmin=0,
                            vmax=top)
        last = "C" if targets[-1] == "predictions" else "T"
        axes.set_xticks(range(len(targets)),
                        [str(t + 1) for t in range(len(targets) - 1)] + [last])
        axes.set_yticks(range(len(sources)), [str(s) for s in range(len(sources))])
        axes.add_patch(_rectangle(len(targets) - 1.5, -0.5, 1, len(sources)))
        axes.set_title(f"Dense Block {i + 1}", fontsize=9)
        axes.set_xlabel("Target layer (ℓ)")
        axes.set_ylabel("Source layer (s)")
    figure.colorbar(image, ax=figure.axes, shrink=0.8,
                    label="relative weight (1 = the target's average source)")
    seeds = next(iter(matrices.values()))[0].shape[0]
    figure.suptitle(f"{results.experiment.name}, {arm}: mean over {seeds} seeds "
                    "(T: transition, C: classifier)", fontsize=10)
    return figure


def _rectangle(x, y, width, height):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, fill=False, edgecolor="black", linewidth=1.5)

# --------------------------------------------------------------------------- results


@dataclasses.dataclass
class Results:
    """The runs of one experiment in one profile: ``runs[arm][seed]`` is one arm-seed's record
    (per-epoch history against optimizer steps, test accuracy, seconds, images per second)."""

    experiment: Experiment
    profile: str
    runs: dict[str, dict[str, dict]]
    provenance: dict
    fingerprint: str
    models: dict = dataclasses.field(default_factory=dict, repr=False)
    """Trained networks of a live run, ``models[arm][seed]`` (not stored)."""
    setting: str | None = None
    """The profile whose setting was trained, when not ``profile``'s (see :func:`run`)."""

    @property
    def trained_setting(self) -> str:
        return self.setting or self.profile

    def network(self, arm: str | None = None, seed: int | None = None):
        """The trained network (without its preprocessing) of a live run's ``arm`` (default the
        baseline) and ``seed`` (default its first), to look inside it."""
        arm = arm if arm is not None else self.experiment.arms[0].name
        trained = self.models.get(arm, {})
        if not trained:
            raise ValueError(
                f"arm: no trained network of {arm!r} here; stored results keep numbers only, "
                f"a live run (classic.experiments.run) keeps its networks. Have: "
                f"{', '.join(self.models) or 'none'}"
            )
        return trained[seed if seed is not None else min(trained)]

    def final(self, arm: str, key: str = "val_accuracy") -> list[float]:
        """The last epoch's ``key`` of each seed of ``arm``, in percent (``test_accuracy``: the
        test accuracy)."""
        records = [r for _, r in sorted(self.runs.get(arm, {}).items())]
        if key == "test_accuracy":
            return [100.0 * r["test_accuracy"] for r in records]
        return [100.0 * r["history"][key][-1] for r in records]

    _FINAL_LABELS = {"accuracy": "training accuracy %", "val_accuracy": "validation accuracy %",
                     "test_accuracy": "test accuracy %", "loss": "training loss",
                     "val_loss": "validation loss"}

    def final_table(self, keys: Sequence[str] = ("accuracy", "val_accuracy", "test_accuracy")
                    ) -> Table:
        """Each arm's last-epoch ``keys``, mean ± sd over seeds: training against validation
        accuracy tells an arm that underfits (both low) from one that overfits (a gap)."""
        unknown = [k for k in keys if k not in self._FINAL_LABELS]
        if unknown:
            raise ValueError(f"keys: each must be one of {', '.join(self._FINAL_LABELS)}. "
                             f"Received: {unknown}")
        def cell(arm, key):
            if "accuracy" in key:  # percent, one decimal
                return mean_sd(self.final(arm, key), 1)
            losses = [r["history"][key][-1] for _, r in sorted(self.runs[arm].items())]
            return mean_sd(losses, 3)

        rows = [[arm.name] + [cell(arm.name, k) for k in keys]
                for arm in self.experiment.arms if self.runs.get(arm.name)]
        return Table(["arm"] + [self._FINAL_LABELS[k] for k in keys], rows,
                     title=f"{self.experiment.name}, profile {self.profile}: the last epoch, "
                     "mean ± sd over seeds")

    # ---- numbers
    def values(self, arm: str) -> list[float]:
        """The metric of each finished seed of ``arm`` (percent, or optimizer steps)."""
        return [self._metric(r) for _, r in sorted(self.runs.get(arm, {}).items())]

    def _metric(self, record) -> float:
        if self.experiment.metric == "test_accuracy":
            return 100.0 * record["test_accuracy"]
        if self.experiment.metric == "train_accuracy":
            return 100.0 * record["history"]["accuracy"][-1]
        target = 1.0 - self.experiment.target_train_error
        for step, accuracy in zip(record["steps"], record["history"]["accuracy"], strict=True):
            if accuracy >= target:
                return float(step)
        return math.inf

    @property
    def metric_label(self) -> str:
        if self.experiment.metric == "test_accuracy":
            return "test accuracy %"
        if self.experiment.metric == "train_accuracy":
            return "training accuracy % (last epoch)"
        return f"steps to {self.experiment.target_train_error:.0%} training error"

    @property
    def higher_is_better(self) -> bool:
        return self.experiment.metric != "steps_to_train_error"

    @property
    def _decimals(self) -> int:
        """Accuracies to a tenth of a point, optimizer steps as whole numbers."""
        return 1 if self.higher_is_better else 0

    def seeds(self, arm: str) -> list[int]:
        return sorted(int(s) for s in self.runs.get(arm, {}))

    def summary(self) -> Table:
        """Per arm: mean ± standard deviation over seeds, the range, and the speed."""
        rows = []
        for arm in self.experiment.arms:
            values = self.values(arm.name)
            records = list(self.runs.get(arm.name, {}).values())
            reached = [v for v in values if math.isfinite(v)]
            speed = [r["images_per_second"] for r in records if r.get("images_per_second")]
            rows.append(
                [
                    arm.name,
                    len(values),
                    mean_sd(values, self._decimals),
                    f"{min(reached):,.{self._decimals}f} - {max(reached):,.{self._decimals}f}"
                    if reached else "-",
                    round(float(np.median(speed))) if speed else None,
                ]
            )
        return Table(
            ["arm", "seeds", f"{self.metric_label} (mean ± sd)", "range", "images/s (median)"],
            rows,
            title=f"{self.experiment.name}, profile {self.profile}: {self.metric_label}",
        )

    def comparisons(self) -> Table:
        """Every comparison of the experiment (by default each arm against the baseline):
        difference of means, its 95% interval, a verdict."""
        base = self.experiment.arms[0].name
        places = self._decimals + 1
        rows = []
        pairs = self.experiment.comparison_pairs()
        for arm, reference in pairs:
            diff, low, high = difference(self.values(reference), self.values(arm))
            rows.append(
                [
                    f"{arm} - {reference if self.experiment.pairs else 'baseline'}",
                    "-" if diff is None else f"{diff:+,.{places}f}",
                    "-" if low is None else f"{low:+,.{places}f} to {high:+,.{places}f}",
                    self.verdict(arm, reference),
                ]
            )
        unit = "points" if self.higher_is_better else "steps"
        title = ("Each comparison, arm - reference (Welch t interval over seeds)"
                 if self.experiment.pairs
                 else f"Against the baseline, {base!r} (Welch t interval over seeds)")
        return Table(["comparison", f"difference ({unit})", "95% interval", "verdict"], rows,
                     title=title)

    def verdict(self, arm: str, reference: str | None = None) -> str:
        """What the data say about ``arm`` against ``reference`` (default the baseline), from
        the 95% interval of the difference of means."""
        base = self.experiment.arms[0].name if reference is None else reference
        a, b = self.values(base), self.values(arm)
        if not self.higher_is_better:
            missed = [name for name, v in ((base, a), (arm, b)) if any(map(math.isinf, v))]
            if missed:
                return f"not reached by every seed of {' and '.join(missed)}: no verdict"
        diff, low, high = difference(a, b)
        if diff is None:
            return f"too few seeds (at least 2 per arm; have {len(a)} and {len(b)})"
        if low <= 0 <= high:
            return "no difference measurable at this scale"
        better = arm if (diff > 0) == self.higher_is_better else base
        word = "higher" if self.higher_is_better else "faster"
        return f"{better} {word}"

    def separated(self) -> list[tuple[str, str]]:
        """Every pair of arms whose 95% interval of the difference excludes zero, as (better,
        worse); pairs that do not separate are left out: they are not ranked."""
        names = [arm.name for arm in self.experiment.arms if self.values(arm.name)]
        pairs = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                verdict = self.verdict(b, a)
                if verdict.endswith((" higher", " faster")):
                    better = verdict.rsplit(" ", 1)[0]
                    pairs.append((better, a if better == b else b))
        return pairs

    def ranking(self) -> Table:
        """The arms from best to worst mean, each with the arms it is measurably better and
        worse than (the 95% interval of the difference excludes zero) and those it cannot be
        told apart from at this scale. The title says how many of the pairs separate, and how
        many would by chance if no arm differed from any other (5% of the pairs)."""
        names = [arm.name for arm in self.experiment.arms if self.values(arm.name)]
        means = {name: float(np.mean([v for v in self.values(name) if math.isfinite(v)]
                                     or [math.nan])) for name in names}
        order = sorted(names, key=lambda n: (math.isnan(means[n]),
                                             -means[n] if self.higher_is_better else means[n]))
        separated = self.separated()
        rows = []
        for place, name in enumerate(order, start=1):
            above = [worse for better, worse in separated if better == name]
            below = [better for better, worse in separated if worse == name]
            apart = [n for n in order if n != name and n not in above and n not in below]
            rows.append([place, name, mean_sd(self.values(name), self._decimals),
                         ", ".join(sorted(below, key=order.index)) or "-",
                         ", ".join(sorted(above, key=order.index)) or "-",
                         ", ".join(apart) or "-"])
        n_pairs = len(names) * (len(names) - 1) // 2
        better = "better" if self.higher_is_better else "faster"
        return Table(
            ["place", "arm", f"{self.metric_label} (mean ± sd)", f"measurably {better} arms",
             "measurably worse arms" if self.higher_is_better else "measurably slower arms",
             "not told apart from"],
            rows,
            title=(f"{self.experiment.name}, profile {self.profile}: {len(separated)} of "
                   f"{n_pairs} pairs separate (95% Welch intervals); if no two arms truly "
                   f"differed, about {0.05 * n_pairs:.1f} would separate by chance"),
        )

    def paper(self, arms: str | Sequence[str] | None = None) -> Table:
        """The paper's own figure beside ours, and what differs from its setting.

        ``arms``: which of our arms to show, each on its own row: None (the baseline),
        ``"all"``, or a list of arm names."""
        e = self.experiment
        if arms is None:
            shown = [e.arms[0].name]
        elif arms == "all":
            shown = [arm.name for arm in e.arms]
        elif isinstance(arms, str):
            shown = [e.arm(arms).name]
        else:
            shown = [e.arm(name).name for name in arms]
        rows = [[f"the paper ({e.paper.citation})", e.paper.result, e.paper.setting]]
        for i, name in enumerate(shown):
            ours = f"{name}: {mean_sd(self.values(name), self._decimals)} {self.metric_label}"
            if self.higher_is_better and self.values(name):
                what = "test" if e.metric == "test_accuracy" else "training"
                ours += f" ({100 - np.mean(self.values(name)):.1f}% {what} error)"
            rows.append([f"here ({self.profile} profile)" if i == 0 else "",
                         ours, e.differs if i == 0 else "(the same)"])
        return Table(["", "result", "setting"], rows, title=e.claim)

    # ---- figures
    def plot(self, *, live: Results | None = None, curve: str | None = None,
             error: bool = False):
        """Left: ``curve`` (default: validation accuracy, or training accuracy for a
        steps-to-training-error experiment) against optimizer steps, mean and min-max band over
        seeds per arm;
        right: the metric per arm with its standard deviation (error bars) and each seed (dots).
        A ``live`` result (one seed the student ran) is drawn over the bands as dashed lines
        and crosses; a live run of another setting (a GPU run beside the cpu reference) is left
        out, since its budget and networks are not the reference's. ``error=True`` draws the
        curve as an error, 100 - accuracy (as the papers' figures do), and the metric too where
        it is an accuracy."""
        from classic.viz import _new_figure

        if live is not None and not self.comparable(live):
            print(f"your run ({live.trained_setting} setting) is not drawn: the reference is "
                  f"the {self.trained_setting} setting's (see the table above)")
            live = None

        if curve is None:
            curve = "val_accuracy" if self.experiment.metric == "test_accuracy" else "accuracy"

        def shown(percent):  # accuracy or error, in percent
            return 100 - np.asarray(percent, dtype=float) if error else np.asarray(percent)

        def metric_shown(values):
            return list(shown(values)) if error and self.higher_is_better else values

        figure = _new_figure(11.0, 4.0)
        left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
        colours = [f"C{i}" for i in range(10)]
        labels = []
        for i, arm in enumerate(self.experiment.arms):
            colour = colours[i % 10]
            records = list(self.runs.get(arm.name, {}).values())
            if records:
                steps = np.asarray(records[0]["steps"])
                curves = shown([[100 * v for v in r["history"][curve]] for r in records])
                left.plot(steps, curves.mean(axis=0), color=colour, label=arm.name,
                          marker="o" if len(steps) <= 30 else None, markersize=3)
                left.fill_between(steps, curves.min(axis=0), curves.max(axis=0), color=colour,
                                  alpha=0.2, linewidth=0)
            values = metric_shown([v for v in self.values(arm.name) if math.isfinite(v)])
            if values:
                right.errorbar([i], [np.mean(values)], yerr=[np.std(values, ddof=1)
                               if len(values) > 1 else 0], fmt="o", color=colour, capsize=6)
                right.scatter([i] * len(values), values, color=colour, s=12, alpha=0.5)
            if live is not None and arm.name in live.runs:
                for record in live.runs[arm.name].values():
                    left.plot(record["steps"], shown([100 * v for v in record["history"][curve]]),
                              color=colour, linestyle="--", linewidth=1)
                    value = metric_shown([live._metric(record)])[0]
                    if math.isfinite(value):
                        right.scatter([i + 0.15], [value], color=colour, marker="x", s=40)
            labels.append(arm.name)
        what = {"val_accuracy": "validation accuracy %", "accuracy": "training accuracy %"}
        label = what.get(curve, curve)
        left.set_xlabel("optimizer steps")
        left.set_ylabel(label.replace("accuracy", "error") if error else label)
        left.grid(alpha=0.3)
        left.legend(fontsize=7)
        title = "mean, band = min-max over seeds"
        if live is not None:
            title += "; dashed: your run"
        left.set_title(title, fontsize=9)
        right.set_xticks(range(len(labels)))
        right.set_xticklabels([_wrap(label) for label in labels], fontsize=7)
        right.set_ylabel(self.metric_label.replace("accuracy", "error")
                         if error and self.higher_is_better else self.metric_label)
        right.grid(alpha=0.3, axis="y")
        right.set_title("mean ± sd; dots: seeds" + ("; x: your run" if live else ""), fontsize=9)
        figure.suptitle(f"{self.experiment.name} ({self.profile} profile)")
        return figure

    def measures(self) -> Table:
        """The experiment's measurements per arm: mean ± sd over seeds, in percent, and the
        verdict of each arm against the baseline for each measurement."""
        base = self.experiment.arms[0].name
        keys = []
        for seeds in self.runs.values():
            for record in seeds.values():
                keys += [k for k in record.get("measures", {}) if k not in keys]
        rows = []
        for key in keys:
            values = {
                arm.name: [100 * r["measures"][key]
                           for _, r in sorted(self.runs.get(arm.name, {}).items())]
                for arm in self.experiment.arms
            }
            row = [key] + [
                mean_sd(values[arm.name]) if not any(map(math.isnan, values[arm.name]))
                else "n/a" for arm in self.experiment.arms
            ]
            verdicts = []
            for arm in self.experiment.arms[1:]:
                diff, low, high = difference(values[base], values[arm.name])
                if diff is None:
                    verdict = "no verdict"
                elif low <= 0 <= high:
                    verdict = "no difference measurable"
                else:
                    verdict = "higher" if diff > 0 else "lower"
                verdicts.append(f"{arm.name}: {verdict}")
            rows.append(row + ["; ".join(verdicts)])
        return Table(
            ["measured (%)", *[a.name for a in self.experiment.arms], "against the baseline"],
            rows, title=f"{self.experiment.name}: measured on each trained network (mean ± sd)",
        )

    # ---- a measure taken layer by layer (response_std: the paper's Figure 7)
    def _layer_means(self, arm: str) -> list[float]:
        """Per seed of ``arm``: the mean of its measure over the layers."""
        return [float(np.mean(list(r["measures"].values())))
                for _, r in sorted(self.runs.get(arm, {}).items()) if r.get("measures")]

    def by_layer(self) -> Table:
        """A measure taken layer by layer (``measure`` returns one value per layer): per arm,
        its mean over the layers, mean ± sd over seeds; then each comparison of the experiment
        with its 95% interval and verdict."""
        rows = []
        for arm in self.experiment.arms:
            records = [r for r in self.runs.get(arm.name, {}).values() if r.get("measures")]
            if records:
                rows.append([arm.name, len(records[0]["measures"]),
                             mean_sd(self._layer_means(arm.name), 3)])
        for arm, reference in self.experiment.comparison_pairs():
            diff, low, high = difference(self._layer_means(reference), self._layer_means(arm))
            if diff is None:
                verdict = "no verdict"
            elif low <= 0 <= high:
                verdict = "no difference measurable"
            else:
                verdict = f"{arm} {'higher' if diff > 0 else 'lower'}"
            rows.append([f"{arm} - {reference}", "",
                         "-" if diff is None else f"{diff:+.3f} ({low:+.3f} to {high:+.3f}): "
                         f"{verdict}"])
        name = self.experiment.measure.split(":")[-1] if self.experiment.measure else "measure"
        return Table(["arm, or comparison (95% interval)", "layers",
                      f"{name}, mean over the layers (mean ± sd over seeds)"], rows,
                     title=f"{self.experiment.name}: {name} on each trained network")

    def plot_by_layer(self, ylabel: str = "value"):
        """The layer-by-layer measure against the layer's position, per arm: the mean over seeds
        as a line, the range of the seeds as a band (the paper's Figure 7, top)."""
        from classic.viz import _new_figure

        figure = _new_figure(8.0, 3.6)
        axes = figure.add_subplot(1, 1, 1)
        for i, arm in enumerate(self.experiment.arms):
            records = [r for r in self.runs.get(arm.name, {}).values() if r.get("measures")]
            if not records:
                continue
            values = np.array([list(r["measures"].values()) for r in records])
            layers = np.arange(1, values.shape[1] + 1)
            axes.plot(layers, values.mean(axis=0), color=f"C{i % 10}", label=arm.name)
            axes.fill_between(layers, values.min(axis=0), values.max(axis=0),
                              color=f"C{i % 10}", alpha=0.2, linewidth=0)
        axes.set_xlabel("layer (in network order)")
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7)
        axes.set_title(f"{self.experiment.name} ({self.profile} profile): mean, band = min-max "
                       "over seeds", fontsize=9)
        return figure

    def plot_against(self, cost: Mapping[str, float] | None = None,
                     label: str = "parameters", log: bool = True,
                     sizes: Mapping[str, float] | None = None, size_label: str = "parameters"):
        """The metric of each arm (mean ± sd over seeds as an error bar, each seed a dot)
        against a cost: ``cost[arm]`` (MACs, say), by default each arm's stored parameter count
        (the paper's accuracy-per-parameter plots, DenseNet's Figure 4). ``sizes[arm]`` makes it
        a bubble chart: a disc behind each arm, its area proportional to the value
        (``size_label`` names it in the title)."""
        from classic.viz import _new_figure

        figure = _new_figure(7.0, 4.2)
        axes = figure.add_subplot(1, 1, 1)
        largest = max(sizes.values()) if sizes else None
        for i, arm in enumerate(self.experiment.arms):
            records = list(self.runs.get(arm.name, {}).values())
            values = [v for v in self.values(arm.name) if math.isfinite(v)]
            if not records or not values:
                continue
            x = cost[arm.name] if cost is not None else records[0]["params"]
            colour = f"C{i % 10}"
            if sizes:
                axes.scatter([x], [np.mean(values)], s=1500 * sizes[arm.name] / largest,
                             color=colour, alpha=0.15, linewidths=0)
            axes.errorbar([x], [np.mean(values)], yerr=[np.std(values, ddof=1)
                          if len(values) > 1 else 0], fmt="o", color=colour, capsize=5,
                          label=arm.name)
            axes.scatter([x] * len(values), values, color=colour, s=12, alpha=0.5)
        if log:
            axes.set_xscale("log")
        axes.set_xlabel(label + (" (log scale)" if log else ""))
        axes.set_ylabel(self.metric_label)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7)
        title = f"{self.experiment.name} ({self.profile} profile): mean ± sd; dots: seeds"
        if sizes:
            title += f"; disc area: {size_label}"
        axes.set_title(title, fontsize=9)
        return figure

    def comparable(self, live: Results) -> bool:
        """Whether ``live`` trained the setting of this result (same networks, data, budget)."""
        return (live.experiment.name == self.experiment.name
                and live.trained_setting == self.trained_setting)

    def compare_live(self, live: Results) -> Table:
        """Where a live run's seeds fall against this stored reference, arm by arm. A live run
        of another setting (the gpu profile's beside the cpu reference) is listed with the
        paper's figure instead: its numbers do not belong in the reference's range."""
        if not self.comparable(live):
            view = live.experiment
            rows = [[arm, int(seed), round(live._metric(record), 1)]
                    for arm in view.live_arms() or list(live.runs)
                    for seed, record in sorted(live.runs.get(arm, {}).items())]
            return Table(
                ["arm", "seed", f"your {live.metric_label}"], rows,
                title=(f"Your run ({live.trained_setting} setting: "
                       f"{view.setting(live.trained_setting).steps:,} steps) has no stored "
                       f"reference of its setting here; the {self.trained_setting} reference is "
                       f"another budget. The paper: {view.paper.result}"),
            )
        rows = []
        for arm in self.experiment.arms:
            if arm.name not in live.runs:
                continue
            reference = [v for v in self.values(arm.name) if math.isfinite(v)]
            for seed, record in sorted(live.runs[arm.name].items()):
                value = live._metric(record)
                if not reference or not math.isfinite(value):
                    where = "-"
                elif min(reference) <= value <= max(reference):
                    where = "inside the reference range"
                else:
                    where = "below" if value < min(reference) else "above"
                    where += " the reference range"
                rows.append([arm.name, int(seed), round(value, 1),
                             mean_sd(reference, self._decimals), where])
        return Table(
            ["arm", "seed", f"your {self.metric_label}", "reference (mean ± sd)", "where"],
            rows,
            title=f"Your run ({live.profile} profile) against the stored {self.profile} reference",
        )

    # ---- storage
    def to_json(self) -> dict:
        return {
            "experiment": self.experiment.name,
            "profile": self.profile,
            "fingerprint": self.fingerprint,
            "definition": self.experiment.definition(self.trained_setting, self.profile),
            "provenance": self.provenance,
            "runs": self.runs,
        }


def _wrap(text: str, width: int = 16) -> str:
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "\n".join(lines)


def mean_sd(values, decimals: int = 1) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not values:
        return "-"
    if len(finite) < len(values):
        return f"{len(values) - len(finite)} of {len(values)} not reached"
    if len(values) == 1:
        return f"{values[0]:,.{decimals}f}"
    return f"{np.mean(values):,.{decimals}f} ± {np.std(values, ddof=1):,.{decimals}f}"


def difference(a: Sequence[float], b: Sequence[float]):
    """mean(b) - mean(a) and its 95% Welch t interval; (None, None, None) with under 2 each."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None, None, None
    from scipy import stats

    diff = float(b.mean() - a.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, dof)) * se
    return diff, diff - half, diff + half



def seeds_needed(effect: float, spread: float) -> int:
    """Seeds per arm for a difference of ``effect`` to show, given a seed spread (sd) of
    ``spread``: the smallest n whose 95% interval half-width (two arms of n seeds, pooled) is
    below the effect. An effect of that size then shows about half the time; more seeds make it
    reliable."""
    if not (effect > 0 and spread >= 0):
        raise ValueError(f"effect must be > 0 and spread >= 0. Received: effect={effect!r}, "
                         f"spread={spread!r}")
    from scipy import stats

    return next(n for n in range(2, 1_000_000)
                if stats.t.ppf(0.975, 2 * n - 2) * spread * math.sqrt(2 / n) < effect)

# --------------------------------------------------------------------------- files


def results_dir(profile: str, root: str | os.PathLike | None = None) -> Path:
    return Path(root if root is not None else RESULTS) / profile


def _path(experiment: Experiment, profile: str, root) -> Path:
    return results_dir(profile, root) / f"{experiment.name}.json"


def _write_atomically(path: Path, payload: dict) -> None:
    """Write to a temporary file beside ``path`` and rename: a killed write leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load(experiment, profile: str = "cpu", *, root=None, setting: str | None = None) -> Results:
    """The stored result of ``experiment`` in ``profile`` (results/<profile>/<name>.json).

    ``setting``: the profile whose setting the run trained, when another (see :func:`run`).
    Raises a ValueError naming the file when it is missing, unreadable, or made by another
    definition of the experiment (stale: rerun ``python -m classic.experiments run NAME``).
    """
    trained = setting or profile
    experiment = _experiment(experiment).in_profile(trained)
    path = _path(experiment, profile, root)
    command = f"python -m classic.experiments run {experiment.name} --profile {profile}"
    if not path.is_file():
        raise ValueError(f"No stored result at results/{profile}/{path.name}: run `{command}`")
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(
            f"results/{profile}/{path.name} cannot be read ({error}); delete it and run "
            f"`{command}`"
        ) from None
    results = _from_json(experiment, profile, stored, setting)
    expected = experiment.fingerprint(trained, profile)
    if results.fingerprint != expected:
        raise ValueError(
            f"results/{profile}/{path.name} is stale: it was made by another definition of "
            f"{experiment.name} (fingerprint {results.fingerprint}, the code's is "
            f"{expected}); run `{command} --fresh`"
        )
    return results


def _from_json(experiment, profile, stored, setting=None) -> Results:
    return Results(
        experiment=experiment,
        profile=profile,
        runs=stored.get("runs", {}),
        provenance=stored.get("provenance", {}),
        fingerprint=stored.get("fingerprint", ""),
        setting=setting,
    )


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
            text=True, timeout=5, cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(profile: str) -> dict:
    """Versions, machine and commit of the code that produced a result."""
    import keras

    import classic

    info = {
        "classic": classic.__version__,
        "commit": _commit(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "profile": profile,
    }
    try:
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        info["gpu"] = ", ".join(d.name for d in gpus) or None
    except ImportError:
        info["tensorflow"] = None
    if keras.backend.backend() == "jax":  # the GPU machines have JAX and no TensorFlow
        import jax

        info["jax"] = jax.__version__
        info["gpu"] = ", ".join(d.device_kind for d in jax.devices() if d.platform != "cpu") or None
    return info


# --------------------------------------------------------------------------- running


def _progress(done: int, total: int, text: str) -> None:
    filled = round(20 * done / total) if total else 20
    print(f"[{'#' * filled}{'.' * (20 - filled)}] {done}/{total} {text}", flush=True)


class _EpochLog:
    """The history of an arm-seed's finished epochs, written beside its backup after every
    epoch, so that a run resumed from the backup can give the whole history."""

    def __init__(self, path: Path):
        self.path = path
        self.seconds = 0.0

    def read(self) -> dict:
        try:
            stored = json.loads(self.path.read_text())
            history = {k: list(v) for k, v in stored["history"].items()}
            self.seconds = float(stored.get("seconds", 0.0))
            return history
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def start(self, earlier: dict):
        import keras

        log = self

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.history = {k: list(v) for k, v in earlier.items()}
                self.clock = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                for key, value in (logs or {}).items():
                    self.history.setdefault(key, []).append(float(value))
                seconds = log.seconds + time.perf_counter() - self.clock
                log.path.parent.mkdir(parents=True, exist_ok=True)
                _write_atomically(log.path, {"history": self.history, "seconds": seconds})

        return Callback()


def run(
    experiment,
    profile: str | None = None,
    *,
    seeds: Sequence[int] | None = None,
    arms: Sequence[str] | str | None = None,
    setting: str | None = None,
    save: bool = False,
    fresh: bool = False,
    root=None,
    data_dir=None,
    verbose: bool = True,
) -> Results:
    """Train ``arms`` (default: all; ``"live"``: the experiment's :attr:`Experiment.live`) for
    ``seeds`` (default: the setting's) of ``experiment``.

    ``save=True`` (what the command line does) writes ``results/<profile>/<name>.json`` after
    every arm-seed and skips the arm-seeds it already holds, so a killed run continues where it
    stopped. An arm-seed cut off half-way resumes at its next epoch: ``classic.train.fit`` keeps
    a backup every epoch, and the epochs' history goes beside it
    (``backup_root()/<run name>.history.json``), so every stored history is whole and a hard
    kill loses at most one epoch. ``fresh=True`` starts the file over. Without ``save`` (a
    notebook's live run) nothing is written, and the trained networks are kept in the result.

    ``setting`` trains another profile's setting (and arms) with this profile's precision and
    compilation: ``profile="gpu", setting="cpu"`` is the cpu budget on a GPU (the gpu check).
    A live run whose data cannot be had (offline, or a local copy smaller than the setting
    needs) uses the next smaller setting (gpu, then cpu, then ci) and says so.
    """
    import keras

    import classic.data
    import classic.train

    defined = _experiment(experiment)
    chosen = profile if isinstance(profile, classic.train.Profile) else classic.train.profile(
        profile
    )
    trained = chosen.name if setting is None else setting
    defined.setting(trained)  # an unknown setting gets its error before any data is loaded
    for seed in [] if seeds is None else seeds:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seeds: expected non-negative integers. Received: seeds={seeds!r}")
    if isinstance(arms, str) and arms != "live":
        raise ValueError(f"arms: expected a list of arm names, 'live' or None. "
                         f"Received: arms={arms!r}")

    def load_data(setting):
        return classic.data.load(
            setting.data, validation=setting.validation, seed=0, limit=setting.limit,
            channels=setting.channels, raw=True, data_dir=data_dir, verbose=verbose,
        )

    # the setting to train: the one asked for, or in a live run the largest the data allow
    smaller = [p for p in _SETTING_ORDER[_SETTING_ORDER.index(trained) + 1:]
               if p in defined.settings] if trained in _SETTING_ORDER else []
    while True:
        s = defined.setting(trained)
        try:
            data, error = load_data(s), None
            if len(data.x_train) != s.train_images:
                error = ValueError(
                    f"{s.data} gave {len(data.x_train):,} training images, the {trained} setting "
                    f"of {defined.name} needs {s.train_images:,} (limit={s.limit:,}): the data "
                    "set holds fewer images than the experiment needs"
                )
        except classic.data.DatasetUnavailable as unavailable:
            error = unavailable
        if error is None:
            break
        if save or not smaller:
            raise error
        trained = smaller.pop(0)
        why = (f"{error.name} is unavailable ({error.reason})"
               if isinstance(error, classic.data.DatasetUnavailable) else str(error))
        print(f"{why}; this run uses the {trained} setting instead, so its numbers are not "
              f"comparable with the {chosen.name} setting's")
    experiment = defined.in_profile(trained)
    seeds = list(s.seeds if seeds is None else seeds)
    names = experiment.live_arms() if arms == "live" else arms
    chosen_arms = [experiment.arm(a) for a in names] if names is not None else list(
        experiment.arms
    )
    for arm in list(chosen_arms):  # a donor trains before the arm that starts from it
        if arm.init_from and experiment.arm(arm.init_from) not in chosen_arms:
            chosen_arms.insert(chosen_arms.index(arm), experiment.arm(arm.init_from))
    fingerprint = experiment.fingerprint(trained, chosen.name)
    path = _path(experiment, chosen.name, root)
    runs: dict[str, dict[str, dict]] = {}
    models: dict[str, dict[int, Any]] = {}
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    seconds_before = 0.0
    if save and path.is_file() and not fresh:
        stored = json.loads(path.read_text())
        if stored.get("fingerprint") != fingerprint:
            raise ValueError(
                f"results/{chosen.name}/{path.name} was made by another definition of "
                f"{experiment.name}; rerun with --fresh (fresh=True) to replace it"
            )
        runs = stored.get("runs", {})
        started = stored.get("provenance", {}).get("started", started)
        seconds_before = stored.get("provenance", {}).get("seconds", 0.0)

    # seed by seed, so that a run cut short holds whole seeds of every arm
    todo = [(arm, seed) for seed in seeds for arm in chosen_arms
            if str(seed) not in runs.get(arm.name, {})]
    total, done = len(chosen_arms) * len(seeds), len(chosen_arms) * len(seeds) - len(todo)
    if verbose:
        print(experiment.table(trained, seeds).title)
        if done:
            print(f"{done} of {total} arm-seeds already stored in results/{chosen.name}/"
                  f"{path.name}; continuing")
    clock = time.perf_counter()
    donors = {a.init_from for a in experiment.arms if a.init_from}

    def train_one(arm, seed, *, resume=True):
        """Train one arm-seed; one cut off half-way resumes at its next epoch (``resume``)."""
        run_name = (f"experiment-{experiment.name}-{chosen.name}-{s.data}-{fingerprint}-"
                    f"{experiment.arms.index(arm)}-{seed}")  # the data: an offline fallback
        backup = classic.train.backup_root() / run_name
        log = _EpochLog(backup.with_name(f"{run_name}.history.json"))
        earlier = log.read() if resume and backup.is_dir() else {}
        if not earlier:  # nothing to resume from: the backup, if any, is dropped with it
            shutil.rmtree(backup, ignore_errors=True)
            log.path.unlink(missing_ok=True)
        keras.utils.clear_session(free_memory=True)
        donor = None
        if arm.init_from:
            donor = models.get(arm.init_from, {}).get(int(seed))
            if donor is None:  # stored as finished in an earlier run: train it again, unrecorded
                donor = _network_of(train_one(experiment.arm(arm.init_from), seed).model)
        result = classic.train.fit(
            lambda: build_arm(
                experiment, arm, trained, data.input_shape, data.num_classes, donor,
                jit=chosen.jit_compile is True,
            ),
            data,
            chosen,
            epochs=s.epochs,
            batch_size=s.batch_size,
            learning_rate=s.learning_rate,
            seed=int(seed),
            run_name=run_name,
            verbose=0,
            callbacks=[log.start(earlier)],
            loss_weights=arm.loss_weights,
        )
        first = result.epochs[0] if result.epochs else s.epochs
        if first != len(next(iter(earlier.values()), [])):
            # the backup and the log disagree (killed between the two writes): start over
            log.path.unlink(missing_ok=True)
            if not resume:
                raise RuntimeError(f"the backup of {run_name} could not be removed; delete "
                                   f"{backup} and run again")
            return train_one(arm, seed, resume=False)
        log.path.unlink(missing_ok=True)
        if earlier:
            history = {k: earlier.get(k, []) + result.history.get(k, [])
                       for k in set(earlier) | set(result.history)}
            result = dataclasses.replace(result, history=history,
                                         seconds=result.seconds + log.seconds)
        return result

    for arm, seed in todo:
        if verbose:
            _progress(done, total, f"training {arm.name!r}, seed {seed}")
        result = train_one(arm, seed)
        record = {
            "steps": [(e + 1) * s.steps_per_epoch for e in range(s.epochs)],
            "history": _main_history(result.history),
            "test_accuracy": round(result.test_accuracy, 5),
            "test_loss": round(result.test_loss, 5),
            "seconds": round(result.seconds, 1),
            "images_per_second": None if result.images_per_second is None
            else round(result.images_per_second),
            "params": int(result.model.count_params()),
        }
        if experiment.measure:
            record["measures"] = {k: round(float(v), 5) for k, v in
                                  _builder(experiment.measure)(result.model, data).items()}
        runs.setdefault(arm.name, {})[str(seed)] = record
        if arm.name in donors or not save:  # a live run keeps its networks to look inside
            models.setdefault(arm.name, {})[int(seed)] = _network_of(result.model)
        done += 1
        if save:
            info = provenance(chosen.name)
            info["started"] = started
            info["updated"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds")
            info["seconds"] = round(seconds_before + time.perf_counter() - clock, 1)
            results = Results(experiment, chosen.name, runs, info, fingerprint, setting=trained)
            _write_atomically(path, results.to_json())
    if verbose:
        _progress(done, total, "done")
    info = provenance(chosen.name)
    info["seconds"] = round(time.perf_counter() - clock, 1)
    return Results(experiment, chosen.name, runs, info, fingerprint, models, setting=trained)


def _network_of(model):
    """The network inside a model that :func:`build_arm` built: its last nested model (the
    preprocessing comes first; named output layers of several heads may follow)."""
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.Model)][-1]


def _main_history(history) -> dict[str, list[float]]:
    """Accuracy and loss per epoch, of the main output where a network has several
    (``predictions_accuracy`` of GoogLeNet with its auxiliary classifiers is its ``accuracy``)."""
    kept = {}
    for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
        main = key.replace("accuracy", "predictions_accuracy").replace("loss", "predictions_loss")
        values = history.get(main, history.get(key))
        if values is not None:
            kept[key] = [round(v, 5) for v in values]
    return kept


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m classic.experiments",
        description="The course's experiments: list them, run them, show stored results.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every experiment, and which results are stored")
    runner = commands.add_parser("run", help="train every arm and seed; resumable")
    runner.add_argument("names", nargs="+", help="experiment names, or 'all'")
    runner.add_argument("--profile", default="cpu", help="ci, cpu or gpu (default cpu)")
    runner.add_argument("--fresh", action="store_true", help="start the stored result over")
    runner.add_argument("--data-dir", default=None, help="folder of local copies")
    runner.add_argument("--results", default=None, help="results folder (default results/)")
    runner.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="these seeds only (default: the setting's)")
    runner.add_argument("--setting", default=None,
                        help="train this profile's setting instead of --profile's, with "
                             "--profile's precision and compilation (the gpu check: cpu)")
    show = commands.add_parser("show", help="the stored result of an experiment")
    show.add_argument("name")
    show.add_argument("--profile", default="cpu")
    show.add_argument("--results", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        for experiment in EXPERIMENTS.values():
            stored = []
            for profile in experiment.settings:
                path = _path(experiment, profile, None)
                if path.is_file():
                    stored.append(f"{profile}: {_stored_state(experiment, profile)}")
            print(f"{experiment.name:24} {experiment.notebook:12} "
                  f"{len(experiment.arms)} arms; stored: {'; '.join(stored) or 'none'}")
        return 0
    if args.command == "show":
        results = load(args.name, args.profile, root=args.results)
        for table in (results.paper(), results.summary(), results.comparisons()):
            print(table, end="\n\n")
        p = results.provenance
        backend = p.get("backend")
        version = p.get(backend) if backend in ("jax", "tensorflow") else None
        machine = p.get("gpu") or f"{p.get('cpu')} ({p.get('cores')} cores)"
        print(f"made with classic {p.get('classic')} ({p.get('commit')}), Keras {p.get('keras')} "
              f"({backend}{' ' + version if version else ''}), on {machine}, "
              f"{p.get('updated')}, {p.get('seconds')} s")
        return 0
    wanted = names() if args.names == ["all"] else args.names
    for name in wanted:
        run(name, args.profile, save=True, fresh=args.fresh, root=args.results,
            data_dir=args.data_dir, seeds=args.seeds, setting=args.setting)
    return 0


def _stored_state(experiment, profile) -> str:
    try:
        results = load(experiment, profile)
    except ValueError as error:
        return str(error).split(":")[0]
    seeds = [len(results.seeds(a.name)) for a in experiment.arms]
    minutes = results.provenance.get("seconds", 0) / 60
    return f"{min(seeds)}-{max(seeds)} seeds per arm, {minutes:.0f} min on {_machine(results)}"


def _machine(results) -> str:
    p = results.provenance
    return p.get("gpu") or f"{p.get('cores')} cores"


if __name__ == "__main__":
    sys.exit(main())
