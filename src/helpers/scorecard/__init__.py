"""Printed versus reproduced: every published number recomputed from a cohort (and its regimens).

``reproduce(cohort, regimens=None, primary=None)`` returns the rows of ``helpers.published.load()`` with more
columns, in the published order:

- ``reproduced``: the number recomputed from the data (float; NaN when not computable or not reached);
- ``match``: bool, DESIGN.md's rule (see :func:`matches`);
- ``how``: what was computed, in words (or why nothing could be), ending with the helper that computed it;
- ``function``: that helper's qualified name (``helpers.survival.km.km_median`` ...; :mod:`helpers.scorecard.rules`
  holds the registry of rules that says which helper computes which printed number);
- ``computed``: False when the number cannot be computed from the given files (then ``reproduced`` is NaN,
  ``match`` False and ``how`` says why: e.g. "no regimen file", "no primary-treatment file (no cohort column
  records ...)");
- ``kind``: ``count`` (counts, percentages, response rates), ``descriptive`` (median/range of a
  non-survival column) or ``time`` (anything computed from survival or follow-up times): the one vocabulary
  of :mod:`helpers.statistics`;
- ``note``: what the page must say beside the number, or "": :data:`NO_PATIENTS` for a statistic of a level
  with no patients (never a match: a median "not reached" of nobody is no median), or the Cox fit's warning
  when its estimate for the row's covariate may be infinite or the fit did not converge.

Every statistic comes from ``helpers.survival`` (EZR's conventions: R's median rule, log-log CIs by default,
Breslow Cox hard-coded) and ``helpers.responses``; populations and levels from ``helpers.factors``.  Nothing
here knows a published value except through the row it is compared with.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import published, statistics
from ..published import MEDIAN_STATS, judged_decimals  # R's printing rule (re-exported)
from . import rules

SLACK = 1e-9
# What the page says beside a number (``note``) and why a number is missing, from the rules
NO_PATIENTS, NO_FINITE = rules.NO_PATIENTS, rules.NO_FINITE


def interval(value: float, decimals, bound: str = "", statistic: str = "") -> tuple[float, float]:
    """The closed interval of reproduced values that match ``value`` as printed (DESIGN.md's rule).

    A number matches when it rounds to the printed value at :func:`judged_decimals` (both ends included, with
    float slack); a Kaplan-Meier median only when it *prints* as the paper printed it: the ends are excluded,
    since 83.05 is a midpoint R prints as 83.05, not 83.  A ``<`` bound: anything below the value.
    """
    if bound == "<":
        return -math.inf, value * (1 - 1e-12)
    half = 0.5 * 10.0 ** -judged_decimals(statistic, decimals)
    slack = SLACK * max(1.0, abs(value))
    if statistic in MEDIAN_STATS:
        return value - half + slack, value - slack + half
    return value - half - slack, value + half + slack


def row_interval(row) -> tuple[float, float]:
    """:func:`interval` of a published row (``value``, ``decimals``, ``bound``: empty or NaN, or "<";
    ``statistic``)."""
    bound = row["bound"] if isinstance(row["bound"], str) else ""
    return interval(row["value"], row["decimals"], bound, row["statistic"])


def matches(value: float, decimals, bound: str, not_reached: bool, reproduced: float, statistic: str = "") -> bool:
    """DESIGN.md's rule: the reproduced value lies in :func:`interval`; a not-reached median matches when the
    reproduced one is NaN (not reached either)."""
    if not_reached:
        return bool(pd.isna(reproduced))
    if reproduced is None or pd.isna(reproduced):
        return False
    lo, hi = interval(value, decimals, bound, statistic)
    return bool(lo <= reproduced <= hi)


def kind_of(row) -> str:
    """``count``, ``descriptive`` or ``time`` (:func:`helpers.statistics.kind`)."""
    return statistics.kind(row["statistic"], row["factor"])


def reproduce(
    cohort: pd.DataFrame | str | Path,
    regimens: pd.DataFrame | str | Path | None = None,
    published_numbers: pd.DataFrame | None = None,
    primary: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Every published row with ``reproduced``, ``match``, ``how`` and ``kind`` (see module docstring).

    ``cohort``, ``regimens`` and ``primary`` (the primary-treatment file) are DataFrames as
    ``helpers.data.load_cohort`` / ``load_regimens`` / ``load_primary_treatment`` return, or paths to load;
    ``regimens=None`` leaves Table 2 and the regimen counts unreproduced ("no regimen file"), ``primary=None``
    the four facts of the primary tumour's treatment that the cohort file has no column for.
    """
    from .. import data as _data

    if not isinstance(cohort, pd.DataFrame):
        cohort = _data.load_cohort(cohort)
    if regimens is not None and not isinstance(regimens, pd.DataFrame):
        regimens = _data.load_regimens(regimens, cohort=cohort)
    if primary is not None and not isinstance(primary, pd.DataFrame):
        primary = _data.load_primary_treatment(primary, cohort=cohort)
    pub = published.load() if published_numbers is None else published_numbers
    ctx = rules.Context(cohort, regimens, primary)
    values, hows, functions = [], [], []
    records = pub.to_dict("records")
    for row in records:
        try:
            v, how, function = rules.compute(row, ctx)
        except (ValueError, KeyError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
            v, how, function = math.nan, rules.Missing(f"not computable: {type(exc).__name__}: {exc}"), ""
        values.append(float(v) if v is not None else math.nan)
        hows.append(how)
        functions.append(function)
    out = pub.copy()
    out["reproduced"] = pd.Series(values, index=out.index, dtype="float64")
    out["match"] = [
        matches(r.value, r.decimals, r.bound, r.not_reached, rep, r.statistic)
        for r, rep in zip(pub.itertuples(index=False), values)
    ]
    out["how"] = [str(h) for h in hows]
    out["function"] = functions
    out["computed"] = [not isinstance(h, rules.Missing) for h in hows]
    out["kind"] = [kind_of(r) for r in records]
    notes = []
    for row in records:
        try:
            notes.append(ctx.note(row))
        except (ValueError, KeyError):
            notes.append("")
    out["note"] = notes
    out.loc[out["note"] == NO_PATIENTS, "match"] = False  # a level with no patients matches nothing
    return out


def summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Matched / total, by source and by kind, plus the overall line.

    Index (``by``, ``group``): ``by`` is ``source``, ``kind`` or ``all``; columns ``matched``, ``total``,
    ``percent``.
    """
    parts = []
    for by in ("source", "kind"):
        g = scored.groupby(by, sort=False)["match"].agg(matched="sum", total="size")
        g.index = pd.MultiIndex.from_tuples([(by, i) for i in g.index], names=["by", "group"])
        parts.append(g)
    parts.append(
        pd.DataFrame(
            {"matched": [int(scored["match"].sum())], "total": [len(scored)]},
            index=pd.MultiIndex.from_tuples([("all", "all")], names=["by", "group"]),
        )
    )
    out = pd.concat(parts)
    out["matched"] = out["matched"].astype(int)
    out["percent"] = (100.0 * out["matched"] / out["total"]).round(1)
    return out


def misses(scored: pd.DataFrame) -> pd.DataFrame:
    """The rows that did not match, with printed and reproduced side by side."""
    cols = ["id", "source", "label", "statistic", "value", "bound", "not_reached", "reproduced", "how"]
    return scored.loc[~scored["match"], cols]


def shown(value: float) -> str:
    """A reproduced value as the fidelity report and the scorecard's reasons show it: five significant digits,
    and never more than five decimals (a p that five significant digits would show to six decimals is shown to
    five; its interval is printed to four)."""
    text = f"{value:.5g}"
    if "e+" not in text and ("e-" in text or len(text.partition(".")[2]) > 5):
        text = f"{value:.5f}"
    return text
