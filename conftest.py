"""Settings for the README's test command, `python -m pytest`: unit tests and nbval."""

import os
import tempfile

import pytest

# The fast profile, whatever the machine: nbval's kernels inherit this environment.
os.environ["CLASSIC_PROFILE"] = "ci"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Training backups of the test run go to a scratch folder, not the user's cache.
os.environ.setdefault("CLASSIC_BACKUP_DIR", tempfile.mkdtemp(prefix="classic-backups-"))


@pytest.fixture
def no_machine_settings(monkeypatch, tmp_path):
    """A test that trains sees neither the caller's profile nor CI's flag, nor an accelerator;
    its backups go to tmp_path (tests/test_experiments.py and tests/test_supplies.py use it)."""
    from classic import train

    for name in ("CLASSIC_PROFILE", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLASSIC_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setattr(train.profiles, "accelerator_visible", lambda: False)
