"""SPSS (.sav, .zsav) and Stata (.dta) files, via pyreadstat: the values with their value labels and, for SPSS,
the user-missing codes, placed by row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..problems import Problem
from . import Table, whole
from .r import table_of


def _missing_test(ranges: list[dict]) -> Callable[[object], bool]:
    def test(value) -> bool:
        for r in ranges:
            lo, hi = r.get("lo"), r.get("hi")
            try:
                if lo == value or (lo is not None and hi is not None and lo <= value <= hi):
                    return True
            except TypeError:
                continue
        return False

    return test


def read_stats(path: Path, shown: str, fmt: str) -> tuple[Table | None, list[Problem]]:
    """The data of an SPSS or Stata file.  Value labels and SPSS user-missing codes come back beside the values
    (``Table.labels``, ``Table.missing_codes``): :mod:`helpers.data.cells` applies them and reports it."""
    import pyreadstat

    name = "SPSS" if fmt == "spss" else "Stata"
    try:
        if fmt == "spss":
            df, meta = pyreadstat.read_sav(str(path), user_missing=True)
        else:
            df, meta = pyreadstat.read_dta(str(path))
    except Exception as e:  # pyreadstat raises ReadstatError and others for files it cannot read
        return whole(
            shown,
            f"cannot be read as a {name} file ({type(e).__name__}: {e})",
            f"a {name} data file ({'.sav' if fmt == 'spss' else '.dta'})",
        )
    labels = {str(k): dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    missing = {str(k): _missing_test(v) for k, v in (getattr(meta, "missing_ranges", None) or {}).items() if v}
    single = {str(k) for k, v in (getattr(meta, "readstat_variable_types", None) or {}).items() if v == "float"}
    return table_of(df, shown, fmt, "", labels, missing, single)
