"""The design of an experiment, as data: what every arm shares (:class:`Setting`), each arm
(:class:`Arm`), the paper's own number (:class:`Paper`), what one profile trains instead
(:class:`Variant`), and the :class:`Experiment` with its fingerprint."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from classic.tables import Table

MIN_SEEDS = 3
"""The fewest seeds an arm of a stored reference may have."""

OFFLINE = "offline"
"""The setting a live run trains when its data set cannot be had (no local copy, no network):
the offline set at the cpu setting's input sizes and optimizer-step budget (:func:`offline`)."""
OFFLINE_DATA = "digits"
OFFLINE_IMAGES = 1_437
"""scikit-learn's 1,797 digits less the 360 that classic.data keeps apart for testing."""


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
        variant = defined.variants.get("cpu" if profile == OFFLINE else profile)
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
        """The setting of ``profile``; ``"offline"`` is derived from the cpu setting."""
        if profile in self.settings:
            return self.settings[profile]
        if profile == OFFLINE and "cpu" in self.settings:
            return offline(self.settings["cpu"])
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
            sample = getattr(_measure_function(self.measure), "sample", None)
            if sample:  # the images it reads: measured on others, a stored result is stale
                definition["measure_sample"] = sample
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


def _measure_function(path: str):
    """The function a ``module:function`` measure names (imported by name: ``measures`` sits
    above this module)."""
    module, _, function = path.partition(":")
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):  # a measure that cannot be found fails when it runs
        return None


def _plain(value):
    """Tuples to lists and mappings to dicts, so that a definition hashes as its JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def offline(cpu: Setting) -> Setting:
    """The cpu setting on the offline set: the same networks, input sizes, batch and learning
    rate, and as many epochs of its 1,293 training images as give at least the cpu setting's
    optimizer steps, so that it trains about as long (a minute or two) and learns as much as
    such a budget allows, where the ci setting's few steps would stay near chance."""
    digits = dataclasses.replace(cpu, data=OFFLINE_DATA, limit=OFFLINE_IMAGES)
    return dataclasses.replace(digits, epochs=math.ceil(cpu.steps / digits.steps_per_epoch))
