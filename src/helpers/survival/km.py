"""Kaplan-Meier as R's ``survfit``, ``summary.survfit`` and ``quantile.survfit``.

:func:`km_curve`, :func:`km_median`, :func:`km_median_ci`, :func:`survival_at` (Greenwood variance; log-log
CIs by default as in EZR) and :func:`followup` (observed median and reverse Kaplan-Meier).

Why hand-written rather than lifelines:

- *KM median*: lifelines takes the first time S <= 0.5; R takes the midpoint of the flat stretch where S
  equals 0.5 (within sqrt(machine eps)). The paper's 76.05 months is such a midpoint. Both of R's
  versions are here: ``print.survfit`` (what EZR shows; default) and ``quantile.survfit``.
- *KM confidence limits*: R's log-log/log/plain limits, NA conventions at S = 0 or 1 and upper limit
  capping are replicated exactly (``survfit_confint``); the median CI reads the limits as R does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import CONF_TYPES, R_TOL, Z975, _time_event


def _km_table(t: np.ndarray, e: np.ndarray):
    """survfit's KM at every distinct time (events and censorings): time, n.risk, n.event, n.censor,
    surv and std.err (Greenwood, on the log scale as ``survfit``'s ``std.err``)."""
    times, inv = np.unique(t, return_inverse=True)
    n_event = np.bincount(inv, weights=e.astype(float), minlength=len(times))
    n_total = np.bincount(inv, minlength=len(times)).astype(float)
    n_censor = n_total - n_event
    n_risk = len(t) - np.concatenate(([0.0], np.cumsum(n_total)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - n_event / n_risk)
        # Greenwood: sum d / (n (n - d)); infinite once S reaches 0, as survfit's std.err
        term = np.where(n_event == 0, 0.0, n_event / (n_risk * (n_risk - n_event)))
    std_err = np.sqrt(np.cumsum(term))
    return times, n_risk, n_event, n_censor, surv, std_err


def _confint(surv: np.ndarray, std_err: np.ndarray, conf_type: str, conf_int: float = 0.95):
    """R's ``survfit_confint`` with ``logse=TRUE`` (std_err is the s.e. of the cumulative hazard)."""
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")
    z = Z975 if conf_int == 0.95 else stats.norm.ppf(1 - (1 - conf_int) / 2)
    p = np.asarray(surv, dtype=float)
    se = np.asarray(std_err, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            se2 = se * p * z
            return np.maximum(p - se2, 0.0), np.minimum(p + se2, 1.0)
        if conf_type == "log":
            xx = np.where(p == 0, np.nan, p)
            se2 = z * se
            return np.exp(np.log(xx) - se2), np.minimum(np.exp(np.log(xx) + se2), 1.0)
        xx = np.where((p == 0) | (p == 1), np.nan, p)
        se2 = z * se / np.log(xx)
        lower = np.exp(-np.exp(np.log(-np.log(xx)) - se2))
        upper = np.exp(-np.exp(np.log(-np.log(xx)) + se2))
        return lower, upper


def km_curve(time, event, conf_type: str = "log-log", conf_int: float = 0.95) -> pd.DataFrame:
    """The Kaplan-Meier curve as ``summary(survfit(...), censored=TRUE)``: one row per distinct time.

    Parameters
    ----------
    time, event : array-like
        Follow-up times (>= 0) and 0/1 (or True/False) events; rows with a missing value are dropped (R's
        ``na.omit``), a non-numeric entry is an error naming its row.
    conf_type : {"log-log", "log", "plain"}
        The scale of the confidence limits (EZR's log-log by default; R's default is "log").
    conf_int : float
        Coverage of the limits.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, n_risk, n_event, n_censor, surv, std_err, lower, upper``; ``std_err`` is the
        standard error of S (Greenwood, as ``summary.survfit`` prints it).
    """
    t, e = _time_event(time, event)
    times, n_risk, n_event, n_censor, surv, se = _km_table(t, e)
    lower, upper = _confint(surv, se, conf_type, conf_int)
    with np.errstate(invalid="ignore"):
        se_surv = se * surv  # NaN once S = 0, as R
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk.astype(int),
            "n_event": n_event.astype(int),
            "n_censor": n_censor.astype(int),
            "surv": surv,
            "std_err": se_surv,
            "lower": lower,
            "upper": upper,
        }
    )


def _findq(x: np.ndarray, y: np.ndarray, p: float, tol: float = R_TOL) -> float:
    """R's ``survival:::findq`` for one probability: x = c(0, time), y = c(0, 1 - S)."""
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return np.nan
    xmax = x[-1]
    # drop duplicated y (NA duplicates NA), keeping the first occurrence
    _, first = np.unique(y, return_index=True)  # NaNs compare equal here
    keep = np.sort(first)
    x, y = x[keep], y[keep]
    ok = ~np.isnan(y)  # approx() drops NA pairs ...
    idx = np.flatnonzero(ok)
    srt = np.argsort(y[ok], kind="stable")  # ... and sorts by the abscissa (confidence limits need not
    idx, yy = idx[srt], y[ok][srt]  # be monotone)

    def lookup(knots):
        """approx(knots, index, p, method="constant", f=1, rule=1): NA outside the knots, else the
        index of the first knot >= p."""
        if p < knots[0] or p > knots[-1]:
            return None
        return idx[np.flatnonzero(knots >= p)[0]]

    i1 = lookup(yy + tol)
    i2 = lookup(yy - tol)
    q = (x[i1] + x[i2]) / 2 if (i1 is not None and i2 is not None) else np.nan
    if p == 0:
        q = x[0]
    if not np.isnan(y[-1]) and abs(p - y[-1]) < tol and i1 is not None:
        q = (x[i1] + xmax) / 2
    return float(q)


def _minmin(y: np.ndarray, x: np.ndarray, tol: float = R_TOL) -> float:
    """``print.survfit``'s median (``survival:::survmean``'s ``minmin``): the first time y < 0.5 + tol; if
    y is 0.5 there (within tol) and drops later, the midpoint up to the time it drops."""
    keep = ~np.isnan(y) & (y < 0.5 + tol)
    if not keep.any():
        return np.nan
    x, y = x[keep], y[keep]
    if abs(y[0] - 0.5) < tol and np.any(y < y[0]):
        return float((x[0] + x[np.flatnonzero(y < y[0])[0]]) / 2)
    return float(x[0])


RULES = ("print", "quantile")


def _km_median(t, e, conf_type: str, rule: str):
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
    times, _, _, _, surv, se = _km_table(t, e)
    if len(times) == 0:
        return np.nan, np.nan, np.nan
    lower, upper = _confint(surv, se, conf_type)
    if rule == "print":
        return _minmin(surv, times), _minmin(lower, times), _minmin(upper, times)
    x = np.concatenate(([0.0], times))  # quantile.survfit: firstx = 0
    return tuple(_findq(x, np.concatenate(([0.0], 1 - v)), 0.5) for v in (surv, lower, upper))


def km_median(time, event, rule: str = "print") -> float:
    """Median survival with R's rule; NaN when not reached.

    The first time S < 0.5; where S sits at exactly 0.5 (within sqrt(eps), not float equality) over an
    interval, the midpoint of that interval's ends. ``rule="print"`` (default) is ``print.survfit`` /
    ``summary(fit)$table``, what EZR shows; ``rule="quantile"`` is ``quantile.survfit``. They differ only
    when S stays at 0.5 to the end of follow-up (print: where it reached 0.5; quantile: the midpoint up to
    the last time).

    Parameters
    ----------
    time, event : array-like
        Follow-up times (>= 0) and 0/1 (or True/False) events; rows with a missing value are dropped (R's
        ``na.omit``), a non-numeric entry is an error naming its row.
    rule : {"print", "quantile"}
        R's ``print.survfit`` (default) or ``quantile.survfit`` rule.

    Returns
    -------
    float
        The median, NaN when the curve stays above 0.5.
    """
    t, e = _time_event(time, event)
    return _km_median(t, e, "plain", rule)[0]


def km_median_ci(
    time, event, conf_type: str = "log-log", conf_int: float = 0.95, rule: str = "print"
) -> tuple[float, float, float]:
    """The median with its confidence interval (Brookmeyer-Crowley): where the confidence band's curves reach 0.5.

    As ``print.survfit`` (default) or ``quantile.survfit`` (``rule="quantile"``; it differs from print also
    when a band is not monotone).

    Parameters
    ----------
    time, event : array-like
        Follow-up times (>= 0) and 0/1 (or True/False) events; rows with a missing value are dropped (R's
        ``na.omit``), a non-numeric entry is an error naming its row.
    conf_type : {"log-log", "log", "plain"}
        The scale of the band (EZR's log-log by default).
    conf_int : float
        Coverage; only 0.95 is implemented.
    rule : {"print", "quantile"}
        R's median rule, as :func:`km_median`.

    Returns
    -------
    tuple of float
        (median, lower, upper); NaN marks a value that is not reached.
    """
    if conf_int != 0.95:
        raise NotImplementedError("only 95% limits are implemented")
    t, e = _time_event(time, event)
    return tuple(float(v) for v in _km_median(t, e, conf_type, rule))


def survival_at(
    time, event, t: float, conf_type: str = "log-log", conf_int: float = 0.95
) -> tuple[float, float, float]:
    """(S(t), lower, upper) as ``summary(survfit(...), times=t)``.

    S is the KM estimate at the last distinct time <= t. Before the first observed time R reports
    (1, 1, 1); at S = 1 after a censoring the log-log limits are NaN, as in R. Beyond the last observed
    time R reports nothing: NaN here.

    Parameters
    ----------
    time, event : array-like
        Follow-up times (>= 0) and 0/1 (or True/False) events; rows with a missing value are dropped (R's
        ``na.omit``), a non-numeric entry is an error naming its row.
    t : float
        The time at which to read the curve.
    conf_type : {"log-log", "log", "plain"}
        The scale of the confidence limits.
    conf_int : float
        Coverage of the limits.

    Returns
    -------
    tuple of float
        (S(t), lower, upper).
    """
    tt, ee = _time_event(time, event)
    times, _, _, _, surv, se = _km_table(tt, ee)
    if len(times) == 0 or t > times[-1]:
        return (np.nan, np.nan, np.nan)
    i = np.searchsorted(times, t, side="right") - 1
    if i < 0:
        return (1.0, 1.0, 1.0)
    s, sd = surv[i], se[i]
    lo, hi = _confint(np.array([s]), np.array([sd]), conf_type, conf_int)
    return float(s), float(lo[0]), float(hi[0])


def followup(time, event, method: str = "observed") -> float:
    """Median follow-up.

    ``"observed"``: the plain median of the observed times (what "median follow-up 21.1 months (range ...)"
    usually means). ``"reverse_km"``: the reverse Kaplan-Meier median, i.e. KM with the event indicator
    flipped (censoring is the "event"), with R's median rule (as :func:`km_median`).

    Parameters
    ----------
    time, event : array-like
        Follow-up times (>= 0) and 0/1 (or True/False) events; rows with a missing value are dropped (R's
        ``na.omit``), a non-numeric entry is an error naming its row.
    method : {"observed", "reverse_km"}
        Which definition.

    Returns
    -------
    float
        The median follow-up in the unit of ``time``.
    """
    t, e = _time_event(time, event)
    if method == "observed":
        return float(np.median(t)) if len(t) else np.nan
    if method == "reverse_km":
        return _km_median(t, ~e, "plain", "print")[0]
    raise ValueError(f"method must be 'observed' or 'reverse_km', not {method!r}")
