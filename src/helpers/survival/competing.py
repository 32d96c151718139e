"""Competing risks: the Aalen-Johansen cumulative incidence, as R's ``survfit`` with a multi-state status.

:func:`cumulative_incidence` is ``survfit(Surv(time, factor(status, 0:k)) ~ 1)``: ``pstate`` (the probability of
being event-free, or of having had each cause by t) and ``std.err`` (R's infinitesimal-jackknife standard
errors).

Why hand-written: lifelines' ``AalenJohansenFitter`` jitters tied times and gives Aalen's variance; R's estimate
and its infinitesimal-jackknife variance are the derivative of the estimate with respect to each patient's
weight, which is a few array operations over the distinct times.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _numeric


def cumulative_incidence(time, cause) -> pd.DataFrame:
    """Aalen-Johansen estimate for competing causes, one row per distinct time.

    The cumulative incidence of cause k at t is the sum over the event times s <= t of Ŝ(s−) dₖ(s) / n(s):
    the chance of being still event-free just before s times the cause-specific hazard at s. Ŝ is the
    Kaplan-Meier curve of "any cause", so the event-free probability and the cumulative incidences add up to 1.
    With one cause the cumulative incidence is 1 − Kaplan-Meier.

    Parameters
    ----------
    time : array-like
        Follow-up times (>= 0).
    cause : array-like
        0 for censored, 1, 2, ... for the cause of the event (whole numbers). Rows with a missing time or cause
        are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, n_risk``, then ``event_free`` and ``cause_<k>`` (R's ``pstate`` columns) and
        ``se_event_free``, ``se_cause_<k>`` (R's ``std.err``: the infinitesimal jackknife).
    """
    t = _numeric(time, "time")
    c = _numeric(cause, "cause")
    if len(t) != len(c):
        raise ValueError(f"time and cause differ in length ({len(t)} vs {len(c)})")
    ok = ~(np.isnan(t) | np.isnan(c))
    t, c = t[ok], c[ok]
    if np.any(t < 0):
        raise ValueError("time must be >= 0")
    if np.any((c < 0) | (c != np.round(c))):
        raise ValueError("cause must be 0 (censored) or a whole number 1, 2, ... (the cause)")
    c = c.astype(int)
    causes = np.arange(1, max(int(c.max()) if len(c) else 0, 1) + 1)
    times, inv = np.unique(t, return_inverse=True)
    m, n = len(times), len(t)
    d_k = np.zeros((m, len(causes)))
    for j, k in enumerate(causes):
        d_k[:, j] = np.bincount(inv, weights=(c == k).astype(float), minlength=m)
    d = d_k.sum(axis=1)
    total = np.bincount(inv, minlength=m).astype(float)
    n_risk = n - np.concatenate(([0.0], np.cumsum(total)[:-1]))
    lam, lam_k = d / n_risk, d_k / n_risk[:, None]
    surv = np.cumprod(1 - lam)
    s_before = np.concatenate(([1.0], surv[:-1]))
    cif = np.cumsum(s_before[:, None] * lam_k, axis=0)

    # influence of each patient i at each time: Y[i, s] = i at risk at s, N[i, s] = i's event (any / cause k) at s
    at_risk = inv[:, None] >= np.arange(m)[None, :]
    event_at = (inv[:, None] == np.arange(m)[None, :]) & (c[:, None] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # d log(1 - lambda(s)) / d w_i, summed: d log S(s) / d w_i
        dlog = np.where(n_risk - d > 0, -(event_at - at_risk * lam[None, :]) / (n_risk - d)[None, :], 0.0)
    dlog_s = np.cumsum(dlog, axis=1)
    d_surv = surv[None, :] * dlog_s
    d_s_before = np.concatenate((np.zeros((n, 1)), d_surv[:, :-1]), axis=1)
    out = {"time": times, "n_risk": n_risk.astype(int), "event_free": surv}
    ses = {"se_event_free": np.sqrt((d_surv**2).sum(axis=0))}
    for j, k in enumerate(causes):
        event_k = (inv[:, None] == np.arange(m)[None, :]) & (c[:, None] == k)
        dlam_k = (event_k - at_risk * lam_k[None, :, j]) / n_risk[None, :]
        d_cif = np.cumsum(d_s_before * lam_k[None, :, j] + s_before[None, :] * dlam_k, axis=1)
        out[f"cause_{k}"] = cif[:, j]
        ses[f"se_cause_{k}"] = np.sqrt((d_cif**2).sum(axis=0))
    return pd.DataFrame({**out, **ses})
