"""RECIST 1.1 response rates with exact confidence intervals.

- ORR (objective response rate) = (CR + PR) / N; DCR (disease control rate) = (CR + PR + SD) / N, N being
  the courses evaluable for response (a known best response).
- 95% CIs are exact Clopper-Pearson intervals, as R's ``binom.test`` (``statsmodels``'
  ``proportion_confint(method="beta")``): 0 and 1 at the ends.
- ``response_summary`` gives Table 2's layout per regimen, with the median PFS by
  :func:`helpers.survival.km_median` (R's rule).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from . import survival

RESPONSES = ("CR", "PR", "SD", "PD")
REGIMEN_ORDER = ("DXR", "DXR+IFM", "GEM+DOC", "PAZ", "TRB", "ERB")  # Table 2's order

__all__ = ["Rate", "rate", "orr", "dcr", "response_counts", "response_summary", "RESPONSES"]


class Rate(NamedTuple):
    """A proportion ``estimate`` = k / n with its exact ``lower``/``upper`` limits (all in [0, 1])."""

    estimate: float
    lower: float
    upper: float
    k: int
    n: int


def rate(k: int, n: int, conf_level: float = 0.95) -> Rate:
    """k / n with the Clopper-Pearson interval of R's ``binom.test(k, n)``; NaN when n is 0."""
    k, n = _count(k, "k"), _count(n, "n")
    if k > n:
        raise ValueError(f"k ({k}) exceeds n ({n})")
    if n == 0:
        return Rate(np.nan, np.nan, np.nan, 0, 0)
    lo, hi = proportion_confint(k, n, alpha=1 - conf_level, method="beta")
    lo, hi = (0.0 if k == 0 else float(lo)), (1.0 if k == n else float(hi))
    return Rate(k / n, lo, hi, k, n)


def _count(x, name: str) -> int:
    if isinstance(x, (bool, np.bool_)) or not float(x).is_integer() or x < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {x!r}")
    return int(x)


def response_counts(best_response) -> dict[str, int]:
    """Counts of CR, PR, SD, PD (and N, the courses with a known response) from best-response codes.

    Missing values are not evaluable and left out of N; any other code is an error."""
    s = pd.Series(best_response, dtype=object)
    known = s.dropna()
    bad = known[~known.isin(RESPONSES)]
    if len(bad):
        raise ValueError(
            f"column best_response, row {bad.index[0]}: unknown code {bad.iloc[0]!r}; expected one of {RESPONSES}"
        )
    counts = {r: int((known == r).sum()) for r in RESPONSES}
    counts["N"] = int(len(known))
    return counts


def _from_codes_or_counts(args, needed: int, name: str):
    if len(args) == 1 and not np.isscalar(args[0]):
        c = response_counts(args[0])
        return c, c["N"]
    if len(args) != needed:
        raise TypeError(f"{name}() takes best-response codes, or {needed} counts")
    return None, args[-1]


def orr(*args, conf_level: float = 0.95) -> Rate:
    """ORR = (CR + PR) / N with its exact CI: ``orr(cr, pr, n)`` or ``orr(best_response_codes)``."""
    c, n = _from_codes_or_counts(args, 3, "orr")
    k = c["CR"] + c["PR"] if c else _count(args[0], "cr") + _count(args[1], "pr")
    return rate(k, n, conf_level)


def dcr(*args, conf_level: float = 0.95) -> Rate:
    """DCR = (CR + PR + SD) / N with its exact CI: ``dcr(cr, pr, sd, n)`` or ``dcr(best_response_codes)``."""
    c, n = _from_codes_or_counts(args, 4, "dcr")
    k = (c["CR"] + c["PR"] + c["SD"]) if c else sum(_count(a, nm) for a, nm in zip(args[:3], ("cr", "pr", "sd")))
    return rate(k, n, conf_level)


def response_summary(regimens: pd.DataFrame, conf_level: float = 0.95) -> pd.DataFrame:
    """Table 2 per regimen from a regimen DataFrame (patient_id, line, regimen, best_response, pfs_months,
    pfs_event).

    Columns: ``n`` (courses), ``n_evaluable``, ``cr``, ``pr``, ``sd``, ``pd``, ``orr_pct``, ``orr_low_pct``,
    ``orr_high_pct``, ``dcr_pct``, ``dcr_low_pct``, ``dcr_high_pct`` (percentages of evaluable courses,
    exact CIs) and ``median_pfs`` (months, KM with R's median rule; NaN when not reached). Rows in Table 2's
    regimen order, then any other regimen alphabetically.
    """
    need = ["regimen", "best_response", "pfs_months", "pfs_event"]
    missing = [c for c in need if c not in regimens.columns]
    if missing:
        raise KeyError(f"regimen data lacks columns {missing}")
    present = list(pd.unique(regimens["regimen"].dropna()))
    order = [r for r in REGIMEN_ORDER if r in present] + sorted(r for r in present if r not in REGIMEN_ORDER)
    rows = []
    for reg in order:
        sub = regimens[regimens["regimen"] == reg]
        c = response_counts(sub["best_response"])
        o = rate(c["CR"] + c["PR"], c["N"], conf_level)
        d = rate(c["CR"] + c["PR"] + c["SD"], c["N"], conf_level)
        rows.append(
            {
                "regimen": reg,
                "n": len(sub),
                "n_evaluable": c["N"],
                "cr": c["CR"],
                "pr": c["PR"],
                "sd": c["SD"],
                "pd": c["PD"],
                "orr_pct": 100 * o.estimate,
                "orr_low_pct": 100 * o.lower,
                "orr_high_pct": 100 * o.upper,
                "dcr_pct": 100 * d.estimate,
                "dcr_low_pct": 100 * d.lower,
                "dcr_high_pct": 100 * d.upper,
                "median_pfs": survival.km_median(sub["pfs_months"], sub["pfs_event"]),
            }
        )
    cols = [
        "regimen",
        "n",
        "n_evaluable",
        "cr",
        "pr",
        "sd",
        "pd",
        "orr_pct",
        "orr_low_pct",
        "orr_high_pct",
        "dcr_pct",
        "dcr_low_pct",
        "dcr_high_pct",
        "median_pfs",
    ]
    return pd.DataFrame(rows, columns=cols).set_index("regimen")
