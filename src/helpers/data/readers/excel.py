"""Excel workbooks (.xlsx, via openpyxl): one sheet's cells as Excel holds them, placed by sheet and cell."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..problems import Note, Problem
from . import (
    PLAIN,
    TOTALS_EXPECTED,
    Layout,
    Table,
    Unreadable,
    check_header,
    choose_part,
    find_header,
    frame,
    header_of,
    row_names,
    totals_word,
    whole,
)

# a formula over a range of several rows, =SUM(D3:D62): a total, a count or a mean of the rows above, not a record
AGGREGATE = re.compile(r"^=.*\b[A-Z]{1,3}\$?(\d+):\$?[A-Z]{1,3}\$?(\d+)", re.I)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _aggregate(formula) -> bool:
    m = AGGREGATE.match(formula) if isinstance(formula, str) else None
    return bool(m) and m.group(1) != m.group(2)


def read_excel(
    path: Path, shown: str, kinds: tuple[str, ...], sheet: str | None, layout: Layout = PLAIN
) -> tuple[Table | None, list[Problem]]:
    """The data sheet of a workbook: the sheet the mapping names, else the one named after the kind of file, else
    the only one.  The header is the first non-empty row (or the row ``find_header`` finds below a title, or the
    mapping's ``header_row``); empty rows are skipped.  A formula is read by the value Excel saved with it; a
    formula without one is an error (the value is not in the file), and so is a totals row (a formula over the
    rows above it, or a first cell ``Total``, ``合計``, ...)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        return whole(shown, f"not an Excel workbook ({type(e).__name__}: {e})", "an .xlsx workbook")
    name, why = choose_part(values.sheetnames, sheet, kinds, "sheet", "sheet")
    if name is None:
        return whole(shown, *why)
    ws, wf = values[name], formulas[name]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    filled = [(i + 1, r) for i, r in enumerate(grid) if not all(_empty(v) for v in r)]
    source = f"sheet {name}"
    if not filled:
        return whole(shown, f"sheet {name} is empty", "a header row and one row per record")
    at, notes, why = find_header(filled, layout, "row")
    if why is not None:
        return None, [Problem(shown, filled[0][0], None, *why, f"sheet {name}, row {filled[0][0]}")]
    header_row = filled[at][0]
    start = header_row - 1
    raw_header, found = header_of(grid[start])
    notes += found
    while raw_header and raw_header[-1] == "":
        raw_header.pop()
    width = len(raw_header)
    letters = {}

    def locate(row: int | None, column: str | None) -> str | None:
        if row is None:
            return None
        if column is not None and column in letters:
            return f"sheet {name}, cell {letters[column]}{row}"
        return f"sheet {name}, row {row}"

    problems: list[Problem] = []
    records, index = [], []
    for i in range(start + 1, len(grid)):
        cells, row = grid[i], i + 1
        total = _totals(cells, wf, row)
        if total is not None:
            problems.append(Problem(shown, row, None, total, TOTALS_EXPECTED, f"sheet {name}, row {row}"))
            continue
        if all(_empty(v) for v in cells) and not _formulas(wf, row, len(cells)):
            continue
        for j, v in enumerate(cells[width:], start=width):
            if not _empty(v):
                problems.append(
                    Problem(
                        shown,
                        row,
                        None,
                        f"a value ('{v}') in column {get_column_letter(j + 1)}, which has no name in the header row",
                        "every value under a named column",
                        f"sheet {name}, cell {get_column_letter(j + 1)}{row}",
                    )
                )
        cells = (cells + [None] * width)[:width]
        for j, v in enumerate(cells):
            if v is None:
                f = wf.cell(row=row, column=j + 1).value
                if isinstance(f, str) and f.startswith("="):
                    cells[j] = Unreadable(
                        f,
                        "a value: the cell holds a formula whose result Excel did not save "
                        "(open the workbook in Excel and save it, or paste the values)",
                    )
        records.append(cells)
        index.append(row)
    header = raw_header
    what = row_names(header, [r[0] for r in records])
    if what is not None:
        notes.append(Note("normalised", None, f"the first column (A), unnamed, holds {what}: not read"))
        header, records = header[1:], [r[1:] for r in records]
        offset = 1
    else:
        offset = 0
    letters.update({c: get_column_letter(j + 1 + offset) for j, c in enumerate(header) if c})
    header_problems = check_header(header, shown, header_row, f"sheet {name}, row {header_row}")
    if not records:
        header_problems.append(
            Problem(shown, None, None, f"sheet {name} has a header row only", "one row per record after the header")
        )
    if header_problems:
        return None, header_problems
    rows = frame(records, header, index)
    return Table(header, header_row, rows, "excel", source, notes=notes, locate=locate), problems


def _formula(wf, row: int, column: int) -> str | None:
    f = wf.cell(row=row, column=column).value
    return f if isinstance(f, str) and f.startswith("=") else None


def _formulas(wf, row: int, width: int) -> bool:
    """Whether a row whose values are all empty holds formulas (whose results Excel did not save): not empty."""
    return any(_formula(wf, row, j + 1) for j in range(width))


def _totals(cells: list, wf, row: int) -> str | None:
    """What makes a row a totals row (a formula over the rows above, or a first cell naming a total), or None."""
    from openpyxl.utils import get_column_letter

    for j in range(len(cells)):
        f = _formula(wf, row, j + 1)
        if _aggregate(f):
            return f"a totals row (cell {get_column_letter(j + 1)}{row} holds {f}, over several rows)"
    word = totals_word(cells)
    return None if word is None else f"a totals row ('{word}')"
