"""How long a notebook's training takes: measured on 2 CPU cores, estimated for a GPU
(``classic.budget`` is this module, by its short name).

A notebook trains one seed of its experiment's live arms (``Experiment.live``). In the ``cpu``
profile the time is measured: the mean seconds of those arms' seeds in the stored reference.
In the ``gpu`` profile no T4 has measured it yet, so it is an estimate, and the gpu settings'
epochs were chosen from it (about ten minutes a notebook on a T4):

1. **Throughput on an H200, measured** (``benchmarks/results/gpu_throughput_h200.json``: JAX,
   mixed precision, XLA, batch 256, random images) for LeNet-5, ResNet-20, ResNet-56 and VGG-16
   with batch normalization. A network the H200 did not measure takes the figure of a measured
   network of its kind (``ANCHORS``) scaled by the smaller of two ratios, its MACs and its
   activation memory per image against the anchor's (``classic.shapes.totals``): whichever
   of the two would slow it down more.
2. **A T4 is taken as 15 times slower** (``T4_FROM_H200``): the ratio of their memory bandwidth
   (0.32 against 4.8 TB/s) and of their dense fp16 tensor throughput (65 against 989 TFLOPS,
   the H200 SXM's; the NVL's is lower). Small networks that fill neither GPU lose less, but a
   T4 (70 W) rarely holds its boost clock: take the estimates as good to a factor of about two.
   Those scaled up from a larger anchor (AlexNet and ZF-Net from VGG-16) are the least certain.
3. **Every arm-seed adds ``COMPILE_SECONDS``** for XLA's compilation and the first epoch's
   overheads (the H200's first epochs took 11 to 38 s longer than the rest).

``gpu_table()`` is the table docs/gpu.md shows; ``expected_time(notebook, profile)`` the line a
notebook's setup cell prints.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

from classic.experiments.registry import EXPERIMENTS, get
from classic.experiments.storage import load
from classic.tables import Table

__all__ = ["ANCHORS", "COMPILE_SECONDS", "T4_FROM_H200", "expected_time", "gpu_table",
           "live_experiments", "t4_estimate"]

H200_RESULTS = (Path(__file__).resolve().parents[2] / "benchmarks" / "results"
                / "gpu_throughput_h200.json")
T4_FROM_H200 = 15
COMPILE_SECONDS = 60
TEST_IMAGES = 10_000  # MNIST's and CIFAR-10's test sets, evaluated once after training
EVALUATION_SPEEDUP = 3  # an image evaluated costs about a third of one trained (no backward)

# The measured networks, as benchmarks/gpu_throughput.py built them (a test keeps the two equal):
# name: (builder, options, input side, channels).
MEASURED = {
    "LeNet-5": ("classic.models.lenet:lenet5", {}, 32, 1),
    "VGG-16 BN at 32": ("classic.models.vgg:vgg", {"config": "D", "batch_norm": True}, 32, 3),
    "ResNet-20": ("classic.models.resnet:cifar_resnet", {"depth": 20}, 32, 3),
    "ResNet-56": ("classic.models.resnet:cifar_resnet", {"depth": 56}, 32, 3),
}
# Each builder's measured network of its kind. AlexNet and ZF-Net were measured on the H200
# only without XLA (Keras' RandomCrop turned it off), so the plain convolutional stack of VGG
# stands for them; GoogLeNet's and DenseNet's many thin layers are closest to ResNet-56's.
ANCHORS = {
    "lenet5": "LeNet-5",
    "four_layer_cnn": "ResNet-20",
    "alexnet": "VGG-16 BN at 32",
    "zfnet": "VGG-16 BN at 32",
    "vgg": "VGG-16 BN at 32",
    "googlenet": "ResNet-56",
    "cifar_resnet": "ResNet-20",
    "cifar_densenet": "ResNet-56",
}


@dataclasses.dataclass(frozen=True)
class Estimate:
    """A network's estimated training throughput on a T4, and how it was reached."""

    images_per_second: float
    how: str


@functools.lru_cache(maxsize=1)
def h200_throughput() -> dict[str, float]:
    """Images/s of each network the H200 measured (file named by ``H200_RESULTS``)."""
    stored = json.loads(H200_RESULTS.read_text())["networks"]
    return {name: stored[name]["images_per_second"] for name in MEASURED}


@functools.cache
def _totals(builder: str, options: tuple, size: int, channels: int):
    import keras

    import classic.shapes
    from classic.experiments.build import builder_of

    network = builder_of(builder)(
        input_shape=(size, size, channels), classes=10, **dict(options))
    totals = classic.shapes.totals(network)
    keras.utils.clear_session()
    return totals


def _frozen(options) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


def t4_estimate(experiment, arm: str, profile: str = "gpu") -> Estimate:
    """The training throughput of ``arm`` on a T4, estimated from the H200's (module notes)."""
    view = get(experiment).in_profile(profile) if isinstance(
        experiment, str) else experiment.in_profile(profile)
    chosen = view.arm(arm)
    s = view.setting(profile)
    size = chosen.input_size(s)
    kind = chosen.builder.split(":")[-1]
    anchor = ANCHORS[kind]
    builder, options, anchor_size, anchor_channels = MEASURED[anchor]
    theirs = _totals(builder, _frozen(options), anchor_size, anchor_channels)
    ours = _totals(chosen.builder, _frozen({**s.options, **chosen.options}), size, s.channels)
    ratio = min(theirs.macs / ours.macs, theirs.activation_bytes / ours.activation_bytes)
    h200 = h200_throughput()[anchor]
    same = ratio == 1.0
    how = (f"{anchor} measured on the H200" if same else
           f"{anchor}'s {h200:,.0f} images/s on the H200 x {ratio:.2f} (MACs, activations)")
    return Estimate(h200 * ratio / T4_FROM_H200, how + f", / {T4_FROM_H200} for a T4")


def _arm_seconds(view, arm: str, profile: str) -> float:
    s = view.setting(profile)
    held = s.limit - s.train_images
    evaluated = (held * s.epochs + TEST_IMAGES) / EVALUATION_SPEEDUP
    speed = t4_estimate(view, arm, profile).images_per_second
    return (s.train_images * s.epochs + evaluated) / speed + COMPILE_SECONDS


def live_experiments(notebook: str) -> list:
    """The experiments whose live arms ``notebook`` trains (``notebook``: "06" or "06_resnet")."""
    return [e for e in EXPERIMENTS.values()
            if e.notebook.split("_")[0] == notebook.split("_")[0] and e.live]


def live_experiments_all() -> list:
    """Every experiment a notebook trains live."""
    return [e for e in EXPERIMENTS.values() if e.live]


def _cpu_seconds(experiment) -> float | None:
    try:
        stored = load(experiment, "cpu")
    except ValueError:
        return None
    total = 0.0
    for arm in experiment.live_arms():
        seconds = [r["seconds"] for r in stored.runs.get(arm, {}).values()]
        if not seconds:
            return None
        total += sum(seconds) / len(seconds)
    return total


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    if minutes >= 1.5:
        return f"{minutes:.0f} minutes"
    return "a minute" if seconds >= 45 else "under a minute"


def notebook_seconds(notebook: str, profile: str) -> float | None:
    """Seconds of the live training of ``notebook`` (one seed): measured in the cpu profile
    (the reference's mean per seed), estimated for a T4 in the gpu profile; None otherwise."""
    total = 0.0
    for experiment in live_experiments(notebook):
        if profile == "gpu":
            view = experiment.in_profile("gpu")
            total += sum(_arm_seconds(view, arm, "gpu") for arm in view.live_arms())
        elif profile == "cpu":
            seconds = _cpu_seconds(experiment)
            if seconds is None:
                return None
            total += seconds
        else:
            return None
    return total


def expected_time(notebook: str, profile) -> str:
    """The line a notebook's setup cell prints: how long its training will take here."""
    name = profile if isinstance(profile, str) else profile.name
    try:
        seconds = notebook_seconds(notebook, name)
    except OSError:  # classic installed without its checkout: no stored measurements
        return (f"training in this notebook: no estimate here ({H200_RESULTS.name} is not "
                "beside classic; open the notebook from a checkout of the repository)")
    if name == "gpu" and seconds is not None:
        return (f"training in this notebook: about {_minutes(seconds)} on a T4 (an estimate, "
                "see classic.budget; faster GPUs take less)")
    if name == "cpu" and seconds is not None:
        return (f"training in this notebook: about {_minutes(seconds)} on 2 CPU cores (the "
                "reference runs' mean per seed)")
    if name == "ci":
        return "training in this notebook: seconds (the ci profile checks that cells run)"
    return "training in this notebook: no estimate here (no stored reference to time it by)"


def gpu_table() -> Table:
    """Per notebook, what the gpu profile trains live and how long a T4 should take, and the
    reference runs of all the notebook's experiments (every arm and seed): estimates all."""
    rows = []
    for experiment in live_experiments_all():  # registered in the notebooks' order
        notebook = experiment.notebook
        view = experiment.in_profile("gpu")
        s = view.setting("gpu")
        live = view.live_arms()
        speeds = [t4_estimate(view, arm).images_per_second for arm in live]
        references = [e.in_profile("gpu") for e in EXPERIMENTS.values()
                      if e.notebook == notebook]
        reference = sum(_arm_seconds(v, a.name, "gpu") * len(v.setting("gpu").seeds)
                        for v in references for a in v.arms)
        rows.append([
            notebook.split("_")[0],
            f"{experiment.name}: {', '.join(live)}",
            f"{s.epochs} x {s.train_images:,} ({s.steps:,} steps)",
            " / ".join(f"{v:,.0f}" for v in speeds),
            round(sum(_arm_seconds(view, arm, "gpu") for arm in live) / 60),
            round(reference / 3600, 1),
        ])
    return Table(
        ["notebook", "trained live: experiment, arms (one seed)", "epochs x images",
         "T4 images/s (est.)", "T4 minutes (est.)",
         "reference runs, T4 hours (est.)"],
        rows,
        title="The gpu profile, estimated from H200 throughputs (classic.budget); not yet "
              "measured on a T4",
    )
