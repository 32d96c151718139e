"""CSV: the file's text as a string frame indexed by line number (header = line 1)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..problems import Problem


@dataclass
class Table:
    header: list[str]
    header_line: int
    rows: pd.DataFrame  # object dtype, stripped text, NaN for empty; index = line number in the file


def read_table(path: Path, shown: str, raw: bytes | None = None) -> tuple[Table | None, list[Problem]]:
    """Read a CSV file (or its ``raw`` bytes) as text.  Problems of the file as a whole come back with ``None``."""

    def whole(found: str, expected: str) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, None, None, found, expected)]

    if raw is None:
        if not path.exists():
            return whole("file not found", "an existing CSV file")
        if path.is_dir():
            return whole("is a directory", "a CSV file")
        try:
            raw = path.read_bytes()
        except OSError as e:
            return whole(f"cannot be read ({e.strerror})", "a readable CSV file")
    if not raw.strip():
        return whole("file is empty", "a header line and one line per row")
    if b"\x00" in raw:
        return whole("not CSV text (binary data)", "a comma-separated text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return whole(f"not CSV text (not UTF-8 at byte {e.start})", "a comma-separated UTF-8 text file")

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if len(fields) <= 1 and not "".join(fields).strip():
                continue  # blank line
            records.append((start, [f.strip() for f in fields]))
    except csv.Error as e:
        return None, [Problem(shown, reader.line_num, None, "not CSV text", f"valid CSV ({e})")]

    if not records:
        return whole("file is empty", "a header line and one line per row")
    header_line, header = records[0]
    problems: list[Problem] = []
    if len(header) == 1:
        sep = next((s for s in (";", "\t", "|") if s in header[0]), None)
        if sep is not None:
            name = {";": "semicolon", "\t": "tab", "|": "'|'"}[sep]
            return whole(f"not comma-separated (the header looks {name}-separated)",
                         "comma-separated values, as in data/cohort.csv")
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(shown, header_line, "(header)", "", "a column name in every header field"))
        elif name in seen:
            problems.append(Problem(shown, header_line, name, name, "each column name once in the header"))
        seen.add(name)
    if len(records) == 1:
        problems.append(Problem(shown, None, None, "header only, no data lines", "one line per row after the header"))
    if problems:
        return None, problems

    good: list[list[str]] = []
    lines: list[int] = []
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(Problem(shown, line, None, f"{len(fields)} fields",
                                    f"{len(header)} comma-separated fields, as in the header"))
            continue
        good.append(fields)
        lines.append(line)
    frame = pd.DataFrame(good, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.mask(frame.eq(""))
    return Table(header, header_line, frame), problems
