"""What each paper reports for its own full-size networks on ImageNet: top-1 and top-5 error on
the ILSVRC-2012 validation set, with the table it comes from and how it was measured (one
network or an ensemble, one crop, 10 crops or a dense pass at one scale).

* :data:`ERRORS` holds one entry per network of :data:`classic.summary.PAPERS`, by its label;
  a paper that gives no number leaves the field None (LeNet-5 has no ImageNet number at all).
* :func:`table` sets them beside a facts table (:func:`classic.summary.facts`), row for row.
* :func:`plot` draws the papers' top-5 error against the MACs the facts table counts.

The numbers are the papers', not measured here: each paper tested its own way, so two rows
compare only where their measures agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from classic.tables import Table

__all__ = ["ERRORS", "Reported", "plot", "spread", "table"]


@dataclass(frozen=True)
class Reported:
    """One network's ImageNet error as its paper reports it (percent; None: not reported)."""

    network: str  # the label in classic.summary.PAPERS
    top1: float | None
    top5: float | None
    measure: str  # how the paper measured it
    source: str  # the paper and the table

    @property
    def test(self) -> str:
        """The test-time measure alone, what the chart's markers tell apart."""
        return self.measure.split(" (")[0].split(", shortcuts")[0].split("; trained")[0]


_ONE_TEN = "one network, 10 crops"
_VGG = "one network, dense, one test scale Q=384; trained at S in [256, 512]"
ERRORS: tuple[Reported, ...] = (
    Reported("LeNet-5", None, None, "no ImageNet number: the paper's data is MNIST",
             "LeCun et al. 1998"),
    # Table 2, row "1 CNN"; Section 4.1: the test averages 5 crops and their mirrors.
    Reported("AlexNet", 40.7, 18.2, _ONE_TEN, "Krizhevsky et al. 2012, Table 2"),
    # Table 2, row "1 convnet as per Fig. 3"; the paper does not say how it crops in testing.
    Reported("ZF-Net", 38.4, 16.5, "one network, test crops not stated",
             "Zeiler and Fergus 2014, Table 2"),
    Reported("VGG-16", 25.6, 8.1, _VGG, "Simonyan and Zisserman 2015, Table 3, D"),
    Reported("VGG-19", 25.5, 8.0, _VGG, "Simonyan and Zisserman 2015, Table 3, E"),
    # Table 3 gives top-5 only: 1 model, 10 crops (1 crop: 10.07; 7 models x 144 crops: 6.67).
    Reported("GoogLeNet", None, 9.15, _ONE_TEN + " (no top-1 given)",
             "Szegedy et al. 2015, Table 3"),
    # Table 2 gives top-1 only, and with zero-padded shortcuts (A), not the course's B.
    Reported("ResNet-18", 27.88, None, _ONE_TEN + ", shortcuts A (no top-5 given)",
             "He et al. 2016, Table 2"),
    Reported("ResNet-34", 24.52, 7.46, _ONE_TEN + ", shortcuts B", "He et al. 2016, Table 3"),
    Reported("ResNet-50", 22.85, 6.71, _ONE_TEN, "He et al. 2016, Table 3"),
    Reported("ResNet-101", 21.75, 6.05, _ONE_TEN, "He et al. 2016, Table 3"),
    Reported("ResNet-152", 21.43, 5.71, _ONE_TEN, "He et al. 2016, Table 3"),
    # Table 3 gives single-crop and 10-crop; the 10-crop numbers match the others' measure.
    Reported("DenseNet-121", 23.61, 6.66, _ONE_TEN, "Huang et al. 2017, Table 3"),
    Reported("DenseNet-169", 22.08, 5.92, _ONE_TEN, "Huang et al. 2017, Table 3"),
    Reported("DenseNet-201", 21.46, 5.54, _ONE_TEN, "Huang et al. 2017, Table 3"),
)
_BY_NETWORK = {r.network: r for r in ERRORS}


def _rows_of(facts: Table) -> list[str]:
    """The networks of a facts table, each checked to have an entry here."""
    if not isinstance(facts, Table) or "network" not in facts.columns:
        raise ValueError("facts: must be the table classic.summary.facts() returns. "
                         f"Received: {type(facts).__name__}")
    labels = facts.column("network")
    missing = [label for label in labels if label not in _BY_NETWORK]
    if missing:
        raise ValueError(f"facts: no reported error for {missing}; known: "
                         f"{', '.join(_BY_NETWORK)}")
    return labels


def table(facts: Table) -> Table:
    """The papers' ImageNet errors beside ``facts`` (one row per network, in its order), with
    the parameters and MACs counted there; an empty cell is a number the paper does not give."""
    rows = []
    for label in _rows_of(facts):
        r = _BY_NETWORK[label]
        row = facts.rows[facts.column("network").index(label)]
        rows.append([label, row[facts.columns.index("trainable")],
                     row[facts.columns.index("MACs x10^9")],
                     "" if r.top1 is None else r.top1, "" if r.top5 is None else r.top5,
                     r.measure, r.source])
    return Table(["network", "trainable", "MACs x10^9", "top-1 %", "top-5 %", "measure",
                  "source"], rows,
                 title="Each paper's own ImageNet error (ILSVRC-2012 validation), not measured "
                       "here")


def spread(values, gap: float) -> list[float]:
    """``values`` moved apart, as little as needed, so that neighbours are at least ``gap``
    apart, their order kept: where labels go so that they do not overlap. Crowded values form
    a run of labels ``gap`` apart, centred on the values' mean."""
    placed = [float(v) for v in values]
    runs: list[list[int]] = []
    for i in sorted(range(len(placed)), key=placed.__getitem__):
        runs.append([i])
        # merge with the run below while the two would overlap
        while len(runs) > 1 and _bottom(runs[-1], placed, gap) - _top(runs[-2], placed, gap) < gap:
            runs[-2:] = [runs[-2] + runs[-1]]
    result = list(placed)
    for run in runs:
        start = _centre(run, placed) - (len(run) - 1) * gap / 2
        for k, i in enumerate(run):
            result[i] = start + k * gap
    return result


def _centre(run, values) -> float:
    return sum(values[i] for i in run) / len(run)


def _bottom(run, values, gap) -> float:
    return _centre(run, values) - (len(run) - 1) * gap / 2


def _top(run, values, gap) -> float:
    return _centre(run, values) + (len(run) - 1) * gap / 2


def plot(facts: Table):
    """The papers' top-5 error against the MACs ``facts`` counts, one point per network with
    a top-5 number (lower is better), a marker per measure, and the names beside the points."""
    from classic.viz.figures import new_figure

    labels = [label for label in _rows_of(facts) if _BY_NETWORK[label].top5 is not None]
    if not labels:
        raise ValueError("facts: no network in the table has a reported top-5 error to plot "
                         f"(LeNet-5 and ResNet-18 have none). Received: {_rows_of(facts)}")
    macs = [facts.rows[facts.column("network").index(label)][facts.columns.index("MACs x10^9")]
            for label in labels]
    errors = [_BY_NETWORK[label].top5 for label in labels]
    figure = new_figure(7.5, 4.6)
    axes = figure.add_subplot(1, 1, 1)
    for k, measure in enumerate(dict.fromkeys(_BY_NETWORK[label].test for label in labels)):
        chosen = [i for i, label in enumerate(labels) if _BY_NETWORK[label].test == measure]
        axes.scatter([macs[i] for i in chosen], [errors[i] for i in chosen], s=40,
                     marker="osD^v"[k % 5], color=f"C{k}", label=measure)
    # the names in a column right of every point, spread apart vertically: no label covers a
    # point or another label, and thin lines lead to the points
    column = max(macs) * 1.8
    placed = spread(errors, 0.6)
    for label, x, y, y_text in zip(labels, macs, errors, placed, strict=True):
        axes.annotate(label, (x, y), xytext=(column, y_text), fontsize=8, va="center",
                      arrowprops={"arrowstyle": "-", "color": "0.7", "lw": 0.5})
    axes.set_ylim(min(placed + errors) - 0.8, max(placed + errors) + 0.8)
    axes.set_xscale("log")
    axes.set_xlim(min(macs) / 1.5, max(macs) * 7)
    axes.set_xlabel("MACs per image, x10^9, counted in the course's models (log scale)")
    axes.set_ylabel("top-5 error %, as each paper reports it")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, title="the paper's measure", title_fontsize=7, loc="center",
                bbox_to_anchor=(0.42, 0.6))
    axes.set_title("The papers' ImageNet top-5 errors (theirs, not measured here) against "
                   "MACs", fontsize=9)
    return figure
