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


# What Colab's GPU runtime ships (googlecolab/backend-info, pip-freeze.gpu.txt, the snapshot of
# mid-2026, Python 3.12): the notebooks' setup cell keeps these and installs classic/ with
# --no-deps, so every range the course declares must accept them, or Colab would be asked to
# downgrade (d2l's numpy pin did that). Update the table when Colab moves.
COLAB = {
    "python": "3.12",
    "tensorflow": "2.20.0",
    "keras": "3.13.2",
    "numpy": "2.0.2",
    "matplotlib": "3.10.0",
    "pydot": "4.0.1",
    "scikit-learn": "1.6.1",
    "pytest": "8.4.2",
}


def declared_ranges():
    """(where, requirement) for every dependency requirements.txt and pyproject.toml declare."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ranges = [("pyproject.toml", Requirement(r)) for r in project["dependencies"]]
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            ranges.append(("requirements.txt", Requirement(line)))
    return project["requires-python"], ranges


def test_declared_ranges_accept_what_colab_ships():
    from packaging.specifiers import SpecifierSet

    python, ranges = declared_ranges()
    assert SpecifierSet(python).contains(COLAB["python"] + ".0")
    checked = set()
    for where, requirement in ranges:
        version = COLAB.get(requirement.name.lower())
        if version is not None:
            assert requirement.specifier.contains(version), f"{where}: {requirement} vs Colab"
            checked.add(requirement.name.lower())
    # the packages a notebook imports from Colab's own installation are all declared somewhere
    assert {"tensorflow", "keras", "numpy", "matplotlib", "pydot", "scikit-learn"} <= checked
