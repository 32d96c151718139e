"""helpers.ledger: the one log-rank test of a factor within a population, and no other module computing it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import data, factors, ledger, survival

SRC = Path(__file__).resolve().parents[1] / "src" / "helpers"
# helpers.survival computes the test; the reconstruction's compiled search and the simulations run their own.
ALLOWED = {"ledger.py"}
ALLOWED_PACKAGES = {"survival", "reconstruct", "simulate"}


CALL = re.compile(r"survival\.logrank\(|import[^\n]*\blogrank\b")


def test_only_the_ledger_calls_the_log_rank_test_outside_survival():
    callers = [
        str(p.relative_to(SRC))
        for p in sorted(SRC.rglob("*.py"))
        if p.relative_to(SRC).parts[0] not in ALLOWED_PACKAGES
        and p.name not in ALLOWED
        and CALL.search(p.read_text(encoding="utf-8"))
    ]
    assert callers == [], f"log-rank computed outside helpers.ledger: {callers}"


def test_factor_test_is_survdiff_over_the_known_levels():
    cohort = data.load_cohort()
    lv = factors.levels(cohort, "grade")
    known = lv.notna()
    direct = survival.logrank(cohort.loc[known, "os_months"], cohort.loc[known, "death"], lv[known])
    assert lv.isna().any()  # the committed cohort has missing grades: they are left out
    assert ledger.factor_test(cohort, "grade").p == direct.p
    assert ledger.factor_p(cohort, "grade") == direct.p


def test_one_level_is_nothing_to_test():
    frame = pd.DataFrame({"os_months": [1.0, 2.0, 3.0], "death": [1, 0, 1], "g": ["a", "a", None]})
    assert ledger.levels_test(frame["os_months"], frame["death"], frame["g"]) is None
    trunk_free = data.load_cohort().query("primary_site != 'trunk'")
    assert ledger.factor_test(trunk_free, "primary_site") is not None  # three levels left: still a test
    only_deep = data.load_cohort().query("depth == 'deep'")
    assert np.isnan(ledger.factor_p(only_deep, "depth"))


# Table 3's model: one fit per cohort, read by the scorecard, chapters 4 and 11 and the ensemble.
# a code line (not a comment) that fits the four covariates on the whole design: Table 3's model refitted
COX_CALL = re.compile(
    r"^[^#`\n]*survival\.cox\(\s*design\s*,[^,]+,[^,]+,\s*(list\(factors\.COX_COVARIATES\)|covariates)\s*[,)]", re.M
)


def test_table3_fit_is_the_breslow_cox_fitted_once_per_cohort():
    cohort = data.load_cohort()
    design = cohort[["os_months", "death"]].join(factors.cox_design(cohort))
    direct = survival.cox(design, "os_months", "death", list(factors.COX_COVARIATES))
    fit = ledger.table3_fit(cohort)
    pd.testing.assert_frame_equal(fit.table, direct.table)
    assert ledger.table3_fit(cohort.copy()) is fit  # the same cohort, by content: the same fit
    efron = ledger.table3_fit(cohort, ties="efron")
    assert efron is not fit and efron is ledger.table3_fit(cohort, ties="efron")
    other = cohort.assign(os_months=cohort["os_months"] + 1.0)
    assert ledger.table3_fit(other) is not fit


def test_table3_fit_raises_its_warnings_at_every_call():
    import warnings

    cohort = data.load_cohort()
    cured = cohort.assign(death=np.where(cohort["metastasectomy_curative"] == 1, 0, cohort["death"]))
    for _ in range(2):  # the second call reads the shared fit and still says what the fit said
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = ledger.table3_fit(cured)
        assert "no_metastasectomy" in fit.infinite
        assert [str(w.message) for w in caught if issubclass(w.category, survival.FitWarning)] == fit.notes


def test_no_module_refits_table3_outside_the_ledger():
    sources = [p for p in sorted(SRC.rglob("*.py")) if p.relative_to(SRC).parts[0] not in ALLOWED_PACKAGES]
    notebooks = sorted((SRC.parents[1] / "notebooks").glob("*.md"))
    callers = [str(p.name) for p in sources + notebooks if p.name != "ledger.py" and COX_CALL.search(p.read_text())]
    assert callers == [], f"Table 3's model fitted outside helpers.ledger.table3_fit: {callers}"
