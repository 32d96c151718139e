"""helpers.multiplicity: the printed family of univariate p values, Holm / Benjamini-Hochberg, chance findings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import factors, published
from helpers import multiplicity as mt


def test_printed_family_is_every_univariate_test_once():
    pub = published.load()
    fam = mt.printed_pvalues(pub)
    in_tables = pub[(pub["statistic"] == "p") & pub["source"].isin(mt.UNIVARIATE_TABLES)]
    text_only = fam[fam["source"] == "Text"]
    assert len(fam) == len(in_tables) + len(text_only)
    assert set(text_only["factor"]) == {"first_line_response", "era"}  # no table prints these two
    assert not fam.duplicated(["cohort", "factor"]).any()
    assert "text.3_3.size.p" not in set(fam["id"]) and "t3.size_gt10.p" not in set(fam["id"])
    assert len(fam[fam["source"] == "Table 1"]) == len(factors.TABLE1)
    bounded = fam[fam["bound"] == "<"]
    assert len(bounded) and (bounded["p"] == 0.001).all() and (bounded["printed"] == "<0.001").all()
    assert fam.loc[fam["id"] == "t1.radiotherapy.p", "printed"].item() == "0.91"  # as printed, two decimals
    assert fam.loc[fam["id"] == "text.3_3.era.p", "label"].item() == factors.FACTORS["era"].label


def test_holm_and_benjamini_hochberg_by_hand():
    out = mt.adjust([0.01, 0.02, 0.03, 0.5])
    # Holm: 4·0.01, max(0.04, 3·0.02), max(0.06, 2·0.03), max(0.06, 0.5)
    np.testing.assert_allclose(out["p_holm"], [0.04, 0.06, 0.06, 0.5])
    # BH: min over ranks >= i of p·m/rank: 0.04, 0.04, 0.04, 0.5
    np.testing.assert_allclose(out["p_bh"], [0.04, 0.04, 0.04, 0.5])
    assert out["significant"].tolist() == [True, True, True, False]
    assert out["holm"].tolist() == [True, False, False, False]
    assert out["bh"].tolist() == [True, True, True, False]


@pytest.mark.parametrize("bad", [[], [0.2, np.nan], [1.2], [[0.1, 0.2]]])
def test_adjust_refuses_what_is_not_a_list_of_probabilities(bad):
    with pytest.raises(ValueError, match="probabilities"):
        mt.adjust(bad)


def test_chance_of_false_positives():
    c = mt.chance(12)
    assert c["expected"] == pytest.approx(0.6)
    assert c["at_least_one"] == pytest.approx(1 - 0.95**12)
    with pytest.raises(ValueError):
        mt.chance(0)


def test_permutation_null_is_seeded_and_near_the_nominal_rate(toy_cohort):
    keys = ["sex", "depth", "presenting", "radiotherapy"]
    a = mt.permutation_null(toy_cohort, keys, 200, seed=3)
    pd.testing.assert_frame_equal(a, mt.permutation_null(toy_cohort, keys, 200, seed=3))
    assert a["significant"].between(0, len(keys)).all()
    assert (a["significant"] > 0).eq(a["min_p"] < 0.05).all()
    assert 0.5 * 0.05 * len(keys) < a["significant"].mean() < 2 * 0.05 * len(keys)
