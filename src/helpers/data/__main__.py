"""``python -m helpers.data``: the command line (see :mod:`helpers.data.cli`)."""

import sys

from .cli import main

sys.exit(main())
