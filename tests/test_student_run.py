"""A notebook run as a student runs it: a fresh kernel that captures what the process writes
to its file descriptors (as JupyterLab's does), no TF_CPP_MIN_LOG_LEVEL set, and not under
pytest's eye (ipykernel stops capturing descriptors while PYTEST_CURRENT_TEST is set). No
output may carry a line of TensorFlow's C++ log."""

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
# absl's and TensorFlow's C++ lines: "I0000 00:00:1796664871.021999   22911 port.cc:153] ..."
LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d|absl::InitializeLog|oneDNN custom operations"
                      r"|cuda drivers|cuInit|cpu_feature_guard|rebuild TensorFlow", re.M)


def _texts(notebook) -> list[str]:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts += [str(v) for k, v in output.get("data", {}).items() if k == "text/plain"]
            texts += output.get("traceback", [])
    return texts


@pytest.mark.slow
def test_a_students_run_shows_no_tensorflow_log_line(tmp_path):
    notebook = nbformat.read(ROOT / "notebooks" / "01_lenet.ipynb", as_version=4)
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST", "CLASSIC_DATA_DIR")}
    env["CLASSIC_PROFILE"] = "ci"  # seconds, not minutes; the start-up is the same
    env["CLASSIC_BACKUP_DIR"] = str(tmp_path / "backups")
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute(env=env)
    found = [match.group(0) for text in _texts(notebook) for match in LOG_LINE.finditer(text)]
    assert not found
    setup = "".join(o.get("text", "") for o in notebook.cells[2].outputs)
    assert setup.startswith("Keras ")  # the setup cell ran and printed its own lines
