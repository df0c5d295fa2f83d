"""``python -m classic.data``: runs the command in :mod:`classic.data.command`."""

import sys

from classic.data.command import main

sys.exit(main())
