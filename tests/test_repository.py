"""The repository's promises: one repository address, one test command, clean stored notebooks."""

import json
import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def repository_address():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["project"]["urls"]["Repository"]


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


def test_repository_address_agrees_everywhere():
    address = repository_address()
    owner_repo = address.removeprefix("https://github.com/")
    # Every GitHub or Colab link in the README points at the same repository.
    linked = set(re.findall(r"github\.com/([\w.-]+/[\w.-]+?)/(?:blob|actions)", README))
    assert linked == {owner_repo}
    # Every notebook's first code cell installs from that address.
    for path in NOTEBOOKS:
        setup = "".join(code_cells(path)[0]["source"])
        assert re.findall(r'REPOSITORY = "([^"]+)"', setup) == [address], path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_links_each_notebook_in_colab(path):
    colab = f"colab.research.google.com/github/{repository_address().removeprefix('https://github.com/')}"
    assert f"{colab}/blob/main/notebooks/{path.name}" in README
    assert f"(notebooks/{path.name})" in README


def test_ci_runs_exactly_the_readme_test_command():
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    command = next(b for b in blocks if "pytest" in b).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_come_from_a_clean_run(path):
    cells = code_cells(path)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", "".join(cell["source"])[:80]
            text = "".join(output.get("text", []))
            assert "oneDNN" not in text and "cuda" not in text.lower()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_are_collapsed(path):
    solutions = [c for c in code_cells(path) if "".join(c["source"]).startswith("# Solution")]
    assert solutions, "each notebook ends with exercises and their solutions"
    for cell in solutions:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_markers_are_whole_lines(path):
    # nbval reads a marker only when the comment is the marker alone: text after
    # "# NBVAL_IGNORE_OUTPUT" silently turns it into an ordinary comment.
    for cell in code_cells(path):
        for line in "".join(cell["source"]).splitlines():
            comment = line.strip().lstrip("#").strip()
            if line.strip().startswith("#") and comment.startswith("NBVAL_"):
                assert re.fullmatch(r"NBVAL_[A-Z_]+", comment), line
