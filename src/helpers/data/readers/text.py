"""CSV: the file's text as a string frame indexed by line number (header = line 1)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..problems import Note, Problem
from . import (
    PLAIN,
    TOTALS_EXPECTED,
    Layout,
    Table,
    check_header,
    find_header,
    frame,
    header_of,
    row_names,
    totals_word,
    whole,
)

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")


def decode(raw: bytes, encoding: str | None) -> tuple[str | None, list[Note], tuple[str, str] | None]:
    """The text of a CSV file: UTF-8 (a byte-order mark allowed), or the mapping's ``encoding``.  Returns
    ``(text, notes, None)``, or ``(None, [], (found, expected))`` with a hint at the encoding the file looks like."""
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as e:
            return None, [], (f"not {encoding} text (at byte {e.start})", "text in the mapping's encoding")
        return text, [Note("normalised", None, f"read as {encoding} text (the mapping's encoding)")], None
    try:
        return raw.decode("utf-8-sig"), [], None
    except UnicodeDecodeError as e:
        found = f"not UTF-8 text (at byte {e.start})"
    try:
        japanese = bool(JAPANESE.search(raw.decode("cp932")))
    except UnicodeDecodeError:
        japanese = False
    if japanese:
        return (
            None,
            [],
            (
                f"{found}: it reads as Shift-JIS (cp932), the encoding Japanese Excel saves CSV in",
                "UTF-8 text, or encoding: cp932 in the mapping (or save it from Excel as 'CSV UTF-8')",
            ),
        )
    return (
        None,
        [],
        (
            found,
            "UTF-8 text, or the file's encoding in the mapping (encoding: cp1252 for Western European Excel, "
            "cp932 for Japanese; or save it from Excel as 'CSV UTF-8')",
        ),
    )


def read_table(
    path: Path, shown: str, raw: bytes | None = None, layout: Layout = PLAIN
) -> tuple[Table | None, list[Problem]]:
    """Read a CSV file (or its ``raw`` bytes) as text.  Problems of the file as a whole come back with ``None``.

    Cells are the text as written (an empty cell is NaN); surrounding spaces are left to
    :mod:`helpers.data.cells`, which reports removing them.  Lines of empty fields only are blank lines; the
    header is the first line, or the line ``find_header`` finds below a title."""
    if raw is None:
        if not path.exists():
            return whole(shown, "file not found", "an existing CSV file")
        if path.is_dir():
            return whole(shown, "is a directory", "a CSV file")
        try:
            raw = path.read_bytes()
        except OSError as e:
            return whole(shown, f"cannot be read ({e.strerror})", "a readable CSV file")
    if not raw.strip():
        return whole(shown, "file is empty", "a header line and one line per row")
    if b"\x00" in raw:
        return whole(shown, "not CSV text (binary data)", "a comma-separated text file")
    text, notes, why = decode(raw, layout.encoding)
    if why is not None:
        return whole(shown, *why)

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if not "".join(fields).strip():
                continue  # blank line, or a line of empty fields (a blank row of a spreadsheet)
            records.append((start, fields))
    except csv.Error as e:
        return None, [Problem(shown, reader.line_num, None, "not CSV text", f"valid CSV ({e})")]

    if not records:
        return whole(shown, "file is empty", "a header line and one line per row")
    at, found, why = find_header(records, layout, "line")
    if why is not None:
        return None, [Problem(shown, records[0][0], None, *why)]
    notes += found
    records = records[at:]
    header, found = header_of(records[0][1])
    header_line = records[0][0]
    notes += found
    if len(header) == 1:
        sep = next((s for s in (";", "\t", "|") if s in header[0]), None)
        if sep is not None:
            name = {";": "semicolon", "\t": "tab", "|": "'|'"}[sep]
            return whole(
                shown,
                f"not comma-separated (the header looks {name}-separated)",
                "comma-separated values, as in data/cohort.csv",
            )
    index_column = row_names(header, [fields[0] for _, fields in records[1:] if len(fields) == len(header)])
    if index_column is not None:
        notes.append(Note("normalised", None, f"the first column, unnamed, holds {index_column}: not read"))
        header = header[1:]
        records = [(records[0][0], records[0][1][1:])] + [(line, f[1:]) for line, f in records[1:]]
    problems = check_header(header, shown, header_line)
    if len(records) == 1:
        problems.append(Problem(shown, None, None, "header only, no data lines", "one line per row after the header"))
    if problems:
        return None, problems

    good: list[list[str]] = []
    lines: list[int] = []
    for line, fields in records[1:]:
        total = totals_word(fields)
        if total is not None:
            problems.append(Problem(shown, line, None, f"a totals row ('{total}')", TOTALS_EXPECTED))
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"{len(fields) + (index_column is not None)} fields",
                    f"{len(header) + (index_column is not None)} comma-separated fields, as in the header "
                    "(a decimal comma, or a comma in a value without quotes around it?)",
                )
            )
            continue
        good.append(fields)
        lines.append(line)
    rows = frame(good, header, lines)
    rows = rows.mask(rows.eq(""))
    return Table(header, header_line, rows, notes=notes), problems
