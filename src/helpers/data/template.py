"""``python -m helpers.data template --out FILE``: an empty file to fill in, and the documentation of its columns.

``FILE.csv`` gets the header line, with ``FILE.columns.csv`` beside it; ``FILE.xlsx`` gets a sheet named after
the kind of file (the header row, frozen, with drop-down lists for the categories and 0/1 columns) and a
``columns`` sheet.  Both document every column: meaning, unit, allowed values, whether it may be empty (and, for
a cohort, the dates that may stand in for the month columns).  Written whole or not at all, byte-identical
each time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .problems import DataError, Problem, display
from .readers import DOC_SHEET
from .specs import COLUMNS, DATE_COLUMNS, DATE_DOCS, DERIVED_FROM, DOCS, SPECS

DOC_HEADER = ["column", "meaning", "unit / type", "allowed values", "may be empty?"]
GENERAL = [
    "One row per record, one column per column below (in any order); no other columns.",
    "Missing: leave the cell empty, only where 'may be empty?' allows it.",
    "0/1 columns: 0 = no, 1 = yes. Numbers with a dot as decimal separator. Categories exactly as listed.",
    "Your own column names and codes: a mapping file (see data/README.md), instead of renaming them here.",
    "Check the file with: python -m helpers.data validate FILE",
]
FIXED_TIME = dt.datetime(2022, 1, 1)  # the workbook's recorded creation time: fixed, so the bytes are too


def plain(text: str) -> str:
    """Markdown (as in data/README.md) as plain text."""
    return re.sub(r"\*\*|`", "", text)


def doc_rows(kind: str) -> list[list[str]]:
    """One row per column: name, meaning, unit, allowed values, whether it may be empty (plain text); for a cohort,
    the date columns that may replace the month columns follow."""
    rows = [[name, *map(plain, DOCS[kind][name])] for name in COLUMNS[kind]]
    if kind == "cohort":
        for name in DATE_COLUMNS:
            meaning, unit, allowed, empty = map(plain, DATE_DOCS[name])
            replaces = [c for c, dates in DERIVED_FROM.items() if name in dates]
            rows.append(
                [
                    name,
                    f"{meaning} (optional: instead of {', '.join(replaces)}, see data/README.md)",
                    unit,
                    allowed,
                    empty,
                ]
            )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _stable_zip(data: bytes) -> bytes:
    """The same workbook with every timestamp fixed (the zip entries', and the "modified" time openpyxl stamps
    when saving), so that the same template gives the same bytes."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            dst.writestr(fixed, content)
    return out.getvalue()


def _xlsx(kind: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    wb.properties.creator = "helpers.data template"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.active
    ws.title = kind
    bold = Font(bold=True)
    for j, spec in enumerate(SPECS[kind], start=1):
        cell = ws.cell(row=1, column=j, value=spec.name)
        cell.font = bold
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(10, len(spec.name) + 2)
        if spec.allowed:
            rule = DataValidation(type="list", formula1='"' + ",".join(spec.allowed) + '"', allow_blank=True)
            rule.error = f"{spec.name}: one of {', '.join(spec.allowed)}"
            rule.add(f"{letter}2:{letter}1000")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    doc = wb.create_sheet(DOC_SHEET)
    for j, name in enumerate(DOC_HEADER, start=1):
        doc.cell(row=1, column=j, value=name).font = bold
    rows = doc_rows(kind)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            doc.cell(row=i, column=j, value=value).alignment = Alignment(wrap_text=True, vertical="top")
    for i, text in enumerate(GENERAL, start=len(rows) + 3):
        doc.cell(row=i, column=1, value=text)
    for letter, width in zip("ABCDE", (32, 70, 18, 40, 30)):
        doc.column_dimensions[letter].width = width
    doc.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def _write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: each to a temporary file beside it, then all renamed into place."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temps[path] = Path(tmp)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only
        for path, tmp in temps.items():
            os.replace(tmp, path)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def write_template(out: Path | str, kind: str = "cohort", force: bool = False) -> list[Path]:
    """Write an empty ``kind`` file to fill in at ``out`` (``.csv`` or ``.xlsx``) with the documentation of its
    columns (``FILE.columns.csv`` beside a CSV, a ``columns`` sheet in a workbook); the paths written.  Raises
    :class:`DataError` (nothing written) for another extension, a missing folder, or a file that exists unless
    ``force``."""
    out = Path(out)
    shown = display(out)
    suffix = out.suffix.lower()
    if kind not in SPECS:
        raise ValueError(f"kind must be one of {', '.join(SPECS)}, not {kind!r}")
    if suffix == ".csv":
        files = {
            out: _csv([COLUMNS[kind]]),
            out.with_name(out.stem + ".columns.csv"): _csv([DOC_HEADER, *doc_rows(kind)]),
        }
    elif suffix == ".xlsx":
        files = {out: _xlsx(kind)}
    else:
        raise DataError(
            out, None, [Problem(shown, None, None, f"a {suffix or 'extensionless'} file name", "FILE.csv or FILE.xlsx")]
        )
    if not out.parent.is_dir():
        raise DataError(
            out, None, [Problem(shown, None, None, "its folder does not exist", "a file name in an existing folder")]
        )
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise DataError(
            out,
            None,
            [
                Problem(display(p), None, None, "already exists", "a new file name, or --force to replace it")
                for p in existing
            ],
        )
    _write_all(files)
    return list(files)
