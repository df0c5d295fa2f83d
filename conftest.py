"""Settings for the README's test command, `python -m pytest`: unit tests and nbval."""

import os
import tempfile

# The fast profile, whatever the machine: nbval's kernels inherit this environment.
os.environ["CLASSIC_PROFILE"] = "ci"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Training backups of the test run go to a scratch folder, not the user's cache.
os.environ.setdefault("CLASSIC_BACKUP_DIR", tempfile.mkdtemp(prefix="classic-backups-"))
