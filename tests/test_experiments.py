"""Tests of classic.experiments: budgets, statistics, verdicts, resumable storage, and the guard
that keeps the stored reference results in results/ true to the code that defines them."""

import dataclasses
import json
import math
import types
from pathlib import Path

import keras
import numpy as np
import pytest

import classic.data
from classic import experiments as E
from classic import train
from classic.experiments.cli import _parser
from classic.experiments.runner import _main_history
from classic.experiments.storage import write_atomically

RESULTS = Path(__file__).resolve().parent.parent / "results"
STORED = sorted(RESULTS.glob("*/*.json"))


pytestmark = pytest.mark.usefixtures("no_machine_settings")


TINY = E.Experiment(
    name="tiny",
    notebook="none",
    claim="A test claim.",
    paper=E.Paper("1% error", "Nobody, 2024", "somewhere"),
    differs="everything",
    arms=(
        E.Arm("paper", "lenet5"),
        E.Arm("full C3", "lenet5", {"c3_table": False}),
    ),
    settings={
        "ci": E.Setting(data="digits", image_size=32, channels=1, epochs=2, limit=100,
                        batch_size=32, seeds=(0, 1)),
    },
)


def record(test_accuracy, accuracy=(0.5, 0.8), steps=(10, 20)):
    return {
        "steps": list(steps),
        "history": {"accuracy": list(accuracy), "val_accuracy": list(accuracy),
                    "loss": [1.0] * len(steps), "val_loss": [1.0] * len(steps)},
        "test_accuracy": test_accuracy,
        "images_per_second": 100,
    }


def results_of(experiment, runs):
    return E.Results(experiment, "ci", runs, {}, experiment.fingerprint("ci"))


# --------------------------------------------------------------------------- budgets


def test_budget_is_counted_in_optimizer_steps():
    s = E.Setting(data="cifar10", image_size=32, channels=3, epochs=12, limit=10_000)
    assert s.train_images == 9_000  # 10% of 10,000 held out for validation
    assert s.steps_per_epoch == 71  # ceil(9,000 / 128)
    assert s.steps == 12 * 71


def test_every_arm_of_an_experiment_shares_one_setting():
    for experiment in E.EXPERIMENTS.values():
        assert len(experiment.arms) >= 2, experiment.name
        assert len({arm.name for arm in experiment.arms}) == len(experiment.arms)
        for profile, setting in experiment.settings.items():
            assert len(setting.seeds) >= E.MIN_SEEDS, (experiment.name, profile)
        assert "cpu" in experiment.settings and "ci" in experiment.settings


def test_fingerprint_follows_the_definition_but_not_the_seeds():
    more_seeds = dataclasses.replace(
        TINY, settings={"ci": dataclasses.replace(TINY.settings["ci"], seeds=(0, 1, 2, 3))}
    )
    assert more_seeds.fingerprint("ci") == TINY.fingerprint("ci")
    longer = dataclasses.replace(
        TINY, settings={"ci": dataclasses.replace(TINY.settings["ci"], epochs=3)}
    )
    assert longer.fingerprint("ci") != TINY.fingerprint("ci")
    other_arm = dataclasses.replace(TINY, arms=(TINY.arms[0], E.Arm("full C3", "lenet5")))
    assert other_arm.fingerprint("ci") != TINY.fingerprint("ci")


def test_table_states_the_budget():
    text = str(TINY.table("ci"))
    assert "90 training images at 32x32, 2 epochs of batch 32 = 6 optimizer steps" in text
    assert "c3_table=False" in text


def test_unknown_names_are_listed():
    with pytest.raises(ValueError, match="known experiments: lenet5"):
        E.get("lenet6")
    with pytest.raises(ValueError, match="has the arms 'paper', 'full C3'"):
        TINY.arm("tanh")
    with pytest.raises(ValueError, match="defined for ci"):
        TINY.setting("cpu")


# --------------------------------------------------------------------------- statistics


def test_welch_interval_by_hand():
    # means 2 and 5, variances 1 and 1, n = 3 each: se = sqrt(2/3), 4 degrees of freedom,
    # t(0.975, 4) = 2.7764: 3 +- 2.2669
    diff, low, high = E.difference([1, 2, 3], [4, 5, 6])
    assert diff == pytest.approx(3.0)
    assert low == pytest.approx(3 - 2.7764 * math.sqrt(2 / 3), abs=1e-3)
    assert high == pytest.approx(3 + 2.7764 * math.sqrt(2 / 3), abs=1e-3)
    assert E.difference([1], [2, 3]) == (None, None, None)


def test_verdicts_come_from_the_interval():
    separated = results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.90, 0.91, 0.92))},
        "full C3": {str(i): record(a) for i, a in enumerate((0.95, 0.96, 0.97))},
    })
    assert separated.verdict("full C3") == "full C3 higher"
    overlapping = results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.90, 0.95, 0.92))},
        "full C3": {str(i): record(a) for i, a in enumerate((0.91, 0.94, 0.93))},
    })
    assert overlapping.verdict("full C3") == "no difference measurable at this scale"
    # 96 - 91 = 5 points; se sqrt(1/3 + 1/3), 4 degrees of freedom: 5 +- 2.27
    row = str(separated.comparisons()).splitlines()[-1].split()
    assert row[-7:] == ["+5.00", "+2.73", "to", "+7.27", "full", "C3", "higher"]
    assert "91.0 ± 1.0" in str(separated.summary())


def test_final_table_gives_each_arms_last_epoch():
    results = results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.90, 0.91, 0.92))},
    })
    table = results.final_table()
    assert table.column("arm") == ["paper"]
    assert table.column("test accuracy %") == ["91.0 ± 1.0"]
    assert results.final_table(["loss"]).rows[0][1].count("±") == 1
    with pytest.raises(ValueError, match="keys: each must be one of"):
        results.final_table(["speed"])


def test_paper_row_shows_the_arms_asked_for():
    results = results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.90, 0.91, 0.92))},
        "full C3": {str(i): record(a) for i, a in enumerate((0.95, 0.96, 0.97))},
    })
    baseline = results.paper().column("result")
    assert baseline == ["1% error", "paper: 91.0 ± 1.0 test accuracy % (9.0% test error)"]
    every = results.paper("all")
    assert every.column("result")[1:] == [
        "paper: 91.0 ± 1.0 test accuracy % (9.0% test error)",
        "full C3: 96.0 ± 1.0 test accuracy % (4.0% test error)",
    ]
    assert every.column("setting")[1:] == [TINY.differs, "(the same)"]
    assert results.paper(["full C3"]).column("result")[1].startswith("full C3: 96.0")
    with pytest.raises(ValueError, match="has the arms"):
        results.paper(["no such arm"])


def test_steps_to_training_error():
    steps = dataclasses.replace(TINY, metric="steps_to_train_error", target_train_error=0.25)
    runs = {
        "paper": {"0": record(0.5, (0.5, 0.7, 0.8), (10, 20, 30)),
                  "1": record(0.5, (0.76, 0.8, 0.9), (10, 20, 30))},
        "full C3": {"0": record(0.5, (0.5, 0.6, 0.7), (10, 20, 30)),
                    "1": record(0.5, (0.5, 0.6, 0.7), (10, 20, 30))},
    }
    results = results_of(steps, runs)
    assert results.values("paper") == [30.0, 10.0]  # first epoch at 75% training accuracy
    assert results.values("full C3") == [math.inf, math.inf]
    assert results.verdict("full C3").startswith("not reached by every seed of full C3")
    assert "2 of 2 not reached" in str(results.summary())
    left = results.plot().axes[0]
    target = [line for line in left.lines if line.get_label() == "25% training error"]
    assert target and list(target[0].get_ydata()) == [75.0, 75.0]  # the line a seed must cross


def test_report_puts_each_arm_beside_the_paper_in_one_table():
    runs = {"paper": {str(i): record(a) for i, a in enumerate((0.50, 0.52, 0.54))},
            "full C3": {str(i): record(a) for i, a in enumerate((0.60, 0.62, 0.64))}}
    table = results_of(TINY, runs).report()
    assert "The paper: 1% error (Nobody, 2024)" in table.title
    rows = {row[0]: row for row in table.rows}
    assert rows["paper"][2:4] == ["52.0 ± 2.0", "(the baseline)"]
    # +10 points; Welch interval with sd 2 and 3 seeds each: 10 +- 2.776 * 2 * sqrt(2/3)
    assert rows["full C3"][3] == "+10.00 (+5.47 to +14.53)"
    assert rows["full C3"][4] == "full C3 higher"


def test_plot_with_seeds_draws_every_seed():
    runs = {"paper": {str(i): record(0.5, (0.1 * i, 0.5)) for i in range(3)},
            "full C3": {str(i): record(0.6) for i in range(3)}}
    figure = results_of(TINY, runs).plot(seeds=True)
    left, right = figure.axes
    assert len(left.lines) == 6 and not left.collections  # 2 arms x 3 seeds, no band
    assert [line.get_ydata()[0] for line in left.lines[:3]] == pytest.approx([0.0, 10.0, 20.0])
    dots = right.collections[-1].get_offsets()
    assert len({round(x, 3) for x, _ in dots}) == 3  # the seeds side by side, not on one spot


# --------------------------------------------------------------------------- running and storage


def test_run_stores_resumes_and_never_redoes_a_seed(tmp_path, monkeypatch):
    calls = []
    real_fit = train.fit

    def counting_fit(*args, **kwargs):
        calls.append(kwargs["seed"])
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(train, "fit", counting_fit)
    first = E.run(TINY, "ci", seeds=[0], save=True, root=tmp_path, verbose=False)
    path = tmp_path / "ci" / "tiny.json"
    stored = json.loads(path.read_text())
    assert stored["fingerprint"] == TINY.fingerprint("ci")
    assert set(stored["runs"]) == {"paper", "full C3"}
    one = stored["runs"]["paper"]["0"]
    assert one["steps"] == [3, 6]  # 90 images, batch 32: 3 steps an epoch
    assert len(one["history"]["val_accuracy"]) == 2
    assert one["params"] == first.runs["paper"]["0"]["params"]
    for key in ("classic", "commit", "keras", "backend", "tensorflow", "cpu", "cores",
                "started", "updated", "seconds"):
        assert key in stored["provenance"]
    assert calls == [0, 0]

    E.run(TINY, "ci", seeds=[0, 1], save=True, root=tmp_path, verbose=False)
    assert calls == [0, 0, 1, 1]  # seed 0 of both arms was not trained again
    again = json.loads(path.read_text())
    assert again["runs"]["paper"]["0"] == one
    assert sorted(again["runs"]["full C3"]) == ["0", "1"]
    assert E.load(TINY, "ci", root=tmp_path).seeds("paper") == [0, 1]


def test_an_arm_seed_cut_off_half_way_resumes_at_its_next_epoch(tmp_path, monkeypatch):
    """A run killed after the first of two epochs loses no finished epoch: the second run
    trains epoch 2 only, from the backup, and stores the whole history."""
    real_fit = train.fit
    started = []

    class Killed(Exception):
        pass

    class KillAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise Killed  # after the backup and the epoch log of epoch 0 were written

    def fit(*args, **kwargs):
        if not started:
            kwargs["callbacks"] = [*kwargs.get("callbacks", ()), KillAfterFirstEpoch()]
        started.append(kwargs["seed"])
        result = real_fit(*args, **kwargs)
        started.append(result.epochs)
        return result

    monkeypatch.setattr(train, "fit", fit)
    with pytest.raises(Killed):
        E.run(TINY, "ci", seeds=[0], arms=["paper"], save=True, root=tmp_path, verbose=False)
    assert list((tmp_path / "backups").glob("*.history.json"))  # the epoch log survived
    E.run(TINY, "ci", seeds=[0], arms=["paper"], save=True, root=tmp_path, verbose=False)
    assert started == [0, 0, [1]]  # the rerun trained only the second epoch
    stored = json.loads((tmp_path / "ci" / "tiny.json").read_text())["runs"]["paper"]["0"]
    assert len(stored["history"]["loss"]) == len(stored["steps"]) == 2
    assert not list((tmp_path / "backups").iterdir())  # backup and log removed once stored


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "ci" / "x.json"
    write_atomically(path, {"a": 1})

    def broken_dump(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["x.json"]


def test_load_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(ValueError, match=r"No stored result at results/ci/tiny.json.*run tiny"):
        E.load(TINY, "ci", root=tmp_path)
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "tiny.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot be read"):
        E.load(TINY, "ci", root=tmp_path)
    (tmp_path / "ci" / "tiny.json").write_text(json.dumps({"fingerprint": "0", "runs": {}}))
    with pytest.raises(ValueError, match="is stale.*--fresh"):
        E.load(TINY, "ci", root=tmp_path)
    with pytest.raises(ValueError, match="another definition"):
        E.run(TINY, "ci", save=True, root=tmp_path, verbose=False)


def test_live_run_writes_nothing_and_compares_with_the_reference(tmp_path):
    live = E.run(TINY, "ci", seeds=[5], arms=["paper"], root=tmp_path, verbose=False)
    assert not (tmp_path / "ci").exists()
    reference = results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.0, 0.5, 1.0))},
        "full C3": {str(i): record(a) for i, a in enumerate((0.0, 0.5, 1.0))},
    })
    table = str(reference.compare_live(live))
    assert "inside the reference range" in table
    figure = reference.plot(live=live)
    assert len(figure.axes) == 2


# --------------------------------------------------------------------------- preprocessing


def test_raw_images_stay_uint8_and_the_model_pads_them():
    data = classic.data.load("digits", raw=True, limit=50, verbose=False)
    assert data.x_train.dtype == np.uint8 and data.input_shape == (8, 8, 1)
    assert data.x_train.max() == 255  # the digits' 16 becomes 255
    front = classic.data.preprocessing((28, 28, 1), 32)
    out = keras.ops.convert_to_numpy(front(np.full((1, 28, 28, 1), 255, np.uint8)))
    assert out.shape == (1, 32, 32, 1)
    assert out[0, 2:30, 2:30].min() == pytest.approx(1.0)  # 28 centred in 32
    assert out[0, :2].max() == 0 and out[0, :, :2].max() == 0
    resized = classic.data.preprocessing((8, 8, 1), 32)
    assert resized.output_shape == (None, 32, 32, 1)
    augmented = classic.data.preprocessing((32, 32, 3), 77, crop=67, flip=True)
    assert augmented.output_shape == (None, 67, 67, 3)
    with pytest.raises(ValueError, match="raw=True"):
        classic.data.load("digits", raw=True, image_size=32, verbose=False)


# --------------------------------------------------------------------------- the stored results


@pytest.mark.parametrize("path", STORED, ids=[f"{p.parent.name}/{p.name}" for p in STORED])
def test_stored_result_matches_its_experiment(path):
    """A reference result is stale when its experiment's definition (or the networks its arms
    build) changed since it was made, or incomplete when it has fewer than 3 seeds an arm."""
    profile = path.parent.name
    experiment = E.get(path.stem)
    results = E.load(experiment, profile)  # raises when the fingerprint differs
    setting = experiment.setting(profile)
    native = {"mnist": (28, 28, 1), "cifar10": (32, 32, 3)}[setting.data]
    # Rebuilding every arm catches a builder that changed under its stored result; JAX compiles
    # an initializer per weight shape, so its pass leaves this to the TensorFlow pass.
    rebuild = keras.backend.backend() == "tensorflow"
    for arm in experiment.arms:
        seeds = results.seeds(arm.name)
        assert len(seeds) >= E.MIN_SEEDS, f"{arm.name}: {len(seeds)} seeds"
        assert set(setting.seeds) <= set(seeds), f"{arm.name}: seeds {seeds}"
        donor = None
        if rebuild and arm.init_from:  # its weights are copied in; the donor's shapes must fit
            donor = E.build_arm(experiment, arm.init_from, profile, native, 10).layers[-1]
        model = E.build_arm(experiment, arm, profile, native, 10, donor) if rebuild else None
        params = model.count_params() if rebuild else None
        for seed, run in results.runs[arm.name].items():
            if rebuild:
                assert run["params"] == params, f"{arm.name} seed {seed}: the network changed"
            assert run["steps"][-1] == setting.steps
            assert len(run["history"]["val_accuracy"]) == setting.epochs
        keras.utils.clear_session()
    for key in ("commit", "keras", "tensorflow", "cpu", "cores", "updated", "seconds"):
        assert results.provenance.get(key) is not None, key


def test_every_experiment_a_notebook_shows_has_its_cpu_reference():
    """A notebook reads its experiments' stored results; none may be missing. (An experiment
    defined but not shown yet may still be waiting for its reference runs.)"""
    import re

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    shown = set()
    for path in notebooks.glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        shown |= set(re.findall(r'experiments\.load\("(\w+)"', code))
    assert shown <= set(E.names()), shown - set(E.names())
    missing = [n for n in sorted(shown) if not (RESULTS / "cpu" / f"{n}.json").is_file()]
    assert not missing, f"run: python -m classic.experiments run {' '.join(missing)}"


# --------------------------------------------------------------------------- measurements, donors


def test_first_layer_filters_by_hand():
    """Three 8x8 filters on one channel: half a cosine wave (low), a checkerboard (high), and
    one whose bias keeps its ReLU output at zero on every image (dead)."""
    inputs = keras.Input((16, 16, 1))
    x = keras.layers.Conv2D(3, 8, activation="relu", name="conv1")(inputs)
    network = keras.Model(inputs, x)
    image = keras.Input((16, 16, 1))  # laid out as build_arm's models: input, preprocessing, net
    model = keras.Model(image, network(keras.layers.Identity()(image)))
    ramp = np.add.outer(np.cos(np.pi * np.arange(8) / 7), np.zeros(8))  # one slow swing
    checker = np.indices((8, 8)).sum(axis=0) % 2 * 2.0 - 1  # +-1, the finest pattern there is
    kernel = np.stack([ramp, checker, ramp], axis=-1)[:, :, None, :]
    network.get_layer("conv1").set_weights([kernel, np.array([0.0, 0.0, -1e6])])
    images = np.random.default_rng(0).random((4, 16, 16, 1)).astype("float32")
    measured = E.first_layer_filters(model, types.SimpleNamespace(
        x_test=images, y_test=np.array([0, 1, 0, 1])))  # a balanced sample of all four
    assert measured == {"dead": pytest.approx(1 / 3), "low": pytest.approx(2 / 3),
                        "high": pytest.approx(1 / 3), "mid": 0.0}


def test_signal_by_layer_by_hand():
    inputs = keras.Input((2,))
    doubled = keras.layers.Dense(2, use_bias=False, name="double",
                                 kernel_initializer=keras.initializers.Identity(2.0))(inputs)
    relu = keras.layers.ReLU(name="relu")(doubled)
    model = keras.Model(inputs, relu)
    images = np.array([[3.0, -4.0], [0.0, 0.0]], dtype="float32")
    rms = E.signal_by_layer(model, images, ["double", "relu"])
    # input: sqrt((9 + 16) / 4) = 2.5; doubled: 5; after the ReLU only 6 is left: sqrt(36 / 4) = 3
    assert rms == pytest.approx({"input": 2.5, "double": 5.0, "relu": 3.0})
    with pytest.raises(ValueError, match="has no layer 'conv9'"):
        E.signal_by_layer(model, images, ["conv9"])


def test_validation_by_position_splits_by_file_position():
    """A model that answers 0 for every image: right on the images labelled 0 only."""
    inputs = keras.Input((4, 4, 1))
    zeros = keras.layers.Dense(3, kernel_initializer="zeros",
                               bias_initializer=keras.initializers.Constant([1.0, 0, 0]))
    model = keras.Model(inputs, zeros(keras.layers.Flatten()(inputs)))
    data = types.SimpleNamespace(
        x_val=np.zeros((4, 4, 4, 1), "float32"), y_val=np.array([0, 1, 0, 0]),
        val_index=np.array([10, 20, 6000, 7000]),
        x_test=np.zeros((2, 4, 4, 1), "float32"), y_test=np.array([0, 2]),
    )
    measured = E.validation_by_position(model, data)
    assert measured == {"validation, positions below 5,000": 0.5,
                        "validation, positions from 5,000": 1.0, "test": 0.5}


def test_an_arm_starts_from_its_donor():
    vgg = dataclasses.replace(
        TINY,
        arms=(
            E.Arm("A", "classic.models.vgg:vgg", {"config": "A", "width": 0.125}),
            E.Arm("D from A", "classic.models.vgg:vgg", {"config": "D", "width": 0.125},
                  init_from="A", init_layers=("block1_conv1", "fc1")),
        ),
    )
    donor = E.build_arm(vgg, "A", "ci", (8, 8, 1), 10).layers[-1]
    model = E.build_arm(vgg, "D from A", "ci", (8, 8, 1), 10, donor=donor)
    network = model.layers[-1]
    for layer in ("block1_conv1", "fc1"):
        for a, b in zip(network.get_layer(layer).get_weights(),
                        donor.get_layer(layer).get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert not np.array_equal(network.get_layer("block3_conv1").get_weights()[0],
                              donor.get_layer("block3_conv1").get_weights()[0])
    with pytest.raises(ValueError, match="donor="):
        E.build_arm(vgg, "D from A", "ci", (8, 8, 1), 10)
    assert "block1_conv1, fc1 start from 'A'" in str(vgg.table("ci"))


def _without(unavailable, monkeypatch):
    """classic.data.load with the data set ``unavailable`` gone (no copy, no network), and
    nothing said about it yet in this process."""
    real_load = classic.data.load

    def offline(name, **kwargs):
        if name == unavailable:
            raise classic.data.DatasetUnavailable("no copy", name=name, reason="offline")
        return real_load(name, **kwargs)

    monkeypatch.setattr(classic.data, "load", offline)
    monkeypatch.setattr(classic.data.loading, "_SAID", set())


def test_a_live_run_without_its_data_falls_back_to_the_offline_setting(monkeypatch, capsys):
    two_profiles = dataclasses.replace(
        TINY, settings={**TINY.settings, "cpu": dataclasses.replace(
            TINY.settings["ci"], data="mnist", limit=300)},
    )
    _without("mnist", monkeypatch)
    live = E.run(two_profiles, "cpu", seeds=[0], arms=["paper"], verbose=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("mnist is unavailable (offline): training here uses the offline set, "
                      "digits, instead.")
    assert out[1].startswith("trained lenet5 on digits for 1 epoch (profile cpu)")
    assert sum("unavailable" in line for line in out) == 1
    assert live.trained_setting == "offline"
    # the cpu budget, 2 epochs of 270 images in batches of 32 = 18 steps, on digits' 1,293
    # training images: ceil(1,293 / 32) = 41 steps an epoch, so one epoch covers it
    assert live.runs["paper"]["0"]["steps"] == [41]
    with pytest.raises(classic.data.DatasetUnavailable):  # reference runs never fall back
        E.run(two_profiles, "cpu", seeds=[0], save=True, root="unused", verbose=False)


@pytest.mark.slow
def test_offline_a_live_run_learns_on_digits_at_the_cpu_budget_and_says_so_once(
        monkeypatch, capsys):
    _without("mnist", monkeypatch)
    lenet = E.get("lenet5")
    arm = lenet.arms[0].name
    data = classic.data.load_for("cpu", "mnist", image_size=32)  # the notebook's data cell
    assert data.name == "digits"
    live = E.run(lenet, "cpu", seeds=[5], arms=[arm])
    out = capsys.readouterr().out.splitlines()
    assert sum("mnist is unavailable" in line for line in out) == 1  # the data cell's line only
    offline = lenet.setting("offline")
    assert offline.steps >= lenet.setting("cpu").steps  # the cpu budget, not the ci one
    title = next(line for line in out if line.startswith("lenet5 (offline): digits, 1,293"))
    assert f"= {offline.steps:,} optimizer steps" in title
    assert any(line.startswith(f"trained lenet5 on digits for {offline.epochs} epochs")
               for line in out)
    assert out[-1].startswith("this run took ") and "estimate" in out[-1]
    accuracy = live.runs[arm]["5"]["test_accuracy"]
    assert accuracy > 0.5  # chance is 0.1 on ten digits; LeNet-5 should read most of them
    comparison = E.load("lenet5", "cpu").compare_live(live)
    assert "trained on digits" in comparison.title and "not compared" in comparison.title


# --------------------------------------------------------------------------- pairs, metrics, heads


PAIRED = dataclasses.replace(
    TINY,
    arms=TINY.arms + (E.Arm("ReLU", "lenet5", {"variant": "modern"}),),
    metric="train_accuracy",
    pairs=(("ReLU", "full C3"),),
)


def test_pairs_and_the_training_accuracy_metric():
    runs = {
        "paper": {str(i): record(0.5, (0.5, a)) for i, a in enumerate((0.90, 0.91, 0.92))},
        "full C3": {str(i): record(0.5, (0.5, a)) for i, a in enumerate((0.80, 0.81, 0.82))},
        "ReLU": {str(i): record(0.5, (0.5, a)) for i, a in enumerate((0.95, 0.96, 0.97))},
    }
    results = results_of(PAIRED, runs)
    assert results.values("full C3") == pytest.approx([80.0, 81.0, 82.0])  # the last epoch
    table = results.comparisons()
    assert table.column("comparison") == ["ReLU - full C3"]  # only the pair asked for
    assert table.column("verdict") == ["ReLU higher"]
    assert results.verdict("ReLU", "full C3") == "ReLU higher"
    assert "(19.0% training error)" in results.paper("all").column("result")[2]
    assert results.metric_label == "training accuracy % (last epoch)"
    figure = results.plot(curve="accuracy", error=True)
    left, right = figure.axes
    assert left.get_ylabel() == "training error %"
    assert right.get_ylabel() == "training error % (last epoch)"
    assert max(left.lines[0].get_ydata()) == pytest.approx(50.0)  # 100 - 50% at the first epoch
    with pytest.raises(ValueError, match="has the arms"):
        dataclasses.replace(PAIRED, pairs=(("nope", "paper"),)).comparison_pairs()


def test_a_network_with_several_heads_keeps_their_names_and_its_main_history():
    experiment = E.get("googlenet_aux")
    model = E.build_arm(experiment, experiment.arms[1], "ci", (8, 8, 3), 10)
    assert model.output_names == ["predictions", "aux1_predictions", "aux2_predictions"]
    history = {"loss": [3.0], "predictions_loss": [2.0], "predictions_accuracy": [0.4],
               "aux1_predictions_accuracy": [0.3], "val_predictions_accuracy": [0.35],
               "val_predictions_loss": [2.1], "val_loss": [3.1]}
    assert _main_history(history) == {"accuracy": [0.4], "loss": [2.0],
                                        "val_accuracy": [0.35], "val_loss": [2.1]}
    one_head = {"loss": [2.0], "accuracy": [0.4], "val_accuracy": [0.3], "val_loss": [2.2]}
    assert _main_history(one_head) == one_head


def test_response_std_by_hand():
    """A network whose only 3x3 layer is followed by batch normalization that, untrained, passes
    x / sqrt(1 + epsilon): the std of that response is the std of the convolution's output."""
    inputs = keras.Input((6, 6, 1))
    conv = keras.layers.Conv2D(2, 3, padding="same", name="conv2_block1_1_conv",
                               kernel_initializer="ones", use_bias=False)(inputs)
    bn = keras.layers.BatchNormalization(epsilon=0.0, name="conv2_block1_1_bn")(conv)
    network = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(bn), name="net")
    image = keras.Input((6, 6, 1))
    model = keras.Model(image, network(keras.layers.Identity(name="front")(image)))
    x = np.random.default_rng(0).normal(size=(4, 6, 6, 1)).astype("float32")
    data = types.SimpleNamespace(x_test=x, y_test=np.array([0, 1, 0, 1]))  # all four, balanced
    expected = np.std(keras.ops.convert_to_numpy(network.get_layer("conv2_block1_1_conv")(x)))
    assert E.response_std(model, data) == {"conv2_block1_1_bn": pytest.approx(expected, rel=1e-5)}


def test_a_layer_by_layer_measure_is_summarized_and_compared():
    def with_measures(values):
        r = record(0.5, (0.5, 0.8))
        r["measures"] = {f"layer{i}": v for i, v in enumerate(values)}
        return r

    runs = {
        "paper": {str(s): with_measures([1.0 + s / 10, 1.0 + s / 10]) for s in range(3)},
        "full C3": {str(s): with_measures([0.5, 0.5, 0.5 + s / 10]) for s in range(3)},
        "ReLU": {str(s): with_measures([0.2, 0.2]) for s in range(3)},
    }
    results = results_of(dataclasses.replace(PAIRED, measure="m:f",
                                             pairs=(("full C3", "paper"),)), runs)
    assert results._layer_means("full C3") == pytest.approx([0.5, 0.5 + 0.1 / 3, 0.5 + 0.2 / 3])
    table = results.by_layer()
    assert table.rows[0] == ["paper", 2, "1.100 ± 0.100"]
    assert table.rows[3][0] == "full C3 - paper" and table.rows[3][2].endswith("full C3 lower")
    figure = results.plot_by_layer("std")
    assert len(figure.axes[0].lines) == 3 and figure.axes[0].get_ylabel() == "std"


def test_a_live_run_of_a_network_with_several_heads_keeps_the_network():
    """live.network is the trained network with all its heads, not the last named output."""
    experiment = E.get("googlenet_aux")
    small = dataclasses.replace(experiment, settings={"ci": dataclasses.replace(
        experiment.settings["ci"], options={**experiment.settings["ci"].options, "width": 0.125},
        epochs=1)})
    arm = small.arms[1].name
    live = E.run(small, "ci", seeds=[0], arms=[arm], verbose=False)
    network = live.network(arm)
    assert isinstance(network, keras.Model)
    assert network.output_names == ["predictions", "aux1_predictions", "aux2_predictions"]
    assert network.get_layer("conv1_7x7_s2") is not None


def test_build_network_is_the_network_an_arm_trains():
    experiment = E.get("googlenet_reductions")
    naive = E.build_network(experiment, "naive modules (Figure 2(a))", "cpu")
    assert naive.input_shape == (None, 65, 65, 3) and naive.output_shape == (None, 10)
    trained_as = E.build_arm(experiment, "naive modules (Figure 2(a))", "cpu", (32, 32, 3), 10)
    assert trained_as.layers[-1].count_params() == naive.count_params()
    with pytest.raises(ValueError, match="has the arms"):
        E.build_network(experiment, "nope")


def test_dense_connections_are_each_targets_weights_relative_to_its_mean():
    experiment = E.get("densenet_efficiency")
    dense = E.build_arm(experiment, "DenseNet-BC", "ci", (8, 8, 3), 10)
    found = E.dense_connections(dense, None)
    # L = 22 with bottlenecks: 3 layers per block; targets are the 3 layers and the reader of the
    # block (transition or classifier), each reading the block input and the layers before it.
    assert len(found) == 3 * (1 + 2 + 3 + 4)
    row = [v for k, v in found.items() if k.startswith("conv3: pool3_conv <- ")]
    assert len(row) == 4 and np.mean(row) == pytest.approx(1.0)
    assert "conv4: predictions <- conv4_block3" in found
    resnet = E.build_arm(experiment, "ResNet-20 (half width)", "ci", (8, 8, 3), 10)
    assert E.dense_connections(resnet, None) == {}


def _dense_results(per_seed):
    """Stored-looking results of densenet_efficiency whose DenseNet arm has the measures
    ``per_seed(seed)`` (and a test accuracy) for seeds 0, 1, 2."""
    experiment = E.get("densenet_efficiency")
    runs = {"DenseNet": {}, "DenseNet-BC": {}}
    for seed in range(3):
        for arm, params, acc in (("DenseNet", 270_000, 0.5), ("DenseNet-BC", 72_000, 0.45)):
            r = record(acc + 0.01 * seed, (0.3, acc))
            r["params"] = params
            r["measures"] = per_seed(seed) if arm == "DenseNet" else {}
            runs[arm][str(seed)] = r
    return E.Results(experiment, "cpu", runs, {}, experiment.fingerprint("cpu"))


def test_figure_5_checks_find_a_pattern_only_beyond_the_seed_noise():
    def block(name, reader, layers, input_weight, last_weight, seed):
        found = {}
        for t in range(1, layers + 2):
            target = f"{name}_block{t}_1_conv" if t <= layers else reader
            sources = ["input"] + [f"{name}_block{i}" for i in range(1, t)]
            raw = {s: 1.0 for s in sources}
            raw["input"] = input_weight + 0.01 * seed
            raw[sources[-1]] = raw[sources[-1]] if len(sources) == 1 else last_weight
            mean = np.mean(list(raw.values()))
            found.update({f"{name}: {target} <- {s}": v / mean for s, v in raw.items()})
        return found

    def pattern(seed):  # blocks 2 and 3 lean away from their input; the classifier to the last
        return {**block("conv2", "pool2_conv", 3, 1.0, 1.0, seed),
                **block("conv3", "pool3_conv", 3, 0.4, 1.0, seed),
                **block("conv4", "predictions", 3, 0.4, 2.0, seed)}

    table = E.dense_connection_checks(_dense_results(pattern), "DenseNet")
    verdicts = {row[0]: row[2] for row in table.rows}
    assert verdicts[next(k for k in verdicts if k.startswith("conv3: dense layers"))] == "below 1"
    assert verdicts["classifier's weight on the last layer (conv4_block3)"] == "above 1"
    assert table.rows[0][1].endswith("of 27")  # 3 blocks x (2 + 3 + 4): lone sources left out
    even = E.dense_connection_checks(_dense_results(lambda seed: {
        **block("conv2", "pool2_conv", 3, 1.0 + 0.05 * (-1) ** seed, 1.0, seed),
        **block("conv3", "pool3_conv", 3, 1.0 + 0.05 * (-1) ** seed, 1.0, seed),
        **block("conv4", "predictions", 3, 1.0 + 0.05 * (-1) ** seed, 1.0, seed)}), "DenseNet")
    assert {row[2] for row in even.rows[1:]} == {"not distinguishable from 1"}
    figure = E.plot_dense_connections(_dense_results(pattern), "DenseNet")
    assert [a.get_title() for a in figure.axes[:3]] == ["Dense Block 1", "Dense Block 2",
                                                       "Dense Block 3"]
    assert figure.axes[0].get_xlabel() == "Target layer (ℓ)"
    low, high = figure.axes[0].images[0].get_clim()  # a diverging scale centred on 1
    assert low < 1 < high and low + high == pytest.approx(2.0)
    with pytest.raises(ValueError, match="no dense_connections"):
        E.dense_connection_checks(_dense_results(pattern), "DenseNet-BC")


def test_plot_against_puts_each_arm_at_its_cost():
    results = _dense_results(lambda seed: {})
    figure = results.plot_against()
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_xlabel() == "parameters (log scale)"
    figure = results.plot_against({"DenseNet": 5.0, "DenseNet-BC": 2.0}, "MACs", log=False)
    assert figure.axes[0].get_xlabel() == "MACs"
    bubbles = results.plot_against(sizes={"DenseNet": 4.0, "DenseNet-BC": 1.0})
    discs = [c for c in bubbles.axes[0].collections if c.get_alpha() == 0.15]
    assert [float(d.get_sizes()[0]) for d in discs] == [1500.0, 375.0]  # area by the value
    assert "disc area: parameters" in bubbles.axes[0].get_title()


def test_seeds_needed_shrinks_the_interval_below_the_effect():
    from scipy import stats

    n = E.seeds_needed(0.5, 0.85)
    half = lambda k: stats.t.ppf(0.975, 2 * k - 2) * 0.85 * np.sqrt(2 / k)  # noqa: E731
    assert half(n) < 0.5 <= half(n - 1)
    assert E.seeds_needed(10.0, 0.0) == 2
    with pytest.raises(ValueError, match="effect"):
        E.seeds_needed(0.0, 1.0)


# --------------------------------------------------------------------------- families (notebook 8)


def test_an_arm_can_have_its_own_input_size_without_voiding_other_results():
    wide = dataclasses.replace(TINY, arms=(TINY.arms[0], dataclasses.replace(
        TINY.arms[1], image_size=40)))
    assert wide.fingerprint("ci") != TINY.fingerprint("ci")
    # an unused option is left out of the definition: stored results of other experiments stay
    assert all("image_size" not in arm for arm in TINY.definition("ci")["arms"])
    assert E.build_network(wide, "full C3", "ci").input_shape == (None, 40, 40, 1)
    assert E.build_network(wide, "paper", "ci").input_shape == (None, 32, 32, 1)
    assert "input 40x40" in str(wide.table("ci"))


def test_families_train_one_small_network_per_section_at_one_budget():
    from classic import models, summary

    experiment = E.get("families")
    assert experiment.notebook == "08_summary"
    builders = [arm.builder.split(":")[-1] for arm in experiment.arms]
    assert builders == ["lenet5", "alexnet", "zfnet", "vgg", "googlenet", "cifar_resnet",
                        "cifar_densenet"]
    # each pair compares a network with the one before it in the course
    assert [a for a, _ in experiment.comparison_pairs()] == [a.name for a in experiment.arms[1:]]
    assert [b for _, b in experiment.comparison_pairs()] == [a.name for a in experiment.arms[:-1]]
    # the input policy: the data's 32 pixels, or the smallest input the architecture accepts
    for arm in experiment.arms:
        if arm.image_size:
            assert arm.image_size > 32
            with pytest.raises(ValueError, match="at least"):
                models.build(arm.builder, input_shape=(arm.image_size - 1,) * 2 + (3,),
                             classes=10, **arm.options)
    # every family's paper has its number, for an arm of the experiment
    assert [r.arm for r in summary.REPORTED] == [a.name for a in experiment.arms]


def _four_arms(values):
    experiment = dataclasses.replace(TINY, arms=tuple(
        E.Arm(name, "lenet5") for name in values), pairs=())
    return results_of(experiment, {
        name: {str(i): record(v / 100) for i, v in enumerate(vs)} for name, vs in values.items()
    })


def test_ranking_orders_only_the_pairs_whose_intervals_separate():
    results = _four_arms({"low": (40, 41, 42), "mid": (50, 51, 52), "mid too": (49, 52, 53),
                          "top": (70, 71, 72)})
    assert sorted(results.separated()) == sorted([
        ("mid", "low"), ("mid too", "low"), ("top", "low"), ("top", "mid"), ("top", "mid too")])
    table = results.ranking()
    rows = {row[1]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    assert [row[1] for row in table.rows] == ["top", "mid too", "mid", "low"]
    assert rows["mid"]["not told apart from"] == "mid too"
    assert rows["mid"]["measurably better arms"] == "top"
    assert rows["mid"]["measurably worse arms"] == "low"
    assert rows["top"]["measurably worse arms"] == "mid too, mid, low"
    assert "5 of 6 pairs separate" in table.title and "about 0.3" in table.title


def test_reported_sets_the_small_versions_beside_the_papers():
    from classic import summary

    experiment = E.get("families")
    runs = {arm.name: {str(s): record(0.5 + 0.01 * s) for s in range(3)}
            for arm in experiment.arms}
    table = summary.reported(E.Results(experiment, "cpu", runs, {}, "x"))
    assert table.column("here: test error % (mean ± sd)")[0] == "49.0 ± 1.0"
    assert table.column("error %")[0] == 0.95 and "568 optimizer steps" in table.title
    assert "here: test error % (mean ± sd)" not in summary.reported().columns


def test_provenance_names_the_backend_and_its_accelerator():
    info = E.provenance("ci")
    assert info["backend"] == keras.backend.backend() and info["profile"] == "ci"
    if keras.backend.backend() == "jax":  # the GPU machines: JAX, no TensorFlow
        import jax

        assert info["jax"] == jax.__version__
        assert info["gpu"] == (", ".join(
            d.device_kind for d in jax.devices() if d.platform != "cpu") or None)


def test_run_command_takes_seeds():
    args = _parser().parse_args(["run", "lenet5", "--profile", "gpu", "--seeds", "0", "2"])
    assert args.seeds == [0, 2] and args.profile == "gpu"
    assert _parser().parse_args(["run", "lenet5"]).seeds is None


# --------------------------------------------------------------------------- the gpu profile

FULL_TRAINING_SET = {"mnist": 60_000, "cifar10": 50_000}


@pytest.mark.parametrize("name", E.names())
def test_every_experiment_has_a_gpu_setting_on_the_full_data_at_full_width(name):
    experiment = E.get(name)
    assert set(experiment.settings) == {"ci", "cpu", "gpu"}
    view = experiment.in_profile("gpu")
    s = view.setting("gpu")
    assert s.limit == FULL_TRAINING_SET[s.data]
    assert s.train_images == s.limit * 9 // 10
    assert "width" not in s.options
    assert all("width" not in arm.options for arm in view.arms), name
    assert all(arm.name in {a.name for a in view.arms} for pair in view.comparison_pairs()
               for arm in map(view.arm, pair))
    # the cpu definition is untouched by the gpu variant: its stored results stay valid
    assert experiment.definition("cpu") == experiment.in_profile("gpu").definition("cpu")
    assert experiment.fingerprint("gpu") != experiment.fingerprint("cpu")


def _params(name, arm, profile="gpu"):
    import classic.shapes

    network = E.build_network(name, arm, profile)
    return classic.shapes.totals(network).params


def test_the_gpu_profile_trains_the_papers_cifar_networks():
    resnet = E.get("resnet_degradation").in_profile("gpu")
    assert [a.options["depth"] for a in resnet.arms] == [20, 56, 20, 56]
    # Table 6 of He et al.: ResNet-20 0.27M, ResNet-56 0.85M parameters (10 classes)
    assert round(_params("resnet_degradation", "ResNet-20") / 1e6, 2) == 0.27
    assert round(_params("resnet_degradation", "ResNet-56") / 1e6, 2) == 0.86  # 0.85M: Table 6
    densenet = E.get("densenet_efficiency").in_profile("gpu")
    # Table 2 of Huang et al.: DenseNet (L=40, k=12) 1.0M, DenseNet-BC (L=100, k=12) 0.8M
    assert round(_params("densenet_efficiency", "DenseNet") / 1e6, 1) == 1.0
    assert round(_params("densenet_efficiency", "DenseNet-BC") / 1e6, 1) == 0.8
    assert densenet.arm("DenseNet-BC").options == {"depth": 100, "bottleneck": True,
                                                    "compression": 0.5}
    vgg = E.get("vgg_depth").in_profile("gpu")
    assert vgg.setting("gpu").image_size == 32
    assert all(a.options["batch_norm"] for a in vgg.arms)


def test_the_live_arms_exist_in_every_profile_that_has_them():
    for experiment in E.EXPERIMENTS.values():
        for profile in experiment.settings:
            view = experiment.in_profile(profile)
            for arm in view.live:
                view.arm(arm)  # raises for a name the profile lacks
    families = E.get("families")
    assert families.in_profile("cpu").live_arms() == ("VGG-11/4 (BN)", "LeNet-5")
    assert families.in_profile("gpu").live_arms() == ("VGG-11 (BN)", "LeNet-5")
    with pytest.raises(ValueError, match="arms: expected"):
        E.run(TINY, "ci", arms="all", verbose=False)


def test_a_view_resolves_every_profile_from_the_definition():
    families = E.get("families")
    gpu = families.in_profile("gpu")
    assert gpu.in_profile("gpu") is gpu
    assert gpu.in_profile("cpu") is families
    assert gpu.table("cpu").rows == families.table("cpu").rows
    assert "AlexNet/4" not in str(gpu.table("gpu"))


def test_a_live_run_short_of_data_falls_back_to_the_next_setting(monkeypatch, capsys):
    three = dataclasses.replace(TINY, settings={
        **TINY.settings,
        "cpu": dataclasses.replace(TINY.settings["ci"], limit=150),
        "gpu": dataclasses.replace(TINY.settings["ci"], limit=60_000),
    })
    live = E.run(three, "ci", setting="gpu", seeds=[0], arms=["paper"], verbose=False)
    out = capsys.readouterr().out
    assert "needs 54,000" in out and "uses the cpu setting instead" in out
    assert live.trained_setting == "cpu" and live.profile == "ci"
    with pytest.raises(ValueError, match="holds fewer images than the experiment needs"):
        E.run(three, "ci", setting="gpu", seeds=[0], save=True, root="unused", verbose=False)


def test_another_profiles_setting_is_stored_apart_and_loads_with_it(tmp_path):
    two = dataclasses.replace(TINY, settings={**TINY.settings, "cpu": TINY.settings["ci"]})
    stored = E.run(two, "ci", setting="cpu", seeds=[0, 1, 2], save=True, root=tmp_path,
                   verbose=False)
    assert stored.trained_setting == "cpu"
    assert two.definition("cpu", "ci")["trained_in"] == "ci"
    assert two.fingerprint("cpu", "ci") not in (two.fingerprint("cpu"), two.fingerprint("ci"))
    loaded = E.load(two, "ci", root=tmp_path, setting="cpu")
    assert loaded.runs == stored.runs
    with pytest.raises(ValueError, match="stale"):  # not the ci setting's result
        E.load(two, "ci", root=tmp_path)
    args = _parser().parse_args(["run", "lenet5", "--profile", "gpu", "--setting", "cpu"])
    assert args.setting == "cpu"


def test_a_live_run_of_another_setting_is_not_set_in_the_references_range(tmp_path, capsys):
    live = E.run(TINY, "ci", seeds=[5], arms=["paper"], verbose=False)
    reference = dataclasses.replace(results_of(TINY, {
        "paper": {str(i): record(a) for i, a in enumerate((0.0, 0.5, 1.0))},
    }), profile="cpu")
    assert not reference.comparable(live)
    table = reference.compare_live(live)
    assert table.columns == ["arm", "seed", "your test accuracy %"]
    assert "has no stored reference of its setting" in table.title and "1% error" in table.title
    reference.plot(live=live)
    assert "your run (ci setting, digits) is not drawn" in capsys.readouterr().out
