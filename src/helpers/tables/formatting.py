"""How a number reads in a table: printed as the paper printed it (``format_printed``), reproduced at the
printed precision (``format_reproduced``, ``reproduced_decimals``), a match as ✓ / ✗ / – (``match_mark``), and
the medians and p values of the univariate layout."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..scorecard import MEDIAN_STATS, NO_FINITE, NO_PATIENTS, judged_decimals
from ..statistics import median_decimals

MATCH_MARKS = {True: "✓", False: "✗"}
NOT_COMPUTED = "–"


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, str) and not x)


def _decimals(row) -> int:
    d = row.get("decimals")
    return 0 if _missing(d) else int(d)


def format_printed(row) -> str:
    """A published number as the paper printed it: ``"N.A."``, ``"<0.001"``, ``"76.05"``, ``"41"``."""
    if bool(row.get("not_reached")):
        return "N.A."
    value = row["value"]
    if _missing(value):
        return NOT_COMPUTED
    bound = row.get("bound")
    prefix = "" if _missing(bound) or not bound else str(bound)
    return f"{prefix}{value:.{_decimals(row)}f}"


def format_reproduced(row) -> str:
    """A reproduced number at the printed precision.

    A bounded row (``<0.001``) shows ``<0.001`` when the reproduced value is below the bound, else the value
    to the bound's decimals; a median not reached (missing, but judged by the scorecard) shows ``N.A.``;
    anything not reproduced ``–``.
    """
    value = row["reproduced"]
    note = row.get("note")
    if note == NO_PATIENTS:
        return "no patients"
    if isinstance(note, str) and note.startswith(NO_FINITE):
        return NO_FINITE  # the fit's estimate runs off to infinity: no number to print (the note says why)
    if _missing(value) or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        reached_test = not _missing(row.get("match"))  # the scorecard judged it: a median not reached
        return "N.A." if reached_test and str(row.get("statistic", "")).startswith("median") else NOT_COMPUTED
    value = float(value)
    bound = row.get("bound")
    if not _missing(bound) and bound == "<" and value < float(row["value"]):
        return f"<{float(row['value']):.{_decimals(row)}f}"
    return f"{value:.{reproduced_decimals(row, value)}f}"


def reproduced_decimals(row, value: float) -> int:
    """The decimals a reproduced number is shown with: those it was judged at
    (:func:`helpers.scorecard.judged_decimals`; a median printed "83" is judged, and shown, as 83.0), or two
    for a median that is the midpoint of two times (76.05), which R prints with both."""
    statistic = str(row.get("statistic", ""))
    printed_na = _missing(row.get("decimals"))  # printed "N.A.": no printed precision
    d = 1 if printed_na else judged_decimals(statistic, _decimals(row))
    if statistic in MEDIAN_STATS and d < 2 and abs(round(value, 2) - round(value, d)) > 1e-9:
        return 2
    return d


def match_mark(match) -> str:
    """``✓`` for a match, ``✗`` for a miss, ``–`` when the number could not be reproduced."""
    return NOT_COMPUTED if _missing(match) else MATCH_MARKS[bool(match)]


def _median_text(m: float) -> str:
    """A KM median as R prints it, at the precision it has: a death time at one decimal (``83.0``), the midpoint
    of two at two (``76.05``); ``N.A.`` when not reached."""
    return "N.A." if not np.isfinite(m) else f"{m:.{median_decimals(m)}f}"


def _p_text(p: float) -> str:
    if p is None or not np.isfinite(p):
        return NOT_COMPUTED
    return "<0.001" if p < 0.001 else f"{p:.3f}"
