"""Validating and loading the files: the functions behind ``helpers.data``'s public API."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .. import paths
from .problems import DataError, Problem, display
from .provenance import primary_treatment_available, regimens_available
from .readers.text import read_table
from .rules import cohort_source
from .schema import check_frame, order
from .specs import COHORT_COLUMNS, COLUMNS, PRIMARY_TREATMENT_COLUMNS, REFERS_TO_COHORT, REGIMEN_COLUMNS, SPECS, infer_kind


def check(path: Path | str, kind: str | None, cohort: Path | str | pd.DataFrame | None, raw: bytes | None = None
           ) -> tuple[str | None, pd.DataFrame | None, list[Problem]]:
    path = Path(path)
    shown = display(path) if raw is None else str(path)
    table, problems = read_table(path, shown, raw)
    if table is None:
        return kind, None, problems
    if kind is None:
        kind = infer_kind(table.header)
        if kind is None:
            return None, None, problems + [Problem(
                shown, table.header_line, None, "header matches neither file",
                f"a cohort header ({', '.join(COHORT_COLUMNS[:3])}, ...), a regimens header "
                f"({', '.join(REGIMEN_COLUMNS)}) or a primary_treatment header "
                f"({', '.join(PRIMARY_TREATMENT_COLUMNS)}); or pass --kind")]
    if kind not in SPECS:
        raise ValueError(f"kind must be one of {', '.join(SPECS)}, not {kind!r}")
    cohort_frame = None
    if kind in REFERS_TO_COHORT:
        cohort_frame, cohort_problems = _reference_cohort(cohort, kind)
        problems += cohort_problems
    typed, found = check_frame(table, kind, shown, cohort_frame)
    if kind == "primary_treatment" and cohort_frame is not None and "patient_id" in typed:
        found += _missing_patients(typed, cohort_frame, shown)
    return kind, typed, order(problems + found, kind, table.header)


def _missing_patients(typed: pd.DataFrame, cohort: pd.DataFrame, shown: str) -> list[Problem]:
    """A per-patient file must have a line for every patient of its cohort."""
    present = set(typed["patient_id"].dropna())
    missing = [str(i) for i in cohort["patient_id"].dropna() if i not in present]
    if not missing:
        return []
    listed = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return [Problem(shown, None, None, f"no line for {len(missing)} patient{'s' if len(missing) != 1 else ''} "
                    f"of {cohort_source(cohort)} ({listed})", "one line per patient of the cohort")]


def _reference_cohort(cohort: Path | str | pd.DataFrame | None, kind: str = "regimens"
                      ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The cohort that a regimens or primary-treatment file's rows must refer to: a DataFrame, a file, or the
    cohort in use (``cohort_path()``)."""
    if isinstance(cohort, pd.DataFrame):
        return cohort, []
    path = Path(cohort) if cohort is not None else paths.cohort_path()
    kind, typed, problems = check(path, "cohort", None)
    if problems:
        found = problems[0].value if len(problems) == 1 and problems[0].line is None else "not a valid cohort file"
        return None, [Problem(display(path), None, None, f"cohort file: {found}",
                              f"a valid cohort file to check the {kind} file's patient_id against "
                              f"(see: python -m helpers.data validate {display(path)})")]
    typed.attrs["source"] = display(path)
    return typed, []


def validate(path: Path | str, kind: str | None = None, cohort: Path | str | pd.DataFrame | None = None
             ) -> list[Problem]:
    """Every problem of a cohort, regimens or primary-treatment file (``[]`` when valid).  ``kind`` is inferred
    from the header if None.

    A regimens or primary-treatment file is checked against ``cohort`` (a file or a loaded DataFrame), by
    default ``cohort_path()``."""
    return check(path, kind, cohort)[2]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A cohort or regimens DataFrame as the CSV bytes this project writes (no index, empty for missing)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def validate_frame(frame: pd.DataFrame, kind: str, cohort: Path | str | pd.DataFrame | None = None,
                   name: str = "<frame>") -> list[Problem]:
    """Every problem of a DataFrame *before* it is written, exactly as ``validate`` would report them for the file
    ``to_csv_bytes(frame)`` (same code, same line numbers); ``name`` stands for the file in messages."""
    return check(Path(name), kind, cohort, raw=to_csv_bytes(frame))[2]


def _finish(typed: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = typed[COLUMNS[kind]].reset_index(drop=True)
    for spec in SPECS[kind]:
        if spec.kind in ("id", "category"):
            out[spec.name] = out[spec.name].astype(object).where(out[spec.name].notna(), np.nan)
    return out


def _load(path: Path | str, kind: str, cohort=None) -> pd.DataFrame:
    found_kind, typed, problems = check(path, kind, cohort)
    if problems:
        raise DataError(path, kind, problems)
    out = _finish(typed, kind)
    out.attrs["source"] = display(path)
    return out


def load_cohort(path: Path | str | None = None) -> pd.DataFrame:
    """The validated cohort (default ``cohort_path()``): one row per patient, columns ``COHORT_COLUMNS``.

    Numbers are float64, whole numbers and 0/1 facts nullable ``Int64`` (``grade``, ``chemo_peri_metastasectomy``
    and ``local_recurrence`` may be missing), categories Python ``str`` with NaN for missing.  Raises
    :class:`DataError` listing every problem."""
    return _load(paths.cohort_path() if path is None else path, "cohort")


def _load_companion(path: Path | str | None, kind: str, cohort, available: Callable[[], bool],
                    default: Callable[[], Path], noun: str, variable: str) -> pd.DataFrame:
    """Load a file that goes with a cohort (regimens, primary treatment): ``path``, or the one in use."""
    if path is None:
        if not available():
            raise DataError(default(), kind, [Problem(
                display(default()), None, None, f"no {noun} file for this cohort",
                f"a {noun} file given as {variable}=... (make book) or ${variable}")])
        path = default()
    return _load(path, kind, cohort)


def load_regimens(path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None) -> pd.DataFrame:
    """The validated regimens file (default ``regimens_path()``), checked against ``cohort`` (default the cohort in use).

    Raises :class:`DataError` when invalid, and when no regimen file goes with the cohort in use
    (see :func:`regimens_available`)."""
    return _load_companion(path, "regimens", cohort, regimens_available, paths.regimens_path, "regimen", "REGIMENS")


def load_primary_treatment(path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None
                           ) -> pd.DataFrame:
    """The validated primary-treatment file (default ``primary_treatment_path()``), checked against ``cohort``
    (default the cohort in use): one line per patient, the facts of the primary tumour's treatment that the
    cohort file has no column for.  Raises :class:`DataError` when invalid, and when no such file goes with the
    cohort in use (see :func:`primary_treatment_available`)."""
    return _load_companion(path, "primary_treatment", cohort, primary_treatment_available,
                           paths.primary_treatment_path, "primary-treatment", "PRIMARY_TREATMENT")
