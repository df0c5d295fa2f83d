"""What the course supplies to a notebook's live run, so that the page itself holds the network,
``compile`` and ``fit``: the data of the experiment's setting, its budget (epochs, batch,
optimizer steps, learning rate), the layers in front of the network, and the callbacks (a
backup every epoch, a short progress line); afterwards the run as a :class:`Results`, to set
beside the stored reference."""

from __future__ import annotations

import dataclasses
import textwrap
import time
from typing import Any

from classic.experiments.build import build_network, front_of, network_of, wrap
from classic.experiments.design import Arm, Experiment
from classic.experiments.registry import resolve
from classic.experiments.results import Results
from classic.experiments.runner import _load_data, _Session, _wall_time


def supplies(experiment, profile=None, *, arm: str | None = None, seed: int | None = None,
             data_dir=None) -> Supplies:
    """The data, budget and callbacks of one live arm-seed of ``experiment`` (default arm: the
    first arm the notebook trains live, ``Experiment.live_arms()`` in that profile; default
    seed: the first the stored reference did not use), in ``profile``'s setting, or a smaller
    one when the data are short (the runner's fallbacks, said once)."""
    import classic.train

    defined = resolve(experiment)
    chosen = profile if isinstance(profile, classic.train.Profile) else classic.train.profile(
        profile)
    trained, data = _load_data(defined, chosen.name, chosen.name, save=False, data_dir=data_dir,
                               verbose=False)
    view = defined.in_profile(trained)
    the_arm = view.arm(arm if arm is not None else view.live_arms()[0])
    if the_arm.init_from:
        raise ValueError(f"arm: {the_arm.name!r} starts from another arm's trained network; "
                         "a live run on the page trains an arm from scratch")
    s = view.setting(trained)
    if seed is None:
        seed = max(s.seeds) + 1
    return Supplies(view, the_arm, chosen, trained, data, int(seed))


@dataclasses.dataclass
class Supplies:
    """One live arm-seed: ``x_train``, ``y_train``, ``validation_data``, ``x_test``, ``y_test``
    (raw images: uint8 at their native size); ``epochs``, ``batch_size``, ``steps`` and
    ``learning_rate`` of the setting; ``input_shape`` and ``options`` of the network;
    :meth:`model` puts the layers in front; :meth:`callbacks` and :meth:`result`."""

    experiment: Experiment
    arm: Arm
    profile: Any  # classic.train.Profile
    trained: str
    data: Any
    seed: int
    _started: float | None = dataclasses.field(default=None, repr=False)
    _throughput: Any = dataclasses.field(default=None, repr=False)

    @property
    def setting(self):
        return self.experiment.setting(self.trained)

    x_train = property(lambda self: self.data.x_train)
    y_train = property(lambda self: self.data.y_train)
    x_test = property(lambda self: self.data.x_test)
    y_test = property(lambda self: self.data.y_test)
    validation_data = property(lambda self: (self.data.x_val, self.data.y_val))
    epochs = property(lambda self: self.setting.epochs)
    batch_size = property(lambda self: self.setting.batch_size)
    steps = property(lambda self: self.setting.steps)
    learning_rate = property(lambda self: self.setting.learning_rate)
    classes = property(lambda self: self.data.num_classes)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The network's input: the setting's (or the arm's) side, the setting's channels."""
        size = self.arm.input_size(self.setting)
        return (size, size, self.setting.channels)

    @property
    def options(self) -> dict:
        """The builder options every arm shares in this setting (``width``) and the arm's own."""
        return {**self.setting.options, **self.arm.options}

    def __str__(self) -> str:
        s, d = self.setting, self.data
        front = "pad or resize" if not self.arm.augment else "enlarge, random crop and mirror"
        lines = [
            f"{self.experiment.name} ({self.trained} setting), arm {self.arm.name!r}, "
            f"seed {self.seed}",
            f"data: {d.name}, {len(d.x_train):,} training / {len(d.x_val):,} validation / "
            f"{len(d.x_test):,} test images, uint8, {'x'.join(map(str, d.input_shape))}",
            f"from {d.source}",
            *textwrap.wrap(f"note: {d.note}" if d.note else "", 100),
            f"in front of the network: scale to [0, 1], {front} to "
            f"{'x'.join(map(str, self.input_shape))}",
            f"budget: {s.epochs} epoch{'s' if s.epochs > 1 else ''} of batch {s.batch_size} = "
            f"{s.steps:,} optimizer steps; the reference: Adam, cosine decay from "
            f"{s.learning_rate:g}",
        ]
        if self.options:
            lines.append(f"network options: {self.options}")
        return "\n".join(lines)

    def model(self, network):
        """``network`` behind the setting's layers in front (scale, pad or resize, the arm's
        augmentation), taking the raw images: the model that ``compile`` and ``fit`` see."""
        front = front_of(self.experiment, self.arm, self.trained, self.data.input_shape,
                         jit=self.profile.jit_compile is True)
        return wrap(network, front, self.data.input_shape)

    def prepare(self, images):
        """``images`` (raw, as stored) as the network sees them in testing: the layers in front,
        in inference mode (no augmentation), as a NumPy array; to look inside the network."""
        import keras
        import numpy as np

        front = front_of(self.experiment, self.arm, self.trained, self.data.input_shape)
        return keras.ops.convert_to_numpy(front(np.asarray(images), training=False))

    def callbacks(self, model) -> list:
        """A backup every epoch (a rerun after a dropped session resumes; a changed network
        starts afresh), the throughput meter, and a progress line every quarter of the run."""
        from classic.train.backups import _BackupAndRestore, _config_fingerprint, backup_root
        from classic.train.results import _Throughput

        settings = {"experiment": self.experiment.name, "arm": self.arm.name, "seed": self.seed,
                    "setting": self.trained, "data": self.data.name}
        name = f"page-{self.experiment.name}-{self.trained}-{_config_fingerprint(model, settings)}"
        self._throughput = _Throughput(len(self.data.x_train))
        self._started = time.perf_counter()
        return [_BackupAndRestore(str(backup_root() / name)), self._throughput,
                _progress(self.epochs)]

    def result(self, model, history) -> Results:
        """The run as a live :class:`Results` of this arm and seed (test accuracy measured
        here), with a line on the wall time and on anything that departs from the setting."""
        from classic.train.compiling import _output_names
        from classic.train.fitting import _accuracy_key, _every_output
        from classic.train.results import TrainingResult

        seconds = time.perf_counter() - (self._started or time.perf_counter())
        outputs = _output_names(model)
        scores = model.evaluate(self.x_test, _every_output(self.y_test, outputs),
                                batch_size=self.batch_size, verbose=0, return_dict=True)
        logs = {k: [float(v) for v in values] for k, values in history.history.items()}
        main = _accuracy_key(outputs)
        for prefix in ("", "val_"):  # the main output's accuracy under the usual names
            if f"{prefix}{main}" in logs:
                logs.setdefault(f"{prefix}accuracy", logs[f"{prefix}{main}"])
        trained = TrainingResult(
            history=logs, epochs=list(history.epoch), test_loss=float(scores["loss"]),
            test_accuracy=float(scores[main]), seconds=seconds,
            images_per_second=getattr(self._throughput, "images_per_second", None),
            profile=self.profile.name, data=self.data.name, model=model,
            test_scores={k: float(v) for k, v in scores.items()})
        session = _Session(self.experiment, self.profile, self.trained, self.data)
        record = session.record(trained)
        for line in self.departures(model, history):
            print(f"note: {line}; your run is then no test against the reference")
        print(_wall_time(seconds, self.experiment.notebook, self.profile.name))
        runs = {self.arm.name: {str(self.seed): record}}
        models = {self.arm.name: {self.seed: network_of(model)}}
        return Results(self.experiment, self.profile.name, runs, {"seconds": round(seconds, 1)},
                       session.fingerprint, models, setting=self.trained)

    def departures(self, model, history) -> list[str]:
        """How the page's run departs from the reference's setting: another network (by its
        parameter count), another number of epochs, another optimizer or schedule."""
        import keras

        found = []
        reference = build_network(self.experiment, self.arm, self.trained, self.classes)
        if network_of(model).count_params() != reference.count_params():
            found.append(f"your network has {network_of(model).count_params():,} parameters, "
                         f"the reference's {reference.count_params():,}")
        if len(history.epoch) != self.epochs:
            found.append(f"{len(history.epoch)} epochs, the reference's {self.epochs}")
        optimizer = getattr(model, "optimizer", None)
        schedule = getattr(optimizer, "_learning_rate", None)
        config = schedule.get_config() if hasattr(schedule, "get_config") else {}
        same = (type(optimizer) is keras.optimizers.Adam
                and isinstance(schedule, keras.optimizers.schedules.CosineDecay)
                and abs(config.get("initial_learning_rate", 0) - self.learning_rate) < 1e-12
                and config.get("decay_steps") == self.steps)
        if not same:
            found.append(f"the reference trained with Adam and a cosine decay from "
                         f"{self.learning_rate:g} over {self.steps:,} steps")
        weights = _loss_weights(model)
        expected = None if self.arm.loss_weights is None else list(self.arm.loss_weights)
        if weights != expected:
            found.append(f"the reference weighted the outputs' losses {expected}, yours {weights}")
        return found


def _loss_weights(model) -> list[float] | None:
    """The compiled loss weights as a list in the outputs' order (Keras also takes one number,
    or a dict by output name)."""
    from classic.train.compiling import _output_names

    weights = (model.get_compile_config() or {}).get("loss_weights")
    if weights is None:
        return None
    if isinstance(weights, dict):
        return [float(weights.get(name, 1.0)) for name in _output_names(model)]
    if isinstance(weights, (int, float)):
        return [float(weights)]
    return [float(w) for w in weights]


def _progress(epochs: int):
    """A callback that prints a line after every quarter of the epochs: short enough for a
    notebook, where Keras' own log gives two lines an epoch."""
    import keras

    from classic.train.compiling import _output_names
    from classic.train.fitting import _accuracy_key

    every = max(1, epochs // 4)

    class Progress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.clock = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every and epoch + 1 != epochs:
                return
            logs = logs or {}
            parts = [f"epoch {epoch + 1}/{epochs}"]
            main = _accuracy_key(_output_names(self.model))
            for prefix, label in (("", "training"), ("val_", "validation")):
                if f"{prefix}{main}" in logs:
                    parts.append(f"{label} accuracy {100 * float(logs[prefix + main]):.1f}%")
            parts.append(f"{time.perf_counter() - self.clock:.0f} s")
            print(", ".join(parts), flush=True)

    return Progress()

