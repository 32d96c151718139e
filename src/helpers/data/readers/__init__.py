"""Readers: a data file in any supported format -> a :class:`Table` of its cells as read, one row per record.

The format follows from the file's extension (``FORMATS``; anything else is read as CSV).  A reader changes no
value: it returns the cells as the file holds them (text for CSV; numbers, text, dates, booleans for the
others) and says where each row is, in the file's own terms (``Table.locate``).  Turning cells into the
project's text is :mod:`helpers.data.cells`' job, which reports every change it makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..problems import Note, Problem

FORMATS = {
    ".csv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".rds": "r",
    ".rdata": "r",
    ".rda": "r",
    ".sav": "spss",
    ".zsav": "spss",
    ".dta": "stata",
}
FORMAT_NAMES = {"csv": "CSV", "excel": "Excel workbook", "r": "R data file", "spss": "SPSS file", "stata": "Stata file"}
DOC_SHEET = "columns"  # the documentation sheet of ``python -m helpers.data template``: never data


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value is not in the file (an Excel formula saved without its result): ``text`` as written,
    ``why`` it cannot be read.  :mod:`helpers.data.cells` reports it as the cell's problem."""

    text: str
    why: str

    def __str__(self) -> str:
        return self.text


def _csv_place(line: int | None, column: str | None) -> str | None:
    return None  # CSV problems are placed by line number: FILE:LINE


@dataclass
class Table:
    """A file's cells.  ``rows`` has one column per column of the file (the file's names) and object dtype; its
    index is the line number (CSV, header = 1), the sheet row (Excel) or the 1-based row (R, SPSS, Stata).
    ``locate(row, column)`` says where a row, or a cell, is (None: ``FILE:LINE``)."""

    header: list[str]
    header_line: int
    rows: pd.DataFrame
    format: str = "csv"
    source: str = ""  # which part of the file was read, in words ("sheet cohort"), empty when the file has one
    labels: dict[str, dict] = field(default_factory=dict)  # value labels by column (SPSS, Stata)
    missing_codes: dict[str, Callable[[object], bool]] = field(default_factory=dict)  # SPSS user-missing values
    single: set[str] = field(default_factory=set)  # columns stored as single-precision numbers (Stata float)
    notes: list[Note] = field(default_factory=list)  # what reading left out (row names), reported
    locate: Callable[[int | None, str | None], str | None] = _csv_place


def format_of(path: Path | str) -> str:
    """``"csv"``, ``"excel"``, ``"r"``, ``"spss"`` or ``"stata"``, from the file's extension."""
    return FORMATS.get(Path(path).suffix.lower(), "csv")


def whole(shown: str, found: str, expected: str) -> tuple[None, list[Problem]]:
    """A problem of the file as a whole: no table."""
    return None, [Problem(shown, None, None, found, expected)]


def choose_part(
    names: Iterable[str], wanted: str | None, kinds: Iterable[str], noun: str, option: str
) -> tuple[str | None, tuple[str, str] | None]:
    """Which sheet (or R object) of a file holds the data: the one the mapping names (``wanted``), else the one
    named after the kind of file, else the only one.  Returns ``(name, None)``, or ``(None, (found, expected))``
    for the problem when there is no such part or more than one could be meant."""
    names, kinds = list(names), list(kinds)
    listed = ", ".join(names) if names else "none"
    if wanted is not None:
        if wanted in names:
            return wanted, None
        return None, (
            f"no {noun} named {wanted} (the file has: {listed})",
            f"the {noun} that the mapping's {option} names",
        )
    named = [n for n in names if n in kinds]
    if len(named) == 1:
        return named[0], None
    data = [n for n in names if n != DOC_SHEET]
    if not named and len(data) == 1:
        return data[0], None
    if len(named) > 1:
        return None, (f"{len(names)} {noun}s ({listed})", f"--kind ({', '.join(named)}) to say which to read")
    return None, (
        f"{len(names)} {noun}s ({listed})",
        f"one {noun}, or one named after the kind of file ({', '.join(kinds)}), "
        f"or the {noun} named by the mapping's {option}",
    )


def frame(records: list[list], header: list[str], index: list[int]) -> pd.DataFrame:
    """An object frame of the cells, missing cells as NaN, indexed by row."""
    out = pd.DataFrame(records, columns=header, index=pd.Index(index, name="line"), dtype=object)
    return out.where(out.notna(), float("nan"))


def check_header(header: list[str], shown: str, line: int, place: str | None = None) -> list[Problem]:
    """Every column named, and each name once."""
    problems, seen = [], set()
    for name in header:
        if not name:
            problems.append(Problem(shown, line, "(header)", "", "a column name in every header field", place))
        elif name in seen:
            problems.append(Problem(shown, line, name, name, "each column name once in the header", place))
        seen.add(name)
    return problems


def row_names(header: list[str], first: list) -> str | None:
    """When the first column has no name and holds 1, 2, ... (R's row names) or 0, 1, ... (a pandas index), what
    it is; else None.  Such a column is a by-product of writing the file, not data."""
    if len(header) < 2 or header[0] != "" or "" in header[1:] or not first:
        return None
    text = [str(v).strip() for v in first]
    for start, what in ((1, "R's row names"), (0, "a pandas index")):
        if text == [str(i) for i in range(start, start + len(text))]:
            return f"{what} ({start} to {start + len(text) - 1})"
    return None


def read(
    path: Path, shown: str, raw: bytes | None = None, kinds: Iterable[str] = (), part: str | None = None
) -> tuple[Table | None, list[Problem]]:
    """The file's :class:`Table` (None when it cannot be read at all) and the problems of reading it.  ``kinds``
    are the kinds of file it may be (to find a sheet or object named after one); ``part`` is the sheet or object
    the mapping names."""
    fmt = "csv" if raw is not None else format_of(path)
    if raw is None and fmt != "csv":
        if not path.exists():
            return whole(shown, "file not found", f"an existing {FORMAT_NAMES[fmt]}")
        if path.is_dir():
            return whole(shown, "is a directory", f"a {FORMAT_NAMES[fmt]}")
    if fmt == "excel":
        from .excel import read_excel

        return read_excel(path, shown, tuple(kinds), part)
    if fmt == "r":
        from .r import read_r

        return read_r(path, shown, tuple(kinds), part)
    if fmt in ("spss", "stata"):
        from .stats import read_stats

        return read_stats(path, shown, fmt)
    if path.suffix.lower() == ".xls" and raw is None:
        return whole(shown, "an Excel 97-2003 workbook (.xls)", "an .xlsx workbook (in Excel: Save As, Excel Workbook)")
    from .text import read_table

    return read_table(path, shown, raw)
