"""How long a notebook's training takes: the notebooks' short name for
:mod:`classic.experiments.budget`, where the budgets and estimates live."""

from classic.experiments.budget import (
    ANCHORS,
    COMPILE_SECONDS,
    H200_RESULTS,
    MEASURED,
    T4_FROM_H200,
    Estimate,
    expected_time,
    gpu_table,
    h200_throughput,
    live_experiments,
    live_experiments_all,
    notebook_seconds,
    t4_estimate,
)

__all__ = [
    "ANCHORS",
    "COMPILE_SECONDS",
    "H200_RESULTS",
    "MEASURED",
    "T4_FROM_H200",
    "Estimate",
    "expected_time",
    "gpu_table",
    "h200_throughput",
    "live_experiments",
    "live_experiments_all",
    "notebook_seconds",
    "t4_estimate",
]
