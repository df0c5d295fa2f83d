"""The figures of a result: curves against optimizer steps with the metric per arm, a measure
layer by layer, and the metric against a cost."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np


class ResultPlots:
    """The figures of :class:`classic.experiments.Results` (a mixin: it reads ``runs``,
    ``experiment`` and the numbers that ``Results`` computes)."""

    def plot(self, *, live: ResultPlots | None = None, curve: str | None = None,
             error: bool = False, seeds: bool = False):
        """Left: ``curve`` (default: validation accuracy, or training accuracy for a
        steps-to-training-error experiment) against optimizer steps, mean and min-max band over
        seeds per arm;
        right: the metric per arm with its standard deviation (error bars) and each seed (dots).
        A ``live`` result (one seed the student ran) is drawn over the bands as dashed lines
        and crosses; a live run of another setting (a GPU run beside the cpu reference) is left
        out, since its budget and networks are not the reference's. ``error=True`` draws the
        curve as an error, 100 - accuracy (as the papers' figures do), and the metric too where
        it is an accuracy. ``seeds=True`` draws every seed's curve instead of the mean and band:
        where seeds disagree (one never starts), a mean would hide it."""
        from classic.viz.figures import new_figure

        if live is not None and not self.comparable(live):
            print(f"your run ({live.trained_setting} setting, "
                  f"{live.experiment.setting(live.trained_setting).data}) is not drawn: the "
                  f"reference is the {self.trained_setting} setting's (see the table above)")
            live = None

        if curve is None:
            curve = "val_accuracy" if self.experiment.metric == "test_accuracy" else "accuracy"

        def shown(percent):  # accuracy or error, in percent
            return 100 - np.asarray(percent, dtype=float) if error else np.asarray(percent)

        def metric_shown(values):
            return list(shown(values)) if error and self.higher_is_better else values

        figure = new_figure(11.0, 4.0)
        left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
        colours = [f"C{i}" for i in range(10)]
        labels = []
        for i, arm in enumerate(self.experiment.arms):
            colour = colours[i % 10]
            records = list(self.runs.get(arm.name, {}).values())
            if records:
                steps = np.asarray(records[0]["steps"])
                curves = shown([[100 * v for v in r["history"][curve]] for r in records])
                if seeds:
                    for k, seed_curve in enumerate(curves):
                        left.plot(steps, seed_curve, color=colour, linewidth=1, alpha=0.8,
                                  label=arm.name if k == 0 else None)
                else:
                    left.plot(steps, curves.mean(axis=0), color=colour, label=arm.name,
                              marker="o" if len(steps) <= 30 else None, markersize=3)
                    left.fill_between(steps, curves.min(axis=0), curves.max(axis=0),
                                      color=colour, alpha=0.2, linewidth=0)
            values = metric_shown([v for v in self.values(arm.name) if math.isfinite(v)])
            if values:
                right.errorbar([i], [np.mean(values)], yerr=[np.std(values, ddof=1)
                               if len(values) > 1 else 0], fmt="o", color=colour, capsize=6)
                # seeds side by side, so that equal values do not hide each other
                spread = np.linspace(-0.1, 0.1, len(values)) if len(values) > 1 else [0.0]
                right.scatter(i + np.asarray(spread), values, color=colour, s=12, alpha=0.6)
            if live is not None and arm.name in live.runs:
                for record in live.runs[arm.name].values():
                    left.plot(record["steps"], shown([100 * v for v in record["history"][curve]]),
                              color=colour, linestyle="--", linewidth=1)
                    value = metric_shown([live._metric(record)])[0]
                    if math.isfinite(value):
                        right.scatter([i + 0.15], [value], color=colour, marker="x", s=40)
            labels.append(arm.name)
        if self.experiment.metric == "steps_to_train_error" and curve == "accuracy":
            target = 100 * (1 - self.experiment.target_train_error)
            left.axhline(shown(target), color="grey", linestyle=":", linewidth=1,
                         label=f"{self.experiment.target_train_error:.0%} training error")
        what = {"val_accuracy": "validation accuracy %", "accuracy": "training accuracy %"}
        label = what.get(curve, curve)
        left.set_xlabel("optimizer steps")
        left.set_ylabel(label.replace("accuracy", "error") if error else label)
        left.grid(alpha=0.3)
        left.legend(fontsize=7)
        title = "one line per seed" if seeds else "mean, band = min-max over seeds"
        if live is not None:
            title += "; dashed: your run"
        left.set_title(title, fontsize=9)
        right.set_xticks(range(len(labels)))
        right.set_xticklabels([_wrap(label) for label in labels], fontsize=7)
        right.set_ylabel(self.metric_label.replace("accuracy", "error")
                         if error and self.higher_is_better else self.metric_label)
        right.grid(alpha=0.3, axis="y")
        right.set_title("mean ± sd; dots: seeds" + ("; x: your run" if live else ""), fontsize=9)
        figure.suptitle(f"{self.experiment.name} ({self.profile} profile)")
        return figure

    def plot_by_layer(self, ylabel: str = "value"):
        """The layer-by-layer measure against the layer's position, per arm: the mean over seeds
        as a line, the range of the seeds as a band (the paper's Figure 7, top)."""
        from classic.viz.figures import new_figure

        figure = new_figure(8.0, 3.6)
        axes = figure.add_subplot(1, 1, 1)
        for i, arm in enumerate(self.experiment.arms):
            records = [r for r in self.runs.get(arm.name, {}).values() if r.get("measures")]
            if not records:
                continue
            values = np.array([list(r["measures"].values()) for r in records])
            layers = np.arange(1, values.shape[1] + 1)
            axes.plot(layers, values.mean(axis=0), color=f"C{i % 10}", label=arm.name)
            axes.fill_between(layers, values.min(axis=0), values.max(axis=0),
                              color=f"C{i % 10}", alpha=0.2, linewidth=0)
        axes.set_xlabel("layer (in network order)")
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7)
        axes.set_title(f"{self.experiment.name} ({self.profile} profile): mean, band = min-max "
                       "over seeds", fontsize=9)
        return figure

    def plot_against(self, cost: Mapping[str, float] | None = None,
                     label: str = "parameters", log: bool = True,
                     sizes: Mapping[str, float] | None = None, size_label: str = "parameters"):
        """The metric of each arm (mean ± sd over seeds as an error bar, each seed a dot)
        against a cost: ``cost[arm]`` (MACs, say), by default each arm's stored parameter count
        (the paper's accuracy-per-parameter plots, DenseNet's Figure 4). ``sizes[arm]`` makes it
        a bubble chart: a disc behind each arm, its area proportional to the value
        (``size_label`` names it in the title)."""
        from classic.viz.figures import new_figure

        figure = new_figure(7.0, 4.2)
        axes = figure.add_subplot(1, 1, 1)
        largest = max(sizes.values()) if sizes else None
        for i, arm in enumerate(self.experiment.arms):
            records = list(self.runs.get(arm.name, {}).values())
            values = [v for v in self.values(arm.name) if math.isfinite(v)]
            if not records or not values:
                continue
            x = cost[arm.name] if cost is not None else records[0]["params"]
            colour = f"C{i % 10}"
            if sizes:
                axes.scatter([x], [np.mean(values)], s=1500 * sizes[arm.name] / largest,
                             color=colour, alpha=0.15, linewidths=0)
            axes.errorbar([x], [np.mean(values)], yerr=[np.std(values, ddof=1)
                          if len(values) > 1 else 0], fmt="o", color=colour, capsize=5,
                          label=arm.name)
            axes.scatter([x] * len(values), values, color=colour, s=12, alpha=0.5)
        if log:
            axes.set_xscale("log")
        axes.set_xlabel(label + (" (log scale)" if log else ""))
        axes.set_ylabel(self.metric_label)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7)
        title = f"{self.experiment.name} ({self.profile} profile): mean ± sd; dots: seeds"
        if sizes:
            title += f"; disc area: {size_label}"
        axes.set_title(title, fontsize=9)
        return figure


def _wrap(text: str, width: int = 16) -> str:
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "\n".join(lines)
