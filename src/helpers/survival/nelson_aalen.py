"""The Nelson-Aalen cumulative hazard and the log(-log S) transform, as R's ``survfit``.

:func:`nelson_aalen` is ``survfit(Surv(time, event) ~ 1, ctype = 1)``'s ``cumhaz`` and ``std.chaz``;
:func:`log_minus_log` gives the values ``plot(survfit(...), fun = "cloglog")`` draws.

Why hand-written: lifelines' ``NelsonAalenFitter`` smooths ties by default and reports a different variance
(Aalen's rather than the ``d / n**2`` that ``survfit`` prints); the estimator itself is two cumulative sums over
the Kaplan-Meier table of :mod:`helpers.survival.km`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import Z975, _time_event
from .km import _km_table


def nelson_aalen(time, event, conf_int: float = 0.95) -> pd.DataFrame:
    """The Nelson-Aalen estimate of the cumulative hazard, one row per distinct time.

    H(t) is the sum over the death times tᵢ <= t of dᵢ / nᵢ (deaths over patients at risk): the "ctype = 1"
    estimator of R's ``survfit``, without a correction for tied deaths.

    Parameters
    ----------
    time, event : array-like
        Follow-up times and 0/1 event indicators; rows with a missing value are dropped (R's ``na.omit``).
    conf_int : float
        Coverage of the log-scale confidence limits (``exp(log H ± z se / H)``, R's ``conf.type = "log"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``time, n_risk, n_event, cumhaz, std_err, lower, upper``: ``std_err`` is ``survfit``'s
        ``std.chaz``, the square root of the sum of dᵢ / nᵢ²; the limits are NaN while H is 0.
    """
    t, e = _time_event(time, event)
    times, n_risk, n_event, _, _, _ = _km_table(t, e)
    cumhaz = np.cumsum(n_event / n_risk)
    std_err = np.sqrt(np.cumsum(n_event / n_risk**2))
    z = Z975 if conf_int == 0.95 else stats.norm.ppf(1 - (1 - conf_int) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(cumhaz > 0, cumhaz, np.nan)
        lower, upper = h * np.exp(-z * std_err / h), h * np.exp(z * std_err / h)
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk.astype(int),
            "n_event": n_event.astype(int),
            "cumhaz": cumhaz,
            "std_err": std_err,
            "lower": lower,
            "upper": upper,
        }
    )


def log_minus_log(time, event) -> pd.DataFrame:
    """log(-log Ŝ(t)) of the Kaplan-Meier estimate, at the death times where 0 < Ŝ < 1.

    Under proportional hazards the curves of two groups, plotted against log t, are parallel (a constant
    vertical distance, the log hazard ratio): R's ``plot(survfit(...), fun = "cloglog")``.

    Parameters
    ----------
    time, event : array-like
        Follow-up times and 0/1 event indicators.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, log_time, surv, loglog``, one row per death time at which Ŝ is strictly between 0 and 1.
    """
    t, e = _time_event(time, event)
    times, _, n_event, _, surv, _ = _km_table(t, e)
    keep = (n_event > 0) & (surv > 0) & (surv < 1)
    s = surv[keep]
    return pd.DataFrame({"time": times[keep], "log_time": np.log(times[keep]), "surv": s, "loglog": np.log(-np.log(s))})
