"""Restricted mean survival time, as R's ``print(survfit(...), rmean = tau)``: :func:`rmst`, :func:`rmst_difference`.

The area under the Kaplan-Meier curve from 0 to tau: the mean number of months lived within the first tau
months. Unlike a median it exists whenever the curve does, even when the curve stays above 0.5.

Why hand-written: the area and ``survmean``'s variance are a few lines over the Kaplan-Meier table
(lifelines' ``restricted_mean_survival_time`` gives the area but a different variance; survRM2 is R only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ._common import Z975, _time_event
from .km import _km_table


@dataclass(frozen=True)
class RMST:
    """A restricted mean: ``estimate`` and ``se`` (R's ``rmean`` and ``se(rmean)``), 95% ``lower`` and
    ``upper`` (estimate ± 1.96 se) and the horizon ``tau``."""

    estimate: float
    se: float
    lower: float
    upper: float
    tau: float


def rmst(time, event, tau: float) -> RMST:
    """The restricted mean survival time up to ``tau``, as ``summary(survfit(...), rmean = tau)$table``.

    Parameters
    ----------
    time, event : array-like
        Follow-up times and 0/1 event indicators; rows with a missing value are dropped.
    tau : float
        The horizon (> 0). Beyond the last observed time the curve is carried forward flat, as R does.

    Returns
    -------
    RMST
        The area under Ŝ on [0, tau] and its standard error: the square root of the sum over death times
        tᵢ < tau of Aᵢ² dᵢ / (nᵢ (nᵢ − dᵢ)), where Aᵢ is the area under Ŝ from tᵢ to tau (``survmean``).
    """
    if not tau > 0:
        raise ValueError(f"tau must be > 0, not {tau!r}")
    t, e = _time_event(time, event)
    times, n_risk, n_event, _, surv, _ = _km_table(t, e)
    inside = times < tau
    times, n_risk, n_event, surv = times[inside], n_risk[inside], n_event[inside], surv[inside]
    knots = np.concatenate(([0.0], times, [tau]))
    heights = np.concatenate(([1.0], surv))
    pieces = np.diff(knots) * heights  # area of each step
    estimate = float(pieces.sum())
    after = np.cumsum(pieces[::-1])[::-1][1:]  # area from each time to tau
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(n_risk - n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
    se = float(np.sqrt(np.sum(after**2 * h)))
    return RMST(estimate, se, estimate - Z975 * se, estimate + Z975 * se, float(tau))


def rmst_difference(time, event, group, tau: float) -> dict:
    """The difference in restricted mean survival between two groups, with a Wald CI and p.

    Parameters
    ----------
    time, event : array-like
        Follow-up times and 0/1 event indicators.
    group : array-like
        Exactly two levels (sorted as R sorts a factor); the difference is the second minus the first.
    tau : float
        The common horizon; it should not exceed the shorter of the two groups' follow-up.

    Returns
    -------
    dict
        ``levels`` (first, second), ``rmst`` (one :class:`RMST` each), ``difference``, ``se``, ``lower``,
        ``upper`` and the two-sided ``p`` (independent groups: the variances add).
    """
    g = np.asarray(group, dtype=object)
    levels = sorted({v for v in g if v == v and v is not None})
    if len(levels) != 2:
        raise ValueError(f"rmst_difference needs exactly 2 groups; found {len(levels)}")
    t = np.asarray(time, dtype=float)
    ev = np.asarray(event, dtype=float)
    fits = [rmst(t[g == lv], ev[g == lv], tau) for lv in levels]
    diff = fits[1].estimate - fits[0].estimate
    se = float(np.hypot(fits[0].se, fits[1].se))
    return {
        "levels": tuple(levels),
        "rmst": tuple(fits),
        "difference": diff,
        "se": se,
        "lower": diff - Z975 * se,
        "upper": diff + Z975 * se,
        # no death before tau in either group: both areas are exact, nothing to test (NaN, not a division by 0)
        "p": float(2 * special.ndtr(-abs(diff / se))) if se > 0 else float("nan"),
    }
