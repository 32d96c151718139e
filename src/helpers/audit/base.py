"""What every check shares: the verdicts, the row a check returns, and look-ups in the published numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

CONSISTENT = "consistent"
OTHER_RULE = "consistent only under another rounding rule"
UNSTATED = "consistent only under a reading the paper does not state"
INCONSISTENT = "inconsistent"
# the reading of the paper's sentences (helpers.audit.reading) needs three more
UNSUPPORTED = "unsupported"
NOT_REPORTED = "not reported"
DEFINITION = "definition"
VERDICTS = (CONSISTENT, OTHER_RULE, UNSTATED, INCONSISTENT, UNSUPPORTED, NOT_REPORTED, DEFINITION)
VERDICT_LEGEND = {
    CONSISTENT: "the numbers, or the sentences, can all be true at the printed precision",
    OTHER_RULE: "true only if the authors rounded differently from everywhere else",
    UNSTATED: "true only under a reading the paper does not state; the check names that reading",
    INCONSISTENT: "no rounding and no reasonable reading makes them agree",
    UNSUPPORTED: "a conclusion the paper draws that its own evidence, as printed, does not carry",
    NOT_REPORTED: "an analysis the text relies on or implies, whose numbers the paper does not print",
    DEFINITION: "a term defined or used differently from its usual meaning, or a definition with a gap",
}
COLUMNS = ["id", "kind", "claim", "numbers", "recomputed", "verdict", "explanation", "reading"]

ALPHA = 0.05  # Methods: "significant when p-values were <0.05"
CONFIDENCE = 0.95  # Methods: "95% confidence intervals"
TABLE_COHORT = {"Table 1": "all", "Table 4": "metastasectomy", "Table 5": "no_metastasectomy"}
PARTITIONS = {"status": ("NED", "AWD", "DOD"), "first_line_response": ("non-PD", "PD")}
KIND_NAMES = {
    "percent": "Percentages against counts",
    "response": "Response rates against counts",
    "sums": "Counts that must add up",
    "subgroups": "Subgroups against the whole",
    "text": "The text against the tables",
    "hazard_ratio": "Hazard ratios, CIs and p values",
    "methods": "Methods against results",
    "plausibility": "Impossible or implausible values",
    "rounding": "The rounding rule",
    "text_vs_text": "The text against the text",
    "conclusions": "Conclusions against the evidence",
    "unreported": "Analyses implied but not reported",
    "definitions": "Definitions",
    "labels": "Labels against counts",
    "cannot_exist": "Quantities that cannot exist as printed",
    "repeated": "Repeated values across partitions",
    "timeline": "The treatment timeline against the drugs' approval",
    "total": "All checks",
}


def fmt(row) -> str:
    """A published row as printed."""
    if bool(row["not_reached"]):
        return "N.A."
    return f"{row['bound']}{row['value']:.{int(row['decimals'])}f}"


def _check(id, kind, claim, numbers, recomputed, verdict, explanation, reading: str = "") -> dict:
    """One check's row. ``reading``: for :data:`UNSTATED`, the reading of the paper under which it holds."""
    assert verdict in VERDICTS, verdict
    assert (verdict == UNSTATED) == bool(reading), f"{id}: a reading goes with, and only with, {UNSTATED!r}"
    return dict(
        id=id,
        kind=kind,
        claim=claim,
        numbers=numbers,
        recomputed=recomputed,
        verdict=verdict,
        explanation=explanation,
        reading=reading,
    )


def _where(pub: pd.DataFrame, **kw) -> pd.DataFrame:
    """Rows whose columns equal the given values (a list selects any member); numpy for speed."""
    mask = np.ones(len(pub), dtype=bool)
    for col, want in kw.items():
        arr = pub[col].to_numpy()
        mask &= np.isin(arr, list(want)) if isinstance(want, (list, tuple, set)) else (arr == want)
    return pub.iloc[np.flatnonzero(mask)]


def _one(pub: pd.DataFrame, **kw):
    hit = _where(pub, **kw)
    return None if hit.empty else hit.iloc[0]


def cohort_size(pub: pd.DataFrame, cohort: str) -> int | None:
    """N of a cohort as printed in the text or abstract (``patients`` count), else None."""
    r = _one(pub, factor="patients", statistic="count", cohort=cohort)
    return None if r is None else int(r["value"])
