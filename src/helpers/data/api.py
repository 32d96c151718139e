"""Validating and loading the files: the functions behind ``helpers.data``'s public API.

One path for every file: read it (:mod:`~helpers.data.readers`, by extension), rename and recode the user's
columns and turn the cells into our text (:mod:`~helpers.data.cells`, with the mapping of
:mod:`~helpers.data.mapping`), derive months from dates (:mod:`~helpers.data.dates`), then the two pandera
stages (:mod:`~helpers.data.schema`).  Every problem is placed in the user's terms: their file, row or cell, and
column name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from . import readers
from .cells import Normalised, normalise
from .companions import is_synthetic_default, primary_treatment_available, regimens_available
from .dates import Derived, derive
from .mapping import Mapping, load_mapping
from .problems import DataError, Note, Problem, display
from .rules import cohort_source
from .schema import check_frame, order
from .specs import (
    COHORT_COLUMNS,
    COLUMNS,
    DATE_COLUMNS,
    DERIVED_FROM,
    KINDS,
    PRIMARY_TREATMENT_COLUMNS,
    REFERS_TO_COHORT,
    REGIMEN_COLUMNS,
    SPECS,
    infer_kind,
)


@dataclass
class Checked:
    """What checking a file found: its ``kind``, the typed rows (``frame``, indexed by line or row; None when the
    file could not be read), every problem, and every note on what reading changed or derived."""

    path: str
    kind: str | None
    frame: pd.DataFrame | None
    problems: list[Problem]
    notes: list[Note] = field(default_factory=list)
    format: str = "csv"
    source: str = ""  #: the sheet or object read, if the file has several
    mapping: Mapping | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        """How the file was read, in words: ``"Excel workbook, sheet cohort, mapped by m.yaml"``."""
        parts = [] if self.format == "csv" else [readers.FORMAT_NAMES[self.format]]
        parts += [self.source] if self.source else []
        parts += [f"mapped by {self.mapping.shown}"] if self.mapping else []
        return ", ".join(parts)


def mapping_in_use(path: Path | str, mapping=None) -> tuple[Mapping | None, list[Problem]]:
    """The mapping to read ``path`` with: ``mapping`` (a :class:`Mapping` or a file; False for none), by default
    ``$MAPPING`` (``paths.mapping_path()``), which never applies to the project's own synthetic files."""
    if mapping is False:
        return None, []
    if isinstance(mapping, Mapping):
        return mapping, []
    if mapping is None:
        mapping = paths.mapping_path()
        if mapping is None or any(is_synthetic_default(path, k) for k in KINDS):
            return None, []
    return load_mapping(mapping)


def _layout(mp: Mapping | None, kind: str | None) -> readers.Layout:
    """Where the header is, the encoding, and the names a header may hold, for a file of ``kind`` (None: any)."""
    kinds = [kind] if kind else list(KINDS)
    names = {c for k in kinds for c in COLUMNS[k]} | (set(DATE_COLUMNS) if "cohort" in kinds else set())
    if mp is None:
        return readers.Layout(names=frozenset(names))
    return readers.Layout(mp.option(kind, "header_row"), mp.option(kind, "encoding"), frozenset(names | mp.names()))


def _part(section, fmt: str) -> str | None:
    if section is None:
        return None
    return section.sheet if fmt == "excel" else section.object if fmt == "r" else None


def check(
    path: Path | str,
    kind: str | None = None,
    cohort: Path | str | pd.DataFrame | None = None,
    mapping=None,
    raw: bytes | None = None,
) -> Checked:
    """Check a cohort, regimens or primary-treatment file in any supported format (see ``validate``), and return
    what was found: problems, notes, the typed rows."""
    path = Path(path)
    shown = display(path) if raw is None else str(path)
    fmt = "csv" if raw is not None else readers.format_of(path)
    mp, problems = (None, []) if raw is not None else mapping_in_use(path, mapping)
    if problems:
        return Checked(shown, kind, None, problems, format=fmt)
    section = mp.section(kind) if mp else None
    table, problems = readers.read(path, shown, raw, [kind] if kind else KINDS, _part(section, fmt), _layout(mp, kind))
    if table is None and kind is None and mp is not None:  # the kind is unknown: try the parts the mapping names
        for part in dict.fromkeys(_part(s, fmt) for s in mp.sections.values()):
            if part is not None and table is None:
                table, _ = readers.read(path, shown, raw, KINDS, part, _layout(mp, None))
    if table is not None and kind is None:
        kind = infer_kind(table.header, mp)
        if kind is None:
            return Checked(
                shown,
                None,
                None,
                problems
                + [
                    Problem(
                        shown,
                        table.header_line,
                        None,
                        "header matches neither file",
                        f"a cohort header ({', '.join(COHORT_COLUMNS[:3])}, ...), a regimens header "
                        f"({', '.join(REGIMEN_COLUMNS)}) or a primary_treatment header "
                        f"({', '.join(PRIMARY_TREATMENT_COLUMNS)}); or pass --kind",
                        table.locate(table.header_line, None),
                    )
                ],
                format=fmt,
                mapping=mp,
            )
        section = mp.section(kind) if mp else None
        table, problems = readers.read(path, shown, raw, [kind], _part(section, fmt), _layout(mp, kind))
    if table is None:
        return Checked(shown, kind, None, problems, format=fmt, mapping=mp)
    if kind not in SPECS:
        raise ValueError(f"kind must be one of {', '.join(SPECS)}, not {kind!r}")
    norm = normalise(table, kind, section, shown, mp.shown if mp else "the mapping")
    der = derive(norm, kind, shown, table.header_line)
    cohort_frame = None
    if kind in REFERS_TO_COHORT:
        cohort_frame, cohort_problems = _reference_cohort(cohort, kind, mapping)
        problems += cohort_problems
    text = readers.Table(list(der.rows.columns), table.header_line, der.rows)
    bad = norm.bad | der.suppress | {(p.line, p.column) for p in der.problems}
    typed, found = check_frame(text, kind, shown, cohort_frame, bad)
    if kind == "primary_treatment" and cohort_frame is not None and "patient_id" in typed:
        found += _missing_patients(typed, cohort_frame, shown)
    found = [_place(p, table, norm, der, section, mp, kind) for p in norm.problems + der.problems + found]
    return Checked(
        shown, kind, typed, order(problems + found, kind, table.header), norm.notes + der.notes, fmt, table.source, mp
    )


def _place(
    p: Problem, table: readers.Table, norm: Normalised, der: Derived, section, mp: Mapping | None, kind: str
) -> Problem:
    """A problem in the user's terms: where it is in their file, their name for the column, the cell as written,
    and for a column they do not have, what else would do."""
    column, line = p.column, p.line
    header = line == table.header_line
    label, expected = None, p.expected
    mapped = section.columns.get(column) if section and column else None
    if column in der.columns:
        source = der.derived_from.get((line, column))
        label = f"{column} (derived from {source})" if source else f"{column} (derived from dates)"
    elif column in norm.user_of:
        label = f"{norm.user_of[column]} ({column})"
    elif mapped is not None and mapped.source != column:
        label = f"{mapped.source} ({column})"
    if header and p.value is None and column in COLUMNS[kind]:  # a column the file lacks
        if mapped is not None:
            expected = f"the column {mapped.source}, which {mp.shown} reads as {column}"
        elif kind == "cohort" and column in DERIVED_FROM:
            expected += f"; or, instead, the dates it is derived from ({', '.join(DERIVED_FROM[column])})"
    elif header and mp is not None and p.expected.startswith("only the columns"):
        expected += f", or the columns {mp.shown} maps (or ignores)"
    where = p.place
    if where is None and line is not None:
        where = table.locate(line, norm.user_of.get(column, column) if column else None)
    return replace(p, place=where, label=label, written=norm.written.get((line, column)), expected=expected)


def _missing_patients(typed: pd.DataFrame, cohort: pd.DataFrame, shown: str) -> list[Problem]:
    """A per-patient file must have a line for every patient of its cohort."""
    present = set(typed["patient_id"].dropna())
    missing = [str(i) for i in cohort["patient_id"].dropna() if i not in present]
    if not missing:
        return []
    listed = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return [
        Problem(
            shown,
            None,
            None,
            f"no line for {len(missing)} patient{'s' if len(missing) != 1 else ''} "
            f"of {cohort_source(cohort)} ({listed})",
            "one line per patient of the cohort",
        )
    ]


def _reference_cohort(
    cohort: Path | str | pd.DataFrame | None, kind: str = "regimens", mapping=None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The cohort that a regimens or primary-treatment file's rows must refer to: a DataFrame, a file, or the
    cohort in use (``cohort_path()``)."""
    if isinstance(cohort, pd.DataFrame):
        return cohort, []
    path = Path(cohort) if cohort is not None else paths.cohort_path()
    found = check(path, "cohort", None, False if is_synthetic_default(path) else mapping)  # never the user's mapping
    if found.problems:
        problems = found.problems
        what = problems[0].value if len(problems) == 1 and problems[0].line is None else "not a valid cohort file"
        return None, [
            Problem(
                display(path),
                None,
                None,
                f"cohort file: {what}",
                f"a valid cohort file to check the {kind} file's patient_id against "
                f"(see: python -m helpers.data validate {display(path)})",
            )
        ]
    typed = found.frame
    typed.attrs["source"] = display(path)
    return typed, []


def validate(
    path: Path | str, kind: str | None = None, cohort: Path | str | pd.DataFrame | None = None, mapping=None
) -> list[Problem]:
    """Every problem of a cohort, regimens or primary-treatment file (``[]`` when valid).  ``kind`` is inferred
    from the header if None.  The file may be CSV, Excel (.xlsx), R (.rds, .RData), SPSS (.sav) or Stata (.dta),
    as its extension says; ``mapping`` is a mapping file of the user's column names and codes (default
    ``$MAPPING``; False for none).

    A regimens or primary-treatment file is checked against ``cohort`` (a file or a loaded DataFrame), by
    default ``cohort_path()``."""
    return check(path, kind, cohort, mapping).problems


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A cohort or regimens DataFrame as the CSV bytes this project writes (no index, empty for missing)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def validate_frame(
    frame: pd.DataFrame, kind: str, cohort: Path | str | pd.DataFrame | None = None, name: str = "<frame>"
) -> list[Problem]:
    """Every problem of a DataFrame *before* it is written, exactly as ``validate`` would report them for the file
    ``to_csv_bytes(frame)`` (same code, same line numbers); ``name`` stands for the file in messages."""
    return check(Path(name), kind, cohort, False, raw=to_csv_bytes(frame)).problems


def _finish(typed: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = typed[COLUMNS[kind]].reset_index(drop=True)
    for spec in SPECS[kind]:
        if spec.kind in ("id", "category"):
            out[spec.name] = out[spec.name].astype(object).where(out[spec.name].notna(), np.nan)
    return out


def _load(path: Path | str, kind: str, cohort=None, mapping=None) -> pd.DataFrame:
    found = check(path, kind, cohort, mapping)
    if found.problems:
        raise DataError(path, kind, found.problems)
    out = _finish(found.frame, kind)
    out.attrs["source"] = display(path)
    out.attrs["read"] = found.describe()
    out.attrs["notes"] = [str(n) for n in found.notes]
    return out


def load_cohort(path: Path | str | None = None, mapping=None) -> pd.DataFrame:
    """The validated cohort (default ``cohort_path()``): one row per patient, columns ``COHORT_COLUMNS``.

    Numbers are float64, whole numbers and 0/1 facts nullable ``Int64`` (``grade``, ``chemo_peri_metastasectomy``
    and ``local_recurrence`` may be missing), categories Python ``str`` with NaN for missing.  Any supported
    format; ``mapping`` as for :func:`validate`.  ``attrs["notes"]`` lists what reading normalised or derived.
    Raises :class:`DataError` listing every problem."""
    return _load(paths.cohort_path() if path is None else path, "cohort", mapping=mapping)


def _load_companion(
    path: Path | str | None,
    kind: str,
    cohort,
    available: Callable[[], bool],
    default: Callable[[], Path],
    noun: str,
    variable: str,
    mapping=None,
) -> pd.DataFrame:
    """Load a file that goes with a cohort (regimens, primary treatment): ``path``, or the one in use."""
    if path is None:
        if not available():
            raise DataError(
                default(),
                kind,
                [
                    Problem(
                        display(default()),
                        None,
                        None,
                        f"no {noun} file for this cohort",
                        f"a {noun} file given as {variable}=... (make book) or ${variable}",
                    )
                ],
            )
        path = default()
    return _load(path, kind, cohort, mapping)


def load_regimens(
    path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None, mapping=None
) -> pd.DataFrame:
    """The validated regimens file (default ``regimens_path()``), checked against ``cohort`` (default: the cohort
    in use).

    Raises :class:`DataError` when invalid, and when no regimen file goes with the cohort in use
    (see :func:`regimens_available`)."""
    return _load_companion(
        path, "regimens", cohort, regimens_available, paths.regimens_path, "regimen", "REGIMENS", mapping
    )


def load_primary_treatment(
    path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None, mapping=None
) -> pd.DataFrame:
    """The validated primary-treatment file (default ``primary_treatment_path()``), checked against ``cohort``
    (default the cohort in use): one line per patient, the facts of the primary tumour's treatment that the
    cohort file has no column for.  Raises :class:`DataError` when invalid, and when no such file goes with the
    cohort in use (see :func:`primary_treatment_available`)."""
    return _load_companion(
        path,
        "primary_treatment",
        cohort,
        primary_treatment_available,
        paths.primary_treatment_path,
        "primary-treatment",
        "PRIMARY_TREATMENT",
        mapping,
    )
