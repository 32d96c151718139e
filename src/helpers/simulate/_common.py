"""What the three simulations share: the death rate read from a cohort, uniform censoring, the result row of a
Cox fit (HR, CI, a p value; NaN when a small replicate cannot be fitted) and the p values it can carry."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import survival

ALPHA = 0.05
RESULT_COLUMNS = ["comparison", "analysis", "hr", "ci_low", "ci_high", "p", "test", "n", "events"]


def _death_rate(cohort: pd.DataFrame) -> float:
    """Deaths per patient-month (the exponential model's maximum-likelihood rate)."""
    deaths = float(pd.to_numeric(cohort["death"]).sum())
    months = float(pd.to_numeric(cohort["os_months"]).sum())
    if not (deaths > 0 and months > 0):
        raise ValueError("the cohort needs at least one death and positive follow-up to set a death rate")
    return deaths / months


def _censor(rng: np.random.Generator, t: np.ndarray, follow_max: float) -> tuple[np.ndarray, np.ndarray]:
    """Observed time and death flag under administrative censoring uniform on (0, follow_max)."""
    c = rng.uniform(0, follow_max, len(t))
    return np.minimum(t, c), (t <= c).astype(int)


def _quiet(fn, *args, **kwargs):
    """Call a fitting function with its convergence warnings silenced (replicates report them as data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _cox_row(
    comparison: str,
    analysis: str,
    fit: Callable[[], survival.CoxResult],
    covariate: str,
    p: Callable[[survival.CoxResult], tuple[float, str]],
) -> dict:
    """One result row: HR, CI of ``covariate``, a p value, patients and deaths; NaN when the model cannot be
    fitted (a group without patients or deaths in a small replicate)."""
    try:
        res = _quiet(fit)
    except (ValueError, np.linalg.LinAlgError):
        return dict(
            comparison=comparison,
            analysis=analysis,
            hr=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            p=np.nan,
            test="",
            n=0,
            events=0,
        )
    row = res.table.loc[covariate]
    pv, test = p(res)
    return dict(
        comparison=comparison,
        analysis=analysis,
        hr=float(row["hr"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p=float(pv),
        test=test,
        n=res.n,
        events=res.n_events,
    )


def _logrank_p(data: pd.DataFrame, group: str) -> Callable[[survival.CoxResult], tuple[float, str]]:
    def p(_):
        if data[group].nunique() < 2:
            return np.nan, "log-rank"
        return survival.logrank(data["os_months"], data["death"], data[group]).p, "log-rank"

    return p


def _score_p(res: survival.CoxResult) -> tuple[float, str]:
    return res.score_test["p"], "Cox score (time-dependent log-rank)"


def _wald_p(covariate: str) -> Callable[[survival.CoxResult], tuple[float, str]]:
    return lambda res: (float(res.table.loc[covariate, "p"]), "Wald")
