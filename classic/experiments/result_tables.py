"""The tables of a result: summary, comparisons and verdicts, ranking, the paper beside ours,
the last epoch, measures, and a live run against the reference."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from classic.experiments.stats import difference, mean_sd
from classic.tables import Table


class ResultTables:
    """The tables of :class:`classic.experiments.Results` (a mixin: it reads ``runs``,
    ``experiment`` and the numbers that ``Results`` computes)."""

    _FINAL_LABELS = {"accuracy": "training accuracy %", "val_accuracy": "validation accuracy %",
                     "test_accuracy": "test accuracy %", "loss": "training loss",
                     "val_loss": "validation loss"}

    def final_table(self, keys: Sequence[str] = ("accuracy", "val_accuracy", "test_accuracy")
                    ) -> Table:
        """Each arm's last-epoch ``keys``, mean ± sd over seeds: training against validation
        accuracy tells an arm that underfits (both low) from one that overfits (a gap)."""
        unknown = [k for k in keys if k not in self._FINAL_LABELS]
        if unknown:
            raise ValueError(f"keys: each must be one of {', '.join(self._FINAL_LABELS)}. "
                             f"Received: {unknown}")
        def cell(arm, key):
            if "accuracy" in key:  # percent, one decimal
                return mean_sd(self.final(arm, key), 1)
            losses = [r["history"][key][-1] for _, r in sorted(self.runs[arm].items())]
            return mean_sd(losses, 3)

        rows = [[arm.name] + [cell(arm.name, k) for k in keys]
                for arm in self.experiment.arms if self.runs.get(arm.name)]
        return Table(["arm"] + [self._FINAL_LABELS[k] for k in keys], rows,
                     title=f"{self.experiment.name}, profile {self.profile}: the last epoch, "
                     "mean ± sd over seeds")

    def summary(self) -> Table:
        """Per arm: mean ± standard deviation over seeds, the range, and the speed."""
        rows = []
        for arm in self.experiment.arms:
            values = self.values(arm.name)
            records = list(self.runs.get(arm.name, {}).values())
            reached = [v for v in values if math.isfinite(v)]
            speed = [r["images_per_second"] for r in records if r.get("images_per_second")]
            rows.append(
                [
                    arm.name,
                    len(values),
                    mean_sd(values, self._decimals),
                    f"{min(reached):,.{self._decimals}f} - {max(reached):,.{self._decimals}f}"
                    if reached else "-",
                    round(float(np.median(speed))) if speed else None,
                ]
            )
        return Table(
            ["arm", "seeds", f"{self.metric_label} (mean ± sd)", "range", "images/s (median)"],
            rows,
            title=f"{self.experiment.name}, profile {self.profile}: {self.metric_label}",
        )

    def comparisons(self) -> Table:
        """Every comparison of the experiment (by default each arm against the baseline):
        difference of means, its 95% interval, a verdict."""
        base = self.experiment.arms[0].name
        places = self._decimals + 1
        rows = []
        pairs = self.experiment.comparison_pairs()
        for arm, reference in pairs:
            diff, low, high = difference(self.values(reference), self.values(arm))
            rows.append(
                [
                    f"{arm} - {reference if self.experiment.pairs else 'baseline'}",
                    "-" if diff is None else f"{diff:+,.{places}f}",
                    "-" if low is None else f"{low:+,.{places}f} to {high:+,.{places}f}",
                    self.verdict(arm, reference),
                ]
            )
        unit = "points" if self.higher_is_better else "steps"
        title = ("Each comparison, arm - reference (Welch t interval over seeds)"
                 if self.experiment.pairs
                 else f"Against the baseline, {base!r} (Welch t interval over seeds)")
        return Table(["comparison", f"difference ({unit})", "95% interval", "verdict"], rows,
                     title=title)

    def report(self) -> Table:
        """The experiment in one table: each arm's result over its seeds, its difference from
        the arm it is compared with (the baseline unless the experiment pairs them), the 95%
        interval and the verdict; the paper's own figure in the title."""
        e, places = self.experiment, self._decimals + 1
        against = {}
        for arm, reference in e.comparison_pairs():
            against.setdefault(arm, []).append(reference)
        rows = []
        for arm in e.arms:
            values = self.values(arm.name)
            if not values:
                continue
            cells, verdicts = [], []
            for reference in against.get(arm.name, []):
                diff, low, high = difference(self.values(reference), values)
                name = "baseline" if reference == e.arms[0].name and not e.pairs else reference
                cells.append("-" if diff is None else
                             f"{diff:+,.{places}f} ({low:+,.{places}f} to {high:+,.{places}f})"
                             + (f" vs {name}" if e.pairs else ""))
                verdicts.append(self.verdict(arm.name, reference))
            rows.append([arm.name, len(values), mean_sd(values, self._decimals),
                         "; ".join(cells) or "(the baseline)" if not e.pairs else
                         "; ".join(cells) or "-", "; ".join(verdicts) or "-"])
        unit = "points" if self.higher_is_better else "steps"
        return Table(["arm", "seeds", f"{self.metric_label} (mean ± sd)",
                      f"difference, {unit} (95% interval)", "verdict"], rows,
                     title=f"{e.name}, {self.profile} reference. The paper: {e.paper.result} "
                     f"({e.paper.citation})")

    def verdict(self, arm: str, reference: str | None = None) -> str:
        """What the data say about ``arm`` against ``reference`` (default the baseline), from
        the 95% interval of the difference of means."""
        base = self.experiment.arms[0].name if reference is None else reference
        a, b = self.values(base), self.values(arm)
        if not self.higher_is_better:
            missed = [name for name, v in ((base, a), (arm, b)) if any(map(math.isinf, v))]
            if missed:
                return f"not reached by every seed of {' and '.join(missed)}: no verdict"
        diff, low, high = difference(a, b)
        if diff is None:
            return f"too few seeds (at least 2 per arm; have {len(a)} and {len(b)})"
        if low <= 0 <= high:
            return "no difference measurable at this scale"
        better = arm if (diff > 0) == self.higher_is_better else base
        word = "higher" if self.higher_is_better else "faster"
        return f"{better} {word}"

    def separated(self) -> list[tuple[str, str]]:
        """Every pair of arms whose 95% interval of the difference excludes zero, as (better,
        worse); pairs that do not separate are left out: they are not ranked."""
        names = [arm.name for arm in self.experiment.arms if self.values(arm.name)]
        pairs = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                verdict = self.verdict(b, a)
                if verdict.endswith((" higher", " faster")):
                    better = verdict.rsplit(" ", 1)[0]
                    pairs.append((better, a if better == b else b))
        return pairs

    def ranking(self) -> Table:
        """The arms from best to worst mean, each with the arms it is measurably better and
        worse than (the 95% interval of the difference excludes zero) and those it cannot be
        told apart from at this scale. The title says how many of the pairs separate, and how
        many would by chance if no arm differed from any other (5% of the pairs)."""
        names = [arm.name for arm in self.experiment.arms if self.values(arm.name)]
        means = {name: float(np.mean([v for v in self.values(name) if math.isfinite(v)]
                                     or [math.nan])) for name in names}
        order = sorted(names, key=lambda n: (math.isnan(means[n]),
                                             -means[n] if self.higher_is_better else means[n]))
        separated = self.separated()
        rows = []
        for place, name in enumerate(order, start=1):
            above = [worse for better, worse in separated if better == name]
            below = [better for better, worse in separated if worse == name]
            apart = [n for n in order if n != name and n not in above and n not in below]
            rows.append([place, name, mean_sd(self.values(name), self._decimals),
                         ", ".join(sorted(below, key=order.index)) or "-",
                         ", ".join(sorted(above, key=order.index)) or "-",
                         ", ".join(apart) or "-"])
        n_pairs = len(names) * (len(names) - 1) // 2
        better = "better" if self.higher_is_better else "faster"
        return Table(
            ["place", "arm", f"{self.metric_label} (mean ± sd)", f"measurably {better} arms",
             "measurably worse arms" if self.higher_is_better else "measurably slower arms",
             "not told apart from"],
            rows,
            title=(f"{self.experiment.name}, profile {self.profile}: {len(separated)} of "
                   f"{n_pairs} pairs separate (95% Welch intervals); if no two arms truly "
                   f"differed, about {0.05 * n_pairs:.1f} would separate by chance"),
        )

    def paper(self, arms: str | Sequence[str] | None = None) -> Table:
        """The paper's own figure beside ours, and what differs from its setting.

        ``arms``: which of our arms to show, each on its own row: None (the baseline),
        ``"all"``, or a list of arm names."""
        e = self.experiment
        if arms is None:
            shown = [e.arms[0].name]
        elif arms == "all":
            shown = [arm.name for arm in e.arms]
        elif isinstance(arms, str):
            shown = [e.arm(arms).name]
        else:
            shown = [e.arm(name).name for name in arms]
        rows = [[f"the paper ({e.paper.citation})", e.paper.result, e.paper.setting]]
        for i, name in enumerate(shown):
            ours = f"{name}: {mean_sd(self.values(name), self._decimals)} {self.metric_label}"
            if self.higher_is_better and self.values(name):
                what = "test" if e.metric == "test_accuracy" else "training"
                ours += f" ({100 - np.mean(self.values(name)):.1f}% {what} error)"
            rows.append([f"here ({self.profile} profile)" if i == 0 else "",
                         ours, e.differs if i == 0 else "(the same)"])
        return Table(["", "result", "setting"], rows, title=e.claim)

    def measures(self) -> Table:
        """The experiment's measurements per arm: mean ± sd over seeds, in percent, and the
        verdict of each arm against the baseline for each measurement."""
        base = self.experiment.arms[0].name
        keys = []
        for seeds in self.runs.values():
            for record in seeds.values():
                keys += [k for k in record.get("measures", {}) if k not in keys]
        rows = []
        for key in keys:
            values = {
                arm.name: [100 * r["measures"][key]
                           for _, r in sorted(self.runs.get(arm.name, {}).items())]
                for arm in self.experiment.arms
            }
            row = [key] + [
                mean_sd(values[arm.name]) if not any(map(math.isnan, values[arm.name]))
                else "n/a" for arm in self.experiment.arms
            ]
            verdicts = []
            for arm in self.experiment.arms[1:]:
                diff, low, high = difference(values[base], values[arm.name])
                if diff is None:
                    verdict = "no verdict"
                elif low <= 0 <= high:
                    verdict = "no difference measurable"
                else:
                    verdict = "higher" if diff > 0 else "lower"
                verdicts.append(f"{arm.name}: {verdict}")
            rows.append(row + ["; ".join(verdicts)])
        return Table(
            ["measured (%)", *[a.name for a in self.experiment.arms], "against the baseline"],
            rows, title=f"{self.experiment.name}: measured on each trained network (mean ± sd)",
        )

    # ---- a measure taken layer by layer (response_std: the paper's Figure 7)
    def _layer_means(self, arm: str) -> list[float]:
        """Per seed of ``arm``: the mean of its measure over the layers."""
        return [float(np.mean(list(r["measures"].values())))
                for _, r in sorted(self.runs.get(arm, {}).items()) if r.get("measures")]

    def by_layer(self) -> Table:
        """A measure taken layer by layer (``measure`` returns one value per layer): per arm,
        its mean over the layers, mean ± sd over seeds; then each comparison of the experiment
        with its 95% interval and verdict."""
        rows = []
        for arm in self.experiment.arms:
            records = [r for r in self.runs.get(arm.name, {}).values() if r.get("measures")]
            if records:
                rows.append([arm.name, len(records[0]["measures"]),
                             mean_sd(self._layer_means(arm.name), 3)])
        for arm, reference in self.experiment.comparison_pairs():
            diff, low, high = difference(self._layer_means(reference), self._layer_means(arm))
            if diff is None:
                verdict = "no verdict"
            elif low <= 0 <= high:
                verdict = "no difference measurable"
            else:
                verdict = f"{arm} {'higher' if diff > 0 else 'lower'}"
            rows.append([f"{arm} - {reference}", "",
                         "-" if diff is None else f"{diff:+.3f} ({low:+.3f} to {high:+.3f}): "
                         f"{verdict}"])
        name = self.experiment.measure.split(":")[-1] if self.experiment.measure else "measure"
        return Table(["arm, or comparison (95% interval)", "layers",
                      f"{name}, mean over the layers (mean ± sd over seeds)"], rows,
                     title=f"{self.experiment.name}: {name} on each trained network")

    def _not_comparable(self, live: ResultTables) -> str:
        """Why a live run of another setting is not set against this reference."""
        view = live.experiment
        s = view.setting(live.trained_setting)
        try:
            reference = self.experiment.setting(self.trained_setting).data
        except ValueError:  # a reference of a setting its experiment no longer defines
            reference = s.data
        if s.data != reference:  # the offline set: no reference of it, another task
            from classic.data import CLASS_NAMES

            chance = 100 / len(CLASS_NAMES[s.data])
            return (f"Your run trained on {s.data} ({live.trained_setting} setting: {s.steps:,} "
                    f"steps), not on {reference}: it is not compared with the {reference} "
                    f"reference. Chance on {s.data}: {chance:.0f}%. The paper: "
                    f"{view.paper.result}")
        return (f"Your run ({live.trained_setting} setting: {s.steps:,} steps) has no stored "
                f"reference of its setting here; the {self.trained_setting} reference is "
                f"another budget. The paper: {view.paper.result}")

    def compare_live(self, live: ResultTables) -> Table:
        """Where a live run's seeds fall against this stored reference, arm by arm. A live run
        of another setting (the gpu profile's beside the cpu reference) is listed with the
        paper's figure instead: its numbers do not belong in the reference's range."""
        if not self.comparable(live):
            view = live.experiment
            rows = [[arm, int(seed), round(live._metric(record), 1)]
                    for arm in view.live_arms() or list(live.runs)
                    for seed, record in sorted(live.runs.get(arm, {}).items())]
            return Table(["arm", "seed", f"your {live.metric_label}"], rows,
                         title=self._not_comparable(live))
        rows = []
        for arm in self.experiment.arms:
            if arm.name not in live.runs:
                continue
            reference = [v for v in self.values(arm.name) if math.isfinite(v)]
            for seed, record in sorted(live.runs[arm.name].items()):
                value = live._metric(record)
                if not reference or not math.isfinite(value):
                    where = "-"
                elif min(reference) <= value <= max(reference):
                    where = "inside the reference range"
                else:
                    where = "below" if value < min(reference) else "above"
                    where += " the reference range"
                rows.append([arm.name, int(seed), round(value, 1),
                             mean_sd(reference, self._decimals), where])
        return Table(
            ["arm", "seed", f"your {self.metric_label}", "reference (mean ± sd)", "where"],
            rows,
            title=f"Your run ({live.profile} profile) against the stored {self.profile} reference",
        )
