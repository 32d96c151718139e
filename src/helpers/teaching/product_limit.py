"""The product-limit (Kaplan-Meier) table with Greenwood's variance, one death time per row."""

from __future__ import annotations

import pandas as pd


def product_limit_table(time, event) -> pd.DataFrame:
    """Kaplan-Meier by hand: at each death time, who is at risk, who dies, S and Greenwood's variance.

    Parameters
    ----------
    time, event : sequence
        Follow-up times and 0/1 events (no missing values).

    Returns
    -------
    pandas.DataFrame
        One row per distinct death time t: ``time``, ``n_risk`` (n, followed up to t or longer), ``n_event``
        (d), ``surv`` (S(t) = S(t−) × (1 − d / n)), ``greenwood_sum`` (the running sum of d / (n (n − d))),
        ``var_surv`` (Greenwood's variance S² × that sum) and ``se_surv`` (its square root).
    """
    pairs = list(zip(map(float, time), map(int, event)))
    rows, surv, total = [], 1.0, 0.0
    for t in sorted({t for t, e in pairs if e == 1}):
        n = sum(1 for u, _ in pairs if u >= t)
        d = sum(1 for u, e in pairs if u == t and e == 1)
        surv *= 1 - d / n
        total += d / (n * (n - d)) if n > d else float("inf")
        var = surv**2 * total if surv > 0 else float("nan")
        rows.append(
            {
                "time": t,
                "n_risk": n,
                "n_event": d,
                "surv": surv,
                "greenwood_sum": total,
                "var_surv": var,
                "se_surv": var**0.5,
            }
        )
    return pd.DataFrame(rows)
