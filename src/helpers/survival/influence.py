"""Influence of each patient on a Cox model: :func:`dfbeta`, as R's ``residuals(coxph(...), type = "dfbeta")``.

Why hand-written: lifelines computes score residuals for Efron ties only; EZR fits Breslow. With Breslow ties
the score residual is a short sum over the death times of :class:`helpers.survival.coxph._CoxData`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._common import _numeric
from .coxph import _CoxData, cox


def score_residuals(data: pd.DataFrame, duration: str, event: str, covariates: Sequence[str]) -> pd.DataFrame:
    """Score residuals of the Breslow Cox fit, as ``residuals(fit, type = "score")``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    duration, event : str
        Columns of follow-up time and the 0/1 event.
    covariates : sequence of str
        The model's covariates (numeric columns).

    Returns
    -------
    pandas.DataFrame
        One row per patient with every used column present (R's ``na.omit``), indexed as ``data``, one column
        per covariate: the patient's term of the score at the fitted coefficients.
    """
    covariates = list(covariates)
    cols = [duration, event, *covariates]
    M = np.column_stack([_numeric(data[c], f"column {c!r}") for c in cols])
    ok = ~np.isnan(M).any(axis=1)
    fit = cox(data, duration, event, covariates, ties="breslow")
    beta = fit.table["coef"].to_numpy()
    cd = _CoxData(M[ok, 0], M[ok, 1].astype(bool), M[ok, 2:], "breslow")
    X, w = cd.X, np.exp(cd.X @ beta)
    S0 = cd.risk_sums(w)  # per distinct death time
    S1 = cd.risk_sums(w[:, None] * X)
    xbar = S1 / S0[:, None]
    dcount = np.bincount(cd.dgroup, minlength=cd.n_dtimes)
    dtimes = cd.time[cd.dead[cd.dgroup_start]]
    # death times each row was at risk for: those <= the row's time
    at_risk = dtimes[None, :] <= cd.time[:, None]
    hazard = dcount / S0  # Breslow's increments of the baseline hazard
    resid = -(at_risk * hazard[None, :])[:, :, None] * w[:, None, None] * (X[:, None, :] - xbar[None, :, :])
    resid = resid.sum(axis=1)
    own = np.searchsorted(dtimes, cd.time)  # a death's own death time
    resid[cd.event] += X[cd.event] - xbar[own[cd.event]]
    out = np.empty_like(resid)
    out[cd.order] = resid
    return pd.DataFrame(out, index=data.index[ok], columns=covariates)


def dfbeta(
    data: pd.DataFrame, duration: str, event: str, covariates: Sequence[str], scaled: bool = False
) -> pd.DataFrame:
    """The approximate change in each coefficient when a patient is left out, as R's ``residuals(fit, "dfbeta")``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    duration, event : str
        Columns of follow-up time and the 0/1 event.
    covariates : sequence of str
        The covariates of the Cox model (Breslow ties, as EZR).
    scaled : bool
        ``True`` divides by each coefficient's standard error (R's ``type = "dfbetas"``).

    Returns
    -------
    pandas.DataFrame
        One row per patient used by the fit (indexed as ``data``), one column per covariate: the score residuals
        times the variance matrix. The fitted coefficient minus the coefficient refitted without the patient is
        close to this value.
    """
    fit = cox(data, duration, event, covariates, ties="breslow")
    score = score_residuals(data, duration, event, covariates)
    out = score @ fit.var.to_numpy()
    out.columns = list(covariates)
    if scaled:
        out = out / fit.table["se"].to_numpy()
    return out
