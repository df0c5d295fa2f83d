"""The gpu profile's time estimates (classic.budget): how they are made, where they show."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

import classic.budget
import classic.experiments as E
import classic.experiments.budget as B
import classic.shapes
from classic.experiments.build import builder_of

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _benchmark():
    path = ROOT / "benchmarks" / "gpu_throughput.py"
    spec = importlib.util.spec_from_file_location("gpu_throughput", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_measured_networks_are_the_ones_the_benchmark_built():
    candidates = _benchmark().CANDIDATES
    stored = json.loads(B.H200_RESULTS.read_text())["networks"]
    for name, (builder, options, size, channels) in B.MEASURED.items():
        _, native, image_size, crop, function, their_options = candidates[name]
        assert builder_of(builder) is function, name
        assert (options, size, channels, crop) == (their_options, image_size, native[2], None)
        assert B.h200_throughput()[name] == stored[name]["images_per_second"]
    assert set(B.ANCHORS.values()) <= set(B.MEASURED)


def test_a_measured_network_gets_its_h200_speed_over_the_t4_factor():
    estimate = B.t4_estimate("resnet_degradation", "ResNet-20")
    assert estimate.images_per_second == B.h200_throughput()["ResNet-20"] / B.T4_FROM_H200
    assert "measured on the H200" in estimate.how


def test_another_network_is_scaled_by_the_slower_of_macs_and_activations():
    ours = classic.shapes.totals(E.build_network("densenet_efficiency", "DenseNet-BC", "gpu"))
    anchor = classic.shapes.totals(E.build_network("resnet_degradation", "ResNet-56", "gpu"))
    ratio = min(anchor.macs / ours.macs, anchor.activation_bytes / ours.activation_bytes)
    assert ratio < 1  # DenseNet-BC (L=100) is slower than ResNet-56 on both counts
    estimate = B.t4_estimate("densenet_efficiency", "DenseNet-BC")
    expected = B.h200_throughput()["ResNet-56"] * ratio / B.T4_FROM_H200
    assert estimate.images_per_second == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("notebook", [p.name[:2] for p in NOTEBOOKS])
def test_a_notebooks_gpu_run_takes_about_ten_minutes_on_a_t4(notebook):
    seconds = B.notebook_seconds(notebook, "gpu")
    assert 3 * 60 <= seconds <= 12.5 * 60, f"{notebook}: {seconds / 60:.1f} minutes"


def test_the_gpu_page_shows_the_computed_gpu_table():
    page = (ROOT / "docs" / "gpu.md").read_text(encoding="utf-8")
    assert B.gpu_table().markdown() in page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_trains_its_experiments_live_arms_and_says_how_long(path):
    cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
             if c["cell_type"] == "code"]
    source = "\n".join(cells)
    calls = re.findall(r"classic\.experiments\.run\((.*)\)", source)
    names = [re.fullmatch(r'"(\w+)", profile, seeds=\[\d+\], arms="live"', c) for c in calls]
    assert all(names), calls
    # a notebook in the page's form trains the live arms itself: supplies(name, profile) for the
    # first live arm, supplies(name, profile, arm="...") for another
    call = r'classic\.experiments\.supplies\(\s*"(\w+)", profile(?:,\s*arm="([^"]+)")?\)'
    pages = re.findall(call, source)
    trained = {(name, arm or E.get(name).live_arms()[0]) for name, arm in pages}
    trained |= {(m.group(1), arm) for m in names for arm in E.get(m.group(1)).live_arms()}
    live = B.live_experiments(path.stem)
    assert {(e.name, arm) for e in live for arm in e.live_arms()} <= trained
    assert {name for name, _ in trained} == {e.name for e in live}
    notebook = path.name[:2]
    assert f'print(classic.budget.expected_time("{notebook}", profile))' in cells[1]


def test_expected_time_is_measured_on_a_cpu_and_estimated_on_a_gpu():
    stored = E.load("resnet_degradation", "cpu")
    seconds = [r["seconds"] for r in stored.runs["ResNet-20"].values()]
    minutes = round(sum(seconds) / len(seconds) / 60)
    assert B.expected_time("06", "cpu") == (
        f"training in this notebook: about {minutes} minutes on 2 CPU cores (the reference "
        "runs' mean per seed)")
    gpu = B.expected_time("06", "gpu")
    assert f"about {round(B.notebook_seconds('06', 'gpu') / 60)} minutes on a T4" in gpu
    assert "estimate" in gpu
    assert "seconds" in B.expected_time("06", "ci")


def test_without_the_checkouts_measurements_the_setup_line_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(B, "H200_RESULTS", tmp_path / "missing.json")
    B.h200_throughput.cache_clear()
    try:
        assert "no estimate here" in B.expected_time("06", "gpu")
    finally:
        B.h200_throughput.cache_clear()


def test_classic_budget_is_the_notebooks_short_name_for_the_module():
    for name in classic.budget.__all__:
        assert getattr(classic.budget, name) is getattr(B, name), name


def test_short_runs_are_said_in_words():
    assert B._minutes(30) == "under a minute"
    assert B._minutes(60) == "a minute"
    assert B._minutes(150) == "2 minutes"
