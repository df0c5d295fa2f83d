"""Data sets for the course: one that ships with scikit-learn, three from keras.datasets.

``load("digits")`` always works offline. ``load("mnist")``, ``load("fashion_mnist")`` and
``load("cifar10")`` read ``<folder>/<name>.npz`` when a folder of local copies is configured
(``data_dir=`` or the ``CLASSIC_DATA_DIR`` environment variable), else download through
keras.datasets. Offline classrooms write that folder once on a machine with network::

    python -m classic.data download DIR

Every set comes back the same way: float32 NHWC images in [0, 1], 1-D integer labels, and a
fixed seeded train/validation split, so a notebook does not care where the pixels came from.

The modules, one concern each: ``sets`` (names, classes, :class:`Dataset`), ``checks``
(arguments and arrays), ``images`` (image processing and its Keras layers), ``copies`` (local
copies), ``downloads`` (keras.datasets), ``loading`` (:func:`load`, :func:`load_for`), ``sampling``
(:func:`balanced_sample`) and ``command`` (``python -m classic.data``).
"""

from classic.data.checks import FITS, check_arrays
from classic.data.command import main
from classic.data.copies import write_copy
from classic.data.images import augmentation, augmented, preprocessing
from classic.data.loading import load, load_for, say_unavailable
from classic.data.sampling import balanced_sample
from classic.data.sets import CLASS_NAMES, DOWNLOADABLE, ENV_VAR, NAMES, Dataset, DatasetUnavailable

__all__ = [
    "balanced_sample",
    "CLASS_NAMES",
    "DOWNLOADABLE",
    "ENV_VAR",
    "FITS",
    "augmented",
    "NAMES",
    "Dataset",
    "DatasetUnavailable",
    "load",
    "load_for",
    "say_unavailable",
    "augmentation",
    "check_arrays",
    "preprocessing",
    "write_copy",
    "main",
]
