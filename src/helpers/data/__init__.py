"""The cohort, regimen and primary-treatment files: schema, reading in any format, validation and loading.

Three files feed the book (see ``data/README.md`` for every column):

- the *cohort* file, one line per patient (``COHORT_COLUMNS``);
- the *regimens* file, one line per chemotherapy regimen given for metastatic disease (``REGIMEN_COLUMNS``);
- the *primary-treatment* file, one line per patient, with the facts of the primary tumour's treatment that
  the cohort file's fixed schema has no column for (``PRIMARY_TREATMENT_COLUMNS``; optional, like the regimens).

Each may be CSV, Excel (.xlsx), R (.rds, .RData), SPSS (.sav) or Stata (.dta), as its extension says, under our
column names or the user's with a mapping file (``$MAPPING``; YAML or TOML), and a cohort may give dates instead
of months.  Reading goes through one path, a module per step:

1. ``readers``: the file's cells as it holds them, each row placed in the file's terms (line, sheet and cell, row);
2. ``mapping`` and ``cells``: the user's columns renamed and codes recoded, every cell turned into our text;
   each change made (``3.0`` read as ``3``, ``NA`` as empty, a value label for its code) is a reported ``Note``;
3. ``dates``: ``os_months``, ``interval_to_metastasis_months``, ``metastasis_year`` and ``death`` derived from
   dates (days / 30.4375), impossible dates rejected by row;
4. ``schema``, two pandera stages over a frame indexed by row: ``raw_schema(kind)`` on the text (columns present
   and no others, each cell of the right type, empty only where allowed; ``specs``), then ``typed_schema(kind)``
   on the parsed values (dtypes, ranges, unique ids and the cross-field ``rules``).

``validate(path)`` returns every problem as a :class:`Problem` (``check(path)`` also the notes); ``load_cohort``
/ ``load_regimens`` / ``load_primary_treatment`` raise one :class:`DataError` listing them all, or return typed
DataFrames.  The command line (``cli``)::

    python -m helpers.data validate FILE [--kind cohort|regimens|primary_treatment] [--cohort COHORT_FILE]
                                         [--mapping MAPPING_FILE]
    python -m helpers.data template --out FILE.csv|FILE.xlsx [--kind KIND] [--force]

``validate`` prints ``OK ...`` and one line per note and exits 0, or prints one
``FILE:LINE: column C: value 'X' — expected ...`` line per problem (``FILE, sheet S, cell C7: ...`` for a
workbook, ``FILE, row 7: ...`` for R, SPSS and Stata; the first 25, and a count of the others) and exits 1; a
regimens or primary-treatment file needs ``--cohort`` (or ``$COHORT``).  ``provenance`` writes the pages' banner,
``companions`` says which regimen and primary-treatment files go with the cohort, ``template`` writes an empty
file to fill in.
"""

from .api import (
    Checked,
    check,
    load_cohort,
    load_primary_treatment,
    load_regimens,
    to_csv_bytes,
    validate,
    validate_frame,
)
from .cli import main
from .companions import (
    is_synthetic_default,
    primary_treatment_available,
    primary_treatment_missing_note,
    primary_treatment_path_or_none,
    regimens_available,
    regimens_missing_note,
    regimens_path_or_none,
)
from .dates import MONTH_DAYS
from .mapping import Mapping, read_mapping
from .problems import DataError, Note, Problem
from .provenance import cohort_banner, provenance
from .schema import raw_schema, typed_schema
from .specs import (
    COHORT_COLUMNS,
    DATE_COLUMNS,
    PRIMARY_TREATMENT_COLUMNS,
    REGIMEN_COLUMNS,
    REGIMEN_NAMES,
    RESPONSES,
    SPECS,
    infer_kind,
)
from .template import write_template

__all__ = [
    "COHORT_COLUMNS",
    "REGIMEN_COLUMNS",
    "PRIMARY_TREATMENT_COLUMNS",
    "REGIMEN_NAMES",
    "RESPONSES",
    "SPECS",
    "Problem",
    "DataError",
    "validate",
    "validate_frame",
    "to_csv_bytes",
    "load_cohort",
    "load_regimens",
    "raw_schema",
    "typed_schema",
    "infer_kind",
    "provenance",
    "cohort_banner",
    "is_synthetic_default",
    "regimens_available",
    "regimens_missing_note",
    "load_primary_treatment",
    "primary_treatment_available",
    "primary_treatment_missing_note",
    "regimens_path_or_none",
    "primary_treatment_path_or_none",
    "main",
    "check",
    "Checked",
    "Note",
    "DATE_COLUMNS",
    "MONTH_DAYS",
    "Mapping",
    "read_mapping",
    "write_template",
]
