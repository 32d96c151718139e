"""Events per variable: the four-covariate Cox model of Table 3 refitted on cohorts of the same size and number
of deaths drawn from a known model, and what the replicates show of its bias, spread, coverage and selection."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from .. import factors, survival
from ._common import ALPHA, _quiet


@dataclass(frozen=True)
class EPVSetup:
    """A known Cox model to draw from: the covariate rows of a cohort (``design``, resampled with
    replacement), the true coefficients ``beta``, an exponential baseline ``base_rate``, and uniform
    censoring on (0, ``censor_max``) that gives ``deaths`` deaths among ``n`` patients on average."""

    design: pd.DataFrame
    beta: pd.Series
    base_rate: float
    censor_max: float
    n: int
    deaths: int
    notes: tuple = ()  #: what the page must say about the truth taken (a coefficient of the cohort not finite)


def epv_setup(cohort: pd.DataFrame, covariates: Sequence[str] | None = None) -> EPVSetup:
    """The model fitted to ``cohort`` (Table 3's covariates, Breslow ties) taken as the truth: its
    coefficients, the exponential baseline rate that goes with them, and the censoring that reproduces the
    cohort's number of deaths in expectation.

    A coefficient the cohort cannot estimate (no deaths on one side of its covariate: the fit's ``infinite``)
    is taken as 0, a true HR of 1, and ``notes`` says so."""
    covariates = list(factors.COX_COVARIATES) if covariates is None else list(covariates)
    design = cohort[["os_months", "death"]].join(factors.cox_design(cohort, covariates)).dropna()
    with warnings.catch_warnings():  # kept on the fit; the setup's notes say what they change
        warnings.simplefilter("ignore", survival.FitWarning)
        fit = survival.cox(design, "os_months", "death", covariates)
    beta = fit.table["coef"].copy()
    beta[fit.infinite] = 0.0
    notes = tuple(
        f"The cohort's Cox fit has no finite estimate for {factors.COX_LABELS[c]} (no deaths on one side of it); "
        "the simulation takes its true hazard ratio as 1."
        for c in fit.infinite
    )
    X = design[covariates].to_numpy(float)
    deaths = int(pd.to_numeric(design["death"]).sum())
    rel = np.exp(X @ beta.to_numpy())
    base = deaths / float((pd.to_numeric(design["os_months"]).to_numpy() * rel).sum())
    share = deaths / len(design)

    def expected_share(a):  # P(T < C) for T ~ Exp(r), C ~ U(0, a), averaged over the rows
        ra = base * rel * a
        return float(np.mean(1 - (1 - np.exp(-ra)) / ra)) - share

    censor_max = optimize.brentq(expected_share, 1e-6, 1e6, xtol=1e-10)
    return EPVSetup(
        design=design[covariates].reset_index(drop=True),
        beta=beta,
        base_rate=base,
        censor_max=censor_max,
        n=len(design),
        deaths=deaths,
        notes=notes,
    )


def epv_cohort(setup: EPVSetup, seed, scale: int = 1) -> pd.DataFrame:
    """One cohort of ``scale`` × ``setup.n`` patients drawn from the known model."""
    rng = np.random.default_rng(seed)
    n = setup.n * int(scale)
    X = setup.design.iloc[rng.integers(0, len(setup.design), n)].reset_index(drop=True)
    rate = setup.base_rate * np.exp(X.to_numpy(float) @ setup.beta.to_numpy())
    t = rng.exponential(1 / rate)
    c = rng.uniform(0, setup.censor_max, n)
    return X.assign(os_months=np.minimum(t, c), death=(t <= c).astype(int))


def epv_analyses(sim: pd.DataFrame, covariates: Sequence[str], select: bool = True) -> pd.DataFrame:
    """Per covariate: the full model's coefficient, SE, CI and p (Breslow), whether the fit converged to
    finite estimates, and, with ``select``, whether forward conditional selection kept it and its
    coefficient in the selected model."""
    covariates = list(covariates)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = survival.cox(sim, "os_months", "death", covariates)
    finite = fit.converged and not any("infinite" in str(w.message) for w in caught)
    out = fit.table[["coef", "se", "ci_low", "ci_high", "p"]].copy()
    out["finite"] = finite
    out["deaths"] = fit.n_events
    if select:
        sel = _quiet(survival.forward_conditional, sim, "os_months", "death", covariates)
        out["selected"] = [c in sel.selected for c in covariates]
        kept = sel.model.table["coef"] if sel.model is not None else pd.Series(dtype=float)
        out["selected_coef"] = [float(kept[c]) if c in kept.index else np.nan for c in covariates]
    return out.rename_axis("covariate").reset_index()


def epv_summary(results: pd.DataFrame, beta: pd.Series) -> pd.DataFrame:
    """Per covariate over the replicates: true HR, median estimated HR, mean bias of log HR, SD of log HR,
    the central 95% range of the HR, 95% CI coverage, power (p < 0.05), how often selection kept it and
    its median HR when kept; replicates with an infinite estimate are counted, and left out of the bias
    and spread."""
    rows = []
    for cov, g in results.groupby("covariate", sort=False):
        b = float(beta[cov])
        ok = g[g["finite"]]
        row = {
            "covariate": cov,
            "true_hr": np.exp(b),
            "median_hr": float(np.exp(ok["coef"].median())),
            "bias_log_hr": float(ok["coef"].mean() - b),
            "sd_log_hr": float(ok["coef"].std(ddof=1)),
            "hr_2.5%": float(np.exp(ok["coef"].quantile(0.025))),
            "hr_97.5%": float(np.exp(ok["coef"].quantile(0.975))),
            "coverage": float(((ok["ci_low"] <= np.exp(b)) & (np.exp(b) <= ok["ci_high"])).mean()),
            "power": float((g["p"] < ALPHA).mean()),
            "infinite": int((~g["finite"]).sum()),
        }
        if "selected" in g:
            row["selected"] = float(g["selected"].mean())
            row["median_hr_if_selected"] = float(np.exp(g.loc[g["selected"], "selected_coef"].median()))
        rows.append(row)
    return pd.DataFrame(rows).set_index("covariate")
