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

HOLDS, FAILS = 95.0, 5.0  # a forward-selection claim "holds"/"fails" across the reconstructions past these shares
DECIDED = "decided by its printed p"


def verdict(held: int, n: int, printed_p: bool = True) -> str:
    """Plain verdict of a claim across ``n`` reconstructions, ``held`` of which reach the paper's conclusion.

    A claim whose p the paper prints is decided by that p (R's printing rule: a p printed 0.03 is 0.030, below
    0.05): the reconstructions can only show whether data that fit the other tables can print it too, so its
    verdict says so and never calls it undetermined.  A claim the paper does not print (what forward selection
    keeps) is reported as a count of reconstructions: they are one optimiser's solutions, not a sample of
    every cohort that fits the tables, so a share of them is no probability.
    """
    if printed_p:
        return DECIDED
    if n == 0:
        return "no reconstructions"
    share = 100.0 * held / n
    if share >= HOLDS:
        return f"holds in {held} of {n} reconstructions"
    if share <= FAILS:
        return f"fails in {n - held} of {n} reconstructions"
    return f"open: holds in {held} of {n} reconstructions"


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
    kinds = {c.key: c.kind for c in CLAIMS}
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
                "printed_matched": int(printed.sum()),
                "verdict": verdict(held, n, printed_p=kinds[key] != "forward"),
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


def held_text(row) -> str:
    """ "87 of 100 reconstructions": how many reconstructions reach the paper's conclusion (a row of
    ``claim_shares``), as a count, never a probability."""
    return f"{int(row['holds'])} of {int(row['cohorts'])} reconstructions"


def verdict_table(shares: pd.DataFrame) -> pd.DataFrame:
    """``claim_shares`` laid out for reading: Claim, The paper, Same conclusion in, Printed p reproduced in,
    Verdict (counts of reconstructions, not shares)."""
    kinds = {c.key: c.kind for c in CLAIMS}

    def paper(row) -> str:
        if kinds[row["claim"]] == "forward":
            return "size significant in Table 3" if row["paper_significant"] else "size not significant in Table 3"
        return "p < 0.05" if row["paper_significant"] else "p ≥ 0.05"

    return pd.DataFrame(
        {
            "Claim": shares["label"],
            "The paper": shares.apply(paper, axis=1),
            "Same conclusion in": [f"{h} of {n}" for h, n in zip(shares["holds"], shares["cohorts"])],
            "Printed p reproduced in": [
                "not printed" if kinds[k] == "forward" else f"{m} of {n}"
                for k, m, n in zip(shares["claim"], shares["printed_matched"], shares["cohorts"])
            ],
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
