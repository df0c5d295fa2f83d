"""Loading a data set (:func:`load`, :func:`load_for`): scikit-learn's digits, a local copy
or a download, split by a seeded shuffle and brought to the asked images."""

from __future__ import annotations

import numpy as np

# copies and downloads are called through their modules, so tests can patch them there
from classic.data import copies, downloads
from classic.data.checks import _check_arguments, _check_name, check_arrays
from classic.data.images import _images, _raw_images
from classic.data.sets import CLASS_NAMES, ENV_VAR, Dataset, DatasetUnavailable

_DIGITS_SOURCE = "scikit-learn's load_digits (ships with the package)"
_DIGITS_TEST_FRACTION = 0.2
_DIGITS_TEST_SEED = 0  # fixed, so the digits test set never changes with `seed`


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
        folder, setting = copies._local_folder(data_dir)
        path = folder / f"{name}.npz" if folder is not None else None
        if path is not None and path.is_file():
            (x_train, y_train), (x_test, y_test), note = copies._read_copy(path, name)
            # the folder's name, not its path: notebooks print this, and paths are private
            source = f"the local copy {setting}/{path.name}"
        else:
            if path is None:
                local_note = f"no local copy ({ENV_VAR} is not set)"
            else:
                local_note = f"no local copy at {path} (folder from {setting})"
                if verbose:
                    print(f"{name}: no local copy at {path}; trying keras.datasets")
            (x_train, y_train), (x_test, y_test) = downloads._download(name, local_note)
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
        say_unavailable(real, err.reason, offline)
        return load(offline, **kwargs)


_SAID: set[str] = set()  # the data sets said to be unavailable in this process


def say_unavailable(name, reason, offline="digits") -> None:
    """Say, once in this process (once a notebook), that ``name`` cannot be had and that
    training uses the offline set instead: the data cell and the live run share this line."""
    if name not in _SAID:
        _SAID.add(name)
        print(f"{name} is unavailable ({reason}): training here uses the offline set, "
              f"{offline}, instead.")
