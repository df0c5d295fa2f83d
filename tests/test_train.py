"""Tests of classic.train: profile choice, backup folders, fit, resume and MirroredStrategy."""

import json
import math
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import keras
import numpy as np
import pytest

from classic import train
from classic.train import backups, checks, profiles, results

TF_ONLY = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.distribute exists only on the TensorFlow backend",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the caller's profile, CI flag or backup folder; backups go to tmp_path."""
    for name in ("CLASSIC_PROFILE", "CI", "CLASSIC_BACKUP_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLASSIC_BACKUP_DIR", str(tmp_path / "default-backups"))
    monkeypatch.setattr(profiles, "accelerator_visible", lambda: False)


def tiny_data(n_train=96, n_val=32, n_test=32, name="tiny"):
    """Random 8x8 one-channel images in 3 classes, shaped like a classic.data.Dataset."""
    rng = np.random.default_rng(0)

    def split(n):
        return rng.random((n, 8, 8, 1), dtype=np.float32), rng.integers(0, 3, n)

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = (
        split(n_train),
        split(n_val),
        split(n_test),
    )
    return types.SimpleNamespace(
        name=name,
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        x_test=x_test,
        y_test=y_test,
        class_names=["a", "b", "c"],
    )


def tiny_cnn(filters=4, activation="softmax"):
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(filters, 3, activation="relu", name="conv"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(3, activation=activation, name="fc"),
        ],
        name="tiny_cnn",
    )


FAST = dict(profile="cpu", epochs=3, batch_size=32, verbose=0)


# --------------------------------------------------------------------------- profiles


def test_profile_by_name_wins_over_environment(monkeypatch):
    monkeypatch.setattr(profiles, "accelerator_visible", lambda: True)
    monkeypatch.setenv("CLASSIC_PROFILE", "ci")
    monkeypatch.setenv("CI", "true")
    chosen = train.profile(" GPU ")
    assert chosen.name == "gpu"
    assert chosen == train.PROFILES["gpu"]
    assert chosen.mixed_precision and chosen.jit_compile is True


@pytest.mark.parametrize("how", ["environment", "name"])
def test_the_gpu_profile_without_a_gpu_says_so_once_and_runs_the_cpu_profile(
        monkeypatch, capsys, how):
    monkeypatch.setattr(profiles, "_SAID", set())
    monkeypatch.setenv("CLASSIC_PROFILE", "gpu")
    chosen = [train.profile() if how == "environment" else train.profile("gpu")
              for _ in range(2)]
    assert [p.name for p in chosen] == ["cpu", "cpu"]
    assert not chosen[0].mixed_precision and chosen[0].jit_compile != True  # noqa: E712
    asked = "CLASSIC_PROFILE=gpu" if how == "environment" else "profile 'gpu'"
    assert str(chosen[0]).endswith(f"({asked}, but no GPU is visible)")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{asked} asks for a GPU, but none is visible here, so the cpu profile "
                     "runs instead. For a GPU on Colab: Runtime > Change runtime type > GPU."]


def test_profile_from_classic_profile_beats_ci(monkeypatch):
    monkeypatch.setenv("CLASSIC_PROFILE", "cpu")
    monkeypatch.setenv("CI", "true")
    chosen = train.profile()
    assert chosen.name == "cpu"
    assert str(chosen).endswith("(CLASSIC_PROFILE=cpu)")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_profile_ci_when_ci_is_set(monkeypatch, value):
    monkeypatch.setattr(profiles, "accelerator_visible", lambda: True)
    monkeypatch.setenv("CI", value)
    chosen = train.profile()
    assert chosen.name == "ci"
    assert str(chosen) == (
        "profile ci: batch 64, at most 1,000 training images, at most 2 epochs "
        "(CI is set; set CLASSIC_PROFILE to override)"
    )


@pytest.mark.parametrize("value", ["", "0", "false", "False"])
def test_profile_ci_flag_off_values(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert train.profile().name == "cpu"


def test_profile_default_follows_accelerator(monkeypatch):
    cpu = train.profile()
    assert cpu.name == "cpu"
    assert str(cpu) == (
        "profile cpu: batch 128, all training images "
        "(no accelerator visible; set CLASSIC_PROFILE to override)"
    )
    monkeypatch.setattr(profiles, "accelerator_visible", lambda: True)
    gpu = train.profile()
    assert gpu.name == "gpu"
    assert "mixed precision, XLA (an accelerator is visible" in str(gpu)


def test_unknown_profile_lists_known_ones(monkeypatch):
    with pytest.raises(ValueError, match=r"ci, cpu, gpu\. Received: profile='tpu'"):
        train.profile("tpu")
    monkeypatch.setenv("CLASSIC_PROFILE", "fast")
    with pytest.raises(ValueError, match=r"CLASSIC_PROFILE.*ci, cpu, gpu.*CLASSIC_PROFILE='fast'"):
        train.profile()


def test_accelerator_visible_is_false_without_gpu(monkeypatch):
    monkeypatch.undo()  # the real function, not the fixture's stand-in
    visible = train.accelerator_visible()
    assert isinstance(visible, bool)
    if not Path("/dev/nvidia0").exists():  # no NVIDIA device on this machine
        assert visible is False


def test_profiles_match_the_design_table():
    assert set(train.PROFILES) == {"ci", "cpu", "gpu"}
    ci, cpu, gpu = (train.PROFILES[n] for n in ("ci", "cpu", "gpu"))
    assert ci.train_limit == 1000 and cpu.train_limit is None and gpu.train_limit is None
    assert not ci.mixed_precision and not cpu.mixed_precision and gpu.mixed_precision
    with pytest.raises(AttributeError):
        cpu.epochs = 5  # frozen


# --------------------------------------------------------------------------- backups


def test_backup_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLASSIC_BACKUP_DIR", str(tmp_path / "mine"))
    assert train.backup_root() == tmp_path / "mine"


def test_backup_root_on_drive(monkeypatch, tmp_path):
    monkeypatch.delenv("CLASSIC_BACKUP_DIR")
    monkeypatch.setattr(backups, "DRIVE_ROOT", tmp_path)
    assert train.backup_root() == tmp_path / "classic-cnn" / "backups"


def test_backup_root_default_in_home_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("CLASSIC_BACKUP_DIR")
    monkeypatch.setattr(backups, "DRIVE_ROOT", tmp_path / "not-mounted")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert train.backup_root() == tmp_path / ".cache" / "classic-cnn" / "backups"
    assert not (tmp_path / ".cache").exists()  # only a training run creates it


# --------------------------------------------------------------------------- strategies


def test_strategy_without_gpus_is_the_default(capsys):
    chosen = train.strategy()
    assert chosen.num_replicas_in_sync == 1
    with chosen.scope():
        pass
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        assert chosen is tf.distribute.get_strategy()
    assert capsys.readouterr().out == ""  # only MirroredStrategy announces itself


@pytest.mark.parametrize("devices", ["/cpu:0", [], [0, 1]])
def test_strategy_rejects_bad_devices(devices):
    with pytest.raises(ValueError, match="devices: expected .*Received: devices="):
        train.strategy(devices)


@TF_ONLY
@pytest.mark.slow
def test_mirrored_strategy_matches_one_device(tmp_path):
    """Two logical CPUs stand in for two GPUs; losses must match one device's."""
    script = Path(__file__).with_name("mirrored_fit.py")
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert "MirroredStrategy: 2 replicas (CPU:0, CPU:1)" in lines
    result = json.loads(lines[-1])
    assert result["replicas"] == 2
    assert len(result["mirrored"]) == len(result["default"]) == 2
    np.testing.assert_allclose(result["mirrored"], result["default"], rtol=0, atol=1e-5)
    assert "pass a function of no arguments" in result["refused"]
    assert list(tmp_path.iterdir()) == []  # completed runs leave no backup behind


# --------------------------------------------------------------------------- fit


def test_fit_tiny_model(tmp_path, capsys):
    data = tiny_data()
    model = tiny_cnn()
    result = train.fit(model, data, backup_dir=tmp_path, **FAST)
    assert result.epochs == [0, 1, 2]
    assert set(result.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in result.history.values())
    assert 0.0 <= result.test_accuracy <= 1.0 and result.test_loss > 0
    assert result.images_per_second > 0 and result.seconds > 0
    assert (result.profile, result.data, result.model) == ("cpu", "tiny", model)
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"trained tiny_cnn on tiny for 3 epochs \(profile cpu\): [\d,.]+ images/second", out[0]
    )
    assert out[1] == f"test accuracy: {100 * result.test_accuracy:.1f}% (32 images)"
    # the default compile: Adam with a cosine decay to 0 over 3 epochs x ceil(96 / 32) steps
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.Adam)
    schedule = optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert schedule.decay_steps == 9 and schedule.initial_learning_rate == 1e-3
    assert int(optimizer.iterations) == 9
    assert float(optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)
    assert list(tmp_path.iterdir()) == []  # Keras deleted the backup of the finished run


def test_same_seed_same_losses(tmp_path):
    data = tiny_data()
    first = train.fit(tiny_cnn, data, backup_dir=tmp_path, seed=3, **FAST)
    second = train.fit(tiny_cnn, data, backup_dir=tmp_path, seed=3, **FAST)
    other = train.fit(tiny_cnn, data, backup_dir=tmp_path, seed=4, **FAST)
    assert first.history["loss"] == second.history["loss"]
    assert first.history["loss"] != other.history["loss"]


class StopAfterFirstEpoch(keras.callbacks.Callback):
    """Raises at the end of epoch 0, after BackupAndRestore (listed first) has saved it."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise KeyboardInterrupt("session dropped")


def test_interrupted_fit_resumes_from_backup(tmp_path, capsys):
    data = tiny_data()
    with pytest.raises(KeyboardInterrupt):
        train.fit(tiny_cnn, data, backup_dir=tmp_path, callbacks=[StopAfterFirstEpoch()], **FAST)
    (backup,) = tmp_path.iterdir()
    assert re.fullmatch(r"tiny_cnn-tiny-cpu-[0-9a-f]{8}", backup.name)
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 1

    # a changed model gets another run name and starts afresh, leaving the backup alone
    wider = train.fit(lambda: tiny_cnn(filters=5), data, backup_dir=tmp_path, **FAST)
    assert wider.epochs == [0, 1, 2]
    assert list(tmp_path.iterdir()) == [backup]

    capsys.readouterr()
    resumed = train.fit(tiny_cnn, data, backup_dir=tmp_path, **FAST)
    assert resumed.epochs == [1, 2]
    assert len(resumed.history["loss"]) == 2
    assert int(resumed.model.optimizer.iterations) == 9  # 3 restored + 2 epochs x 3 steps
    assert "(profile cpu; resumed at epoch 2 from a backup)" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []

    # training the restored model again runs all epochs afresh (Keras alone would skip
    # epoch 0 again) with a new optimizer (the last decay ended at a learning rate of 0)
    again = train.fit(resumed.model, data, backup_dir=tmp_path, **FAST)
    assert again.epochs == [0, 1, 2]
    assert int(again.model.optimizer.iterations) == 9
    assert again.history["loss"][-1] < resumed.history["loss"][-1]


def test_backup_names_ignore_keras_automatic_names():
    """Keras numbers automatic names (sequential_1, input_layer_2); a rebuilt model must
    still find its backup, and a changed one must not."""

    def unnamed(width=4):
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Dense(width)])

    first, second, wider = unnamed(), unnamed(), unnamed(5)
    assert first.name != second.name
    assert backups._stable_name(first) == backups._stable_name(second) == "sequential"
    assert backups._stable_name(tiny_cnn()) == "tiny_cnn"
    run, fingerprint = {"epochs": 3}, backups._config_fingerprint
    assert fingerprint(first, run) == fingerprint(second, run)
    assert fingerprint(first, run) != fingerprint(wider, run)
    assert fingerprint(first, run) != fingerprint(first, {"epochs": 4})


def test_callable_model_is_built_once_and_trained(tmp_path):
    calls = []

    def build():
        calls.append(1)
        return tiny_cnn()

    result = train.fit(build, tiny_data(), backup_dir=tmp_path, **FAST)
    assert calls == [1]
    assert isinstance(result.model, keras.Model) and result.model.name == "tiny_cnn"
    assert result.model.optimizer is not None and int(result.model.optimizer.iterations) == 9


def test_train_limit_and_ci_epoch_cap(tmp_path, capsys):
    """ci trains at most 2 epochs on at most train_limit images: 50 -> ceil(50 / 16) = 4 steps."""
    ci = train.Profile(
        "ci",
        "test",
        epochs=2,
        batch_size=16,
        train_limit=50,
        mixed_precision=False,
        jit_compile="auto",
        max_epochs=2,
    )
    steps = []

    class CountSteps(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append(batch)

    result = train.fit(
        tiny_cnn,
        tiny_data(),
        ci,
        epochs=10,
        backup_dir=tmp_path,
        callbacks=[CountSteps()],
        verbose=0,
    )
    assert result.epochs == [0, 1]
    assert steps == [0, 1, 2, 3] * 2
    assert "tiny (50 of 96 training images) for 2 epochs (profile ci)" in capsys.readouterr().out


def test_compiled_model_keeps_its_compile(tmp_path):
    model = tiny_cnn()
    model.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy")
    result = train.fit(model, tiny_data(), backup_dir=tmp_path, **FAST)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert set(result.history) == {"loss", "val_loss"}
    assert result.test_accuracy is None and result.test_loss > 0


def test_logits_output_gets_a_from_logits_loss(tmp_path):
    result = train.fit(
        lambda: tiny_cnn(activation=None),
        tiny_data(),
        optimizer="sgd",
        backup_dir=tmp_path,
        profile="cpu",
        epochs=1,
        batch_size=32,
        verbose=0,
    )
    assert result.model.loss.get_config()["from_logits"] is True
    # an optimizer given by name gets the cosine decay too: 1 epoch x ceil(96 / 32) steps
    assert isinstance(result.model.optimizer, keras.optimizers.SGD)
    assert result.model.optimizer._learning_rate.decay_steps == 3
    # random labels in 3 classes start near ln 3 = 1.0986, not at a clipped huge value
    assert result.history["loss"][0] == pytest.approx(math.log(3), abs=0.3)


def test_mixed_precision_applies_to_the_build_only(tmp_path):
    mixed = train.Profile(
        "mixed",
        "test",
        epochs=1,
        batch_size=32,
        train_limit=None,
        mixed_precision=True,
        jit_compile="auto",
    )
    before = keras.config.dtype_policy().name
    result = train.fit(tiny_cnn, tiny_data(), mixed, backup_dir=tmp_path, verbose=0)
    assert result.model.get_layer("conv").dtype_policy.name == "mixed_float16"
    assert keras.config.dtype_policy().name == before == "float32"
    assert isinstance(result.model.optimizer, keras.optimizers.LossScaleOptimizer)


def test_no_validation_and_no_test_split(tmp_path, capsys):
    data = tiny_data()
    data.x_val = data.y_val = None
    data.x_test, data.y_test = data.x_test[:0], data.y_test[:0]
    result = train.fit(tiny_cnn, data, backup_dir=tmp_path, **FAST)
    assert set(result.history) == {"loss", "accuracy"}
    assert result.test_loss is None and result.test_accuracy is None
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_throughput_leaves_out_the_first_epoch(monkeypatch):
    """Epoch 0 takes 5 s (tracing) and is left out; epochs 1 and 2 train for 0.5 s and 9.5 s
    before validation starts: 100 images x 2 epochs / 10 s = 20 images/s."""
    clock = iter([0.0, 5.0, 10.0, 10.5, 10.5, 20.0, 20.5, 30.0])
    monkeypatch.setattr(results.time, "perf_counter", lambda: next(clock))
    meter = results._Throughput(images=100)
    assert meter.images_per_second is None
    meter.on_epoch_begin(0)  # 0.0
    meter.on_epoch_end(0)  # 5.0 (no validation)
    meter.on_epoch_begin(1)  # 10.0
    meter.on_test_begin()  # 10.5: validation starts
    meter.on_epoch_end(1)  # (clock not read)
    meter.on_epoch_begin(2)  # 10.5
    meter.on_test_begin()  # 20.0 ... a slow epoch
    meter.on_epoch_end(2)
    assert meter.durations == [5.0, 0.5, 9.5]
    assert meter.images_per_second == pytest.approx(100 * 2 / 10.0)
    single = results._Throughput(images=30)
    single.on_epoch_begin(0)  # 20.5
    single.on_epoch_end(0)  # 30.0
    assert single.images_per_second == pytest.approx(30 / 9.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, r"epochs: expected a positive integer\. Received: epochs=0"),
        ({"epochs": 2.5}, r"epochs: .*Received: epochs=2\.5"),
        ({"batch_size": -1}, r"batch_size: .*Received: batch_size=-1"),
        ({"batch_size": True}, r"batch_size: .*Received: batch_size=True"),
        ({"learning_rate": 0}, r"learning_rate: .*Received: learning_rate=0"),
        ({"seed": -1}, r"seed: .*Received: seed=-1"),
        ({"verbose": 3}, r"verbose: expected 'auto', 0, 1 or 2\. Received: verbose=3"),
        ({"run_name": "a/b"}, r"run_name: .*Received: run_name='a/b'"),
        ({"profile": "fast"}, r"ci, cpu, gpu\. Received: profile='fast'"),
        ({"callbacks": ["stop"]}, r"callbacks: .*Received: 'stop'"),
        ({"strategy": "mirrored"}, r"strategy: .*Received: strategy='mirrored'"),
        ({"loss_weights": "1"}, r"loss_weights: .*Received: loss_weights='1'"),
        ({"loss_weights": []}, r"loss_weights: .*Received: loss_weights=\[\]"),
        ({"loss_weights": (1.0, -0.3)}, r"loss_weights: .*non-negative.*\(1\.0, -0\.3\)"),
        ({"loss_weights": (0, 0)}, r"loss_weights: .*at least one positive"),
        ({"loss_weights": (1, True)}, r"loss_weights: .*Received: loss_weights=\(1, True\)"),
    ],
)
def test_bad_arguments_fail_before_building(tmp_path, kwargs, message):
    calls = []
    with pytest.raises(ValueError, match=message):
        train.fit(lambda: calls.append(1), tiny_data(), backup_dir=tmp_path, **kwargs)
    assert calls == []


def test_bad_model_and_data():
    with pytest.raises(ValueError, match=r"model: expected a keras\.Model .*Received: model='x'"):
        train.fit("x", tiny_data())
    with pytest.raises(ValueError, match=r"data: .*Missing: x_train, y_train"):
        train.fit(tiny_cnn, types.SimpleNamespace(name="empty"))
    data = tiny_data()
    data.y_train = data.y_train[:10]
    with pytest.raises(ValueError, match=r"x_train and y_train .*Received: 96 images and 10"):
        train.fit(tiny_cnn, data)
    with pytest.raises(ValueError, match=r"the function must return a keras\.Model"):
        train.fit(lambda: "not a model", tiny_data(), verbose=0)


def test_verbose_auto(monkeypatch):
    assert checks._resolve_verbose(0) == 0
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    assert checks._resolve_verbose("auto") == 1
    monkeypatch.delitem(sys.modules, "ipykernel")
    monkeypatch.setattr(sys, "stdout", types.SimpleNamespace(isatty=lambda: False))
    assert checks._resolve_verbose("auto") == 2


# --------------------------------------------------------------------------- several outputs


def tiny_heads(aux=1, aux_activation="softmax"):
    """A tiny CNN with a main classifier ``main`` (softmax) and ``aux`` auxiliary ones
    (``aux1``, ``aux2``, ...), each a Dense on the shared features, as GoogLeNet's outputs."""
    inputs = keras.Input((8, 8, 1), name="input")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten(name="flatten")(x)
    main = keras.layers.Dense(3, activation="softmax", name="main")(x)
    heads = [
        keras.layers.Dense(3, activation=aux_activation, name=f"aux{i}")(x)
        for i in range(1, aux + 1)
    ]
    return keras.Model(inputs, [main, *heads], name="tiny_heads")


def test_zero_weight_leaves_the_aux_head_untouched(tmp_path, capsys):
    """With loss weights (1, 0) no gradient reaches aux1 (Adam's step from a zero gradient is
    zero), the shared layers and the main head learn, and the test accuracy is the main head's,
    counted here by hand from its predictions."""
    data = tiny_data()
    model = tiny_heads()
    aux_before = [keras.ops.convert_to_numpy(w).copy() for w in model.get_layer("aux1").weights]
    main_before = keras.ops.convert_to_numpy(model.get_layer("main").kernel).copy()
    result = train.fit(model, data, backup_dir=tmp_path, loss_weights=(1, 0), **FAST)
    for before, after in zip(aux_before, model.get_layer("aux1").weights, strict=True):
        np.testing.assert_array_equal(before, keras.ops.convert_to_numpy(after))
    assert not np.allclose(main_before, keras.ops.convert_to_numpy(model.get_layer("main").kernel))

    main, aux = model.predict(data.x_test, verbose=0)
    by_hand = float(np.mean(np.argmax(main, axis=1) == data.y_test))
    aux_by_hand = float(np.mean(np.argmax(aux, axis=1) == data.y_test))
    assert result.test_accuracy == pytest.approx(by_hand)
    assert result.test_scores["main_accuracy"] == pytest.approx(by_hand)
    assert result.test_scores["aux1_accuracy"] == pytest.approx(aux_by_hand)
    # the total loss is the main loss alone; "accuracy" in the history is the main head's
    assert result.test_loss == pytest.approx(result.test_scores["main_loss"], rel=1e-5)
    assert {"accuracy", "val_accuracy", "main_accuracy", "aux1_accuracy", "val_aux1_loss"} <= set(
        result.history
    )
    assert result.history["accuracy"] == result.history["main_accuracy"]
    assert result.history["val_accuracy"] == result.history["val_main_accuracy"]
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        f"test accuracy: {100 * by_hand:.1f}% (32 images) of the main output main; "
        f"aux1 {100 * aux_by_hand:.1f}%"
    )


def test_three_outputs_weighted_sum_and_logits_per_output(tmp_path):
    """GoogLeNet's 1, 0.3, 0.3: the loss is main + 0.3 aux1 + 0.3 aux2; linear aux heads get
    a from-logits loss while the softmax main head does not."""
    result = train.fit(
        lambda: tiny_heads(aux=2, aux_activation=None),
        tiny_data(),
        backup_dir=tmp_path,
        loss_weights=[1.0, 0.3, 0.3],
        **FAST,
    )
    scores = result.test_scores
    weighted = scores["main_loss"] + 0.3 * scores["aux1_loss"] + 0.3 * scores["aux2_loss"]
    assert result.test_loss == pytest.approx(weighted, rel=1e-5)
    assert [loss.get_config()["from_logits"] for loss in result.model.loss] == [
        False,
        True,
        True,
    ]
    assert result.test_accuracy == scores["main_accuracy"]
    assert all(len(result.history[f"{head}_accuracy"]) == 3 for head in ("main", "aux1", "aux2"))


def test_loss_weights_must_match_the_outputs(tmp_path):
    data = tiny_data()
    with pytest.raises(ValueError, match=r"loss_weights: tiny_heads has 3 outputs \(main, aux1, "
                       r"aux2\).*\(1\.0, 0\.3, 0\.3\).*Received: loss_weights=None"):
        train.fit(lambda: tiny_heads(aux=2), data, backup_dir=tmp_path, **FAST)
    with pytest.raises(ValueError, match=r"loss_weights: expected one weight per output .*"
                       r"2 \(main, aux1\)\. Received: loss_weights=\(1\.0, 0\.3, 0\.3\)"):
        train.fit(tiny_heads, data, backup_dir=tmp_path, loss_weights=(1, 0.3, 0.3), **FAST)
    with pytest.raises(ValueError, match=r"loss_weights: expected one weight per output"):
        train.fit(tiny_cnn, data, backup_dir=tmp_path, loss_weights=(1, 0.3), **FAST)


def test_one_output_with_a_unit_weight_is_unchanged(tmp_path):
    data = tiny_data()
    plain = train.fit(tiny_cnn, data, backup_dir=tmp_path, **FAST)
    weighted = train.fit(tiny_cnn, data, backup_dir=tmp_path, loss_weights=(1.0,), **FAST)
    assert weighted.history["loss"] == pytest.approx(plain.history["loss"], rel=1e-6)
    assert set(weighted.history) == set(plain.history)
    assert set(plain.test_scores) == {"loss", "accuracy"}


def test_gpu_profile_path_runs_on_cpu(tmp_path):
    """The gpu profile as it is (mixed float16, jit_compile=True, batch 256) on this CPU, with a
    course network behind its uint8 preprocessing: the loss stays finite, the layers compute in
    float16 and the probabilities come out in float32."""
    import classic.data
    import classic.models

    rng = np.random.default_rng(0)
    data = tiny_data(n_train=300, n_val=20, n_test=20)
    for part in ("train", "val", "test"):
        n = len(getattr(data, f"x_{part}"))
        setattr(data, f"x_{part}", rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8))

    def build():
        preprocessing = classic.data.preprocessing((28, 28, 1), 32)
        network = classic.models.lenet5(classes=3)
        return keras.Sequential([keras.Input((28, 28, 1)), preprocessing, network], name="gpu")

    gpu = train.PROFILES["gpu"]
    assert gpu.mixed_precision and gpu.jit_compile is True
    # the profile object itself: asked for by name, "gpu" gives the cpu profile on a CPU
    result = train.fit(build, data, gpu, epochs=2, backup_dir=tmp_path, verbose=0)
    assert all(math.isfinite(loss) for loss in result.history["loss"])
    assert result.model.jit_compile is True
    assert isinstance(result.model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert result.model.get_layer("lenet5").get_layer("C1").compute_dtype == "float16"
    probabilities = keras.ops.convert_to_numpy(result.model(data.x_test))
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert keras.config.dtype_policy().name == "float32"
