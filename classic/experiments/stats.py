"""The statistics of seeds: mean ± sd, the Welch interval of a difference, the seeds an effect
needs, and an interval against 1."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def mean_sd(values, decimals: int = 1) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not values:
        return "-"
    if len(finite) < len(values):
        return f"{len(values) - len(finite)} of {len(values)} not reached"
    if len(values) == 1:
        return f"{values[0]:,.{decimals}f}"
    return f"{np.mean(values):,.{decimals}f} ± {np.std(values, ddof=1):,.{decimals}f}"


def difference(a: Sequence[float], b: Sequence[float]):
    """mean(b) - mean(a) and its 95% Welch t interval; (None, None, None) with under 2 each."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None, None, None
    from scipy import stats

    diff = float(b.mean() - a.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, dof)) * se
    return diff, diff - half, diff + half


def seeds_needed(effect: float, spread: float) -> int:
    """Seeds per arm for a difference of ``effect`` to show, given a seed spread (sd) of
    ``spread``: the smallest n whose 95% interval half-width (two arms of n seeds, pooled) is
    below the effect. An effect of that size then shows about half the time; more seeds make it
    reliable."""
    if not (effect > 0 and spread >= 0):
        raise ValueError(f"effect must be > 0 and spread >= 0. Received: effect={effect!r}, "
                         f"spread={spread!r}")
    from scipy import stats

    return next(n for n in range(2, 1_000_000)
                if stats.t.ppf(0.975, 2 * n - 2) * spread * math.sqrt(2 / n) < effect)


def interval_about(values, decimals: int = 2) -> tuple[str, str]:
    """mean ± sd of ``values`` with its 95% t interval, and how it lies against 1."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(values) - 1)) * sd / math.sqrt(len(values))
    verdict = ("above 1" if mean - half > 1 else "below 1" if mean + half < 1
               else "not distinguishable from 1")
    return (f"{mean:.{decimals}f} ± {sd:.{decimals}f} ({mean - half:.{decimals}f} to "
            f"{mean + half:.{decimals}f})", verdict)
