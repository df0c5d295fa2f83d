"""``python -m classic.experiments``: see :mod:`classic.experiments.cli`."""

import sys

from classic.experiments.cli import main

sys.exit(main())
