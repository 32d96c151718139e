"""The worked algorithms of helpers.teaching agree with helpers.survival on data they were not written for, and
the methods figures draw what helpers.survival computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import factors, method_plots, plots, survival, teaching


def _random(seed: int, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.binomial(1, 0.5, n).astype(float)
    t = np.round(rng.exponential(20 / np.exp(0.7 * x)), 0) + 1  # whole months: tied deaths
    c = rng.uniform(5, 60, n)
    return pd.DataFrame({"time": np.minimum(t, np.ceil(c)), "death": (t <= c).astype(int), "z": x})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_product_limit_table_is_km_curve_with_greenwood(seed):
    d = _random(seed)
    table = teaching.product_limit_table(d["time"], d["death"])
    km = survival.km_curve(d["time"], d["death"])
    at_deaths = km[km["n_event"] > 0].reset_index(drop=True)
    assert (table["n_event"] > 1).any()  # ties are exercised
    assert np.allclose(table["surv"], at_deaths["surv"])
    assert np.allclose(table["se_surv"], at_deaths["std_err"], equal_nan=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_logrank_table_sums_to_survdiff(seed):
    d = _random(seed)
    table = teaching.logrank_table(d["time"], d["death"], d["z"], 1.0)
    lr = survival.logrank(d["time"], d["death"], d["z"])
    o, e, v = (table[c].sum() for c in ("observed", "expected", "variance"))
    assert np.isclose(o, lr.observed[1.0]) and np.isclose(e, lr.expected[1.0])
    assert np.isclose((o - e) ** 2 / v, lr.chi2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_newton_steps_reach_the_breslow_cox_estimate_and_schoenfeld_residuals_scale_to_cox_zph(seed):
    d = _random(seed)
    fit = survival.cox(d, "time", "death", ["z"])
    steps = teaching.newton_steps(d["time"], d["death"], d["z"], steps=8)
    assert np.isclose(steps["beta"].iloc[-1], fit.coef["z"], atol=1e-8)
    assert np.isclose(steps["loglik"].iloc[0], fit.loglik[0]) and np.isclose(steps["loglik"].iloc[-1], fit.loglik[1])
    assert np.isclose(1 / steps["information"].iloc[-1], fit.var.iloc[0, 0], rtol=1e-6)
    raw = teaching.schoenfeld_residuals(d["time"], d["death"], d["z"], float(fit.coef["z"]))
    scaled = fit.coef["z"] + fit.n_events * fit.var.iloc[0, 0] * raw["residual"].to_numpy()
    zph = survival.ph_test(fit).residuals
    assert np.allclose(np.sort(scaled), np.sort(zph["z"].to_numpy()))


def test_smallest_group_is_the_smallest_level_with_enough_deaths(toy_cohort):
    level, rows = teaching.smallest_group(toy_cohort, "primary_site", min_deaths=2)
    lv = factors.levels(toy_cohort, "primary_site")
    sizes = {
        k: int((lv == k).sum())
        for k in factors.FACTORS["primary_site"].levels
        if toy_cohort.loc[lv == k, "death"].sum() >= 2
    }
    assert len(rows) == min(sizes.values()) and sizes[level] == len(rows)
    with pytest.raises(ValueError, match="no level"):
        teaching.smallest_group(toy_cohort, "primary_site", min_deaths=10_000)


def test_competing_risks_example_is_deterministic_and_has_both_causes():
    a, b = teaching.competing_risks_example(seed=7), teaching.competing_risks_example(seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["cause"]) == {0, 1, 2}


def test_cumhaz_plot_draws_the_nelson_aalen_estimate(toy_cohort):
    fig = method_plots.cumhaz_plot(toy_cohort)
    na = survival.nelson_aalen(toy_cohort["os_months"], toy_cohort["death"])
    drawn = fig.axes[0].lines[0].get_ydata()
    assert np.allclose(drawn[1:], na["cumhaz"])


def test_loglog_plot_draws_one_curve_per_level(toy_cohort):
    fig = method_plots.loglog_plot(toy_cohort, "size")
    lv = factors.levels(toy_cohort, "size")
    assert len(fig.axes[0].lines) == lv.dropna().nunique()
    rows = toy_cohort[lv == "<=10"]
    ll = survival.log_minus_log(rows["os_months"], rows["death"])
    assert np.allclose(fig.axes[0].lines[0].get_ydata(), ll["loglog"])


def test_schoenfeld_band_contains_its_smooth(toy_cohort):
    design = toy_cohort[["os_months", "death"]].join(factors.cox_design(toy_cohort))
    fit = survival.cox(design, "os_months", "death", ["size_gt10"])
    fig = method_plots.schoenfeld_band_plot(survival.ph_test(fit), fit)
    ax = fig.axes[0]
    smooth = ax.lines[1].get_ydata()
    band = ax.collections[-1].get_paths()[0].vertices[:, 1]
    assert band.min() < smooth.min() and band.max() > smooth.max()


def test_cif_plot_says_what_it_was_drawn_from():
    ex = teaching.competing_risks_example()
    cif = survival.cumulative_incidence(ex["months"], ex["cause"])
    fig = method_plots.cif_plot(cif, {"cause_1": "disease", "cause_2": "other"}, source="Simulated data")
    assert plots.source_text(fig) == "Simulated data"
    assert np.allclose(fig.axes[0].lines[0].get_ydata()[1:], cif["cause_1"])


def test_dfbeta_plot_has_one_spike_per_patient(toy_cohort):
    design = toy_cohort[["os_months", "death"]].join(factors.cox_design(toy_cohort))
    covs = ["size_gt10", "synchronous"]
    fit = survival.cox(design, "os_months", "death", covs)
    dfb = survival.dfbeta(design, "os_months", "death", covs)
    fig = method_plots.dfbeta_plot(dfb, fit, "size_gt10")
    assert len(fig.axes[0].collections[0].get_segments()) == len(dfb) == fit.n


def test_the_spline_of_the_schoenfeld_band_is_natural_and_fits_a_line_exactly():
    from helpers.method_plots import _spline_band

    x = np.linspace(0, 1, 30)
    smooth, se = _spline_band(x, 2 + 3 * x, x)
    assert np.allclose(smooth, 2 + 3 * x) and np.allclose(se, 0, atol=1e-7)  # a line is in the span
    y = np.sin(6 * x)
    grid = np.linspace(-1, 2, 61)
    fitted, _ = _spline_band(x, y, grid)
    outside = grid > 1
    assert np.allclose(np.diff(fitted[outside], 2), 0, atol=1e-8)  # linear beyond the boundary knot
