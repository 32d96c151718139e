"""The log-rank test by hand: observed, expected and variance at each death time, two groups."""

from __future__ import annotations

import pandas as pd


def logrank_table(time, event, group, level) -> pd.DataFrame:
    """The terms of the two-group log-rank test, one death time per row, for the group ``level``.

    At a death time with n patients at risk, n₁ of them in the group, and d deaths: the expected deaths in the
    group, were the two groups alike, are E = n₁ d / n; the variance of the group's deaths, drawn d at a time
    from n without replacement (the hypergeometric distribution), is V = n₁ (n − n₁) d (n − d) / (n² (n − 1)).
    The test statistic is (Σ O − Σ E)² / Σ V, on one degree of freedom.

    Parameters
    ----------
    time, event, group : sequence
        Follow-up times, 0/1 events and the group of each patient (two groups; no missing values).
    level
        The group whose observed (O) and expected (E) deaths the table counts.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, n_risk, n_risk_group, deaths, observed, expected, variance``.
    """
    rows3 = list(zip(map(float, time), map(int, event), group))
    rows = []
    for t in sorted({t for t, e, _ in rows3 if e == 1}):
        at_risk = [(u, e, g) for u, e, g in rows3 if u >= t]
        n = len(at_risk)
        n1 = sum(1 for _, _, g in at_risk if g == level)
        d = sum(1 for u, e, _ in at_risk if u == t and e == 1)
        o = sum(1 for u, e, g in at_risk if u == t and e == 1 and g == level)
        v = n1 * (n - n1) * d * (n - d) / (n**2 * (n - 1)) if n > 1 else 0.0
        rows.append(
            {
                "time": t,
                "n_risk": n,
                "n_risk_group": n1,
                "deaths": d,
                "observed": o,
                "expected": n1 * d / n,
                "variance": v,
            }
        )
    return pd.DataFrame(rows)
