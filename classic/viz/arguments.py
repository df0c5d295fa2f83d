"""Checks of arguments shared by the pictures: positive integers, arrays, layer names."""

from __future__ import annotations

import difflib

import keras
import numpy as np


def _positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return int(value)


def _to_numpy(x):
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(keras.ops.convert_to_numpy(x))
    except Exception:  # lists, PIL images, ...
        return np.asarray(x)


def _few(names, wanted=None, k=6):
    """A sentence for an error message: close matches to `wanted`, then some layer names."""
    close = []
    if isinstance(wanted, str):
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    text = "Did you mean " + " or ".join(repr(n) for n in close) + "? " if close else ""
    shown = ", ".join(repr(n) for n in names[:k])
    more = f", ... ({len(names)} layers)" if len(names) > k else ""
    return f"{text}Its layers include {shown}{more}."


def _get_layer(model, name, argument):
    """model.get_layer(name), with an error that lists the model's layer names."""
    names = [layer.name for layer in model.layers]
    if isinstance(name, str):
        try:
            return model.get_layer(name)
        except ValueError:
            pass
    raise ValueError(
        f"`{argument}` must be the name of a layer of model {model.name!r}. "
        f"{_few(names, name)} Received: {argument}={name!r}"
    )
