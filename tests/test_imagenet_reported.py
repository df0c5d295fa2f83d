"""Tests of classic.imagenet_reported: the papers' ImageNet errors, their table and figure."""

import pytest

from classic import imagenet_reported as reported
from classic import summary


@pytest.fixture(scope="module")
def facts():
    return summary.facts(["lenet5", "alexnet", "googlenet", "resnet18", "resnet50"])


def test_every_network_of_the_facts_has_one_entry():
    labels = [paper.label for paper in summary.PAPERS.values()]
    assert [r.network for r in reported.ERRORS] == labels


def test_each_entry_says_where_it_comes_from_and_how_it_was_measured():
    for r in reported.ERRORS:
        assert r.source and r.measure, r
        for value in (r.top1, r.top5):
            assert value is None or 0 < value < 100, r
        if r.top1 is not None and r.top5 is not None:
            assert r.top5 < r.top1, r  # a top-5 error is never above the top-1 error
        if r.top1 is not None or r.top5 is not None:
            assert "Table" in r.source, r


def test_empty_where_the_paper_gives_no_number():
    by = {r.network: r for r in reported.ERRORS}
    assert by["LeNet-5"].top1 is None and by["LeNet-5"].top5 is None
    assert by["GoogLeNet"].top1 is None and "no top-1" in by["GoogLeNet"].measure
    assert by["ResNet-18"].top5 is None and "no top-5" in by["ResNet-18"].measure


def test_deeper_members_of_a_family_report_lower_errors():
    by = {r.network: r for r in reported.ERRORS}
    for family in (["ResNet-34", "ResNet-50", "ResNet-101", "ResNet-152"],
                   ["DenseNet-121", "DenseNet-169", "DenseNet-201"]):
        for measure in ("top1", "top5"):
            values = [getattr(by[name], measure) for name in family]
            assert values == sorted(values, reverse=True), (family, measure)


def test_the_table_follows_the_facts_row_for_row(facts):
    t = reported.table(facts)
    assert t.column("network") == facts.column("network")
    assert t.column("MACs x10^9") == facts.column("MACs x10^9")
    assert t.column("trainable") == facts.column("trainable")
    row = t.rows[t.column("network").index("GoogLeNet")]
    assert row[t.columns.index("top-1 %")] == "" and row[t.columns.index("top-5 %")] == 9.15
    for cells in t.rows:
        assert all(len(str(cell)) <= 100 for cell in cells)


def test_the_table_wants_a_facts_table():
    with pytest.raises(ValueError, match="facts"):
        reported.table([["AlexNet"]])


def test_spread_keeps_the_order_and_the_gap():
    values = [10.0, 10.1, 10.2, 20.0, 5.0]
    placed = reported.spread(values, 0.5)
    order = sorted(range(5), key=values.__getitem__)
    assert [placed[i] for i in order] == sorted(placed)
    gaps = [placed[b] - placed[a] for a, b in zip(order[:-1], order[1:], strict=True)]
    assert min(gaps) >= 0.5 - 1e-9
    assert placed[3] == 20.0 and placed[4] == 5.0  # far from the others: not moved
    assert sum(placed[:3]) == pytest.approx(sum(values[:3]))  # the run centred on its values


def test_the_figure_has_a_point_per_top5_number(facts):
    figure = reported.plot(facts)
    axes = figure.axes[0]
    points = sum(len(c.get_offsets()) for c in axes.collections)
    assert points == sum(1 for label in facts.column("network")
                         if {r.network: r for r in reported.ERRORS}[label].top5 is not None)
    assert len(axes.texts) == points
    markers = {text.get_text() for text in axes.get_legend().get_texts()}
    assert markers == {r.test for r in reported.ERRORS if r.top5 is not None
                       and r.network in facts.column("network")}
    assert {r.test for r in reported.ERRORS if r.top5 is not None} == {
        "one network, 10 crops", "one network, test crops not stated",
        "one network, dense, one test scale Q=384"}
