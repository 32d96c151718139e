"""Unit tests of helpers.describe on small hand-made cohorts whose answers are known."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from helpers import describe


@pytest.fixture
def cohort():
    return pd.DataFrame(
        {
            "patient_id": [1, 2, 3, 4, 5],
            "age_years": [25, 59, 61, 70, 85],
            "size_cm": [2.3, 8.0, 12.0, np.nan, 24.0],
            "presenting": ["metachronous", "synchronous", "metachronous", "metachronous", "synchronous"],
            "interval_to_metastasis_months": [2.1, 0, 14.7, 108.2, 0],
            "initial_metastatic_sites": [1, 2, 1, 1, 1],
            "initial_metastatic_lesions": [1, 3, 2, 1, 1],
            "site_lung": [1, 1, 1, 0, 0],
            "site_liver": [0, 1, 0, 0, 0],
            "site_muscle": [0, 0, 0, 1, 0],
            "site_lymph_node": [0, 0, 0, 0, 1],
            "site_bone": [0, 0, 0, 0, 0],
            "site_other": [0, 0, 0, 0, 0],
            "primary_resection": [1, 0, 1, 1, 1],
            "metastasectomy_any": [1, 0, 1, 1, 0],
            "metastasectomy_curative": [1, 0, 0, 1, 0],
            "chemotherapy": [0, 1, 1, 0, 1],
            "first_line_regimen": [None, "GEM+DOC", "DXR", None, "GEM+DOC"],
            "radiotherapy": [0, 1, 0, 0, 0],
            "local_recurrence": [1, 0, 0, 0, 1],
            "status": ["NED", "DOD", "DOD", "AWD", "DOD"],
            "sex": ["male", "female", "female", "male", "female"],
        }
    )


def test_median_range_ignores_missing(cohort):
    s = describe.continuous(cohort, "size_cm")
    assert s["n"] == 4 and s["median"] == pytest.approx(10.0)
    assert (s["min"], s["max"]) == (2.3, 24.0)


def test_interval_only_metachronous(cohort):
    s = describe.interval_summary(cohort)
    assert s["n"] == 3 and s["median"] == pytest.approx(14.7)
    assert (s["min"], s["max"]) == (2.1, 108.2)  # the synchronous zeros are left out


def test_sites_sorted_most_common_first(cohort):
    t = describe.metastatic_sites(cohort)
    assert list(t.index[:2]) == ["site_lung", "site_liver"]  # 3, then ties 1 in the paper's order
    assert t.loc["site_lung", "n"] == 3 and t.loc["site_lung", "percent"] == pytest.approx(60.0)
    assert t.loc["site_bone", "n"] == 0


def test_curative_metastasectomy_sites(cohort):
    t = describe.curative_metastasectomy_sites(cohort)
    assert t.loc["site_lung", "n"] == 1 and t.loc["site_muscle", "n"] == 1
    assert t["percent"].max() == pytest.approx(50.0)


def test_lesions(cohort):
    t = describe.lesions(cohort)
    assert t.loc["single", "n"] == 3 and t.loc["multiple", "n"] == 2
    assert t["percent"].sum() == pytest.approx(100.0)


def test_treatments(cohort):
    t = describe.treatments(cohort)
    assert list(t.index) == list(describe.TREATMENT_COLUMNS)
    assert t.loc["primary_resection", "n"] == 4 and t.loc["metastasectomy_any", "n"] == 3
    assert t.loc["radiotherapy", "percent"] == pytest.approx(20.0)


def test_status_counts(cohort):
    t = describe.status_counts(cohort)
    assert t["n"].tolist() == [1, 1, 3]
    assert t.loc["DOD", "percent"] == pytest.approx(60.0)


def test_local_recurrence_among_resected(cohort):
    s = describe.local_recurrence(cohort)
    assert (s["n"], s["k"]) == (4, 2)  # patient 2 (not resected) is not counted
    assert s["percent"] == pytest.approx(50.0)


def test_level_counts_with_factor(cohort):
    t = describe.level_counts(cohort, "sex")
    assert t.loc["female", "n"] == 3 and t.loc["female", "label"] == "Female"
    t = describe.level_counts(cohort, "size")
    assert t["n"].sum() == 4 and t.attrs["missing"] == 1
    assert t.loc["<=10", "percent"] == pytest.approx(50.0)


def test_first_line_regimens(cohort):
    t = describe.first_line_regimens(cohort)  # palliative: no curative metastasectomy + chemotherapy
    assert t.loc["GEM+DOC", "n"] == 2 and t.loc["DXR", "n"] == 1
    assert t.index[0] == "GEM+DOC"


def test_regimen_lines():
    reg = pd.DataFrame({"patient_id": [1, 1, 2, 3, 3, 3, 3, 3], "line": [1, 2, 1, 1, 2, 3, 4, 5]})
    s = describe.regimen_lines(reg)
    assert (s["patients"], s["lines"]) == (3, 8)
    assert (s["median"], s["min"], s["max"]) == (2, 1, 5)


def test_missing_column_is_named(cohort):
    with pytest.raises(KeyError, match="status"):
        describe.status_counts(cohort.drop(columns="status"))


def test_survival_rates_both_ci_types():
    # no censoring before 12: S(12) = 8/10; log-log and log limits differ, both bracket S
    cohort = pd.DataFrame(
        {"os_months": [2, 5, 13, 20, 30, 40, 50, 60, 70, 80], "death": [1, 1, 0, 1, 0, 1, 0, 1, 0, 0]}
    )
    t = describe.survival_rates(cohort, times=[12, 45])
    assert t.loc[12, "surv"] == pytest.approx(80.0)
    for ct in ["log-log", "log"]:
        assert t.loc[12, f"lower ({ct})"] < 80.0 < t.loc[12, f"upper ({ct})"]
    assert t.loc[12, "lower (log-log)"] != pytest.approx(t.loc[12, "lower (log)"])
    # S(45) = 0.8 * 6/7 * 4/5 (deaths at 20 and 40; censored at 13 and 30)
    assert t.loc[45, "surv"] == pytest.approx(100 * 0.8 * (6 / 7) * (4 / 5))


def test_median_text():
    assert describe.median_text(30.7) == "30.7 months"
    assert describe.median_text(76.05, decimals=2) == "76.05 months"
    assert describe.median_text(76.05) == "76.05 months" and describe.median_text(83.0) == "83.0 months"  # as R
    assert describe.median_text(float("nan")) == "not reached"


def test_by_group_medians_and_logrank():
    data = pd.DataFrame(
        {
            "os_months": [1, 2, 3, 4, 10, 20, 30, 40],
            "death": [1, 1, 1, 1, 1, 0, 1, 0],
            "sex": ["male"] * 4 + ["female"] * 4,
        }
    )
    g = describe.by_group(data, "sex")
    assert list(g.index) == ["male", "female"]
    assert g.loc["male", "median"] == pytest.approx(2.5)  # S = 0.5 on [2, 3): R's midpoint
    assert g.loc["female", "deaths"] == 2
    assert g.loc["female", "median"] == pytest.approx(30.0)
    # R: survdiff(Surv(t, e) ~ g)$chisq = 7.344407 on 1 df
    assert g.attrs["p"] == pytest.approx(chi2.sf(7.344407, 1), rel=1e-5)


def test_by_group_single_level_has_no_p():
    data = pd.DataFrame({"os_months": [1, 2, 3], "death": [1, 0, 1], "sex": ["male"] * 3})
    g = describe.by_group(data, "sex")
    assert g.loc["female", "n"] == 0 and np.isnan(g.loc["female", "median"])
    assert np.isnan(g.attrs["p"])


def test_rate_and_median_texts_never_print_nan():
    from helpers import describe

    assert describe.rate_text(38.26, 25.04, 51.37) == "38.3% (95% log-log CI 25.0–51.4%)"
    none_died = describe.rate_text(100.0, float("nan"), float("nan"))
    assert "nan" not in none_died and "no patient has died" in none_died
    assert describe.median_phrase(30.7) == "a median OS of 30.7 months"
    assert describe.median_phrase(float("nan")) == "a median OS not reached"
    assert describe.median_phrase(float("nan"), n=0) == "no patients"
