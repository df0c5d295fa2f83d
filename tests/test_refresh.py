"""classic.refresh: stored outputs come from a fresh kernel, in the chosen profile, without CI."""

import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from classic import refresh


def test_kernel_environment_sets_the_profile_and_drops_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    env = refresh.kernel_environment("cpu", str(tmp_path))
    assert "CI" not in env
    assert env["CLASSIC_PROFILE"] == "cpu"
    assert env["CLASSIC_DATA_DIR"] == str(tmp_path.resolve())


def test_execute_stores_outputs_of_a_top_to_bottom_run(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    path = tmp_path / "tiny.ipynb"
    cells = [
        new_code_cell("import os\nprofile = os.environ['CLASSIC_PROFILE']"),
        new_code_cell(f"print(profile, 'CI' in os.environ, os.getcwd() == {str(tmp_path)!r})"),
    ]
    nbformat.write(new_notebook(cells=cells), path)
    refresh.execute(path, profile="cpu")
    stored = nbformat.read(path, as_version=4).cells
    assert [c.execution_count for c in stored] == [1, 2]
    assert stored[1].outputs[0].text == "cpu False True\n"
    # The caller's environment is left as it was.
    assert os.environ["CI"] == "true"


def test_execute_merges_progress_output_as_the_screen_shows_it(tmp_path):
    path = tmp_path / "progress.ipynb"
    source = "for i in range(3):\n    print(f'\\rstep {i}', end='', flush=True)\nprint()"
    nbformat.write(new_notebook(cells=[new_code_cell(source)]), path)
    refresh.execute(path, profile="ci")
    (output,) = nbformat.read(path, as_version=4).cells[0].outputs
    assert output.text == "step 2\n"


def test_main_rejects_a_missing_notebook(tmp_path, capsys):
    with pytest.raises(SystemExit):
        refresh.main([str(tmp_path / "nope.ipynb")])
    assert "no such notebook" in capsys.readouterr().err
