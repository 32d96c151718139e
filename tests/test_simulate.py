"""helpers.simulate: parameters read from a cohort, seeded cohorts with the stated mechanics, and the biases
they are built to show (naive analyses biased, landmark / time-dependent / oracle-adjusted ones not)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import factors
from helpers import simulate as sm


@pytest.fixture
def small_cohort() -> pd.DataFrame:
    """Ten patients: 6 without a curative metastasectomy (4 of them given chemotherapy, 3 non-PD)."""
    return pd.DataFrame(
        {
            "metastasectomy_curative": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
            "chemotherapy": [1, 0, 1, 0, 1, 1, 1, 1, 0, 0],
            "first_line_response": [None, None, None, None, "PR", "SD", "SD", "PD", None, None],
            "initial_metastatic_sites": [1, 1, 1, 1, 2, 1, 3, 1, 1, 2],
            "os_months": [10.0, 20.0, 30.0, 40.0, 5.0, 15.0, 25.0, 35.0, 45.0, 55.0],
            "death": [0, 1, 0, 1, 1, 1, 0, 1, 1, 0],
        }
    )


def test_guarantee_time_params_are_read_from_the_cohort(small_cohort):
    p = sm.guarantee_time_params(small_cohort)
    assert p.n == 6
    assert p.death_rate == pytest.approx(4 / 180)  # 4 deaths in 5 + 15 + 25 + 35 + 45 + 55 months
    assert p.p_chemo == pytest.approx(4 / 6) and p.p_non_pd == pytest.approx(3 / 4)
    assert p.follow_max == 55.0
    assert sm.guarantee_time_params(small_cohort, wait_median=3.0).wait_median == 3.0


def test_selection_params_are_read_from_the_cohort(small_cohort):
    p = sm.selection_params(small_cohort)
    assert (p.n, p.p_surgery, p.p_multi) == (10, pytest.approx(0.4), pytest.approx(0.3))
    assert p.death_rate == pytest.approx(6 / 280)
    with pytest.raises(ValueError, match="only single-site"):
        sm.selection_cohort(sm.selection_params(small_cohort, p_surgery=0.8), seed=1)


def _gt_params(**kw):
    base = dict(n=40, death_rate=0.03, p_chemo=0.8, p_non_pd=0.8, follow_max=150.0)
    base.update(kw)
    return sm.GuaranteeTime(**base)


def test_guarantee_time_cohort_is_seeded_and_follows_its_rules():
    p = _gt_params()
    a = sm.guarantee_time_cohort(p, 7, n=3000)
    pd.testing.assert_frame_equal(a, sm.guarantee_time_cohort(p, 7, n=3000))
    assert not a.equals(sm.guarantee_time_cohort(p, 8, n=3000))
    treated = a["chemotherapy"] == 1
    assert (a.loc[treated, "chemo_start"] < a.loc[treated, "os_months"]).all()  # alive to start
    assert a.loc[~treated, "chemo_start"].isna().all() and a.loc[~treated, "response"].isna().all()
    nonpd = a["response"] == "non-PD"
    assert np.allclose(a.loc[nonpd, "response_time"], a.loc[nonpd, "chemo_start"] + p.assess_after)
    assert (a.loc[nonpd, "response_time"] < a.loc[nonpd, "os_months"]).all()  # alive to be assessed
    died_early = treated & (a["death"] == 1) & (a["os_months"] <= a["chemo_start"] + p.assess_after)
    assert died_early.any() and (a.loc[died_early, "response"] == "PD").all()
    assert a.loc[treated, "response"].isna().any()  # censored before the assessment: not evaluable
    assert treated.mean() < p.p_chemo  # some who were meant for chemotherapy died first
    assert sm.RESPONSE(a).dropna().isin(["non-PD", "PD"]).all()


def test_naive_analyses_show_a_spurious_benefit_and_the_corrections_remove_it():
    p = _gt_params()
    res = sm.guarantee_time_analyses(sm.guarantee_time_cohort(p, 11, n=6000), p.landmark_at)
    res = res.set_index(["comparison", "analysis"])
    for comparison in ("chemotherapy", "response"):
        naive = res.loc[(comparison, "naive")]
        assert naive["hr"] < 0.85 and naive["p"] < 0.001, comparison
        for analysis in ("landmark", "time-dependent"):
            r = res.loc[(comparison, analysis)]
            assert r["ci_low"] < 1 < r["ci_high"] and 0.85 < r["hr"] < 1.15, (comparison, analysis)
    assert res.loc[("chemotherapy", "naive"), "test"] == "log-rank"
    assert res.loc[("response", "time-dependent"), "test"].startswith("Cox score")
    # time-dependent rows: more rows than patients (split), the same deaths as the naive analysis
    assert res.loc[("chemotherapy", "time-dependent"), "n"] > res.loc[("chemotherapy", "naive"), "n"]
    assert res.loc[("chemotherapy", "time-dependent"), "events"] == res.loc[("chemotherapy", "naive"), "events"]


def test_selection_cohort_hits_its_targets_and_only_fitness_adjustment_removes_the_effect():
    p = sm.Selection(n=61, death_rate=0.017, p_surgery=0.39, p_multi=0.21, follow_max=150.0)
    sim = sm.selection_cohort(p, 3, n=20000)
    assert sim["metastasectomy"].mean() == pytest.approx(0.39, abs=0.015)
    assert sim["sites_gt1"].mean() == pytest.approx(0.21, abs=0.015)
    assert (sim.loc[sim["metastasectomy"] == 1, "sites_gt1"] == 0).all()
    assert (
        sim.loc[sim["metastasectomy"] == 1, "fitness"].mean()
        > sim.loc[sim["metastasectomy"] == 0, "fitness"].mean() + 0.5
    )
    res = sm.selection_analyses(sim.iloc[:6000]).set_index("analysis")
    assert res.loc["unadjusted", "hr"] > 1.6 and res.loc["unadjusted", "p"] < 1e-6
    assert 1.2 < res.loc["adjusted for sites", "hr"] < res.loc["unadjusted", "hr"]
    assert (
        res.loc["adjusted for sites and fitness", "ci_low"] < 1 < res.loc["adjusted for sites and fitness", "ci_high"]
    )


def test_epv_setup_takes_the_cohort_model_as_truth_and_matches_its_deaths(toy_cohort):
    setup = sm.epv_setup(toy_cohort)
    from helpers import survival

    design = toy_cohort[["os_months", "death"]].join(factors.cox_design(toy_cohort)).dropna()
    fit = survival.cox(design, "os_months", "death", list(factors.COX_COVARIATES))
    pd.testing.assert_series_equal(setup.beta, fit.table["coef"])
    assert setup.n == len(design) and setup.deaths == int(design["death"].sum())
    big = sm.epv_cohort(setup, 5, scale=300)
    assert len(big) == 300 * setup.n
    assert big["death"].mean() == pytest.approx(setup.deaths / setup.n, abs=0.01)
    refit = survival.cox(big, "os_months", "death", list(setup.beta.index))
    np.testing.assert_allclose(refit.table["coef"], setup.beta, atol=0.1)  # the truth is recovered


def test_epv_analyses_and_summary():
    setup = sm.EPVSetup(
        design=pd.DataFrame({"a": [0.0, 1.0] * 20, "b": [0.0, 0.0, 1.0, 1.0] * 10}),
        beta=pd.Series({"a": np.log(2.0), "b": 0.0}),
        base_rate=0.05,
        censor_max=60.0,
        n=40,
        deaths=25,
    )
    res = sm.replicate(lambda r: sm.epv_cohort(setup, r), lambda d: sm.epv_analyses(d, ["a", "b"]), 30, 9)
    assert set(res.columns) >= {"covariate", "coef", "se", "p", "finite", "selected", "selected_coef", "replicate"}
    assert res["selected_coef"].isna().eq(~res["selected"]).all()  # a coefficient exactly when selected
    summ = sm.epv_summary(res, setup.beta)
    a = res[res["covariate"] == "a"]
    assert summ.loc["a", "true_hr"] == pytest.approx(2.0)
    assert summ.loc["a", "bias_log_hr"] == pytest.approx(a["coef"].mean() - np.log(2.0))
    assert summ.loc["a", "power"] == pytest.approx((a["p"] < 0.05).mean())
    assert summ.loc["a", "selected"] == pytest.approx(a["selected"].mean())
    assert summ.loc["b", "median_hr_if_selected"] == pytest.approx(
        np.exp(res.loc[(res["covariate"] == "b") & res["selected"], "selected_coef"].median())
    )


def test_replicate_uses_independent_seeded_streams():
    draw = lambda rng: pd.DataFrame({"x": rng.random(3)})  # noqa: E731
    a = sm.replicate(draw, lambda d: d, 4, seed=5)
    pd.testing.assert_frame_equal(a, sm.replicate(draw, lambda d: d, 4, seed=5))
    child = np.random.SeedSequence(5).spawn(4)[2]
    np.testing.assert_array_equal(a.loc[a["replicate"] == 2, "x"], np.random.default_rng(child).random(3))
    assert a.groupby("replicate")["x"].first().nunique() == 4
    with pytest.raises(ValueError, match="n_rep"):
        sm.replicate(draw, lambda d: d, 0, seed=5)


def test_summarise_counts_false_positives():
    res = pd.DataFrame(
        {
            "comparison": "c",
            "analysis": ["x"] * 4 + ["y"] * 2,
            "hr": [0.5, 0.8, 1.0, np.nan, 1.2, 1.4],
            "p": [0.01, 0.2, 0.04, np.nan, 0.5, 0.03],
        }
    )
    s = sm.summarise(res)
    assert s.loc[("c", "x"), "replicates"] == 3  # the unfitted replicate is left out
    assert s.loc[("c", "x"), "median_hr"] == pytest.approx(0.8)
    assert s.loc[("c", "x"), "p_below_0.05"] == pytest.approx(2 / 3)
    assert s.loc[("c", "y"), "p_below_0.05"] == pytest.approx(0.5)


def test_a_replicate_that_cannot_be_fitted_gives_a_nan_row():
    p = _gt_params(p_chemo=0.0)  # nobody treated: nothing to compare
    res = sm.guarantee_time_analyses(sm.guarantee_time_cohort(p, 1), p.landmark_at)
    assert res["hr"].isna().all() and (res["n"] == 0).all()
