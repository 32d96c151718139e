"""The cohort and regimen files: schema, validation and loading.

Three CSV files feed the book (see ``data/README.md`` for every column):

- the *cohort* file, one line per patient (``COHORT_COLUMNS``);
- the *regimens* file, one line per chemotherapy regimen given for metastatic disease (``REGIMEN_COLUMNS``);
- the *primary-treatment* file, one line per patient, with the facts of the primary tumour's treatment that
  the cohort file's fixed schema has no column for (``PRIMARY_TREATMENT_COLUMNS``; optional, like the regimens).

Validation runs in two pandera stages over a frame whose index is the **line number in the file**
(header = line 1), so every problem names its line:

1. ``raw_schema(kind)`` on the text as written: columns present and no others, each cell of the right
   type (number, whole number, 0/1, allowed category), empty only where missing is allowed;
2. ``typed_schema(kind)`` on the parsed values: dtypes, ranges, unique ids and the cross-field rules.

``validate(path)`` returns every problem as a :class:`Problem`; ``load_cohort`` / ``load_regimens`` /
``load_primary_treatment`` raise
one :class:`DataError` listing them all, or return typed DataFrames.  The command line::

    python -m helpers.data validate FILE [--kind cohort|regimens|primary_treatment] [--cohort COHORT_FILE]

prints ``OK ...`` and exits 0, or prints one ``FILE:LINE: column C: value 'X' — expected ...`` line per
problem and exits 1.

One module per concern: ``specs`` (the columns), ``readers`` (files to string frames), ``rules`` (cross-field
rules), ``schema`` (the pandera stages), ``api`` (validate and load), ``provenance`` (banner), ``cli``.
"""

from .api import (Checked, check, load_cohort, load_primary_treatment, load_regimens, to_csv_bytes, validate,
                  validate_frame)
from .cli import main
from .companions import (is_synthetic_default, primary_treatment_available, primary_treatment_missing_note,
                         primary_treatment_path_or_none, regimens_available, regimens_missing_note,
                         regimens_path_or_none)
from .dates import MONTH_DAYS
from .mapping import Mapping, read_mapping
from .problems import DataError, Note, Problem
from .provenance import cohort_banner, provenance
from .schema import raw_schema, typed_schema
from .specs import (COHORT_COLUMNS, DATE_COLUMNS, PRIMARY_TREATMENT_COLUMNS, REGIMEN_COLUMNS, REGIMEN_NAMES,
                    RESPONSES, SPECS, infer_kind)
from .template import write_template

__all__ = [
    "COHORT_COLUMNS", "REGIMEN_COLUMNS", "PRIMARY_TREATMENT_COLUMNS", "REGIMEN_NAMES", "RESPONSES", "SPECS",
    "Problem", "DataError", "validate", "validate_frame", "to_csv_bytes", "load_cohort", "load_regimens", "raw_schema", "typed_schema",
    "infer_kind", "provenance", "cohort_banner", "is_synthetic_default", "regimens_available",
    "regimens_missing_note", "load_primary_treatment", "primary_treatment_available",
    "primary_treatment_missing_note", "regimens_path_or_none", "primary_treatment_path_or_none", "main",
    "check", "Checked", "Note", "DATE_COLUMNS", "MONTH_DAYS", "Mapping", "read_mapping", "write_template",
]
