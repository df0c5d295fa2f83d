"""Figures without pyplot, and how an array is made displayable in one.

Figures are `matplotlib.figure.Figure` objects made without pyplot: returned as the last
expression of a notebook cell they display once, their text repr is stable (nbval compares
it), and they are not kept open by pyplot.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def new_figure(width, height):
    """A pyplot-free Figure, with a PNG formatter registered when running in IPython.

    Without pyplot, IPython's inline backend never registers its formatter for Figure,
    and a Figure returned from a cell shows as text only; register the same one here.
    """
    _register_png_formatter()
    return Figure(figsize=(width, height), layout="constrained")


def _register_png_formatter():
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        try:
            formatters[mime].lookup_by_type(Figure)
            return  # the user's (or the inline backend's) choice stands
        except (KeyError, AttributeError):
            continue
    from IPython.core.pylabtools import print_figure

    formatters["image/png"].for_type(Figure, lambda fig: print_figure(fig, "png"))


def as_displayable(image, index):
    """(H, W) or (H, W, 3/4) for imshow; float RGB scaled into [0, 1] when outside it."""
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 2:
        return image
    if image.ndim != 3 or image.shape[-1] not in (3, 4):
        raise ValueError(
            "Each image must have shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4). "
            f"Received: image {index} of shape {image.shape}"
        )
    if np.issubdtype(image.dtype, np.floating) and (image.min() < 0 or image.max() > 1):
        return min_max(image)
    return image


def min_max(array):
    """Scale into [0, 1]; a constant array becomes 0.5 everywhere."""
    array = array.astype("float32")
    low, high = array.min(), array.max()
    if high == low:
        return np.full_like(array, 0.5)
    return (array - low) / (high - low)
