"""Training for the notebooks: one call that fits the machine it runs on.

``fit(model, data)`` picks a *profile* (how much to train: CI, a laptop CPU or a GPU),
distributes over several GPUs when there are some, turns on mixed precision and XLA on
a GPU, backs the run up every epoch to a folder that survives a dropped session, and
prints the throughput and the test accuracy. Generic code uses ``keras`` only;
TensorFlow-only pieces (``tf.distribute``, ``tf.config``) sit behind a backend check.

The modules: ``profiles`` (how much to train), ``strategies`` (how many devices),
``backups`` (where a run is saved), ``checks`` (arguments and data), ``compiling`` (fit's
default compile), ``results`` (what fit returns and prints) and ``fitting`` (``fit`` itself,
step by step). Code that replaces a function for a test patches it in its own module, e.g.
``classic.train.profiles.accelerator_visible``: ``profile()`` looks it up there.
"""

from classic.train.backups import DRIVE_ROOT, backup_root
from classic.train.fitting import fit
from classic.train.profiles import PROFILES, Profile, accelerator_visible, profile
from classic.train.results import TrainingResult
from classic.train.strategies import strategy

__all__ = [
    "DRIVE_ROOT",
    "PROFILES",
    "Profile",
    "TrainingResult",
    "accelerator_visible",
    "backup_root",
    "fit",
    "profile",
    "strategy",
]
