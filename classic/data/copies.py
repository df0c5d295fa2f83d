"""Local copies: the folder they live in (``data_dir=`` or $CLASSIC_DATA_DIR), reading and
checking ``<name>.npz``, and writing one (:func:`write_copy`)."""

from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from classic.data.checks import _check_name, check_arrays
from classic.data.sets import ENV_VAR, DatasetUnavailable


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
