"""How each printed number was reproduced, and why a miss is a miss: the scorecard's provenance.

On the SYNTHETIC cohort the tallies mean different things. Counts and descriptive figures (scorecard ``kind``
``count`` / ``descriptive``) are placed by the generator, so they match by construction; only the
time-dependent numbers (``kind`` ``time``: medians, p values, hazard ratios, survival rates) were found by the
reconstruction's search, and only they say how well it did. On any other cohort every number is simply
computed from the data. :func:`explain` adds both columns to the scorecard:

- ``how_reproduced``: :data:`BY_CONSTRUCTION`, :data:`BY_SEARCH`, :data:`FROM_DATA` or :data:`NOT_REPRODUCED`;
- ``verdict`` and ``reason``: on the synthetic cohort the fidelity report's (``helpers.reconstruct.report``:
  matched / infeasible / not computable / not reached, with its explanation); on another cohort the same
  verdicts, except that a feasible miss is :data:`MISSED`, with how far the number lies from the printed one.
"""

from __future__ import annotations

import pandas as pd

from . import data, paths, scorecard, statistics
from .scorecard.rules import qualified_name

BY_CONSTRUCTION = "built in by construction"
BY_SEARCH = "found by the search"
FROM_DATA = "computed from the data"
NOT_REPRODUCED = "not reproduced"
HOW = (BY_CONSTRUCTION, BY_SEARCH, FROM_DATA, NOT_REPRODUCED)
MISSED = "missed"  # the verdict of a feasible miss on a cohort that is not the synthetic one
INFEASIBLE = "infeasible"  # = helpers.reconstruct.report.INFEASIBLE (checked by tests/test_provenance.py)
CONSTRUCTED_KINDS = statistics.CONSTRUCTED_KINDS  # helpers.statistics: the one vocabulary of kinds


NOT_PRINTED = "not printed by the paper"  # a number the paper never printed: the generator chose it freely


def not_printed(what: str, *computed_by, synthetic: bool | None = None) -> str:
    """The one label of a number the paper did not print (Markdown; an empty string off the synthetic cohort).

    On the synthetic cohort such a number is a property of the generator, which was free to choose it, not a
    finding: every page says so in this admonition, in these words, naming ``what`` and the functions
    (``computed_by``) that computed it. On any other cohort it is simply that cohort's result, and nothing is
    added. ``synthetic`` defaults to :func:`synthetic_in_use`.
    """
    synthetic = synthetic_in_use() if synthetic is None else synthetic
    if not synthetic:
        return ""
    names = ", ".join(f"{{py:func}}`{qualified_name(f)}`" for f in computed_by)  # a link to book/api.md
    by = f" Computed by {names}." if names else ""
    return (
        f":::{{admonition}} {NOT_PRINTED[0].upper() + NOT_PRINTED[1:]}\n:class: not-printed\n"
        f"{what[0].upper() + what[1:]}: **{NOT_PRINTED}**. On the synthetic cohort the generator was free to "
        "choose these numbers, so they are a property of the generator, not findings about the study's patients: "
        f"read them as an illustration of the method.{by}\n:::\n"
    )


def reproduced(card: pd.DataFrame, published_id: str) -> float:
    """The number the scorecard recomputed for a printed one (``card``: :func:`helpers.scorecard.reproduce` or
    :func:`explain`), by its id in ``data/published/``: a page that states it reads it here, so it is computed
    once. NaN when it could not be computed (a median not reached, a file missing)."""
    rows = card.loc[card["id"] == published_id, "reproduced"]
    if rows.empty:
        raise KeyError(f"no printed number {published_id!r} in the scorecard (data/published/ ids)")
    return float(rows.iloc[0])


def synthetic_in_use() -> bool:
    """Whether the book runs on the synthetic cohort (``$COHORT`` unset or pointing at ``data/cohort.csv``)."""
    return data.is_synthetic_default(paths.cohort_path())


def how_reproduced(card: pd.DataFrame, synthetic: bool) -> pd.Series:
    """Per scorecard row: built in by construction, found by the search, computed from the data, or not
    reproduced (the files lack what the number needs)."""
    computed = card["computed"].fillna(True).astype(bool) if "computed" in card else pd.Series(True, card.index)
    if synthetic:
        how = card["kind"].map(lambda k: BY_CONSTRUCTION if k in CONSTRUCTED_KINDS else BY_SEARCH)
    else:
        how = pd.Series(FROM_DATA, index=card.index)
    return how.where(computed, NOT_REPRODUCED)


def _interval_text(row) -> str:
    if row["bound"] == "<":
        return f"below {row['value']:g}"
    d = scorecard.judged_decimals(row["statistic"], row["decimals"])
    lo, hi = scorecard.row_interval(row)
    return f"{lo:.{d + 1}f}–{hi:.{d + 1}f}"


def _reason_on_data(row, report) -> str:
    """Why a number of a cohort that is not the synthetic one missed (no search was involved)."""
    if row.get("note"):  # no patients in the level, or no finite Cox estimate: that is the reason
        return row["note"]
    if row["match"] or row["verdict"] in (report.MATCHED, report.NOT_COMPUTABLE, report.INFEASIBLE):
        return row["reason"]
    if row.get("not_reached", False):
        return f"printed as not reached; the cohort's median is reached, at {_shown(row)}"
    if pd.isna(row["reproduced"]):
        return "the cohort's median is not reached"
    return f"{_shown(row)} does not print as {row['value']:g}: the printed number stands for {_interval_text(row)}"


def _shown(row) -> str:
    """A reproduced number in a reason: one decimal more than the printed number is judged at, enough to see
    which way it misses (never an unrounded float)."""
    decimals = row["decimals"]
    d = 1 if pd.isna(decimals) else scorecard.judged_decimals(row["statistic"], decimals) + 1
    return f"{row['reproduced']:.{d}f}"


def explain(cohort, regimens=None, primary=None, *, synthetic: bool | None = None) -> pd.DataFrame:
    """``helpers.scorecard.reproduce`` with ``how_reproduced``, ``verdict`` and ``reason`` (module docstring).

    ``synthetic`` defaults to whether the book runs on the synthetic cohort (:func:`synthetic_in_use`).
    """
    from .reconstruct import report

    synthetic = synthetic_in_use() if synthetic is None else synthetic
    card = report.fidelity(cohort, regimens, primary).rename(columns={"explanation": "reason"})
    card["reason"] = card["reason"].fillna("")
    if not synthetic:
        card["verdict"] = card["verdict"].replace({report.NOT_REACHED: MISSED})
        card["reason"] = card.apply(_reason_on_data, axis=1, report=report)
    card["how_reproduced"] = how_reproduced(card, synthetic)
    return card


def tally(card: pd.DataFrame) -> dict:
    """The headline split of an :func:`explain` card: ``constructed`` and ``time``, each (matched, total) of
    the reproduced counts and descriptive figures and of the time-dependent numbers; ``not_reproduced``;
    ``matched`` and ``total`` of all; ``synthetic``."""
    how = card["how_reproduced"]
    reproduced = how.ne(NOT_REPRODUCED)
    match = card["match"].fillna(False).astype(bool)
    out = {}
    for key, rows in (
        ("constructed", reproduced & card["kind"].isin(CONSTRUCTED_KINDS)),
        ("time", reproduced & card["kind"].eq("time")),
    ):
        out[key] = (int((match & rows).sum()), int(rows.sum()))
    out.update(
        not_reproduced=int((~reproduced).sum()),
        matched=int(match.sum()),
        total=len(card),
        synthetic=bool(how.isin([BY_CONSTRUCTION, BY_SEARCH]).any()),
        infeasible=int((card.get("verdict", pd.Series(index=card.index)) == INFEASIBLE).sum()),
    )
    return out


def headline(card: pd.DataFrame) -> str:
    """The headline figure in words, split the way the module docstring explains (Markdown)."""
    t = tally(card)
    (ck, cn), (tk, tn) = t["constructed"], t["time"]
    missing = f"; {t['not_reproduced']} could not be computed from the files given" if t["not_reproduced"] else ""
    slips = (
        f"; {t['infeasible']} printed rate{'s' if t['infeasible'] != 1 else ''} no cohort can reproduce, "
        "a rounding slip in the paper"
        if t["infeasible"]
        else ""
    )
    if t["synthetic"]:
        return (
            f"**Counts and descriptive figures: {ck}/{cn} built in by construction** (the generator places "
            f"them{slips}); **time-dependent numbers (medians, p values, hazard ratios, survival rates): "
            f"{tk}/{tn} found by the search**{missing}."
        )
    return (
        f"**{t['matched']} of {t['total']} printed numbers reproduced from the data**: counts and "
        f"descriptive figures {ck}/{cn}, time-dependent numbers {tk}/{tn}{missing}."
    )
