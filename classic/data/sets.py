"""The course's four data sets: their names, classes and native image sizes, and the types
``load`` gives back (:class:`Dataset`) or raises (:class:`DatasetUnavailable`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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

# Channels of each set's images (1: grey, 3: colour), what its local copies must hold.
_CHANNELS = {"digits": 1, "mnist": 1, "fashion_mnist": 1, "cifar10": 3}


class DatasetUnavailable(RuntimeError):
    """A data set has no local copy here and cannot be downloaded; ``reason`` says why, briefly."""

    __module__ = "classic.data"  # the public name, which tracebacks print

    def __init__(self, message, *, name=None, reason=None):
        super().__init__(message)
        self.name = name
        self.reason = reason or message


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train, validation and test arrays of one data set, and where they came from."""

    __module__ = "classic.data"  # the public name, which reprs of the type print

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
