"""``python -m helpers.audit``: print the consistency audit of the paper's printed numbers."""

import sys

from .report import main

sys.exit(main())
