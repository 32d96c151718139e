"""Seeded simulations of what an observational cohort like this one can and cannot show.

Every simulated cohort is drawn "like this one": its size, death rate, follow-up and treatment shares are read
from a cohort file (:func:`guarantee_time_params`, :func:`selection_params`, :func:`epv_setup`); the rest
(how long chemotherapy takes to start, how strongly surgeons select fit patients, ...) are named, documented
parameters. Randomness comes only from ``numpy.random.default_rng(seed)``; replicates use independent streams
spawned from one ``SeedSequence``, so the same seed gives the same numbers on every machine.

- **Guarantee-time bias** (:func:`guarantee_time_cohort`, :func:`guarantee_time_analyses`): chemotherapy and
  the response to it have *no* effect on survival, but a patient must live until chemotherapy starts to be
  counted as treated, and until the first assessment to be counted as a responder. The naive comparison
  (treatment as a baseline 0/1 factor, as Figure 3a-b) against a landmark analysis and a Cox model with a
  time-dependent covariate (:mod:`helpers.timedep`).
- **Selection into surgery** (:func:`selection_cohort`, :func:`selection_analyses`): metastasectomy has no
  effect, but surgeons operate on fitter patients with a single metastatic site; what adjusting for the
  measured burden can and cannot remove.
- **Events per variable** (:func:`epv_cohort`, :func:`epv_analyses`, :func:`epv_summary`): the four-covariate
  Cox model of Table 3 refitted on cohorts of the same size and number of deaths drawn from a known model.
- :func:`replicate` runs a simulation many times; :func:`summarise` reduces the hazard ratios and p values.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special, stats

from .. import factors, survival, timedep

__all__ = [
    "GuaranteeTime",
    "guarantee_time_params",
    "guarantee_time_cohort",
    "guarantee_time_analyses",
    "Selection",
    "selection_params",
    "selection_cohort",
    "selection_analyses",
    "EPVSetup",
    "epv_setup",
    "epv_cohort",
    "epv_analyses",
    "epv_summary",
    "replicate",
    "summarise",
    "RESPONSE",
]

ALPHA = 0.05
RESULT_COLUMNS = ["comparison", "analysis", "hr", "ci_low", "ci_high", "p", "test", "n", "events"]

# the simulated response to first-line chemotherapy, labelled as the paper's factor
RESPONSE = factors.Factor(
    "first_line_response", "Response to first-line chemotherapy (simulated)", ("non-PD", "PD"), lambda c: c["response"]
)


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


# --------------------------------------------------------------------------------------------------
# guarantee-time bias
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuaranteeTime:
    """A cohort without a curative metastasectomy in which chemotherapy has no effect on survival.

    ``n`` patients die at a constant rate ``death_rate`` per month from the diagnosis of metastasis and are
    censored uniformly over ``(0, follow_max)``. A share ``p_chemo`` are meant for chemotherapy, which starts
    after an exponential wait with median ``wait_median`` months, *if the patient is alive and followed then*.
    The first response assessment comes ``assess_after`` months after the start: a patient alive then is
    non-PD with probability ``p_non_pd`` (independently of survival); one who died before it counts as PD.
    ``landmark_at`` (months from metastasis) is the landmark of the corrected analysis.
    """

    n: int
    death_rate: float
    p_chemo: float
    p_non_pd: float
    follow_max: float
    wait_median: float = 2.0
    assess_after: float = 2.0
    landmark_at: float = 6.0


def guarantee_time_params(cohort: pd.DataFrame, **overrides) -> GuaranteeTime:
    """Parameters read from ``cohort``: size, death rate and chemotherapy share of the patients without a
    curative metastasectomy, the non-PD share among those given palliative chemotherapy, the longest follow-up.
    Keyword arguments override any field."""
    unres = factors.subset(cohort, "no_metastasectomy")
    resp = factors.levels(factors.subset(cohort, "palliative_chemo"), "first_line_response").dropna()
    if len(unres) == 0 or len(resp) == 0:
        raise ValueError(
            "the cohort has no patients without a curative metastasectomy, or none with a known first-line response"
        )
    params = dict(
        n=len(unres),
        death_rate=_death_rate(unres),
        p_chemo=float(pd.to_numeric(unres["chemotherapy"]).mean()),
        p_non_pd=float((resp == "non-PD").mean()),
        follow_max=float(pd.to_numeric(cohort["os_months"]).max()),
    )
    params.update(overrides)
    return GuaranteeTime(**params)


def guarantee_time_cohort(params: GuaranteeTime, seed, n: int | None = None) -> pd.DataFrame:
    """One simulated cohort (``n`` patients, default ``params.n``).

    Columns: ``os_months``, ``death``, ``chemotherapy`` (1 if chemotherapy started during follow-up),
    ``chemo_start`` (months; NaN if never), ``response`` (``non-PD``/``PD``; NaN without chemotherapy or when
    censored before the assessment), ``response_time`` (when a non-PD response is recorded; NaN otherwise).
    """
    rng = np.random.default_rng(seed)
    n = params.n if n is None else int(n)
    t_death = rng.exponential(1 / params.death_rate, n)
    os_months, death = _censor(rng, t_death, params.follow_max)
    intended = rng.random(n) < params.p_chemo
    wait = rng.exponential(params.wait_median / np.log(2), n)
    treated = intended & (wait < os_months)  # must be alive (and followed) to start
    assess = wait + params.assess_after
    non_pd = rng.random(n) < params.p_non_pd
    assessed = treated & (assess < os_months)
    died_first = treated & ~assessed & (death == 1)  # died before the first assessment: counted as PD
    response = np.full(n, np.nan, dtype=object)
    response[assessed] = np.where(non_pd[assessed], "non-PD", "PD")
    response[died_first] = "PD"
    return pd.DataFrame(
        {
            "os_months": os_months,
            "death": death,
            "chemotherapy": treated.astype(int),
            "chemo_start": np.where(treated, wait, np.nan),
            "response": response,
            "response_time": np.where(assessed & non_pd, assess, np.nan),
        }
    )


def guarantee_time_analyses(sim: pd.DataFrame, landmark_at: float) -> pd.DataFrame:
    """Chemotherapy (yes vs no) and first-line response (non-PD vs PD) analysed three ways:

    - ``naive``: a baseline 0/1 factor from the diagnosis of metastasis, as Figure 3a-b (log-rank p);
    - ``landmark``: patients alive at ``landmark_at``, grouped by what had happened by then, followed from
      there (log-rank p);
    - ``time-dependent``: a Cox model in which the factor switches on when it happens (counting-process rows;
      for response, patients enter at the start of chemotherapy); p of the score test.

    HRs below 1 favour chemotherapy / non-PD. Every true HR is 1.
    """
    sim = sim.assign(chemo=sim["chemotherapy"])
    rows = [
        _cox_row(
            "chemotherapy",
            "naive",
            lambda: survival.cox(sim, "os_months", "death", ["chemo"]),
            "chemo",
            _logrank_p(sim, "chemo"),
        )
    ]
    lm = timedep.landmark(sim, landmark_at, switches={"chemo_by_landmark": "chemo_start"})
    rows.append(
        _cox_row(
            "chemotherapy",
            "landmark",
            lambda: survival.cox(lm, "os_months", "death", ["chemo_by_landmark"]),
            "chemo_by_landmark",
            _logrank_p(lm, "chemo_by_landmark"),
        )
    )
    cp = timedep.split_at(sim, "os_months", "death", "chemo_start")
    rows.append(
        _cox_row(
            "chemotherapy",
            "time-dependent",
            lambda: timedep.cox_counting(cp, "start", "stop", "event", ["treated"]),
            "treated",
            _score_p,
        )
    )

    known = sim[sim["response"].notna()].assign(non_pd=lambda d: (d["response"] == "non-PD").astype(int))
    rows.append(
        _cox_row(
            "response",
            "naive",
            lambda: survival.cox(known, "os_months", "death", ["non_pd"]),
            "non_pd",
            _logrank_p(known, "non_pd"),
        )
    )
    started = sim[sim["chemo_start"] <= landmark_at]
    lmr = timedep.landmark(started, landmark_at, switches={"non_pd_by_landmark": "response_time"})
    rows.append(
        _cox_row(
            "response",
            "landmark",
            lambda: survival.cox(lmr, "os_months", "death", ["non_pd_by_landmark"]),
            "non_pd_by_landmark",
            _logrank_p(lmr, "non_pd_by_landmark"),
        )
    )
    treated = sim[sim["chemotherapy"] == 1]
    cpr = timedep.split_at(treated, "os_months", "death", "response_time", name="non_pd", entry="chemo_start")
    rows.append(
        _cox_row(
            "response",
            "time-dependent",
            lambda: timedep.cox_counting(cpr, "start", "stop", "event", ["non_pd"]),
            "non_pd",
            _score_p,
        )
    )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


# --------------------------------------------------------------------------------------------------
# selection into surgery
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# events per variable
# --------------------------------------------------------------------------------------------------


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


def epv_setup(cohort: pd.DataFrame, covariates: Sequence[str] | None = None) -> EPVSetup:
    """The model fitted to ``cohort`` (Table 3's covariates, Breslow ties) taken as the truth: its
    coefficients, the exponential baseline rate that goes with them, and the censoring that reproduces the
    cohort's number of deaths in expectation."""
    covariates = list(factors.COX_COVARIATES) if covariates is None else list(covariates)
    design = cohort[["os_months", "death"]].join(factors.cox_design(cohort, covariates)).dropna()
    fit = survival.cox(design, "os_months", "death", covariates)
    beta = fit.table["coef"]
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


# --------------------------------------------------------------------------------------------------
# replicates
# --------------------------------------------------------------------------------------------------


def replicate(
    simulate: Callable[[np.random.Generator], pd.DataFrame],
    analyse: Callable[[pd.DataFrame], pd.DataFrame],
    n_rep: int,
    seed: int,
) -> pd.DataFrame:
    """``analyse(simulate(rng))`` for ``n_rep`` independent random streams spawned from ``seed``; the results
    stacked with a ``replicate`` column."""
    if n_rep < 1:
        raise ValueError(f"n_rep must be >= 1, not {n_rep!r}")
    frames = []
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n_rep)):
        out = analyse(simulate(np.random.default_rng(child)))
        frames.append(out.assign(replicate=i))
    return pd.concat(frames, ignore_index=True)


def summarise(results: pd.DataFrame, by: Sequence[str] = ("comparison", "analysis")) -> pd.DataFrame:
    """Per group of replicates: how many could be fitted, the median HR and its central 95% range, and the
    share with p < 0.05 (the false-positive rate when the true HR is 1)."""
    by = list(by)
    ok = results.dropna(subset=["hr", "p"])
    g = ok.groupby(by, sort=False)
    out = pd.DataFrame(
        {
            "replicates": g.size(),
            "median_hr": g["hr"].median(),
            "hr_2.5%": g["hr"].quantile(0.025),
            "hr_97.5%": g["hr"].quantile(0.975),
            "p_below_0.05": g["p"].apply(lambda p: float((p < ALPHA).mean())),
        }
    )
    return out
