"""helpers.survival: conventions, input handling and cross-checks with lifelines / statsmodels.

Agreement with R itself is in tests/test_r_parity.py."""

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test

from helpers import survival as sv


def sample(seed=1, n=60):
    rng = np.random.default_rng(seed)
    x1 = rng.binomial(1, 0.4, n).astype(float)
    x2 = np.round(rng.normal(size=n), 1)
    t = rng.exponential(20 / np.exp(0.8 * x1 + 0.4 * x2))
    c = rng.uniform(0, 60, n)
    return pd.DataFrame(
        {
            "os_months": np.maximum(np.round(np.minimum(t, c)), 1.0),
            "death": (t <= c).astype(int),
            "x1": x1,
            "x2": x2,
            "x3": rng.binomial(1, 0.5, n).astype(float),
            "group": rng.choice(["a", "b", "c", "d"], n),
        }
    )


# ---------------------------------------------------------------- Kaplan-Meier

MID_T = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12]
MID_E = [1, 1, 1, 1, 1, 1, 0, 0, 1, 0]


def test_median_midpoint_rule_where_lifelines_differs():
    # S = 1/2 from t = 5 until the next event at 8: R prints (5 + 8) / 2
    assert sv.km_median(MID_T, MID_E) == 6.5
    assert KaplanMeierFitter().fit(MID_T, MID_E).median_survival_time_ == 5.0


def test_median_tolerance_not_float_equality():
    t, e = [1, 2, 2, 3, 3, 5, 6, 7, 8, 9], [1, 1, 1, 1, 1, 0, 1, 0, 1, 0]
    assert sv.km_curve(t, e)["surv"].iloc[2] != 0.5  # 9/10 * 7/9 * 5/7 in floating point
    assert sv.km_median(t, e) == 4.5


def test_median_not_reached_and_ordinary():
    assert np.isnan(sv.km_median([1, 2, 3, 4], [1, 0, 0, 0]))
    assert sv.km_median([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]) == 3.0


def test_median_ci_brackets_the_median():
    d = sample()
    med, lo, hi = sv.km_median_ci(d.os_months, d.death)
    assert lo <= med <= hi
    with pytest.raises(ValueError, match="conf_type"):
        sv.km_median_ci(d.os_months, d.death, conf_type="logit")


def test_survival_at_conventions():
    t, e = [2, 3, 3, 5, 8], [1, 1, 0, 1, 0]
    assert sv.survival_at(t, e, 1.0) == (1.0, 1.0, 1.0)  # before the first time, as summary.survfit
    s, lo, hi = sv.survival_at(t, e, 4.0, conf_type="log")
    assert s == pytest.approx(0.8 * 3 / 4) and lo < s < hi <= 1
    assert all(np.isnan(sv.survival_at(t, e, 9.0)))  # beyond follow-up: R reports nothing
    assert sv.survival_at(t, e, 4.0, "plain")[0] == sv.survival_at(t, e, 4.0, "log-log")[0]


def test_km_curve_table():
    d = sample()
    km = sv.km_curve(d.os_months, d.death)
    assert list(km.columns) == ["time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper"]
    assert km["n_event"].sum() == d.death.sum() and km["n_censor"].sum() == (1 - d.death).sum()
    assert km["n_risk"].iloc[0] == len(d) and km["surv"].is_monotonic_decreasing
    lf = KaplanMeierFitter().fit(d.os_months, d.death).survival_function_["KM_estimate"]
    np.testing.assert_allclose(km["surv"], lf.loc[km["time"]].to_numpy(), rtol=1e-12)


def test_missing_rows_are_dropped_and_bad_events_refused():
    assert sv.km_median([1, 2, np.nan, 3], [1, 1, 1, np.nan]) == sv.km_median([1, 2], [1, 1]) == 1.5
    with pytest.raises(ValueError, match="0/1"):
        sv.km_median([1, 2], [1, 2])


def test_followup_both_ways():
    t, e = [1, 4, 6, 8, 10, 12], [1, 0, 1, 0, 0, 1]
    assert sv.followup(t, e) == 7.0
    assert sv.followup(t, e, "reverse_km") == sv.km_median(t, 1 - np.array(e))
    with pytest.raises(ValueError):
        sv.followup(t, e, "median")


# ---------------------------------------------------------------- log-rank


def test_logrank_two_groups_matches_lifelines():
    d = sample(2)
    two = d[d.group.isin(["a", "b"])]
    ours = sv.logrank(two.os_months, two.death, two.group)
    ref = logrank_test(
        two.os_months[two.group == "a"],
        two.os_months[two.group == "b"],
        two.death[two.group == "a"],
        two.death[two.group == "b"],
    )
    assert ours.df == 1 and ours.chi2 == pytest.approx(ref.test_statistic, rel=1e-10)
    assert ours.table["observed"].sum() == two.death.sum()
    assert ours.table["expected"].sum() == pytest.approx(two.death.sum())


def test_logrank_four_groups_and_missing_groups():
    d = sample(3)
    ref = multivariate_logrank_test(d.os_months, d.group, d.death)
    ours = sv.logrank(d.os_months, d.death, d.group)
    assert ours.df == 3 and ours.p == pytest.approx(ref.p_value, rel=1e-9)
    g = d.group.astype(object).copy()
    g.iloc[:5] = np.nan
    dropped = sv.logrank(d.os_months, d.death, g)
    kept = sv.logrank(d.os_months.iloc[5:], d.death.iloc[5:], d.group.iloc[5:])
    assert dropped.chi2 == kept.chi2
    with pytest.raises(ValueError, match="at least 2 groups"):
        sv.logrank(d.os_months, d.death, ["a"] * len(d))


# ---------------------------------------------------------------- Cox


def test_efron_matches_lifelines_with_full_newton_steps():
    d = sample(4)
    ours = sv.cox(d, "os_months", "death", ["x1", "x2", "x3"], ties="efron")
    lf = CoxPHFitter().fit(
        d[["os_months", "death", "x1", "x2", "x3"]],
        "os_months",
        "death",
        fit_options={"step_size": 1.0, "precision": 1e-12},
    )
    np.testing.assert_allclose(ours.table["coef"], lf.params_[["x1", "x2", "x3"]], rtol=1e-6)
    np.testing.assert_allclose(ours.table["se"], lf.standard_errors_[["x1", "x2", "x3"]], rtol=1e-6)


def test_breslow_matches_statsmodels_phreg():
    from statsmodels.duration.hazard_regression import PHReg

    d = sample(5)
    ours = sv.cox(d, "os_months", "death", ["x1", "x2"])
    sm = PHReg(d.os_months, d[["x1", "x2"]], status=d.death, ties="breslow").fit()
    np.testing.assert_allclose(ours.table["coef"], sm.params, rtol=1e-5)
    np.testing.assert_allclose(ours.table["se"], sm.bse, rtol=1e-5)
    assert ours.ties == "breslow" and ours.converged


def test_breslow_and_efron_differ_with_ties():
    d = sample(6)
    b = sv.cox(d, "os_months", "death", ["x1"], ties="breslow").table.loc["x1", "coef"]
    e = sv.cox(d, "os_months", "death", ["x1"], ties="efron").table.loc["x1", "coef"]
    assert abs(b - e) > 1e-4


def test_cox_result_consistency():
    d = sample(7)
    fit = sv.cox(d, "os_months", "death", ["x1", "x2"])
    t = fit.table
    np.testing.assert_allclose(t["hr"], np.exp(t["coef"]))
    np.testing.assert_allclose(np.log(t["ci_high"]) - t["coef"], 1.959963984540054 * t["se"])
    assert fit.lr_test["df"] == 2 and fit.loglik[1] > fit.loglik[0]
    assert fit.lr_test["statistic"] == pytest.approx(2 * (fit.loglik[1] - fit.loglik[0]))
    assert fit.n == len(d) and fit.n_events == d.death.sum()


def test_cox_drops_missing_rows_and_names_bad_cells():
    d = sample(8)
    d.loc[d.index[:4], "x2"] = np.nan
    assert sv.cox(d, "os_months", "death", ["x1", "x2"]).n == len(d) - 4
    d["x3"] = d["x3"].astype(object)
    d.loc[d.index[10], "x3"] = "yes"
    with pytest.raises(ValueError, match=r"column 'x3', row 10"):
        sv.cox(d, "os_months", "death", ["x1", "x3"])
    with pytest.raises(np.linalg.LinAlgError, match="collinear"):
        sv.cox(d.assign(c=1.0), "os_months", "death", ["x1", "c"])


def test_cox_accepts_nullable_integer_columns():
    d = sample(9)
    nullable = d.astype({"death": "Int64", "x1": "Int64"})
    a = sv.cox(nullable, "os_months", "death", ["x1", "x2"])
    b = sv.cox(d, "os_months", "death", ["x1", "x2"])
    pd.testing.assert_frame_equal(a.table, b.table)


def test_ph_test_shape():
    d = sample(10)
    fit = sv.cox(d, "os_months", "death", ["x1", "x2"])
    z = sv.ph_test(fit)
    assert list(z.table.index) == ["x1", "x2", "GLOBAL"] and z.table.loc["GLOBAL", "df"] == 2
    assert len(z.residuals) == fit.n_events and list(z.residuals.columns) == ["time", "x", "x1", "x2"]
    assert z.residuals["time"].is_monotonic_increasing
    # scaled residuals average (approximately) the coefficient
    assert z.residuals["x1"].mean() == pytest.approx(fit.table.loc["x1", "coef"], abs=0.5)


# ---------------------------------------------------------------- selection


def test_selection_results():
    d = sample(11, 120)
    sel = sv.forward_conditional(d, "os_months", "death", ["x1", "x2", "x3"])
    selected, steps = sel
    assert list(steps.columns) == ["step", "action", "covariate", "statistic", "p"]
    entered = steps.loc[steps.action == "enter"]
    assert (entered.p < 0.05).all() and set(selected) <= set(entered.covariate)
    assert sel.model is not None and list(sel.model.table.index) == selected
    back = sv.backward_wald(d, "os_months", "death", ["x1", "x2", "x3"])
    assert (back.steps.p >= 0.05).all()
    assert back.model is None or (back.model.table.p < 0.05).all()


def test_deterministic():
    d = sample(12)
    a = sv.forward_conditional(d, "os_months", "death", ["x1", "x2", "x3"]).steps
    b = sv.forward_conditional(d, "os_months", "death", ["x1", "x2", "x3"]).steps
    pd.testing.assert_frame_equal(a, b)


def test_monotone_likelihood_warns_like_r():
    # every x1 = 1 patient dies before any x1 = 0 patient: the MLE of x1 is infinite
    d = pd.DataFrame(
        {
            "time": range(1, 10),
            "status": [1, 1, 1, 0, 1, 0, 1, 0, 1],
            "x1": [1, 1, 1, 0, 0, 0, 0, 0, 0],
            "x2": [0, 1, 0, 1, 0, 1, 1, 0, 1],
        }
    )
    with pytest.warns(UserWarning, match="before variable x1; coefficient may be infinite"):
        fit = sv.cox(d, "time", "status", ["x1", "x2"])
    assert fit.converged and fit.table.loc["x1", "coef"] > 10


def test_selection_considered_table_explains_each_step():
    d = sample(13, 150)
    sel = sv.forward_conditional(d, "os_months", "death", ["x1", "x2", "x3"])
    c = sel.considered
    assert list(c.columns) == ["check", "phase", "covariate", "statistic", "p"]
    for r in sel.steps.itertuples():
        phase = "entry" if r.action == "enter" else "removal"
        rows = c[(c.phase == phase) & (c.covariate == r.covariate) & (c.statistic == r.statistic)]
        assert len(rows) == 1
        same_check = c[c.check == rows.check.iloc[0]]
        assert (same_check.p >= r.p).all() if phase == "entry" else (same_check.p <= r.p).all()
    first = c[c.check == 1]  # the first entry check: score tests at beta = 0 are the univariate score tests
    for r in first.itertuples():
        assert r.statistic == pytest.approx(sv.cox(d, "os_months", "death", [r.covariate]).score_test["statistic"])


def test_wald_summary_matches_r_summary_coxph():
    """HR, 95% CI and Wald p from coefficients and SEs, as R computes them (exp(b), exp(b -+ qnorm(.975) se),
    2 pnorm(-|b/se|)); values from R 4."""
    hr, lo, hi, p = sv.wald_summary(np.array([1.0, -0.3]), np.array([0.5, 0.2]))
    np.testing.assert_allclose(hr, [2.7182818, 0.7408182], rtol=1e-7)
    np.testing.assert_allclose(lo, [1.0202197, 0.5005775], rtol=1e-7)
    np.testing.assert_allclose(hi, [7.242613, 1.096357], rtol=1e-6)
    np.testing.assert_allclose(p, [0.04550026, 0.13361440], rtol=1e-6)
    assert sv.wald_summary(np.inf, 1.0)[:3] == (np.inf, np.inf, np.inf)


def test_ph_test_refuses_a_covariate_named_like_its_time_columns():
    import numpy as np
    import pandas as pd

    from helpers import survival as sv

    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {"t": rng.exponential(10, 30).round(1) + 0.1, "d": rng.integers(0, 2, 30), "x": rng.integers(0, 2, 30)}
    )
    fit = sv.cox(df, "t", "d", ["x"])
    with pytest.raises(ValueError, match=r"clash with the residual table's time columns"):
        sv.ph_test(fit)


def test_rmst_difference_without_deaths_before_tau_has_no_p_rather_than_a_division_by_zero():
    from helpers import survival

    out = survival.rmst_difference([5.0, 6.0, 7.0, 8.0], [0, 0, 0, 0], ["a", "a", "b", "b"], 5.0)
    assert out["se"] == 0 and out["difference"] == 0 and np.isnan(out["p"])
