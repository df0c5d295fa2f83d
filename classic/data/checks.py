"""Checks of what enters classic.data: the arguments of load and its kin, and a data set's
four arrays (:func:`check_arrays`), each failing with a message that names the culprit."""

from __future__ import annotations

import numpy as np

from classic.data.sets import _CHANNELS, _NATIVE_SIZE, CLASS_NAMES, NAMES

# The values of `fit`: auto (pad a thin border, resize otherwise), pad, resize.
FITS = ("auto", "pad", "resize")


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
