"""A paper's claim as an experiment: arms that differ in one thing, one step budget, several seeds.

An :class:`Experiment` is data: the claim (one sentence and where the paper makes it), the
paper's own number, the arms (a builder and its options each; the first arm is the baseline
every other arm is compared with), and per profile a :class:`Setting` (data, input size,
epochs, batch, learning rate, seeds) that every arm shares. :func:`run` trains every arm for
every seed with :func:`classic.train.fit` and writes ``results/<profile>/<name>.json`` after
each arm-seed, atomically, so a killed run continues where it stopped. :func:`load` reads a
stored result; its :meth:`Results.summary`, :meth:`Results.comparisons` and
:meth:`Results.plot` are what a notebook shows. From the shell::

    python -m classic.experiments list
    python -m classic.experiments run lenet5 --profile cpu
    python -m classic.experiments show lenet5

The package, one concern a module (imports go one way, down this list):

- ``design``: Setting, Arm, Paper, Variant, Experiment (the definition and its fingerprint);
- ``registry``: every experiment by name; ``claims/``: the definitions, one module per notebook;
- ``stats``: mean ± sd, Welch intervals, seeds needed;
- ``build``: the network and model an arm trains; ``measures``: what is measured on them;
- ``results``, ``result_tables``, ``result_plots``: a result, its tables, its figures;
- ``storage``, ``provenance``: results/<profile>/<name>.json and what made it;
- ``runner``: :func:`run`; ``supplies``: a live run's data, budget and callbacks, for a
  notebook whose page holds ``compile`` and ``fit``; ``cli``: the command line.
"""

from classic.experiments import claims  # noqa: F401  (registers every experiment)
from classic.experiments.build import build_arm, build_network
from classic.experiments.design import MIN_SEEDS, Arm, Experiment, Paper, Setting, Variant
from classic.experiments.measures import (
    dense_connection_checks,
    dense_connections,
    first_layer_filters,
    plot_dense_connections,
    response_std,
    signal_by_layer,
    validation_by_position,
)
from classic.experiments.provenance import provenance
from classic.experiments.registry import EXPERIMENTS, get, names
from classic.experiments.results import Results
from classic.experiments.runner import run
from classic.experiments.stats import difference, mean_sd, seeds_needed
from classic.experiments.storage import RESULTS, load, results_dir
from classic.experiments.supplies import Supplies, supplies

__all__ = [
    "EXPERIMENTS",
    "MIN_SEEDS",
    "RESULTS",
    "Arm",
    "Experiment",
    "Paper",
    "Results",
    "Setting",
    "Supplies",
    "Variant",
    "build_arm",
    "build_network",
    "dense_connection_checks",
    "dense_connections",
    "difference",
    "first_layer_filters",
    "get",
    "load",
    "mean_sd",
    "names",
    "plot_dense_connections",
    "provenance",
    "response_std",
    "results_dir",
    "run",
    "seeds_needed",
    "signal_by_layer",
    "supplies",
    "validation_by_position",
]
