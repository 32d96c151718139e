"""Many tests: how many "significant" p values chance alone gives, and what corrections make of the printed ones.

- :func:`printed_pvalues`: the univariate (log-rank) p values the paper prints, read from ``data/published``
  (Tables 1, 4 and 5, and the comparisons reported in the text only), one row per test.
- :func:`adjust`: Holm's step-down (family-wise error) and Benjamini-Hochberg's step-up (false discovery rate)
  adjusted p values, from ``statsmodels.stats.multitest.multipletests``.
- :func:`chance`: the expected number of p < alpha among m true null hypotheses, and the chance of at least one.
- :func:`permutation_null`: the same question on a real cohort's correlated factors: survival shuffled across
  patients (so no factor has any effect), every factor re-tested.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from . import factors, ledger, published

ALPHA = 0.05
UNIVARIATE_TABLES = ("Table 1", "Table 4", "Table 5")
METHODS = {"holm": "holm", "bh": "fdr_bh"}

__all__ = ["printed_pvalues", "adjust", "chance", "permutation_null", "UNIVARIATE_TABLES"]


def printed_pvalues(
    pub: pd.DataFrame | None = None, sources: Sequence[str] = UNIVARIATE_TABLES, text_only: bool = True
) -> pd.DataFrame:
    """The printed univariate p values: every ``p`` row of ``sources``, plus (``text_only``) the text's p
    values for comparisons that no table holds (each test once: a p quoted in the text from a table, or
    from Table 3's Cox model, is not counted again).

    Columns: ``id``, ``source``, ``cohort``, ``factor``, ``label`` (the factor's name), ``printed`` (as printed,
    e.g. "<0.001"), ``p`` (the number used: a bound "<0.001" is taken at 0.001, the largest value it allows, which is
    conservative for every correction), ``bound``.
    """
    pub = published.load() if pub is None else pub
    ps = pub[pub["statistic"] == "p"]
    rows = ps[ps["source"].isin(list(sources))]
    if text_only:
        tabled = set(
            zip(
                ps.loc[ps["source"].str.startswith("Table"), "cohort"],
                ps.loc[ps["source"].str.startswith("Table"), "factor"],
            )
        )
        untabled = np.array([(c, f) not in tabled for c, f in zip(ps["cohort"], ps["factor"])], dtype=bool)
        rows = pd.concat([rows, ps[(ps["source"] == "Text").to_numpy() & untabled]])
    out = rows[["id", "source", "cohort", "factor", "label", "value", "bound", "decimals"]].copy()
    out["label"] = [
        factors.FACTORS[f].label if f in factors.FACTORS else lab for f, lab in zip(out["factor"], out["label"])
    ]
    out["printed"] = [f"{b}{v:.{int(d)}f}" for v, b, d in zip(out["value"], out["bound"], out["decimals"])]
    out = out.rename(columns={"value": "p"}).drop(columns="decimals")
    return out[["id", "source", "cohort", "factor", "label", "printed", "p", "bound"]].reset_index(drop=True)


def adjust(p, alpha: float = ALPHA) -> pd.DataFrame:
    """Holm and Benjamini-Hochberg adjusted p values of ``p`` (array-like) and whether each stays below
    ``alpha``: columns ``p``, ``p_holm``, ``p_bh``, ``significant``, ``holm``, ``bh``."""
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or len(p) == 0 or np.isnan(p).any() or ((p < 0) | (p > 1)).any():
        raise ValueError("p must be a non-empty 1-D array of probabilities in [0, 1] without NaN")
    out = pd.DataFrame({"p": p})
    for name, method in METHODS.items():
        reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=method)
        out[f"p_{name}"] = adjusted
        out[name] = reject
    out.insert(3, "significant", p < alpha)
    return out[["p", "p_holm", "p_bh", "significant", "holm", "bh"]]


def chance(m: int, alpha: float = ALPHA) -> dict:
    """Among ``m`` independent tests of true null hypotheses: the expected number with p < ``alpha`` and the
    probability that at least one has."""
    if m < 1:
        raise ValueError(f"m must be >= 1, not {m!r}")
    return {"tests": int(m), "expected": m * alpha, "at_least_one": 1 - (1 - alpha) ** m}


def permutation_null(
    cohort: pd.DataFrame, keys: Sequence[str], n_perm: int, seed: int, subset: str = "all", alpha: float = ALPHA
) -> pd.DataFrame:
    """Shuffle (time, death) pairs across the patients of ``subset`` ``n_perm`` times (seeded) and re-run the
    log-rank test of every factor in ``keys``: survival then depends on no factor, while the factors keep
    their real correlations. One row per permutation: ``significant`` (how many p < ``alpha``) and
    ``min_p``."""
    sub = factors.subset(cohort, subset)
    lv = {k: factors.levels(sub, k) for k in keys}
    time = pd.to_numeric(sub["os_months"]).to_numpy(float)
    death = pd.to_numeric(sub["death"]).to_numpy(float)
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_perm):
        order = rng.permutation(len(sub))
        t, d = time[order], death[order]
        pvals = []
        for levels in lv.values():
            test = ledger.levels_test(t, d, levels)
            pvals.append(np.nan if test is None else test.p)
        pvals = np.asarray(pvals)
        rows.append({"permutation": i, "significant": int((pvals < alpha).sum()), "min_p": float(pvals.min())})
    return pd.DataFrame(rows)
