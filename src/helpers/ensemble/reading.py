"""Reading a summary: per claim the share of cohorts in which it holds and its verdict (``claim_shares``,
``verdict``, ``verdict_table``), which cohorts the verdicts are read from (``judged_on_bar``), forward
selection's covariate sets (``selection_counts``), one row per seed (``seed_overview``), and the provenance
banner of a page computed from a summary (``banner``)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .. import factors
from .claims import CLAIM_KEYS, CLAIMS
from .summary import SUMMARY_COLUMNS, SUMMARY_PATH, load_summary

HOLDS, FAILS = 95.0, 5.0  # verdict thresholds: share of cohorts (percent) in which a claim holds


def verdict(share: float) -> str:
    """Plain verdict from the percent of cohorts in which a claim holds."""
    if share >= HOLDS:
        return "holds — determined by the tables"
    if share <= FAILS:
        return "fails — determined by the tables"
    return "not determined by the tables"


MIN_COHORTS = 10  # fewer cohorts than this meeting the bar: verdicts are read from all reconstructed cohorts


def judged_on_bar(summary: pd.DataFrame) -> bool:
    """Whether verdicts are read from the cohorts that met the fidelity bar (True when at least
    ``MIN_COHORTS`` did) or, failing that, from every reconstructed cohort (and the page must say so)."""
    return int(seed_overview(summary)["meets_bar"].sum()) >= MIN_COHORTS


def claim_shares(summary: pd.DataFrame, only_meeting_bar: bool = True) -> pd.DataFrame:
    """Per claim: cohorts, the number and percent in which it holds, the percent that reproduced the
    printed p the claim rests on (NaN for forward selection), and the verdict, in ``CLAIMS`` order.
    By default only cohorts that met the fidelity bar count (the others are not consistent with the
    tables); ``cohorts`` says how many that is."""
    use = summary[summary["ok"] & (summary["meets_bar"] if only_meeting_bar else True)]
    labels = {c.key: c.label for c in CLAIMS}
    rows = []
    for key in CLAIM_KEYS:
        sub = use[use["claim"] == key]
        n = len(sub)
        held = int(sub["holds"].sum()) if n else 0
        share = 100.0 * held / n if n else math.nan
        paper = summary.loc[summary["claim"] == key, "paper_significant"].dropna()
        printed = sub["printed_matched"].dropna()
        rows.append(
            {
                "claim": key,
                "label": labels[key],
                "paper_significant": bool(paper.iloc[0]) if len(paper) else pd.NA,
                "cohorts": n,
                "holds": held,
                "percent": share,
                "printed_matched_percent": 100.0 * printed.mean() if len(printed) else math.nan,
                "verdict": verdict(share) if n else "no cohorts",
            }
        )
    return pd.DataFrame(rows)


def selection_counts(summary: pd.DataFrame, only_meeting_bar: bool = True) -> pd.DataFrame:
    """How often forward conditional selection ends with each set of covariates (most frequent first).
    ``selected`` in the summary is in order of entry; a set is named in Table 3's covariate order."""
    use = summary[summary["ok"] & (summary["meets_bar"] if only_meeting_bar else True)]
    order = list(factors.COX_COVARIATES)

    def as_set(text: str) -> str:
        names = [n for n in text.split("+") if n]
        return "+".join(sorted(names, key=order.index)) if names else "(none)"

    sel = use.loc[use["kind"] == "forward", "selected"].map(as_set)
    counts = sel.value_counts().rename_axis("selected").reset_index(name="cohorts")
    counts["percent"] = 100.0 * counts["cohorts"] / max(len(sel), 1)
    return counts.sort_values(["cohorts", "selected"], ascending=[False, True], ignore_index=True)


def seed_overview(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per seed: ok, error, fidelity and whether it met the bar."""
    cols = SUMMARY_COLUMNS[: SUMMARY_COLUMNS.index("claim")]  # the per-seed columns
    return summary[cols].drop_duplicates("seed").reset_index(drop=True)


def verdict_table(shares: pd.DataFrame) -> pd.DataFrame:
    """``claim_shares`` laid out for reading: Claim, The paper, Holds in, %, Printed p reproduced (%), Verdict."""
    kinds = {c.key: c.kind for c in CLAIMS}

    def paper(row) -> str:
        if kinds[row["claim"]] == "forward":
            return "size significant in Table 3" if row["paper_significant"] else "size not significant in Table 3"
        return "p < 0.05" if row["paper_significant"] else "p ≥ 0.05"

    return pd.DataFrame(
        {
            "Claim": shares["label"],
            "The paper": shares.apply(paper, axis=1),
            "Holds in": [f"{h} / {n}" for h, n in zip(shares["holds"], shares["cohorts"])],
            "%": shares["percent"].round(1),
            "Printed p reproduced (%)": shares["printed_matched_percent"].round(1),
            "Verdict": shares["verdict"],
        }
    ).set_index(pd.Index(shares["claim"], name="claim"))


def banner(path: str | Path | None = None) -> str:
    """The Markdown provenance banner of a page computed from an ensemble summary: which file, its SHA-256,
    how many cohorts, and that they are synthetic (whatever ``$COHORT`` points to)."""
    from .. import data as _data

    path = SUMMARY_PATH if path is None else Path(path)
    info = _data.provenance(path)
    n = load_summary(path)["seed"].nunique()
    return (
        f"> **Data.** Computed from `{info['path']}`: {n} **synthetic reconstructions** of the paper's "
        f"tables, not patient data (this holds whatever `$COHORT` points to); SHA-256 `{info['sha256']}`"
    )
