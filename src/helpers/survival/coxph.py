"""Cox proportional hazards as R's ``coxph``: one engine, R's ``coxfit6`` recipe.

:func:`cox` (Breslow ties by default, as EZR hard-codes them; Efron available) and :func:`wald_summary` (HR,
CI limits and p from coefficients and standard errors). :func:`helpers.timedep.cox_counting` runs on the same engine.

Why hand-written: lifelines fits only Efron ties and, with its default damped steps, stops ~1e-6 away from R.
statsmodels' PHReg has Breslow and Efron but uses a generic optimiser with its own stopping rule and
gives no R-style score test. Both tie methods therefore run through one Newton-Raphson engine that
follows R's ``coxfit6.c`` step by step (start at 0, full Newton steps, step-halving when the
log-likelihood drops, stop when ``|1 - loglik_old/loglik_new| <= 1e-9``, at most 20 iterations), so
coefficients, variances and the three model tests agree with R to ~1e-10 (also when a coefficient
diverges: same iterations, same warning). One engine for both tie methods keeps Breslow and Efron
strictly comparable and serves the selection procedures, which need likelihoods at arbitrary betas.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from ._common import Z975, FitWarning, _chi2_sf, _numeric


class _CoxData:
    """Sorted data and per-death bookkeeping for fast likelihood evaluations."""

    def __init__(self, time: np.ndarray, event: np.ndarray, X: np.ndarray, ties: str):
        if ties not in ("breslow", "efron"):
            raise ValueError(f"ties must be 'breslow' or 'efron', not {ties!r}")
        order = np.argsort(time, kind="stable")
        self.order = order
        self.time = time[order]
        self.event = event[order].astype(bool)
        self.means = X.mean(axis=0) if len(X) else np.zeros(X.shape[1])
        self.X = X[order] - self.means  # centred, as coxph
        # first index (ascending) of each row's time: the risk set is that row onwards
        starts = np.searchsorted(self.time, self.time, side="left")
        dead = np.flatnonzero(self.event)
        self.dead = dead
        dtimes, dstart, dcount = np.unique(self.time[dead], return_index=True, return_counts=True)
        self.n_dtimes = len(dtimes)
        self.dgroup = np.repeat(np.arange(len(dtimes)), dcount)  # death -> its distinct death time
        self.dgroup_start = dstart
        self.risk_start = starts[dead[dstart]]  # per distinct death time
        # expanded Efron/Breslow terms: for death time j with d deaths, d terms with fraction k/d
        frac = np.concatenate([np.arange(c) / c for c in dcount]) if len(dcount) else np.zeros(0)
        self.frac = frac if ties == "efron" else np.zeros_like(frac)
        self.term_group = self.dgroup  # same length: one term per death
        self.ties = ties

    def risk_sums(self, v: np.ndarray) -> np.ndarray:
        """Sums of ``v`` (one entry per row, any trailing shape) over the risk set of each distinct death time:
        here the rows from the death time onwards (sorted right-censored data)."""
        return np.cumsum(v[::-1], axis=0)[::-1][self.risk_start]

    def evaluate(self, beta: np.ndarray, second: bool = True):
        """loglik, score U and information I at beta (centred covariates)."""
        X = self.X
        p = X.shape[1]
        eta = X @ beta
        w = np.exp(eta)
        wx = w[:, None] * X
        S0, S1 = self.risk_sums(w), self.risk_sums(wx)
        dd = self.dead
        D0 = np.add.reduceat(w[dd], self.dgroup_start) if len(dd) else np.zeros(0)
        D1 = np.add.reduceat(wx[dd], self.dgroup_start, axis=0) if len(dd) else np.zeros((0, p))
        g, f = self.term_group, self.frac
        a = S0[g] - f * D0[g]
        b = S1[g] - f[:, None] * D1[g]
        loglik = eta[dd].sum() - np.log(a).sum()
        xbar = b / a[:, None]
        U = X[dd].sum(axis=0) - xbar.sum(axis=0)
        if not second:
            return loglik, U, None
        wxx = wx[:, :, None] * X[:, None, :]
        S2 = self.risk_sums(wxx)
        D2 = np.add.reduceat(wxx[dd], self.dgroup_start, axis=0) if len(dd) else np.zeros((0, p, p))
        c = S2[g] - f[:, None, None] * D2[g]
        I = (c / a[:, None, None]).sum(axis=0) - np.einsum("ti,tj->ij", xbar, xbar)
        return loglik, U, I


def _solve(I: np.ndarray, U: np.ndarray) -> np.ndarray:
    try:
        L = np.linalg.cholesky(I)
    except np.linalg.LinAlgError as exc:
        raise np.linalg.LinAlgError(
            "Cox information matrix is singular: a covariate is constant or collinear with others"
        ) from exc
    return np.linalg.solve(L.T, np.linalg.solve(L, U))


def _newton(cd: _CoxData, init=None, eps: float = 1e-9, iter_max: int = 20):
    """R's coxfit6 iteration. Returns beta, var, loglik (initial, final), score test, iterations, flag."""
    p = cd.X.shape[1]
    beta = np.zeros(p) if init is None else np.asarray(init, float).copy()
    lik0, U, I = cd.evaluate(beta)
    step = _solve(I, U)
    sctest = float(U @ step)
    best = lik0
    newbeta = beta + step
    halving = 0
    converged = False
    it = 0
    for it in range(1, iter_max + 1):
        newlk, U, I = cd.evaluate(newbeta)
        finite = np.isfinite(newlk) and np.all(np.isfinite(U)) and np.all(np.isfinite(I))
        if finite and abs(1 - best / newlk) <= eps:
            best = newlk
            beta = newbeta
            converged = True
            break
        if it == iter_max:
            break
        if not finite or newlk < best:
            halving += 1
            newbeta = (newbeta + halving * beta) / (halving + 1.0)
        else:
            halving = 0
            best = newlk
            step = _solve(I, U)
            beta = newbeta
            newbeta = newbeta + step
    if not converged:  # R: recompute at the last good beta
        best, U, I = cd.evaluate(beta)
    var = np.linalg.inv(I)
    var = (var + var.T) / 2
    return beta, var, (float(lik0), float(best)), sctest, it, converged, U


@dataclass
class CoxResult:
    """A fitted Cox model, with the numbers ``summary(coxph(...))`` prints."""

    table: pd.DataFrame  #: coef, se, hr, ci_low, ci_high, z and p, a row per covariate
    loglik: tuple[float, float]  #: (null, final)
    lr_test: dict
    score_test: dict
    wald_test: dict
    n: int
    n_events: int
    ties: str
    iterations: int
    converged: bool
    var: pd.DataFrame = field(repr=False)
    covariates: list = field(default_factory=list)
    _data: _CoxData = field(default=None, repr=False)
    notes: list = field(default_factory=list)  #: coxph's warnings about this fit, as text (FitWarning)
    infinite: list = field(default_factory=list)  #: the covariates whose coefficient may be infinite

    @property
    def coef(self) -> pd.Series:
        return self.table["coef"]


def _test(stat: float, df: int) -> dict:
    return {"statistic": float(stat), "df": int(df), "p": float(_chi2_sf(stat, df))}


def _design(data: pd.DataFrame, duration: str, event: str, covariates: Sequence[str]):
    cols = [duration, event, *covariates]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise KeyError(f"columns not in data: {missing}")
    arrays = [_numeric(data[c], f"column {c!r}") for c in cols]  # a non-numeric cell is refused, not dropped
    M = np.column_stack(arrays) if arrays else np.zeros((len(data), 0))
    M = M[~np.isnan(M).any(axis=1)]  # R's na.omit
    t, e = M[:, 0], M[:, 1]
    if np.any((e != 0) & (e != 1)):
        raise ValueError(f"column {event!r} must be 0/1")
    if np.any(t < 0):
        raise ValueError(f"column {duration!r} must be >= 0")
    return t, e.astype(bool), M[:, 2:]


def cox(
    data: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    ties: str = "breslow",
    eps: float = 1e-9,
    iter_max: int = 20,
) -> CoxResult:
    """Cox model as ``coxph(Surv(duration, event) ~ covariates, ties=ties)``; Breslow by default (EZR hard-codes it).

    Rows with a missing value in any used column are dropped (R's na.omit).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    duration, event : str
        Columns of follow-up time and the 0/1 event.
    covariates : sequence of str
        Numeric covariate columns (at least one).
    ties : {"breslow", "efron"}
        Handling of tied death times (EZR's Breslow by default; R's default is Efron).
    eps, iter_max : float, int
        coxph's convergence tolerance on the log-likelihood and its iteration limit.

    Returns
    -------
    CoxResult
        ``.table`` holds coef, se, hr, 95% ci_low/ci_high, z and the Wald p per covariate; ``.lr_test``,
        ``.score_test``, ``.wald_test`` are dicts (statistic, df, p) as printed by ``summary.coxph``; ``.var``
        the variance matrix of the coefficients.
    """
    covariates = list(covariates)
    if not covariates:
        raise ValueError("cox() needs at least one covariate")
    t, e, X = _design(data, duration, event, covariates)
    return _fit(_CoxData(t, e, X, ties), covariates, n=len(t), n_events=int(e.sum()), eps=eps, iter_max=iter_max)


def _fit(
    cd, covariates: list, n: int, n_events: int, eps: float, iter_max: int, keep_data: bool = True, stacklevel: int = 3
) -> CoxResult:
    """Run the Newton engine on prepared data ``cd`` (a :class:`_CoxData`, or a subclass with other risk sets)
    and summarise the fit as ``summary.coxph`` does, with coxph's warnings (no convergence, a coefficient that
    may be infinite). ``keep_data``: keep ``cd`` on the result for :func:`ph_test` (right-censored data only).
    Shared by :func:`cox` and :func:`helpers.timedep.cox_counting`."""
    beta, var, loglik, sctest, it, conv, U = _newton(cd, eps=eps, iter_max=iter_max)
    infinite = _infinite(beta, var, U, covariates, eps) if conv else []
    notes = _fit_notes(infinite, conv)
    for note in notes:
        warnings.warn(note, FitWarning, stacklevel=stacklevel)
    se = np.sqrt(np.diag(var))
    hr, lo, hi, p = wald_summary(beta, se)
    table = pd.DataFrame(
        {
            "coef": beta,
            "se": se,
            "hr": hr,
            "ci_low": lo,
            "ci_high": hi,
            "z": beta / se,
            "p": p,
        },
        index=pd.Index(covariates, name="covariate"),
    )
    k = len(covariates)
    wald = float(beta @ np.linalg.solve(var, beta))
    return CoxResult(
        table=table,
        loglik=loglik,
        lr_test=_test(2 * (loglik[1] - loglik[0]), k),
        score_test=_test(sctest, k),
        wald_test=_test(wald, k),
        n=n,
        n_events=n_events,
        ties=cd.ties,
        iterations=it,
        converged=conv,
        var=pd.DataFrame(var, index=covariates, columns=covariates),
        covariates=covariates,
        _data=cd if keep_data else None,
        notes=notes,
        infinite=infinite,
    )


def _infinite(beta, var, U, covariates: list, eps: float) -> list[str]:
    """The covariates whose coefficient may be infinite: coxph's check for a monotone likelihood."""
    infs = np.abs(var @ U)
    infs = (infs > eps) & (infs > np.sqrt(eps) * np.abs(beta))
    return [c for c, bad in zip(covariates, infs) if bad]


def _fit_notes(infinite: list[str], converged: bool) -> list[str]:
    """coxph's warnings about a fit, as text: no convergence, or coefficients that may be infinite."""
    if not converged:
        return ["Cox fit ran out of iterations and did not converge (as R's coxph warns)"]
    if infinite:
        return [
            f"Loglik converged before variable {', '.join(infinite)}; coefficient may be infinite (as R's coxph warns)"
        ]
    return []


def wald_summary(beta, se):
    """HR, 95% CI limits and two-sided Wald p of coefficients, as ``summary(coxph)`` prints them.

    Parameters
    ----------
    beta, se : array-like
        Coefficients and their standard errors (any shape, the same for both).

    Returns
    -------
    tuple of numpy.ndarray
        (exp(beta), exp(beta − 1.96 se), exp(beta + 1.96 se), 2 Φ(−|beta / se|)).
    """
    with np.errstate(over="ignore"):  # an infinite coefficient gives an infinite HR / upper limit, as R
        return (
            np.exp(beta),
            np.exp(beta - Z975 * se),
            np.exp(beta + Z975 * se),
            2 * special.ndtr(-np.abs(beta / se)),
        )  # = 2 * stats.norm.sf(|z|)
