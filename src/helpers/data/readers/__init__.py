"""Readers: a data file in any supported format -> a :class:`Table` of its cells as read, one row per record.

The format follows from the file's extension (``FORMATS``; anything else is read as CSV).  A reader changes no
value: it returns the cells as the file holds them (text for CSV; numbers, text, dates, booleans for the
others) and says where each row is, in the file's own terms (``Table.locate``).  Turning cells into the
project's text is :mod:`helpers.data.cells`' job, which reports every change it makes.
"""

from __future__ import annotations

import re
import unicodedata
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
HEADER_SEARCH = 20  # how many rows from the top may hold the header (a title and notes above it)
TOTAL_WORDS = frozenset({"total", "totals", "sum", "mean", "average", "合計", "総計", "小計", "計", "平均"})


@dataclass(frozen=True)
class Layout:
    """How to find the data in a file: the header's row (or line) when the mapping gives it (``header_row``, else
    it is found), the text encoding of a CSV file (``encoding``, else UTF-8), and the column names a header may
    hold (ours and the mapping's), by which a header below a title is recognised."""

    header_row: int | None = None
    encoding: str | None = None
    names: frozenset[str] = frozenset()


PLAIN = Layout()  # the header in the first non-empty row, UTF-8 text


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
    source: str = ""  #: which part of the file was read, in words ("sheet cohort"), empty when the file has one
    labels: dict[str, dict] = field(default_factory=dict)  #: value labels by column (SPSS, Stata)
    missing_codes: dict[str, Callable[[object], bool]] = field(default_factory=dict)  #: SPSS user-missing values
    single: set[str] = field(default_factory=set)  #: columns stored as single-precision numbers (Stata float)
    notes: list[Note] = field(default_factory=list)  #: what reading left out (row names), reported
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


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")


def header_name(value) -> str:
    """A header cell as a column name: stripped, and a name written on two lines (Alt+Enter in Excel) read as one
    line, the break a space, or nothing between two CJK characters (``症例`` + break + ``番号`` is ``症例番号``)."""
    text = "" if value is None else str(value).strip()

    def join(m: re.Match) -> str:
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        return "" if _wide(before) and _wide(after) else " "

    return re.sub(r"[ \t]*[\r\n]+[ \t]*", join, text)


def header_of(cells: list) -> tuple[list[str], list[Note]]:
    """The column names of a header row, and the note on any name written on two lines."""
    names = [header_name(v) for v in cells]
    broken = [n for v, n in zip(cells, names) if isinstance(v, str) and ("\n" in v or "\r" in v)]
    notes = []
    if broken:
        s = "s" if len(broken) != 1 else ""
        notes.append(
            Note(
                "normalised",
                None,
                f"{len(broken)} column name{s} written on two lines read as one: " + ", ".join(broken),
            )
        )
    return names, notes


def _filled(cells: list) -> list:
    return [v for v in cells if not (v is None or (isinstance(v, str) and not v.strip()) or v != v)]


def find_header(
    records: list[tuple[int, list]], layout: Layout, noun: str
) -> tuple[int | None, list[Note], tuple[str, str] | None]:
    """Which of the file's non-empty rows (``records``: ``(number, cells)``, ``number`` the row or line) is the
    header: the one the mapping's ``header_row`` names, else the first, unless a row further down (within
    ``HEADER_SEARCH``) names more of the known columns (``layout.names``): a title or notes above the header.
    Returns ``(position in records, notes, None)``, or ``(None, [], (found, expected))`` when the first row looks
    like a title and no header is recognised below it (``noun`` is "row" or "line")."""
    if layout.header_row is not None:
        at = next((i for i, (n, _) in enumerate(records) if n == layout.header_row), None)
        if at is None:
            return (
                None,
                [],
                (
                    f"{noun} {layout.header_row} (the mapping's header_row) is empty or past the end",
                    "header_row: the number of the header's " + noun,
                ),
            )
        notes = []
        if at > 0:
            notes.append(
                Note(
                    "normalised",
                    None,
                    f"the header is {noun} {layout.header_row} (the mapping's "
                    f"header_row); {_above(records[:at], noun)} above it not read",
                )
            )
        return at, notes, None

    def known(cells: list) -> int:
        return sum(1 for v in cells if isinstance(v, str) and header_name(v) in layout.names)

    scores = [known(cells) for _, cells in records[:HEADER_SEARCH]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores else 0
    if best > 0 and scores[best] >= 2 and scores[best] > scores[0]:
        n = records[best][0]
        note = (
            f"the header is {noun} {n}, the first that names the file's columns ({scores[best]} known names); "
            f"{_above(records[:best], noun)} above it not read (give header_row: {n} in the mapping to say so)"
        )
        return best, [Note("normalised", None, note)], None
    if len(records) > 1:
        first, second = _filled(records[0][1]), _filled(records[1][1])
        if len(first) == 1 and len(second) >= 3:
            return (
                None,
                [],
                (
                    f"{noun} {records[0][0]} holds a single cell ('{first[0]}') above {noun} {records[1][0]} of "
                    f"{len(second)} cells: a title above the header?",
                    f"the header as the first non-empty {noun}: delete the title, or give header_row: "
                    f"{records[1][0]} in the mapping",
                ),
            )
    return 0, [], None


def _above(records: list[tuple[int, list]], noun: str) -> str:
    texts = [str(v).strip() for _, cells in records for v in _filled(cells)][:3]
    what = f"{noun} {records[0][0]}" if len(records) == 1 else f"{noun}s {records[0][0]} to {records[-1][0]}"
    return f"{what} ('" + "', '".join(texts) + "')" if texts else what


def totals_word(cells: list) -> str | None:
    """The first cell of a row when it names a total or a mean (``合計``, ``Total:``), else None."""
    filled = _filled(cells)
    if filled and isinstance(filled[0], str) and filled[0].strip().rstrip(":：").strip().lower() in TOTAL_WORDS:
        return filled[0].strip()
    return None


TOTALS_EXPECTED = "one row per record: a totals row is not data (delete it, or move it to another sheet)"


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
    path: Path,
    shown: str,
    raw: bytes | None = None,
    kinds: Iterable[str] = (),
    part: str | None = None,
    layout: Layout = PLAIN,
) -> tuple[Table | None, list[Problem]]:
    """The file's :class:`Table` (None when it cannot be read at all) and the problems of reading it.  ``kinds``
    are the kinds of file it may be (to find a sheet or object named after one); ``part`` is the sheet or object
    the mapping names; ``layout`` where the header is and the encoding of a CSV file."""
    fmt = "csv" if raw is not None else format_of(path)
    if raw is None and fmt != "csv":
        if not path.exists():
            return whole(shown, "file not found", f"an existing {FORMAT_NAMES[fmt]}")
        if path.is_dir():
            return whole(shown, "is a directory", f"a {FORMAT_NAMES[fmt]}")
    if fmt == "excel":
        from .excel import read_excel

        return read_excel(path, shown, tuple(kinds), part, layout)
    if fmt == "r":
        from .r import read_r

        return read_r(path, shown, tuple(kinds), part)
    if fmt in ("spss", "stata"):
        from .stats import read_stats

        return read_stats(path, shown, fmt)
    if path.suffix.lower() == ".xls" and raw is None:
        return whole(shown, "an Excel 97-2003 workbook (.xls)", "an .xlsx workbook (in Excel: Save As, Excel Workbook)")
    from .text import read_table

    return read_table(path, shown, raw, layout)
