"""Proportional-hazards test as survival 3.x ``cox.zph``: :func:`ph_test`.

Why hand-written: no Python library implements survival 3.x's test (score test for x*g(t) at the fitted
beta, not the older regression on scaled residuals); :func:`ph_test` follows ``zph1.c``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._common import _chi2_sf
from .coxph import CoxResult
from .km import _km_table

RESIDUAL_TIME_COLUMNS = frozenset({"time", "x"})  # the residual table's first two columns


@dataclass
class PHTestResult:
    """``cox.zph``: ``table`` (chisq, df, p per covariate and GLOBAL) and the scaled Schoenfeld residuals
    (``residuals``: one row per event, columns time, transformed time ``x`` and one column per covariate)."""

    table: pd.DataFrame
    residuals: pd.DataFrame
    transform: str


def ph_test(fit: CoxResult, transform: str = "km") -> PHTestResult:
    """Proportional-hazards test with scaled Schoenfeld residuals, as survival 3.x ``cox.zph(fit)``.

    Score tests for adding ``x * g(t)`` interactions at the fitted beta (Grambsch-Therneau, the 3.x
    formulation), ``g`` = ``transform`` of time: ``"km"`` (R's default, 1 - left-continuous KM),
    ``"identity"``, ``"rank"`` or ``"log"``.

    Parameters
    ----------
    fit : CoxResult
        A model fitted by :func:`helpers.survival.cox` (right-censored data).
    transform : {"km", "identity", "rank", "log"}
        The transform of time.

    Returns
    -------
    PHTestResult
        ``table`` (chisq, df, p per covariate and GLOBAL) and ``residuals`` (the scaled Schoenfeld residuals).
    """
    clash = sorted(RESIDUAL_TIME_COLUMNS & set(fit.covariates))
    if clash:
        raise ValueError(
            f"ph_test: covariate name(s) {clash} clash with the residual table's time columns "
            f"{sorted(RESIDUAL_TIME_COLUMNS)}; rename the covariate(s) before fitting"
        )
    cd = fit._data
    X, time, event = cd.X, cd.time, cd.event
    n, p = X.shape
    beta = fit.table["coef"].to_numpy()
    if transform == "km":
        times, _, _, _, surv, _ = _km_table(time, event)
        idx = np.searchsorted(times, time, side="left")  # number of distinct times < t
        ttimes = 1 - np.concatenate(([1.0], surv))[idx]
    elif transform == "identity":
        ttimes = time.copy()
    elif transform == "rank":
        ttimes = stats.rankdata(time)
    elif transform == "log":
        ttimes = np.log(time)
    else:
        raise ValueError(f"unknown transform {transform!r}")
    gtime = ttimes - ttimes[event].mean()

    eta = X @ beta
    w = np.exp(eta - eta.max())
    wx = w[:, None] * X
    wxx = wx[:, :, None] * X[:, None, :]
    rs0 = np.cumsum(w[::-1])[::-1]
    rs1 = np.cumsum(wx[::-1], axis=0)[::-1]
    rs2 = np.cumsum(wxx[::-1], axis=0)[::-1]
    dd = cd.dead
    S0, S1, S2 = rs0[cd.risk_start], rs1[cd.risk_start], rs2[cd.risk_start]
    D0 = np.add.reduceat(w[dd], cd.dgroup_start)
    D1 = np.add.reduceat(wx[dd], cd.dgroup_start, axis=0)
    D2 = np.add.reduceat(wxx[dd], cd.dgroup_start, axis=0)
    g, f = cd.term_group, cd.frac
    a = S0[g] - f * D0[g]
    b = S1[g] - f[:, None] * D1[g]
    c = S2[g] - f[:, None, None] * D2[g]
    xbar = b / a[:, None]
    info_terms = c / a[:, None, None] - xbar[:, :, None] * xbar[:, None, :]
    gt = gtime[dd]  # g(t) per death (constant within a tied set)
    U2 = (gt[:, None] * (X[dd] - xbar)).sum(axis=0)
    I11 = info_terms.sum(axis=0)
    I12 = (gt[:, None, None] * info_terms).sum(axis=0)
    I22 = (gt[:, None, None] ** 2 * info_terms).sum(axis=0)
    imat = np.block([[I11, I12], [I12.T, I22]])
    u = np.concatenate([np.zeros(p), U2])
    rows = []
    for j in range(p):
        kk = list(range(p)) + [p + j]
        uu = u[kk]
        rows.append((float(uu @ np.linalg.solve(imat[np.ix_(kk, kk)], uu)), 1))
    rows.append((float(u @ np.linalg.solve(imat, u)), p))
    tab = pd.DataFrame(rows, columns=["chisq", "df"], index=pd.Index(fit.covariates + ["GLOBAL"]))
    tab["p"] = _chi2_sf(tab["chisq"], tab["df"])

    # Schoenfeld residuals: x minus the (Efron: mean of the) risk-set means at that death time
    if cd.ties == "efron":
        # zph1.c: mean over k = 1..d of (S1 - D1 + D1 k/d) / (S0 - D0 + D0 k/d), the same set of terms
        mean_per_group = np.zeros((cd.n_dtimes, p))
        np.add.at(mean_per_group, g, xbar)
        counts = np.bincount(g, minlength=cd.n_dtimes)
        mean_per_group /= counts[:, None]
        schoen = X[dd] - mean_per_group[g]
    else:
        schoen = X[dd] - xbar
    nd = len(dd)
    constant = np.all(X == X[0], axis=0)
    k = np.flatnonzero(~constant)
    vmean = I11 / nd
    sres = np.full((nd, p), np.nan)
    sres[:, k] = np.linalg.solve(vmean[np.ix_(k, k)], schoen[:, k].T).T + beta[k]
    resid = pd.DataFrame(sres, columns=fit.covariates)
    resid.insert(0, "x", ttimes[dd])
    resid.insert(0, "time", time[dd])
    return PHTestResult(table=tab, residuals=resid, transform=transform)
