"""Data sets for the course: one that ships with scikit-learn, three from keras.datasets.

``load("digits")`` always works offline. ``load("mnist")``, ``load("fashion_mnist")`` and
``load("cifar10")`` read ``<folder>/<name>.npz`` when a folder of local copies is configured
(``data_dir=`` or the ``CLASSIC_DATA_DIR`` environment variable), else download through
keras.datasets. Offline classrooms write that folder once on a machine with network::

    python -m classic.data download DIR

Every set comes back the same way: float32 NHWC images in [0, 1], 1-D integer labels, and a
fixed seeded train/validation split, so a notebook does not care where the pixels came from.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import shutil
import socket
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "NAMES",
    "Dataset",
    "DatasetUnavailable",
    "load",
    "load_for",
    "augmentation",
    "check_arrays",
    "preprocessing",
    "write_copy",
    "main",
]

NAMES = ("digits", "mnist", "fashion_mnist", "cifar10")
DOWNLOADABLE = ("mnist", "fashion_mnist", "cifar10")
ENV_VAR = "CLASSIC_DATA_DIR"

_DIGITS = tuple(str(i) for i in range(10))
CLASS_NAMES = {
    "digits": _DIGITS,
    "mnist": _DIGITS,
    "fashion_mnist": (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),
    "cifar10": (
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ),
}  # fmt: skip

# Native image size (h, w) of each set, to check image_size before loading anything.
_NATIVE_SIZE = {"digits": (8, 8), "mnist": (28, 28), "fashion_mnist": (28, 28), "cifar10": (32, 32)}

# Hosts keras.datasets (Keras 3) downloads each set from; checked before a download starts.
_HOSTS = {
    "mnist": "storage.googleapis.com",
    "fashion_mnist": "storage.googleapis.com",
    "cifar10": "www.cs.toronto.edu",
}
_CONNECT_TIMEOUT = 3.0

# ITU-R BT.601 luma weights (what PIL's "L" mode uses) for colour -> grey.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

_DIGITS_SOURCE = "scikit-learn's load_digits (ships with the package)"
_DIGITS_TEST_FRACTION = 0.2
_DIGITS_TEST_SEED = 0  # fixed, so the digits test set never changes with `seed`
_RESIZE_BATCH = 1024
FITS = ("auto", "pad", "resize")


class DatasetUnavailable(RuntimeError):
    """A data set has no local copy here and cannot be downloaded; ``reason`` says why, briefly."""

    def __init__(self, message, *, name=None, reason=None):
        super().__init__(message)
        self.name = name
        self.reason = reason or message


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train, validation and test arrays of one data set, and where they came from."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    source: str
    note: str | None = None
    train_index: np.ndarray | None = None
    val_index: np.ndarray | None = None
    """Where each training and validation image sits in the source's training part (its file
    position), to trace an image back: the split is a seeded shuffle of those positions."""

    @property
    def input_shape(self):
        """(height, width, channels) of one image, what a model's Input needs."""
        return tuple(int(d) for d in self.x_train.shape[1:])

    @property
    def num_classes(self):
        return len(self.class_names)

    def summary(self):
        """One line: the sizes of the three parts, the image shape and the source."""
        h, w, c = self.input_shape
        return (
            f"{self.name}: {len(self.x_train):,} train / {len(self.x_val):,} validation / "
            f"{len(self.x_test):,} test images, {h}x{w}x{c}, from {self.source}"
        )

    def __str__(self):
        return self.summary()


# ---------------------------------------------------------------- argument checks


def _check_name(name, argument="name"):
    if name not in NAMES:
        raise ValueError(
            f"Unknown data set `{argument}`. Known data sets: {', '.join(NAMES)}. "
            f"Received: {argument}={name!r}"
        )


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_image_size(image_size):
    """Return (h, w) or None; image_size is an int or a pair of positive ints."""
    if image_size is None:
        return None
    if _is_int(image_size):
        size = (int(image_size), int(image_size))
    elif (
        isinstance(image_size, (tuple, list))
        and len(image_size) == 2
        and all(_is_int(v) for v in image_size)
    ):
        size = (int(image_size[0]), int(image_size[1]))
    else:
        size = None
    if size is None or min(size) < 1:
        raise ValueError(
            "Argument `image_size` must be None, a positive int or a (height, width) pair of "
            f"positive ints. Received: image_size={image_size!r}"
        )
    return size


def _check_arguments(name, validation, seed, image_size, fit, channels, limit):
    _check_name(name)
    if (
        isinstance(validation, bool)
        or not isinstance(validation, (int, float, np.number))
        or not (0 <= validation < 1)
    ):
        raise ValueError(
            "Argument `validation` must be a fraction of the training part, at least 0 and "
            f"below 1. Received: validation={validation!r}"
        )
    if not _is_int(seed):
        raise ValueError(f"Argument `seed` must be an int. Received: seed={seed!r}")
    size = _check_image_size(image_size)
    if fit not in FITS:
        raise ValueError(
            f"Argument `fit` must be 'auto', 'pad' or 'resize'. Received: fit={fit!r}"
        )
    if channels is not None and (not _is_int(channels) or channels not in (1, 3)):
        raise ValueError(
            f"Argument `channels` must be None, 1 or 3. Received: channels={channels!r}"
        )
    if limit is not None and (not _is_int(limit) or limit < 1):
        raise ValueError(
            f"Argument `limit` must be None or a positive int. Received: limit={limit!r}"
        )
    if size is not None and fit == "pad":
        _check_pad(size, _NATIVE_SIZE[name], name, image_size)
    return size


def _check_pad(size, native, name, image_size):
    if size[0] < native[0] or size[1] < native[1]:
        raise ValueError(
            f"Argument `image_size` is smaller than {name}'s {native[0]}x{native[1]} images, "
            "and fit='pad' can only enlarge (it centres the image in a zero field); use "
            f"fit='resize' to shrink. Received: image_size={image_size!r}"
        )


# ---------------------------------------------------------------- image processing


def _to_nhwc(x):
    """Add the channel axis of grey NHW images; turn NCHW (Keras channels_first) into NHWC."""
    x = np.asarray(x)
    if x.ndim == 3:
        return x[..., None]
    if x.ndim == 4 and x.shape[-1] not in (1, 3) and x.shape[1] in (1, 3):
        return x.transpose(0, 2, 3, 1)
    if x.ndim != 4:
        raise ValueError(
            f"Images must be NHW (grey) or NHWC arrays. Received: an array of shape {x.shape}"
        )
    return x


def _set_channels(x, channels):
    have = x.shape[-1]
    if channels is None or channels == have:
        return x
    if have == 1 and channels == 3:
        return np.repeat(x, 3, axis=-1)
    if have == 3 and channels == 1:
        return (x @ _LUMA)[..., None].astype(np.float32)
    raise ValueError(
        f"Cannot turn {have}-channel images into {channels} channels; `channels` accepts 1 "
        f"or 3 for grey or RGB images. Received: channels={channels!r}"
    )


def _auto_fit(native, size):
    """A thin border is padding (MNIST 28 -> 32, as LeCun 1998); anything more is resizing."""
    thin = all(0 <= t - n <= n // 4 for n, t in zip(native, size, strict=True))
    return "pad" if thin else "resize"


def _pad(x, size):
    n, h, w, c = x.shape
    top, left = (size[0] - h) // 2, (size[1] - w) // 2
    out = np.zeros((n, size[0], size[1], c), dtype=np.float32)
    out[:, top : top + h, left : left + w] = x
    return out


def _resize(x, size):
    """Bilinear resize with keras.ops (any backend), in batches to bound memory."""
    import keras

    out = np.empty((len(x), size[0], size[1], x.shape[-1]), dtype=np.float32)
    for start in range(0, len(x), _RESIZE_BATCH):
        batch = keras.ops.image.resize(
            x[start : start + _RESIZE_BATCH],
            size,
            interpolation="bilinear",
            antialias=True,
            data_format="channels_last",
        )
        out[start : start + _RESIZE_BATCH] = keras.ops.convert_to_numpy(batch)
    return out


def _images(x, scale, size, fit, channels, name, image_size):
    """Raw images -> float32 NHWC in [0, 1], with the asked channels and size."""
    x = _to_nhwc(x).astype(np.float32) / np.float32(scale)
    if channels == 1:  # shrink the channels before resizing, grow them after
        x = _set_channels(x, channels)
    if size is not None and size != x.shape[1:3]:
        if fit == "auto":
            fit = _auto_fit(x.shape[1:3], size)
        if fit == "pad":
            _check_pad(size, x.shape[1:3], name, image_size)
            x = _pad(x, size)
        else:
            x = _resize(x, size)
    return _set_channels(x, channels)


def _raw_images(x, scale, channels):
    """Raw images -> uint8 NHWC at the native size, 0-255, with the asked channels."""
    x = _to_nhwc(x)
    if scale != 255.0:  # scikit-learn's digits run 0-16
        x = np.rint(x.astype(np.float32) * np.float32(255.0 / scale))
    if channels is not None and channels != x.shape[-1]:
        x = np.rint(_set_channels(x.astype(np.float32), channels))
    return x.astype(np.uint8)


def preprocessing(input_shape, image_size=None, fit="auto", *, crop=None, flip=False, seed=None,
                  jittable=False):
    """The layers that turn raw uint8 images (``load(..., raw=True)``) into a network's input.

    Scales 0-255 to [0, 1]; brings ``input_shape``'s images to ``image_size`` as ``load``
    would (fit="auto" pads a thin border, as LeNet-5's 28 -> 32, and resizes otherwise);
    then, when asked, :func:`augmentation`'s random crop of ``crop`` pixels and mirror
    (``jittable``: a crop XLA compiles).
    Inside the model these run on the accelerator and the host keeps uint8 images.
    """
    import keras

    from classic.models._common import input_shape_of

    shape = input_shape_of(input_shape)
    size = _check_image_size(image_size)
    if fit not in FITS:
        raise ValueError(
            f"Argument `fit` must be 'auto', 'pad' or 'resize'. Received: fit={fit!r}"
        )
    layers = [keras.layers.Rescaling(1 / 255, name="scale")]
    native = tuple(shape[:2])
    if size is not None and size != native:
        how = _auto_fit(native, size) if fit == "auto" else fit
        if how == "pad":
            _check_pad(size, native, "the input", image_size)
            top, left = (size[0] - native[0]) // 2, (size[1] - native[1]) // 2
            padding = ((top, size[0] - native[0] - top), (left, size[1] - native[1] - left))
            layers.append(keras.layers.ZeroPadding2D(padding, name="pad"))
        else:
            layers.append(keras.layers.Resizing(*size, antialias=True, name="resize"))
    if crop is not None or flip:
        layers.append(augmentation(crop, flip, seed=seed, jittable=jittable))
    return keras.Sequential([keras.Input(shape, name="image"), *layers], name="preprocessing")


def _labels(y):
    return np.asarray(y).reshape(-1).astype(np.int32)


def _split(n, validation, seed, limit):
    """Seeded shuffle of the training part; returns (train indices, validation indices)."""
    order = np.random.default_rng(seed).permutation(n)
    if limit is not None:
        order = order[:limit]
    n_val = int(round(validation * len(order)))
    if validation > 0:
        n_val = max(n_val, 1)
    if n_val >= len(order):
        raise ValueError(
            f"Argument `validation` leaves no training images out of {len(order)}; use a "
            f"smaller fraction or a larger `limit`. Received: validation={validation!r}"
        )
    return order[n_val:], order[:n_val]


# ---------------------------------------------------------------- checking arrays

_CHANNELS = {"digits": 1, "mnist": 1, "fashion_mnist": 1, "cifar10": 3}


def check_arrays(name, x_train, y_train, x_test, y_test, where):
    """Check a data set's four arrays before anything trains on them.

    ``where`` names where they came from (a file, a download, the arguments of a call), and
    every error names it, the array, what is wrong and what is accepted: uint8 images, NHW or
    NHWC, of the data set's native size and channels, the same in the training and test part;
    one integer label per image, within the data set's classes. Raises ValueError.
    """
    height, width = _NATIVE_SIZE[name]
    channels, classes = _CHANNELS[name], len(CLASS_NAMES[name])
    kind = "grey" if channels == 1 else "colour"
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        x, y = np.asarray(x), np.asarray(y)
        if x.dtype != np.uint8:
            raise ValueError(
                f"{where}: x_{part} must hold uint8 pixel values (0-255). "
                f"Received: dtype {x.dtype}"
            )
        shape = x.shape[1:3] if x.ndim in (3, 4) else None
        found = (1 if x.ndim == 3 else x.shape[-1]) if shape else None
        if shape != (height, width) or found != channels:
            accepted = (f"(n, {height}, {width}, 3)" if channels == 3
                        else f"(n, {height}, {width}) or (n, {height}, {width}, 1)")
            raise ValueError(
                f"{where}: x_{part} must hold {name}'s {height}x{width} {kind} images, shaped "
                f"{accepted}. Received: shape {x.shape}"
            )
        if len(x) == 0:
            raise ValueError(f"{where}: x_{part} holds no images. Received: shape {x.shape}")
        if not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"{where}: y_{part} must hold integer class labels 0 to {classes - 1}. "
                f"Received: dtype {y.dtype}"
            )
        if y.size != len(x) or (y.ndim > 1 and y.size != y.shape[0]):
            raise ValueError(
                f"{where}: y_{part} must hold one label per image ({len(x):,}). "
                f"Received: shape {y.shape}"
            )
        low, high = int(y.min()), int(y.max())
        if low < 0 or high >= classes:
            raise ValueError(
                f"{where}: y_{part} must hold labels 0 to {classes - 1} ({name}'s {classes} "
                f"classes). Received: labels from {low} to {high}"
                + (" (labels counted from 1? subtract 1)" if low == 1 and high == classes else "")
            )


# ---------------------------------------------------------------- sources


def _load_digits():
    """scikit-learn's 1,797 8x8 digits, with a fixed stratified 20% test split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    train, test = train_test_split(
        np.arange(len(digits.target)),
        test_size=_DIGITS_TEST_FRACTION,
        stratify=digits.target,
        random_state=_DIGITS_TEST_SEED,
    )
    x, y = digits.images, digits.target
    return (x[train], y[train]), (x[test], y[test])


def _local_folder(data_dir):
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    value = os.environ.get(ENV_VAR)
    if value:
        return Path(value).expanduser(), ENV_VAR
    return None, None


def _read_copy(path, name):
    """Read and check a local copy: uint8 x_train, y_train, x_test, y_test and a `note`."""
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in f.files]
            if missing:
                raise ValueError(
                    f"The local copy {path} lacks {', '.join(missing)}; a copy holds x_train, "
                    f"y_train, x_test, y_test and note. Received: arrays {', '.join(f.files)}"
                )
            arrays = [f[k] for k in ("x_train", "y_train", "x_test", "y_test")]
            note = str(f["note"]) if "note" in f.files else None
    except ValueError as err:
        if str(err).startswith("The local copy"):
            raise
        raise _unreadable(path, name, err) from err
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise _unreadable(path, name, err) from err
    check_arrays(name, *arrays, where=f"The local copy {path}")
    return (arrays[0], arrays[1]), (arrays[2], arrays[3]), note


def _unreadable(path, name, err):
    return DatasetUnavailable(
        f"The local copy {path} cannot be read ({type(err).__name__}: {err}); it may have been "
        "cut short in transfer. Write it again with `python -m classic.data download DIR` on a "
        "machine with network, or remove it to download the data set instead.",
        name=name,
        reason=f"the local copy {path.name} cannot be read",
    )


def _reachable(host, port=443, timeout=_CONNECT_TIMEOUT):
    """Whether a TCP connection to host (or the HTTPS proxy) opens within `timeout` seconds.

    Runs in a thread so that a slow DNS lookup cannot hang past the timeout either.
    """
    result = []

    def connect():
        try:
            target = (host, port)
            proxy = urllib.request.getproxies().get("https")
            if proxy and not urllib.request.proxy_bypass(host):
                parts = urllib.parse.urlsplit(proxy if "//" in proxy else "//" + proxy)
                target = (parts.hostname, parts.port or 80)
            socket.create_connection(target, timeout=timeout).close()
            result.append(True)
        except Exception:  # no route, no name, a malformed proxy: all mean "cannot download"
            result.append(False)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _keras_cache_bases():
    """The folders keras.datasets may write to: $KERAS_HOME or ~/.keras (or /tmp/.keras)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    homes = [home]
    try:  # the folder Keras fixed when it was imported, which is what get_file uses
        from keras.src.backend.config import keras_home

        homes.append(keras_home())
    except Exception:  # a private helper; the environment gives the usual answer
        pass
    bases = []
    for home in homes:
        home = os.path.expanduser(home)
        if not os.access(home, os.W_OK):  # get_file's own fallback
            home = os.path.join(
                "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras"
            )
        if home not in bases:
            bases.append(home)
    return bases


def _snapshot(bases):
    seen = set()
    for base in bases:
        if os.path.lexists(base):
            seen.add(base)
        for folder, dirs, files in os.walk(os.path.join(base, "datasets")):
            seen.add(folder)
            seen.update(os.path.join(folder, entry) for entry in dirs + files)
    return seen


def _remove_new(path, before):
    """Remove what is under `path` and not in `before` (what a failed download created)."""
    if not os.path.lexists(path):
        return
    if path not in before:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.remove(path)
    elif os.path.isdir(path) and not os.path.islink(path):
        for entry in os.listdir(path):
            _remove_new(os.path.join(path, entry), before)


def _clean_cache(bases, before):
    for base in bases:
        _remove_new(os.path.join(base, "datasets"), before)
        if base not in before and os.path.isdir(base) and not os.listdir(base):
            os.rmdir(base)


def _unavailable(name, reason, local_note):
    if local_note:
        reason = f"{local_note}, and {reason}"
    return DatasetUnavailable(
        f"Data set '{name}' is not available here: {reason}.\n"
        "Offline choices:\n"
        f"  - point {ENV_VAR} (or data_dir=) at a folder of .npz copies, written on a machine "
        "with network by\n"
        f"        python -m classic.data download DIR {name}\n"
        '  - or use load("digits"), which ships with scikit-learn.',
        name=name,
        reason=reason,
    )


def _download(name, local_note=None):
    """keras.datasets.<name>.load_data(), failing fast and leaving no half-written cache."""
    host = _HOSTS[name]
    if not _reachable(host):
        raise _unavailable(name, f"keras.datasets cannot reach {host}", local_note)
    bases = _keras_cache_bases()
    before = _snapshot(bases)
    loader = importlib.import_module(f"keras.datasets.{name}").load_data
    try:
        (x_train, y_train), (x_test, y_test) = loader()
    except BaseException as err:
        _clean_cache(bases, before)
        if isinstance(err, Exception):
            raise _unavailable(
                name, f"the keras.datasets download failed: {err}", local_note
            ) from err
        raise
    return (_to_nhwc(x_train), y_train), (_to_nhwc(x_test), y_test)


# ---------------------------------------------------------------- public functions


def load(
    name,
    *,
    validation=0.1,
    seed=0,
    image_size=None,
    fit="auto",
    channels=None,
    limit=None,
    data_dir=None,
    verbose=True,
    raw=False,
):
    """Load a data set as float32 NHWC images in [0, 1] with a seeded validation split.

    ``raw=True`` keeps the images as uint8 NHWC at their native size (a quarter of the
    float32 memory, far less than a resized copy); :func:`preprocessing` then scales and
    resizes them inside the model, on the accelerator. It takes no ``image_size``.

    Args:
        name: one of NAMES.
        validation: fraction of the training part held out for validation (0 allowed).
        seed: seed of the shuffle that picks the validation images and `limit`.
        image_size: int or (h, w). fit="auto" pads when the target adds at most a quarter of
            the native size, and resizes otherwise; fit="pad" centres each image in a zero
            field (LeCun 1998 fed 28x28 MNIST digits to LeNet-5 as 32x32 this way);
            fit="resize" resizes bilinearly.
        channels: 1 or 3; grey is repeated to 3, colour becomes grey by luminance (BT.601).
        limit: use at most this many images of the training part (after the seeded
            shuffle); the validation fraction is carved from them. The test set is kept whole.
        data_dir: folder of local copies `<name>.npz`; default: $CLASSIC_DATA_DIR.
        verbose: print the summary line, and the local copy's note.
        raw: uint8 images at the native size (see above).

    Raises:
        ValueError: a bad argument.
        DatasetUnavailable: no local copy and the download failed.
    """
    size = _check_arguments(name, validation, seed, image_size, fit, channels, limit)
    if not isinstance(raw, bool):
        raise ValueError(f"Argument `raw` must be True or False. Received: raw={raw!r}")
    if raw and size is not None:
        raise ValueError(
            "Argument `image_size` does not go with raw=True: raw images keep their native size, "
            "and classic.data.preprocessing(...) resizes them inside the model. "
            f"Received: image_size={image_size!r}"
        )
    note = None
    if name == "digits":
        (x_train, y_train), (x_test, y_test) = _load_digits()
        source, scale = _DIGITS_SOURCE, 16.0
    else:
        scale = 255.0
        folder, setting = _local_folder(data_dir)
        path = folder / f"{name}.npz" if folder is not None else None
        if path is not None and path.is_file():
            (x_train, y_train), (x_test, y_test), note = _read_copy(path, name)
            # the folder's name, not its path: notebooks print this, and paths are private
            source = f"the local copy {setting}/{path.name}"
        else:
            if path is None:
                local_note = f"no local copy ({ENV_VAR} is not set)"
            else:
                local_note = f"no local copy at {path} (folder from {setting})"
                if verbose:
                    print(f"{name}: no local copy at {path}; trying keras.datasets")
            (x_train, y_train), (x_test, y_test) = _download(name, local_note)
            check_arrays(name, x_train, y_train, x_test, y_test, f"keras.datasets.{name}")
            source = f"keras.datasets.{name} (download)"

    train, val = _split(len(x_train), validation, seed, limit)
    y_train = _labels(y_train)

    def images(x):
        if raw:
            return _raw_images(x, scale, channels)
        return _images(x, scale, size, fit, channels, name, image_size)

    data = Dataset(
        name=name,
        x_train=images(np.asarray(x_train)[train]),
        y_train=y_train[train],
        x_val=images(np.asarray(x_train)[val]),
        y_val=y_train[val],
        x_test=images(x_test),
        y_test=_labels(y_test),
        class_names=CLASS_NAMES[name],
        source=source,
        note=note,
        train_index=train,
        val_index=val,
    )
    if verbose:
        print(data.summary())
        if note:
            print(f"note: {note}")
    return data


def load_for(profile, real, offline="digits", **kwargs):
    """The data a notebook trains on in a profile: `offline` in ci, else `real` if it can be had.

    `profile` is a profile name or an object with a `.name` (classic.train's profiles).
    """
    profile_name = profile if isinstance(profile, str) else getattr(profile, "name", None)
    if not isinstance(profile_name, str):
        raise ValueError(
            "Argument `profile` must be a profile name such as 'ci', 'cpu' or 'gpu', or an "
            f"object with a `.name`. Received: profile={profile!r}"
        )
    _check_name(real, "real")
    _check_name(offline, "offline")
    if profile_name == "ci":
        return load(offline, **kwargs)
    try:
        return load(real, **kwargs)
    except DatasetUnavailable as err:
        print(f"{real} is unavailable: {err.reason}; falling back to the offline set {offline}.")
        return load(offline, **kwargs)


def augmentation(crop=None, flip=True, *, seed=None, jittable=False):
    """The paper-style augmentation as Keras preprocessing layers: a ``keras.Sequential`` to put in
    front of a model, active only in training (``fit``), so that it needs no change to the data.

    ``crop``: an int or (height, width): in training a random crop of that size (AlexNet took
    random 224x224 patches of 256x256 images), in inference the central crop (AlexNet's centre
    patch). Keras' ``RandomCrop`` alone returns the image uncropped in inference, so a
    ``CenterCrop`` of the same size follows it: in training it sees the crop already made and
    leaves it alone. ``flip=True``: a random horizontal mirror in training, nothing in inference.
    ``seed`` fixes the random layers' seeds. At least one of the two must be asked for.
    ``jittable=True`` crops with :class:`classic.layers.RandomCropXLA` instead, which XLA
    compiles (Keras' ``RandomCrop`` turns compilation off for the whole model).
    """
    import keras

    try:
        size = _check_image_size(crop)
    except ValueError:
        raise ValueError(
            "Argument `crop` must be None, a positive int or a (height, width) pair of positive "
            f"ints. Received: crop={crop!r}"
        ) from None
    if not isinstance(flip, bool):
        raise ValueError(f"Argument `flip` must be True or False. Received: flip={flip!r}")
    if seed is not None and not _is_int(seed):
        raise ValueError(f"Argument `seed` must be None or an int. Received: seed={seed!r}")
    if size is None and not flip:
        raise ValueError(
            "Nothing to augment: give `crop` (a crop size), `flip=True`, or both. "
            f"Received: crop={crop!r}, flip={flip!r}"
        )
    layers = []
    if size is not None and jittable:
        from classic.layers import RandomCropXLA

        layers.append(RandomCropXLA(*size, seed=seed, name="random_crop"))
    elif size is not None:
        layers += [
            keras.layers.RandomCrop(*size, seed=seed, name="random_crop"),
            keras.layers.CenterCrop(*size, name="center_crop"),
        ]
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed, name="random_flip"))
    return keras.Sequential(layers, name="augmentation")


def augmented(model, input_shape, crop=None, flip=True, *, seed=None, name=None):
    """``model`` behind :func:`augmentation`'s layers, as one model to train.

    ``input_shape`` is the data's (height, width, channels), larger than ``model``'s input when
    ``crop`` cuts patches out of it; the model is called ``name`` (default
    ``"augmented_" + model.name``), and ``result.get_layer(model.name)`` gives the network back.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"Argument `model` must be a keras.Model. Received: model={type(model).__name__}"
        )
    from classic.models._common import input_shape_of

    layers = augmentation(crop, flip, seed=seed)
    inputs = keras.Input(input_shape_of(input_shape), name="image")
    crops = layers(inputs)
    if tuple(crops.shape[1:]) != tuple(model.input_shape[1:]):
        raise ValueError(
            f"The augmentation gives {tuple(crops.shape[1:])} images but `model` takes "
            f"{tuple(model.input_shape[1:])}: make `crop` the model's input size. "
            f"Received: crop={crop!r}, input_shape={tuple(input_shape)!r}"
        )
    return keras.Model(inputs, model(crops), name=name or f"augmented_{model.name}")


def write_copy(folder, name, x_train, y_train, x_test, y_test, note):
    """Write `<folder>/<name>.npz` in the local-copy format, atomically; returns its path."""
    _check_name(name)
    if not isinstance(note, str) or not note.strip():
        raise ValueError(
            "Argument `note` must be a sentence saying what the copy holds and where it came "
            f"from. Received: note={note!r}"
        )
    arrays = {}
    for key, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        x, y = np.asarray(x), np.asarray(y).reshape(-1)
        if x.dtype != np.uint8 or x.ndim not in (3, 4):
            raise ValueError(
                f"Argument `x_{key}` must be uint8 images, NHW or NHWC. "
                f"Received: x_{key} of dtype {x.dtype} and shape {x.shape}"
            )
        if len(y) != len(x) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"Argument `y_{key}` must hold one integer label per image ({len(x)}). "
                f"Received: y_{key} of dtype {y.dtype} and shape {y.shape}"
            )
        if len(y) and (y.min() < 0 or y.max() > 255):
            raise ValueError(
                f"Argument `y_{key}` must hold labels from 0 to 255. "
                f"Received: labels from {y.min()} to {y.max()}"
            )
        arrays[f"x_{key}"], arrays[f"y_{key}"] = x, y.astype(np.uint8)
    check_arrays(name, x_train, y_train, x_test, y_test, f"write_copy({name!r})")
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.npz"
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez_compressed(f, note=np.array(note), **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


# ---------------------------------------------------------------- the download command

_CITATIONS = {
    "mnist": (
        "MNIST (LeCun, Cortes and Burges)",
        "Distributed under CC BY-SA 3.0; cite LeCun, Bottou, Bengio and Haffner, "
        "'Gradient-based learning applied to document recognition', Proc. IEEE, 1998.",
    ),
    "fashion_mnist": (
        "Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research)",
        "Distributed under the MIT licence; cite Xiao, Rasul and Vollgraf, 'Fashion-MNIST: a "
        "Novel Image Dataset for Benchmarking Machine Learning Algorithms', arXiv:1708.07747, "
        "2017.",
    ),
    "cifar10": (
        "CIFAR-10 (Krizhevsky, 2009)",
        "Distributed by its authors for research and teaching; cite Krizhevsky, 'Learning "
        "Multiple Layers of Features from Tiny Images', technical report, University of "
        "Toronto, 2009.",
    ),
}


def _download_note(name, x_train, x_test):
    title, citation = _CITATIONS[name]
    h, w, c = x_train.shape[1:]
    kind = "grey" if c == 1 else "colour"
    day = datetime.date.today().isoformat()
    return (
        f"{title}, the official release as served by keras.datasets.{name} on {day}: "
        f"{len(x_train):,} training and {len(x_test):,} test images, {h}x{w} {kind}, uint8. "
        f"{citation}"
    )


_EPILOG = f"""\
Offline classrooms: on a machine with network, run

    python -m classic.data download DIR

copy DIR to the offline machines (a USB stick, a shared drive), and there set

    export {ENV_VAR}=DIR

classic.data.load("mnist") then reads DIR/mnist.npz instead of downloading. Each file is a
NumPy .npz with uint8 x_train, y_train, x_test, y_test and a `note` saying what it holds,
where it came from and how to cite it. load("digits") needs no copy: it ships with
scikit-learn.
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m classic.data",
        description="Write local copies of the course's data sets for offline use.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    download = commands.add_parser(
        "download",
        help="download data sets with keras.datasets and write DIR/<name>.npz",
        description="Download data sets with keras.datasets and write DIR/<name>.npz.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    download.add_argument("dir", metavar="DIR", help="folder to write the .npz copies into")
    download.add_argument(
        "names",
        metavar="NAME",
        nargs="*",
        help=f"data sets to write, of {', '.join(DOWNLOADABLE)} (default: all three)",
    )
    return parser, download


def main(argv=None):
    """Entry point of `python -m classic.data`; returns the exit status."""
    parser, download = _parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in DOWNLOADABLE]
    if unknown:  # argparse's `choices` misbehaves with nargs="*" before Python 3.12
        download.error(
            f"unknown data set {', '.join(unknown)}; known: {', '.join(DOWNLOADABLE)} "
            "(digits ships with scikit-learn and needs no copy)"
        )
    failed = []
    for name in dict.fromkeys(args.names or DOWNLOADABLE):  # keep the order, drop repeats
        try:
            (x_train, y_train), (x_test, y_test) = _download(name)
        except DatasetUnavailable as err:
            print(f"{name}: download failed: {err.reason}", file=sys.stderr)
            failed.append(name)
            continue
        note = _download_note(name, x_train, x_test)
        path = write_copy(args.dir, name, x_train, y_train, x_test, y_test, note)
        print(f"{name}: wrote {path} ({path.stat().st_size / 1e6:.1f} MB)\nnote: {note}")
    if failed:
        print(
            f"Could not download {', '.join(failed)}: run this on a machine that reaches the "
            f"keras.datasets hosts, then copy its folder here, to {Path(args.dir).expanduser()}.",
            file=sys.stderr,
        )
        return 1
    print(f"Done. Point {ENV_VAR} at {Path(args.dir).expanduser().resolve()} to use the copies.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
