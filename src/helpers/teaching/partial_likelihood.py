"""Cox's partial likelihood by hand for one covariate (Breslow ties), and Newton's method on it."""

from __future__ import annotations

import math

import pandas as pd


def _risk_sets(time, event, x):
    data = list(zip(map(float, time), map(int, event), map(float, x)))
    for t in sorted({t for t, e, _ in data if e == 1}):
        dying = [xi for u, e, xi in data if u == t and e == 1]
        at_risk = [xi for u, _, xi in data if u >= t]
        yield t, dying, at_risk


def partial_likelihood_terms(time, event, x, beta: float) -> pd.DataFrame:
    """The partial likelihood's factors at coefficient ``beta``, one death time per row.

    At each death time the patients at risk compete: with d deaths, the factor is
    exp(β Σ x of the dead) / (Σ over the risk set of exp(β x))^d (Breslow's handling of ties). The log partial
    likelihood is the sum of the logs of the factors; its first and second derivatives are the score
    U(β) = Σ (Σ x of the dead − d x̄) and the information I(β) = Σ d (mean of x² − x̄²), with x̄ and the mean of
    x² weighted by exp(β x) over the risk set.

    Parameters
    ----------
    time, event, x : sequence
        Times, 0/1 events and one numeric covariate (no missing values).
    beta : float
        The coefficient at which to evaluate.

    Returns
    -------
    pandas.DataFrame
        Columns ``time, deaths, at_risk, numerator, denominator, factor, log_factor, xbar, score, information``.
    """
    rows = []
    for t, dying, at_risk in _risk_sets(time, event, x):
        d = len(dying)
        weights = [math.exp(beta * xi) for xi in at_risk]
        s0 = sum(weights)
        xbar = sum(w * xi for w, xi in zip(weights, at_risk)) / s0
        x2bar = sum(w * xi * xi for w, xi in zip(weights, at_risk)) / s0
        num = math.exp(beta * sum(dying))
        rows.append(
            {
                "time": t,
                "deaths": d,
                "at_risk": len(at_risk),
                "numerator": num,
                "denominator": s0**d,
                "factor": num / s0**d,
                "log_factor": beta * sum(dying) - d * math.log(s0),
                "xbar": xbar,
                "score": sum(dying) - d * xbar,
                "information": d * (x2bar - xbar**2),
            }
        )
    return pd.DataFrame(rows)


def newton_steps(time, event, x, steps: int = 4) -> pd.DataFrame:
    """Newton-Raphson on the log partial likelihood from β = 0: β ← β + U(β) / I(β).

    Parameters
    ----------
    time, event, x : sequence
        Times, 0/1 events and one numeric covariate.
    steps : int
        Number of Newton steps.

    Returns
    -------
    pandas.DataFrame
        One row per iterate (step 0 is the start): ``step, beta, loglik, score, information``. The last
        ``beta`` is the Cox estimate once the steps have converged, and 1 / ``information`` there its variance.
    """
    beta, rows = 0.0, []
    for step in range(steps + 1):
        terms = partial_likelihood_terms(time, event, x, beta)
        u, i = float(terms["score"].sum()), float(terms["information"].sum())
        rows.append(
            {"step": step, "beta": beta, "loglik": float(terms["log_factor"].sum()), "score": u, "information": i}
        )
        beta = beta + u / i
    return pd.DataFrame(rows)


def schoenfeld_residuals(time, event, x, beta: float) -> pd.DataFrame:
    """Unscaled Schoenfeld residuals of a one-covariate Cox model: at each death, x of the patient who died
    minus x̄, the exp(β x)-weighted mean of x over the patients at risk.

    Parameters
    ----------
    time, event, x : sequence
        Times, 0/1 events and one numeric covariate.
    beta : float
        The fitted coefficient.

    Returns
    -------
    pandas.DataFrame
        One row per death (in time order): ``time, x, xbar, residual``. Under proportional hazards they scatter
        around 0 with no trend in time; ``cox.zph`` scales them (β + number of deaths × Var β̂ × residual).
    """
    rows = []
    for t, dying, at_risk in _risk_sets(time, event, x):
        weights = [math.exp(beta * xi) for xi in at_risk]
        xbar = sum(w * xi for w, xi in zip(weights, at_risk)) / sum(weights)
        rows += [{"time": t, "x": xi, "xbar": xbar, "residual": xi - xbar} for xi in dying]
    return pd.DataFrame(rows)
