"""Charts comparing networks: a bubble chart of accuracy against cost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classic.viz.arguments import _to_numpy
from classic.viz.figures import new_figure


def _numbers(values, argument, *, positive=False):
    """A 1-D float array of finite numbers (all > 0 when `positive`), or a ValueError."""
    try:
        array = np.asarray(_to_numpy(values), dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{argument}` must be a sequence of numbers. Received: {argument}={values!r}"
        ) from None
    if not np.all(np.isfinite(array)) or (positive and np.any(array <= 0)):
        accepted = "positive numbers" if positive else "finite numbers"
        raise ValueError(f"`{argument}` must hold {accepted}. Received: {argument}={values!r}")
    return array


def bubble_chart(
    x,
    y,
    sizes,
    labels,
    *,
    xlabel="MACs per image",
    ylabel="test accuracy",
    size_label="parameters",
    title=None,
    log_x=True,
    max_area=1200.0,
):
    """One labelled bubble per item at (`x`, `y`), its area proportional to `sizes`.

    Made for comparing networks: accuracy against MACs, bubble area the parameter count. The
    largest item gets `max_area` (points squared), every other one its share of it, at least
    a tenth of a percent so that a tiny network still shows; the x axis is logarithmic when
    `log_x` (then every x must be positive). A note under the title says what the area means
    and the largest value.
    """
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
        raise ValueError(
            f"`labels` must be a list of names, one per item. Received: labels={labels!r}"
        )
    labels = [str(label) for label in labels]
    xs = _numbers(x, "x", positive=bool(log_x))
    ys = _numbers(y, "y")
    ss = _numbers(sizes, "sizes", positive=True)
    for argument, array in (("x", xs), ("y", ys), ("sizes", ss)):
        if len(array) != len(labels):
            raise ValueError(
                f"`{argument}` must have one value per label ({len(labels)}). "
                f"Received: {len(array)} values"
            )
    if isinstance(max_area, bool) or not isinstance(max_area, (int, float)) or max_area <= 0:
        raise ValueError(f"`max_area` must be a positive number. Received: max_area={max_area!r}")

    areas = np.maximum(ss / ss.max(), 1e-3) * max_area
    figure = new_figure(7.0, 4.5)
    axes = figure.add_subplot(1, 1, 1)
    axes.scatter(xs, ys, s=areas, alpha=0.45, edgecolors="black", linewidths=0.8)
    for label, xi, yi in zip(labels, xs, ys, strict=True):
        axes.annotate(label, (xi, yi), xytext=(6, 6), textcoords="offset points", fontsize=8)
    if log_x:
        axes.set_xscale("log")
    axes.set_xlabel(xlabel + (" (log scale)" if log_x else ""))
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    axes.margins(0.15)
    note = f"bubble area: {size_label} (largest {ss.max():,.0f})"
    axes.set_title(f"{title}\n{note}" if title else note, fontsize=10)
    return figure
