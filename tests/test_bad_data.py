"""Bad data gets a clear error wherever it enters: a local copy, write_copy, fit's data.

Each test damages a real file or array itself and checks that the message names the problem,
the file or argument, and what is accepted."""

import json

import keras
import numpy as np
import pytest

import classic.data
import classic.train
from classic.data import DatasetUnavailable


def cifar_arrays(train=20, test=10):
    rng = np.random.default_rng(0)
    return (rng.integers(0, 256, (train, 32, 32, 3), dtype=np.uint8),
            np.arange(train, dtype=np.uint8) % 10,
            rng.integers(0, 256, (test, 32, 32, 3), dtype=np.uint8),
            np.arange(test, dtype=np.uint8) % 10)


def write(folder, **changes):
    """A cifar10 copy in the local-copy format, with some arrays replaced (None: left out)."""
    x_train, y_train, x_test, y_test = cifar_arrays()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
              "note": np.array("a test copy")}
    arrays.update(changes)
    path = folder / "cifar10.npz"
    np.savez_compressed(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def load(folder):
    return classic.data.load("cifar10", data_dir=folder, verbose=False, validation=0.2)


def test_a_good_copy_loads(tmp_path):
    write(tmp_path)
    assert load(tmp_path).x_train.shape == (16, 32, 32, 3)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_an_unreadable_copy_names_the_file_and_the_fix(tmp_path, damage):
    path = write(tmp_path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"not a zip file" * 10,
                      "empty": b""}[damage])
    with pytest.raises(DatasetUnavailable, match="cifar10.npz cannot be read") as caught:
        load(tmp_path)
    assert "python -m classic.data download" in str(caught.value)
    assert caught.value.name == "cifar10"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"y_test": None}, r"lacks y_test.*Received: arrays"),
        ({"x_train": np.zeros((20, 32, 32, 3), np.float32)},
         r"x_train must hold uint8 pixel values \(0-255\)\. Received: dtype float32"),
        ({"x_train": np.zeros((20, 32, 32), np.uint8)},
         r"x_train must hold cifar10's 32x32 colour images, shaped \(n, 32, 32, 3\)\. "
         r"Received: shape \(20, 32, 32\)"),
        ({"x_train": np.zeros((20, 28, 28, 3), np.uint8)}, r"Received: shape \(20, 28, 28, 3\)"),
        ({"x_test": np.zeros((10, 32, 32, 1), np.uint8)},
         r"x_test must hold cifar10's 32x32 colour images"),
        ({"y_train": np.arange(20, dtype=np.uint8) % 10 + 1},
         r"y_train must hold labels 0 to 9 \(cifar10's 10 classes\)\. Received: labels from 1 "
         r"to 10 \(labels counted from 1\? subtract 1\)"),
        ({"y_test": np.full(10, 0.5)}, r"y_test must hold integer class labels 0 to 9\. "
                                       r"Received: dtype float64"),
        ({"y_train": np.zeros(19, np.uint8)}, r"y_train must hold one label per image \(20\)"),
        ({"x_test": np.zeros((0, 32, 32, 3), np.uint8), "y_test": np.zeros(0, np.uint8)},
         r"x_test holds no images"),
    ],
    ids=["missing array", "dtype", "rank", "size", "channels", "labels from 1", "float labels",
         "label count", "empty test part"],
)
def test_wrong_arrays_in_a_copy_are_named(tmp_path, changes, message):
    write(tmp_path, **changes)
    with pytest.raises(ValueError, match=message) as caught:
        load(tmp_path)
    assert "cifar10.npz" in str(caught.value)  # the file


def test_write_copy_checks_the_data_set(tmp_path):
    x_train, y_train, x_test, y_test = cifar_arrays()
    bad_labels = r"write_copy\('cifar10'\): y_test must hold labels 0 to 9"
    with pytest.raises(ValueError, match=bad_labels):
        classic.data.write_copy(tmp_path, "cifar10", x_train, y_train, x_test, y_test + 10,
                                "a note")
    with pytest.raises(ValueError, match=r"x_test must hold mnist's 28x28 grey images"):
        classic.data.write_copy(tmp_path, "mnist", x_train[..., 0][:, :28, :28], y_train,
                                x_test, y_test, "a note")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


# ------------------------------------------------------------------------ fit's data


@pytest.fixture(scope="module")
def digits():
    return classic.data.load("digits", image_size=16, verbose=False)


def tiny(shape=(16, 16, 1), classes=10):
    def build():
        inputs = keras.Input(shape)
        x = keras.layers.Flatten()(inputs)
        return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(x),
                           name="tiny")
    return build


def with_(data, **changes):
    return classic.data.Dataset(**{**data.__dict__, **changes})


def fit(data, tmp_path, model=None):
    return classic.train.fit(model or tiny(), data, "ci", epochs=1, backup_dir=tmp_path,
                             verbose=0)


def test_fit_names_labels_the_model_cannot_predict(digits, tmp_path):
    with pytest.raises(ValueError, match=r"y_train holds labels from 1 to 10, but tiny's output "
                                         r"has 10 classes.*subtract 1"):
        fit(with_(digits, y_train=digits.y_train + 1), tmp_path)
    with pytest.raises(ValueError, match=r"y_train holds labels from 0 to 9, but tiny's output "
                                         r"has 5 classes, so labels must run from 0 to 4"):
        fit(digits, tmp_path, tiny(classes=5))


def test_fit_names_the_image_size_that_would_fit(digits, tmp_path):
    with pytest.raises(ValueError, match=r"x_train holds images of shape \(16, 16, 1\), but tiny "
                                         r"takes \(32, 32, 3\); load the data with "
                                         r"image_size=32 and channels=3"):
        fit(digits, tmp_path, tiny(shape=(32, 32, 3)))


def test_fit_refuses_nan_pixels_and_fractional_labels(digits, tmp_path):
    x_val = digits.x_val.copy()
    x_val[0, 0, 0, 0], x_val[1, 1, 1, 0] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"x_val holds 2 NaN or infinite pixel values"):
        fit(with_(digits, x_val=x_val), tmp_path)
    labels = digits.y_train.astype("float32")
    labels[3] = 2.5
    with pytest.raises(ValueError, match=r"y_train must hold integer class labels. Received: "
                                         r"values such as 2\.5"):
        fit(with_(digits, y_train=labels), tmp_path)
    fit(with_(digits, y_train=digits.y_train.astype("float32")), tmp_path)  # whole numbers: fine


# ------------------------------------------------------------------------ backups


def test_a_backup_that_cannot_be_restored_gives_one_message_and_a_fresh_start(
        digits, tmp_path, capsys):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "latest.weights.h5").write_bytes(b"cut short")
    (folder / "training_metadata.json").write_text(json.dumps({"epoch": 0}))
    result = classic.train.fit(tiny(), digits, "ci", epochs=2, backup_dir=tmp_path,
                               run_name="run", verbose=0)
    out = capsys.readouterr().out
    assert out.count("cannot be restored") == 1 and "Starting this run afresh" in out
    assert result.epochs == [0, 1]  # every epoch trained
    assert not folder.exists()  # the finished run removed its backup


def test_a_foreign_backup_is_replaced(digits, tmp_path, capsys):
    """A backup left by another network under the same run name (different weights)."""
    other = tiny(classes=7)()
    other.compile("adam", "sparse_categorical_crossentropy")
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "run"), delete_checkpoint=False)
    other.fit(digits.x_train[:32], digits.y_train[:32] % 7, epochs=1, callbacks=[backup],
              verbose=0)
    result = classic.train.fit(tiny(), digits, "ci", epochs=2, backup_dir=tmp_path,
                               run_name="run", verbose=0)
    assert "cannot be restored" in capsys.readouterr().out
    assert result.epochs == [0, 1] and result.test_accuracy is not None


def test_the_experiments_runner_stops_on_a_damaged_copy(tmp_path, monkeypatch):
    """A reference run never trains on a copy it cannot read: the error names the file."""
    import classic.experiments as E

    path = write(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setenv("CLASSIC_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetUnavailable, match="cifar10.npz cannot be read"):
        E.run("vgg_lrn", "cpu", seeds=[0], arms=["A"], save=True, root=tmp_path / "results",
              verbose=False)
    assert not (tmp_path / "results").exists()  # nothing stored
