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
