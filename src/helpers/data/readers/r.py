"""R data files (.rds from ``saveRDS``, .RData/.rda from ``save``, via pyreadr): one data frame, placed by row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..problems import Problem
from . import Table, check_header, choose_part, frame, whole


def locate_row(row: int | None, column: str | None) -> str | None:
    """``row N`` (R's row number) for a cell or row, ``column names`` for the header (row 0)."""
    if row is None:
        return None
    return "column names" if row == 0 else f"row {row}"


def table_of(
    df: pd.DataFrame,
    shown: str,
    fmt: str,
    source: str = "",
    labels: dict | None = None,
    missing_codes: dict | None = None,
    single: set[str] | None = None,
) -> tuple[Table | None, list[Problem]]:
    """A data frame read from a binary file, as a :class:`Table` whose rows are numbered 1, 2, ... and whose cells
    are Python values (categoricals read by their labels)."""
    header = [str(c).strip() for c in df.columns]
    problems = check_header(header, shown, 0, "column names")
    if len(df) == 0:
        problems.append(Problem(shown, None, None, "no rows", "one row per record"))
    if problems:
        return None, problems
    columns = []
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        columns.append(s.astype(object).tolist())
    records = [list(r) for r in zip(*columns)]
    rows = frame(records, header, list(range(1, len(df) + 1)))
    return Table(
        header, 0, rows, fmt, source, labels or {}, missing_codes or {}, single or set(), locate=locate_row
    ), []


def serialization_version(path: Path) -> int | None:
    """The version of R's serialization format (2, or 3 since R 3.5) a .rds or .RData file is written in, or None
    when it cannot be told."""
    import bz2
    import gzip
    import lzma

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    for unpack in (gzip.decompress, bz2.decompress, lzma.decompress):
        try:
            raw = unpack(raw)
            break
        except Exception:  # not this compression
            continue
    if raw[:5] in (b"RDX2\n", b"RDX3\n"):  # save(): a header before the serialization
        raw = raw[5:]
    if raw[:2] not in (b"X\n", b"B\n"):
        return None
    return int.from_bytes(raw[2:6], "big")


def read_r(path: Path, shown: str, kinds: tuple[str, ...], name: str | None) -> tuple[Table | None, list[Problem]]:
    """The data frame of an .rds file, or of an .RData file the one the mapping's ``object`` names, else the one
    named after the kind of file, else the only one.  Factors are read by their labels, logicals as
    ``True``/``False``, ``Date`` as dates."""
    import pyreadr

    try:
        found = pyreadr.read_r(str(path))
    except Exception as e:  # pyreadr raises its own LibrdataError and others for files it cannot read
        version = serialization_version(path)
        if version is not None and version >= 3:
            return whole(
                shown,
                f"cannot be read ({type(e).__name__}: {e}): saved by R 3.5 or later in its format 3, whose "
                "compact vectors (a factor of 1:n, for one) this reader cannot read",
                'the file saved again in format 2: saveRDS(x, "file.rds", version = 2), or '
                'save(..., file = "file.RData", version = 2)',
            )
        return whole(
            shown,
            f"cannot be read as an R data file ({type(e).__name__}: {e})",
            "a data frame saved by R's saveRDS() (.rds) or save() (.RData)",
        )
    objects = {("" if k is None else k): v for k, v in found.items()}
    if path.suffix.lower() == ".rds" or list(objects) == [""]:
        key, source = next(iter(objects), None), ""
        if key is None:
            return whole(shown, "no data frame in the file", "a data frame saved by saveRDS()")
    else:
        key, why = choose_part(objects, name, kinds, "object", "object")
        if key is None:
            return whole(shown, *why)
        source = f"object {key}"
    df = objects[key]
    if not isinstance(df, pd.DataFrame):
        return whole(shown, "not a data frame", "a data frame")
    return table_of(df, shown, "r", source)
