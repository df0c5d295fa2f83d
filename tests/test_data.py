"""Tests of classic.data: offline digits, local copies, the unavailable path, the download command.

No test touches the network: `downloads._reachable` and keras.datasets' loaders are replaced
where needed. Private helpers are patched in the module of classic.data that holds them.
"""

import dataclasses
import os
import socket
import subprocess
import sys
import time
import types
import urllib.request

import numpy as np
import pytest

from classic import data
from classic.data import copies, downloads, images, loading

KNOWN = "digits, mnist, fashion_mnist, cifar10"
REAL_REACHABLE = downloads._reachable  # kept before the autouse fixture replaces it


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No local-copy folder, a private Keras cache, and no reachability check unless a test says."""
    monkeypatch.delenv("CLASSIC_DATA_DIR", raising=False)
    keras_home = tmp_path / "keras_home"
    keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))

    def no_network(host, **kwargs):
        raise AssertionError(f"a test tried to reach {host}")

    monkeypatch.setattr(downloads, "_reachable", no_network)
    return keras_home


@pytest.fixture
def keras_datasets():
    import keras.datasets

    return keras.datasets


def tree(folder):
    """Every path under folder, relative, to compare before and after."""
    return sorted(
        os.path.relpath(os.path.join(root, entry), folder)
        for root, dirs, files in os.walk(folder)
        for entry in dirs + files
    )


def indexed_copy(folder, name="mnist", n_train=50, n_test=3, shape=(28, 28), note="A test copy."):
    """A copy whose training image i has the value i in its top-left pixel and label i % 10."""
    x_train = np.zeros((n_train, *shape), np.uint8)
    x_train[:, 0, 0] = np.arange(n_train)[:, None] if len(shape) == 3 else np.arange(n_train)
    y_train = np.arange(n_train) % 10
    x_test = np.zeros((n_test, *shape), np.uint8)
    y_test = np.arange(n_test) % 10
    return data.write_copy(folder, name, x_train, y_train, x_test, y_test, note)


def index_of(x):
    """Undo indexed_copy: the index stored in each image's top-left pixel."""
    return np.rint(x[:, 0, 0, 0] * 255).astype(int)


# ---------------------------------------------------------------- digits


def test_digits_offline_shapes_dtype_range():
    ds = data.load("digits", verbose=False)
    # 1,797 images; test = ceil(0.2 * 1797) = 360; the rest 1,437; validation round(143.7) = 144
    assert (len(ds.x_train), len(ds.x_val), len(ds.x_test)) == (1293, 144, 360)
    assert ds.x_train.shape == (1293, 8, 8, 1)
    assert ds.x_train.dtype == np.float32
    assert ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0  # 16 / 16
    assert ds.y_train.ndim == 1 and ds.y_train.dtype in (np.int32, np.int64)
    assert ds.input_shape == (8, 8, 1)
    assert ds.num_classes == 10
    assert ds.class_names == tuple("0123456789")
    assert ds.note is None


def test_digits_test_split_is_fixed_and_stratified():
    a = data.load("digits", seed=0, verbose=False)
    b = data.load("digits", seed=1, verbose=False)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    counts = np.bincount(np.concatenate([a.y_train, a.y_val, a.y_test]), minlength=10)
    test_counts = np.bincount(a.y_test, minlength=10)
    assert np.all(np.abs(test_counts - 0.2 * counts) <= 1)


def test_digits_split_is_seeded():
    a = data.load("digits", seed=3, verbose=False)
    b = data.load("digits", seed=3, verbose=False)
    c = data.load("digits", seed=4, verbose=False)
    np.testing.assert_array_equal(a.x_val, b.x_val)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_val, c.x_val)
    # the same images, split differently
    assert np.isclose(a.x_train.sum() + a.x_val.sum(), c.x_train.sum() + c.x_val.sum())


def test_digits_prints_its_summary(capsys):
    ds = data.load("digits")
    line = (
        "digits: 1,293 train / 144 validation / 360 test images, 8x8x1, "
        "from scikit-learn's load_digits (ships with the package)"
    )
    assert capsys.readouterr().out == line + "\n"
    assert str(ds) == ds.summary() == line


def test_dataset_is_frozen():
    ds = data.load("digits", limit=20, verbose=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "mnist"


# ---------------------------------------------------------------- local copies


def test_local_copy_nhw(tmp_path, capsys):
    path = indexed_copy(tmp_path / "copies", note="Fifty test images.")
    ds = data.load("mnist", data_dir=tmp_path / "copies", validation=0.2)
    assert ds.x_train.shape == (40, 28, 28, 1) and ds.x_val.shape == (10, 28, 28, 1)
    assert ds.x_test.shape == (3, 28, 28, 1)
    assert ds.x_train.dtype == np.float32 and ds.x_train.max() == 49 / 255
    # train and validation are the 50 training images, each once, labels following them
    train, val = index_of(ds.x_train), index_of(ds.x_val)
    assert sorted(np.concatenate([train, val])) == list(range(50))
    np.testing.assert_array_equal(ds.y_train, train % 10)
    np.testing.assert_array_equal(ds.y_test, [0, 1, 2])
    assert ds.source == f"the local copy data_dir/{path.name}"
    assert ds.note == "Fifty test images."
    assert capsys.readouterr().out == (
        "mnist: 40 train / 10 validation / 3 test images, 28x28x1, from the local copy "
        "data_dir/mnist.npz\n"
        "note: Fifty test images.\n"
    )


def test_local_copy_from_environment(tmp_path, monkeypatch):
    indexed_copy(tmp_path, name="fashion_mnist")
    monkeypatch.setenv("CLASSIC_DATA_DIR", str(tmp_path))
    ds = data.load("fashion_mnist", verbose=False)
    assert ds.source == "the local copy CLASSIC_DATA_DIR/fashion_mnist.npz"
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"


def test_local_copy_nhwc_colour_to_grey_by_luminance(tmp_path):
    x = np.zeros((4, 32, 32, 3), np.uint8)
    x[..., 0] = 255  # pure red
    data.write_copy(tmp_path, "cifar10", x, np.arange(4), x[:2], [0, 1], "Red squares.")
    colour = data.load("cifar10", data_dir=tmp_path, validation=0, verbose=False)
    assert colour.input_shape == (32, 32, 3)
    assert colour.class_names[0] == "airplane"
    grey = data.load("cifar10", data_dir=tmp_path, validation=0, channels=1, verbose=False)
    assert grey.input_shape == (32, 32, 1)
    np.testing.assert_allclose(grey.x_train, 0.299, rtol=1e-6)  # BT.601 weight of red


def test_pad_centres_at_offset_two(tmp_path):
    x = np.zeros((1, 28, 28), np.uint8)
    x[0, 0, 0], x[0, 27, 27] = 255, 51
    data.write_copy(tmp_path, "mnist", x, [7], x, [7], "One image.")
    ds = data.load("mnist", data_dir=tmp_path, validation=0, image_size=32, verbose=False)
    image = ds.x_train[0, :, :, 0]
    assert image.shape == (32, 32)
    assert image[2, 2] == 1.0 and image[29, 29] == np.float32(51 / 255)
    assert np.count_nonzero(image) == 2
    tall = data.load(
        "mnist", data_dir=tmp_path, validation=0, image_size=(32, 36), fit="pad", verbose=False
    )
    assert tall.x_test[0, 2, 4, 0] == 1.0  # (32 - 28) / 2 = 2 rows, (36 - 28) / 2 = 4 columns


def test_resize_gives_the_asked_size(tmp_path):
    x = np.full((2, 28, 28), 51, np.uint8)
    data.write_copy(tmp_path, "mnist", x, [0, 1], x, [0, 1], "Grey squares.")
    ds = data.load(
        "mnist", data_dir=tmp_path, validation=0, image_size=(16, 20), fit="resize", verbose=False
    )
    assert ds.x_train.shape == (2, 16, 20, 1) and ds.x_test.shape == (2, 16, 20, 1)
    np.testing.assert_allclose(ds.x_train, 0.2, atol=1e-5)  # a flat image stays flat


def test_channels_three_repeats_grey(tmp_path):
    indexed_copy(tmp_path, n_train=10)
    ds = data.load("mnist", data_dir=tmp_path, validation=0, channels=3, verbose=False)
    assert ds.input_shape == (28, 28, 3)
    np.testing.assert_array_equal(ds.x_train[..., 0], ds.x_train[..., 2])
    assert sorted(index_of(ds.x_train)) == list(range(10))


@pytest.mark.parametrize(
    ("validation", "limit", "sizes"),
    [
        (0.2, None, (40, 10)),  # 0.2 * 50 = 10
        (0, None, (50, 0)),
        (0.1, 20, (18, 2)),  # 20 of the 50, then 0.1 * 20 = 2
        (0.25, 20, (15, 5)),
        (0.1, 1000, (45, 5)),  # a limit above the size changes nothing
    ],
)
def test_validation_and_limit_sizes(tmp_path, validation, limit, sizes):
    indexed_copy(tmp_path)
    ds = data.load("mnist", data_dir=tmp_path, validation=validation, limit=limit, verbose=False)
    assert (len(ds.x_train), len(ds.x_val), len(ds.x_test)) == (*sizes, 3)
    assert len(ds.y_train) == sizes[0] and len(ds.y_val) == sizes[1]
    assert len(set(index_of(ds.x_train)) | set(index_of(ds.x_val))) == sum(sizes)


# ---------------------------------------------------------------- bad input


@pytest.fixture
def nothing_loads(monkeypatch):
    """Bad arguments must be refused before any data is read."""

    def fail(*args, **kwargs):
        raise AssertionError("data was loaded before the arguments were checked")

    for module, loader in (
        (loading, "_load_digits"), (copies, "_read_copy"), (downloads, "_download")
    ):
        monkeypatch.setattr(module, loader, fail)


def test_unknown_name_lists_known_ones(nothing_loads):
    with pytest.raises(ValueError, match=f"Known data sets: {KNOWN}.*Received: name='svhn'"):
        data.load("svhn")


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"image_size": 0}, "image_size"),
        ({"image_size": (32,)}, "image_size"),
        ({"image_size": "32"}, "image_size"),
        ({"image_size": 32.0}, "image_size"),
        ({"image_size": True}, "image_size"),
        ({"image_size": 20, "fit": "pad"}, "image_size"),  # pad cannot shrink 28x28
        ({"image_size": (32, 20), "fit": "pad"}, "image_size"),
        ({"fit": "crop"}, "fit"),
        ({"channels": 2}, "channels"),
        ({"validation": 1.0}, "validation"),
        ({"validation": -0.1}, "validation"),
        ({"validation": "0.1"}, "validation"),
        ({"limit": 0}, "limit"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_bad_arguments_name_themselves(nothing_loads, kwargs, argument):
    with pytest.raises(ValueError, match=f"`{argument}`.*Received: {argument}="):
        data.load("mnist", **kwargs)


def test_pad_smaller_than_image_points_to_resize(nothing_loads):
    with pytest.raises(ValueError, match="28x28.*fit='resize'"):
        data.load("mnist", image_size=24, fit="pad")


def test_auto_fit_pads_a_thin_border_and_resizes_otherwise():
    # 28 -> 32 adds 4 <= 28 // 4 = 7 pixels: a border, as LeCun did; 8 -> 32 is a new resolution.
    assert images._auto_fit((28, 28), (32, 32)) == "pad"
    assert images._auto_fit((28, 28), (36, 36)) == "resize"  # 8 > 7
    assert images._auto_fit((8, 8), (32, 32)) == "resize"
    assert images._auto_fit((32, 32), (24, 24)) == "resize"  # shrinking is never padding
    digits = data.load("digits", image_size=32, verbose=False)
    assert digits.x_train.shape[1:] == (32, 32, 1)
    assert digits.x_train[:, :4].max() > 0  # resized: the digit fills the field, no empty border


def test_write_copy_rejects_float_images(tmp_path):
    with pytest.raises(ValueError, match="`x_train` must be uint8.*Received: x_train of dtype"):
        data.write_copy(tmp_path, "mnist", np.zeros((2, 28, 28)), [0, 1], [], [], "n")
    assert tree(tmp_path) == ["keras_home"]


# ---------------------------------------------------------------- unavailable


def test_unavailable_is_quick_and_names_offline_choices(monkeypatch, isolated, keras_datasets):
    asked = []
    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: asked.append(host) or False)

    def loader():
        raise AssertionError("downloaded although the host is unreachable")

    monkeypatch.setattr(keras_datasets.fashion_mnist, "load_data", loader)
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailable) as caught:
        data.load("fashion_mnist")
    assert time.perf_counter() - start < 0.5
    message = str(caught.value)
    assert "CLASSIC_DATA_DIR" in message and 'load("digits")' in message
    assert "python -m classic.data download DIR fashion_mnist" in message
    assert asked == ["storage.googleapis.com"]
    assert tree(isolated) == []


def test_failed_download_leaves_the_keras_cache_as_it_was(monkeypatch, isolated, keras_datasets):
    old = isolated / "datasets" / "mnist.npz"
    old.parent.mkdir()
    old.write_bytes(b"an earlier download")
    before = tree(isolated)

    def loader():  # what keras.datasets.fashion_mnist does offline: a folder, then a failure
        folder = isolated / "datasets" / "fashion-mnist"
        folder.mkdir()
        (folder / "train-labels-idx1-ubyte.gz.part").write_bytes(b"")
        raise Exception("URL fetch failure on https://storage.googleapis.com/...")

    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: True)
    monkeypatch.setattr(keras_datasets.fashion_mnist, "load_data", loader)
    with pytest.raises(data.DatasetUnavailable, match="URL fetch failure") as caught:
        data.load("fashion_mnist", verbose=False)
    assert isinstance(caught.value, RuntimeError)
    assert tree(isolated) == before
    assert old.read_bytes() == b"an earlier download"


def test_failed_download_removes_a_new_datasets_folder(monkeypatch, isolated, keras_datasets):
    def loader():
        (isolated / "datasets" / "fashion-mnist").mkdir(parents=True)
        raise Exception("URL fetch failure")

    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: True)
    monkeypatch.setattr(keras_datasets.fashion_mnist, "load_data", loader)
    with pytest.raises(data.DatasetUnavailable):
        data.load("fashion_mnist", verbose=False)
    assert tree(isolated) == []


def test_folder_without_the_file_falls_through_to_download(
    tmp_path, monkeypatch, capsys, keras_datasets
):
    empty = tmp_path / "copies"
    empty.mkdir()
    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: False)
    with pytest.raises(data.DatasetUnavailable, match=str(empty / "mnist.npz")):
        data.load("mnist", data_dir=empty)

    x = np.zeros((10, 28, 28), np.uint8)
    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: True)
    monkeypatch.setattr(
        keras_datasets.mnist, "load_data", lambda: ((x, np.zeros(10, np.uint8)), (x, x[:, 0, 0]))
    )
    ds = data.load("mnist", data_dir=empty, validation=0.5)
    assert ds.source == "keras.datasets.mnist (download)"
    assert ds.input_shape == (28, 28, 1) and len(ds.x_val) == 5
    out = capsys.readouterr().out
    assert f"no local copy at {empty / 'mnist.npz'}" in out
    assert "5 train / 5 validation / 10 test images" in out


def test_reachable_gives_up_after_its_timeout(monkeypatch):
    monkeypatch.setattr(urllib.request, "getproxies", dict)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: time.sleep(2))
    start = time.perf_counter()
    assert REAL_REACHABLE("example.invalid", timeout=0.2) is False
    assert time.perf_counter() - start < 1


def test_reachable_connects_to_the_host_or_the_proxy(monkeypatch):
    targets = []

    def connect(target, timeout):
        targets.append((target, timeout))
        return types.SimpleNamespace(close=lambda: None)

    monkeypatch.setattr(socket, "create_connection", connect)
    monkeypatch.setattr(urllib.request, "getproxies", dict)
    assert REAL_REACHABLE("storage.googleapis.com", timeout=1) is True
    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"https": "http://proxy.lan:3128"})
    monkeypatch.setattr(urllib.request, "proxy_bypass", lambda host: False)
    assert REAL_REACHABLE("storage.googleapis.com", timeout=1) is True
    assert targets == [(("storage.googleapis.com", 443), 1), (("proxy.lan", 3128), 1)]


# ---------------------------------------------------------------- load_for


def test_load_for_ci_uses_the_offline_set(monkeypatch):
    for module, loader in ((copies, "_read_copy"), (downloads, "_download")):
        monkeypatch.setattr(module, loader, lambda *a, **k: pytest.fail("ci tried the real set"))
    for profile in ("ci", types.SimpleNamespace(name="ci")):
        ds = data.load_for(profile, "cifar10", limit=20, verbose=False)
        assert ds.name == "digits"


def test_load_for_falls_back_with_a_printed_line_said_once(monkeypatch, capsys):
    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: False)
    monkeypatch.setattr(loading, "_SAID", set())
    ds = data.load_for("cpu", "cifar10", image_size=32, fit="resize", channels=3, limit=30)
    assert ds.name == "digits" and ds.input_shape == (32, 32, 3)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("cifar10 is unavailable (no local copy (CLASSIC_DATA_DIR is not")
    assert lines[0].endswith("): training here uses the offline set, digits, instead.")
    assert lines[1].startswith("digits: 27 train / 3 validation / 360 test images, 32x32x3")
    # a second load in the same process (the live run) does not say it again
    data.load_for("cpu", "cifar10", image_size=32, fit="resize", channels=3, limit=30,
                  verbose=False)
    assert capsys.readouterr().out == ""


def test_load_for_uses_the_real_set_when_it_is_there(tmp_path):
    indexed_copy(tmp_path)
    ds = data.load_for("gpu", "mnist", data_dir=tmp_path, verbose=False)
    assert ds.name == "mnist" and len(ds.x_train) == 45


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((None, "mnist"), "`profile`.*Received: profile=None"),
        (("ci", "imagenet"), f"{KNOWN}.*Received: real='imagenet'"),
        (("cpu", "mnist", "emnist"), f"{KNOWN}.*Received: offline='emnist'"),
    ],
)
def test_load_for_bad_arguments(nothing_loads, args, match):
    with pytest.raises(ValueError, match=match):
        data.load_for(*args)


# ---------------------------------------------------------------- write_copy


def test_write_copy_round_trip_and_format(tmp_path):
    folder = tmp_path / "a" / "b"
    x = (np.arange(2 * 32 * 32 * 3) % 256).astype(np.uint8).reshape(2, 32, 32, 3)
    path = data.write_copy(folder, "cifar10", x, [[3], [5]], x[:1], [[9]], "Two images.")
    assert path == folder / "cifar10.npz"
    assert os.listdir(folder) == ["cifar10.npz"]  # no temporary file left
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["note", "x_test", "x_train", "y_test", "y_train"]
        np.testing.assert_array_equal(f["x_train"], x)
        assert f["y_train"].tolist() == [3, 5] and f["y_train"].dtype == np.uint8
        assert str(f["note"]) == "Two images."


def test_write_copy_failure_keeps_the_old_file(tmp_path, monkeypatch):
    x = np.zeros((1, 28, 28), np.uint8)
    path = data.write_copy(tmp_path / "c", "mnist", x, [1], x, [1], "Old.")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken)
    with pytest.raises(OSError, match="disk full"):
        data.write_copy(tmp_path / "c", "mnist", x, [2], x, [2], "New.")
    assert os.listdir(tmp_path / "c") == ["mnist.npz"]
    with np.load(path) as f:
        assert str(f["note"]) == "Old."


# ---------------------------------------------------------------- the download command


def small(shape, n):
    return np.full((n, *shape), 7, np.uint8)


def test_download_command_writes_copies(tmp_path, monkeypatch, capsys, keras_datasets):
    called = []

    def fake(name, shape, labels_shape):
        def load_data():
            called.append(name)
            y = np.arange(5).reshape(labels_shape)
            return (small(shape, 5), y), (small(shape, 3), y[:3])

        return load_data

    monkeypatch.setattr(downloads, "_reachable", lambda host, **kwargs: True)
    monkeypatch.setattr(keras_datasets.mnist, "load_data", fake("mnist", (28, 28), (5,)))
    monkeypatch.setattr(
        keras_datasets.fashion_mnist, "load_data", fake("fashion_mnist", (28, 28), (5,))
    )
    monkeypatch.setattr(keras_datasets.cifar10, "load_data", fake("cifar10", (32, 32, 3), (5, 1)))
    assert data.main(["download", str(tmp_path / "dir")]) == 0
    assert called == ["mnist", "fashion_mnist", "cifar10"]
    assert sorted(os.listdir(tmp_path / "dir")) == ["cifar10.npz", "fashion_mnist.npz", "mnist.npz"]

    ds = data.load("cifar10", data_dir=tmp_path / "dir", validation=0.2)
    assert ds.input_shape == (32, 32, 3) and len(ds.x_train) == 4
    assert ds.note.startswith("CIFAR-10 (Krizhevsky, 2009), the official release as served by")
    assert "5 training and 3 test images, 32x32 colour" in ds.note
    assert "Learning Multiple Layers of Features from Tiny Images" in ds.note
    with np.load(tmp_path / "dir" / "mnist.npz") as f:
        note = str(f["note"])
    assert "keras.datasets.mnist" in note and "28x28 grey" in note and "LeCun" in note
    assert f"note: {note}" in capsys.readouterr().out


def test_download_command_reports_a_failure(tmp_path, monkeypatch, capsys, keras_datasets):
    def unreachable(host, **kwargs):
        return host != "www.cs.toronto.edu"

    monkeypatch.setattr(downloads, "_reachable", unreachable)
    monkeypatch.setattr(
        keras_datasets.mnist, "load_data", lambda: ((small((28, 28), 2), [0, 1]),) * 2
    )
    assert data.main(["download", str(tmp_path), "mnist", "cifar10"]) == 1
    err = capsys.readouterr().err
    assert "cifar10: download failed" in err and "www.cs.toronto.edu" in err
    assert sorted(os.listdir(tmp_path)) == ["keras_home", "mnist.npz"]


def test_download_command_arguments(capsys):
    with pytest.raises(SystemExit) as caught:
        data.main(["download", "dir", "svhn"])
    assert caught.value.code == 2
    assert "known: mnist, fashion_mnist, cifar10" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        data.main([])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        data.main(["download", "--help"])
    assert caught.value.code == 0
    assert "export CLASSIC_DATA_DIR=DIR" in capsys.readouterr().out


def test_module_runs_as_a_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "classic.data", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0
    assert "python -m classic.data download DIR" in result.stdout
    assert tree(tmp_path) == ["keras_home"]
