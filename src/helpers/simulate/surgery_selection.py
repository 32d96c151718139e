"""Selection into surgery: metastasectomy has no effect, but surgeons operate on fitter patients with a single
metastatic site; what adjusting for the measured burden can and cannot remove."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special, stats

from .. import factors, survival
from ._common import RESULT_COLUMNS, _censor, _cox_row, _death_rate, _wald_p


@dataclass(frozen=True)
class Selection:
    """A cohort in which metastasectomy has no effect, but surgeons select fit patients.

    Each patient has an unmeasured *fitness* Z ~ N(0, 1) (performance status, tempo of the disease). Less fit
    patients more often have more than one metastatic site (log-odds −``burden_per_sd`` per SD of Z; overall
    share ``p_multi``). The hazard is ``death_rate``-scaled exp(−ln(``fitness_hr``)·Z +
    ln(``burden_hr``)·[>1 site]): ``fitness_hr`` per SD of lower fitness, ``burden_hr`` for more sites. Only
    single-site patients are operated on, fitter ones more often (odds ratio ``selection_or`` per SD of Z),
    so that a share ``p_surgery`` of all patients have a curative metastasectomy.
    """

    n: int
    death_rate: float
    p_surgery: float
    p_multi: float
    follow_max: float
    fitness_hr: float = 2.0
    burden_hr: float = 1.5
    burden_per_sd: float = 0.7
    selection_or: float = 4.0


def selection_params(cohort: pd.DataFrame, **overrides) -> Selection:
    """Parameters read from ``cohort``: size, death rate, the shares with a curative metastasectomy and with
    more than one initial metastatic site, the longest follow-up. Keyword arguments override any field."""
    sites = factors.levels(cohort, "initial_metastatic_sites").dropna()
    params = dict(
        n=len(cohort),
        death_rate=_death_rate(cohort),
        p_surgery=float(pd.to_numeric(cohort["metastasectomy_curative"]).mean()),
        p_multi=float((sites == ">1").mean()),
        follow_max=float(pd.to_numeric(cohort["os_months"]).max()),
    )
    params.update(overrides)
    return Selection(**params)


def _normal_mean(f: Callable[[float], float]) -> float:
    """E f(Z) for Z ~ N(0, 1), by quadrature."""
    return integrate.quad(lambda z: f(z) * stats.norm.pdf(z), -10, 10, epsabs=1e-12)[0]


@functools.lru_cache(maxsize=32)
def _calibrate(p: Selection) -> tuple[float, float, float]:
    """Intercepts of the two logistic models (more sites, surgery) that give the target shares, and the
    baseline rate that gives the target mean hazard."""
    if not (0 < p.p_multi < 1 and 0 < p.p_surgery < 1 - p.p_multi):
        raise ValueError(
            "need 0 < p_multi < 1 and 0 < p_surgery < 1 - p_multi (only single-site patients are operated on)"
        )
    multi = lambda a, z: special.expit(a - p.burden_per_sd * z)  # noqa: E731
    a_m = optimize.brentq(lambda a: _normal_mean(lambda z: multi(a, z)) - p.p_multi, -20, 20, xtol=1e-12)
    b = np.log(p.selection_or)
    a_s = optimize.brentq(
        lambda a: _normal_mean(lambda z: (1 - multi(a_m, z)) * special.expit(a + b * z)) - p.p_surgery,
        -30,
        30,
        xtol=1e-12,
    )
    g, d = np.log(p.fitness_hr), np.log(p.burden_hr)
    mean_hazard = _normal_mean(lambda z: np.exp(-g * z) * (1 + (np.exp(d) - 1) * multi(a_m, z)))
    return a_m, a_s, p.death_rate / mean_hazard


def selection_cohort(params: Selection, seed, n: int | None = None) -> pd.DataFrame:
    """One simulated cohort: ``fitness`` (unmeasured in a real study), ``sites_gt1``, ``metastasectomy``
    (curative intent, 0/1), ``no_metastasectomy`` (its complement, Table 3's coding), ``os_months``, ``death``."""
    rng = np.random.default_rng(seed)
    n = params.n if n is None else int(n)
    a_m, a_s, base = _calibrate(params)
    z = rng.standard_normal(n)
    multi = rng.random(n) < special.expit(a_m - params.burden_per_sd * z)
    surgery = ~multi & (rng.random(n) < special.expit(a_s + np.log(params.selection_or) * z))
    rate = base * np.exp(-np.log(params.fitness_hr) * z + np.log(params.burden_hr) * multi)
    os_months, death = _censor(rng, rng.exponential(1 / rate), params.follow_max)
    return pd.DataFrame(
        {
            "fitness": z,
            "sites_gt1": multi.astype(int),
            "metastasectomy": surgery.astype(int),
            "no_metastasectomy": (~surgery).astype(int),
            "os_months": os_months,
            "death": death,
        }
    )


SELECTION_MODELS = {
    "unadjusted": ["no_metastasectomy"],
    "adjusted for sites": ["no_metastasectomy", "sites_gt1"],
    "adjusted for sites and fitness": ["no_metastasectomy", "sites_gt1", "fitness"],
}


def selection_analyses(sim: pd.DataFrame) -> pd.DataFrame:
    """The HR of *no* curative metastasectomy (Table 3's coding; the true HR is 1) from three Cox models:
    unadjusted, adjusted for the measured number of sites, and adjusted for fitness too (which no real
    study measures well). Wald p."""
    return pd.DataFrame(
        [
            _cox_row(
                "no metastasectomy",
                name,
                lambda c=covs: survival.cox(sim, "os_months", "death", c),
                "no_metastasectomy",
                _wald_p("no_metastasectomy"),
            )
            for name, covs in SELECTION_MODELS.items()
        ],
        columns=RESULT_COLUMNS,
    )
