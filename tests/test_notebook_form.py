"""The form a notebook teaches in (DESIGN.md, "Every notebook, the same walk"), for the notebooks
written in it: the network on the page and proven to be the tested one, compile and fit on the
page, few words in short paragraphs, short output lines, and no first-N samples."""

import json
import os
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REFORMED = ["01_lenet", "02_alexnet", "03_zfnet", "04_vgg", "05_googlenet", "06_resnet",
            "07_densenet", "08_summary"]
NETWORK_ON_PAGE = [name for name in REFORMED if name != "08_summary"]  # 08 compares, builds none
WORDS = {"03_zfnet": 2_800}  # the deconvnet's notebook; every other: 2,500
PARAGRAPH_WORDS = 120
LINE = 140


def cells(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def paragraphs(text):
    """Markdown paragraphs: blocks between blank lines, code blocks left out."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


@pytest.mark.parametrize("name", REFORMED)
def test_few_words_in_short_paragraphs(name):
    markdown = [source(c) for c in cells(name) if c["cell_type"] == "markdown"]
    words = sum(len(re.sub(r"```.*?```", "", m, flags=re.S).split()) for m in markdown)
    assert words <= WORDS.get(name, 2_500), words
    longest = max((p for m in markdown for p in paragraphs(m)), key=lambda p: len(p.split()))
    assert len(longest.split()) <= PARAGRAPH_WORDS, longest[:200]


@pytest.mark.parametrize("name", REFORMED)
def test_stored_output_lines_are_short(name):
    for cell in cells(name):
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", "")) or "".join(
                output.get("data", {}).get("text/plain", ""))
            assert "Warning" not in text and "site-packages" not in text, text[:300]
            for line in text.splitlines():
                if any(box in line for box in "│┃━─"):  # Keras' own summary
                    continue
                assert len(line) <= LINE, line


@pytest.mark.parametrize("name", REFORMED)
def test_no_analysis_takes_the_first_images(name):
    first_n = re.compile(r"\b(x|y)_(train|val|test)\[\s*:\s*\d")
    for cell in cells(name):
        if cell["cell_type"] == "code":
            assert not first_n.search(source(cell)), source(cell)[:200]


@pytest.mark.parametrize("name", REFORMED)
def test_compile_and_fit_are_on_the_page(name):
    code = [source(c) for c in cells(name) if c["cell_type"] == "code"]
    training = [c for c in code if ".compile(" in c and ".fit(" in c
                and "keras.optimizers" in c and "# Solution" not in c]
    assert training, "a cell compiles and fits the page's network"
    assert not any("classic.experiments.run(" in c for c in code)


@pytest.mark.parametrize("name", NETWORK_ON_PAGE)
def test_the_page_network_is_the_tested_one(name, monkeypatch):
    """Runs the notebook's cells up to the one that calls same_network (setup, imports, the
    network on the page, the proof): same_network raises unless the page's network has the
    builder's layer names, weights and outputs."""
    monkeypatch.chdir(NOTEBOOKS)
    monkeypatch.setenv("CLASSIC_PROFILE", "ci")
    code = [source(c) for c in cells(name) if c["cell_type"] == "code"]
    proof = next(i for i, c in enumerate(code) if "same_network(" in c)
    namespace = {"__name__": "__main__"}
    for block in code[: proof + 1]:
        exec(compile(block, f"{name}.ipynb", "exec"), namespace)  # noqa: S102
    table = eval(code[proof].strip().splitlines()[-1], namespace)  # noqa: S307
    params = dict((row[0], row[1:]) for row in table.rows)["parameters"]
    assert params[0] == params[1]
    assert os.environ["CLASSIC_PROFILE"] == "ci"


def test_classic_takes_no_first_images():
    """The measures and figures of classic/ draw class-balanced samples (classic.data.
    balanced_sample): the course's CIFAR-10 copy is sorted by class."""
    first_n = re.compile(r"\b(x|y)_(train|val|test)\[\s*:")
    package = NOTEBOOKS.parent / "classic"
    for path in package.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            assert not first_n.search(line), f"{path.relative_to(package.parent)}:{number}: {line}"
