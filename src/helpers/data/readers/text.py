"""CSV: the file's text as a string frame indexed by line number (header = line 1)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..problems import Note, Problem
from . import Table, check_header, frame, row_names, whole


def read_table(path: Path, shown: str, raw: bytes | None = None) -> tuple[Table | None, list[Problem]]:
    """Read a CSV file (or its ``raw`` bytes) as text.  Problems of the file as a whole come back with ``None``.

    Cells are the text as written (an empty cell is NaN); surrounding spaces are left to
    :mod:`helpers.data.cells`, which reports removing them."""
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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return whole(shown, f"not CSV text (not UTF-8 at byte {e.start})", "a comma-separated UTF-8 text file")

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if len(fields) <= 1 and not "".join(fields).strip():
                continue  # blank line
            records.append((start, fields))
    except csv.Error as e:
        return None, [Problem(shown, reader.line_num, None, "not CSV text", f"valid CSV ({e})")]

    if not records:
        return whole(shown, "file is empty", "a header line and one line per row")
    header_line, header = records[0][0], [f.strip() for f in records[0][1]]
    if len(header) == 1:
        sep = next((s for s in (";", "\t", "|") if s in header[0]), None)
        if sep is not None:
            name = {";": "semicolon", "\t": "tab", "|": "'|'"}[sep]
            return whole(
                shown,
                f"not comma-separated (the header looks {name}-separated)",
                "comma-separated values, as in data/cohort.csv",
            )
    notes = []
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
        if len(fields) != len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"{len(fields) + (index_column is not None)} fields",
                    f"{len(header) + (index_column is not None)} comma-separated fields, as in the header",
                )
            )
            continue
        good.append(fields)
        lines.append(line)
    rows = frame(good, header, lines)
    rows = rows.mask(rows.eq(""))
    return Table(header, header_line, rows, notes=notes), problems
