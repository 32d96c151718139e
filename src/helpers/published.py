"""The numbers the paper printed, as data (``data/published/*.csv``; see its README).

``load()`` returns one long DataFrame, one printed number per row::

    id, source, cohort, factor, level, label, statistic, value, bound, decimals, not_reached, note

These are the only published numbers in the project: code compares against them, never outputs them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .paths import PUBLISHED
from .statistics import MEDIANS, judged_at

COLUMNS = [
    "id",
    "source",
    "cohort",
    "factor",
    "level",
    "label",
    "statistic",
    "value",
    "bound",
    "decimals",
    "not_reached",
    "note",
]
SOURCES = ("Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Text", "Abstract")
COHORTS = ("all", "metastasectomy", "no_metastasectomy", "palliative_chemo", "regimens")
FILES = ("table1.csv", "table2.csv", "table3.csv", "table4.csv", "table5.csv", "abstract.csv", "text.csv")
# R's printing rule: R drops trailing zeros, so a printed number stands for the precision it was computed at
# (helpers.statistics: each statistic's ``judged_at``).
MEDIAN_STATS = MEDIANS  # Kaplan-Meier medians: a death time or a midpoint


class PublishedDataError(ValueError):
    """A malformed published-data file; the message names the file, the row and the column."""


def _fail(path: Path, line: int, column: str, msg: str):
    raise PublishedDataError(f"{path}: row {line} (line {line + 1} of the file), column {column!r}: {msg}")


def read_file(path: str | Path) -> pd.DataFrame:
    """Read and validate one published CSV (row numbers in errors count data rows from 1)."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(raw.columns) != COLUMNS:
        raise PublishedDataError(f"{path}: header must be {','.join(COLUMNS)}, got {','.join(raw.columns)}")
    values, decimals, reached = [], [], []
    for i, r in enumerate(raw.itertuples(index=False), start=1):
        if not r.id:
            _fail(path, i, "id", "empty id")
        if r.source not in SOURCES:
            _fail(path, i, "source", f"{r.source!r} is not one of {SOURCES}")
        if r.cohort not in COHORTS:
            _fail(path, i, "cohort", f"{r.cohort!r} is not one of {COHORTS}")
        for col in ("factor", "statistic"):
            if not getattr(r, col):
                _fail(path, i, col, "empty")
        if r.not_reached not in ("True", "False"):
            _fail(path, i, "not_reached", f"{r.not_reached!r} must be True or False")
        nr = r.not_reached == "True"
        if nr:
            if r.value or r.decimals or r.bound:
                _fail(path, i, "value", "a not-reached median has empty value, decimals and bound")
            values.append(math.nan)
            decimals.append(pd.NA)
        else:
            try:
                v = float(r.value)
            except ValueError:
                _fail(path, i, "value", f"{r.value!r} is not a number")
            if not math.isfinite(v):
                _fail(path, i, "value", f"{r.value!r} is not finite")
            try:
                d = int(r.decimals)
            except ValueError:
                _fail(path, i, "decimals", f"{r.decimals!r} is not an integer")
            if d < 0 or round(v, d) != v:
                _fail(path, i, "decimals", f"{r.decimals!r} does not fit value {r.value!r}")
            values.append(v)
            decimals.append(d)
        if r.bound not in ("", "<"):
            _fail(path, i, "bound", f"{r.bound!r} must be empty or '<'")
        reached.append(nr)
    out = raw.copy()
    out["value"] = pd.Series(values, index=raw.index, dtype="float64")
    out["decimals"] = pd.Series(decimals, index=raw.index, dtype="Int64")
    out["not_reached"] = pd.Series(reached, index=raw.index, dtype=bool)
    return out


def judged_decimals(statistic: str, decimals) -> int:
    """The decimals a printed number is judged at: R's printing rule, with its dropped trailing zeros restored.

    R prints a number at the precision it has and drops trailing zeros, so the printed decimals are a lower
    bound.  A Kaplan-Meier median is a death time (one decimal here) or the midpoint of two (76.05): a median
    printed ``83`` stands for 83.0.  The paper gives every p-value and every hazard ratio and confidence limit
    at three decimals (0.175, 0.021, 1.137, 5.411; EZR's ``signif(p, 3)`` would have printed 0.0213): a p
    printed ``0.03`` stands for 0.030, Table 3's ``4.4`` for 4.400 and ``2.48`` for 2.480.

    Parameters
    ----------
    statistic : str
        The row's ``statistic`` (``median_os``, ``p``, ``hr``, ...).
    decimals : int or None
        The decimals as printed (``None`` or NA for a not-reached median).

    Returns
    -------
    int
        ``decimals``, raised to 1 for a median and to 3 for a p-value, hazard ratio or confidence limit
        (:func:`helpers.statistics.judged_at`).
    """
    d = 0 if decimals is None or pd.isna(decimals) else int(decimals)
    return max(d, judged_at(statistic))


def load(directory: str | Path | None = None) -> pd.DataFrame:
    """All published numbers, concatenated in file order, with ids checked unique across files."""
    directory = Path(directory) if directory is not None else PUBLISHED
    frames = []
    for name in FILES:
        path = directory / name
        if not path.exists():
            raise PublishedDataError(f"{path}: missing published-data file")
        frames.append(read_file(path).assign(_file=name))
    df = pd.concat(frames, ignore_index=True)
    dup = df[df["id"].duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        raise PublishedDataError(
            f"{directory / first['_file']}: id {first['id']!r} is not unique (also in {sorted(set(dup['_file']))})"
        )
    return df.drop(columns="_file")


def lookup(id: str, published: pd.DataFrame | None = None) -> pd.Series:
    """The row with this ``id``."""
    df = load() if published is None else published
    hit = df[df["id"] == id]
    if hit.empty:
        raise KeyError(f"no published number with id {id!r}")
    return hit.iloc[0]


def select(published: pd.DataFrame | None = None, **where) -> pd.DataFrame:
    """Rows whose columns equal the given values, e.g. ``select(source="Table 1", statistic="n")``.

    A list or tuple value selects any of its members.
    """
    df = load() if published is None else published
    mask = pd.Series(True, index=df.index)
    for col, want in where.items():
        if col not in df.columns:
            raise KeyError(f"unknown column {col!r}")
        mask &= df[col].isin(want) if isinstance(want, (list, tuple, set)) else df[col] == want
    return df[mask]


def value(id: str, published: pd.DataFrame | None = None) -> float:
    """The printed value of ``id`` (NaN for a not-reached median)."""
    return float(lookup(id, published)["value"])
