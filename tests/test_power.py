"""Schoenfeld's formula against values worked out by hand (z_0.975 = 1.959964, z_0.80 = 0.841621)."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers import power

Z = 1.959964 + 0.841621  # z_{1-α/2} + z_{1-β} for α = 0.05, power 0.8: 2.801585


def test_required_deaths_for_hr_2_balanced_is_the_textbook_65_point_3():
    # 2.801585² / (0.25 · ln²2) = 7.848879 / 0.1201133 = 65.35 -> the familiar "66 deaths"
    assert power.required_deaths(2.0, 0.5) == pytest.approx(65.346, abs=0.01)
    assert math.ceil(power.required_deaths(2.0, 0.5)) == 66


def test_detectable_hr_with_34_deaths_balanced():
    # exp(2.801585 / √(34 · 0.25)) = exp(2.801585 / 2.915476) = exp(0.960936) = 2.6142
    assert power.detectable_hr(34, 0.5) == pytest.approx(2.6142, abs=1e-3)


def test_detectable_hr_with_34_deaths_and_24_of_61_in_one_group():
    # p(1-p) = (24/61)(37/61) = 0.238646; √(34 · 0.238646) = 2.848502; exp(2.801585 / 2.848502) = 2.6739
    hr = power.detectable_hr(34, 24 / 61)
    assert hr == pytest.approx(2.6739, abs=1e-3)
    assert power.detectable_hr(34, 37 / 61) == pytest.approx(hr, rel=1e-12)  # symmetric in p


def test_unbalanced_groups_need_a_larger_hr():
    assert power.detectable_hr(34, 0.1) > power.detectable_hr(34, 0.3) > power.detectable_hr(34, 0.5)


def test_power_for_hr_2_with_34_deaths_balanced():
    # Φ(√8.5 · ln 2 − 1.959964) = Φ(2.020845 − 1.959964) = Φ(0.060881) = 0.5243
    assert power.power(2.0, 34, 0.5) == pytest.approx(0.5243, abs=1e-3)


def test_power_is_symmetric_in_the_direction_of_the_effect():
    assert power.power(0.5, 34, 0.5) == pytest.approx(power.power(2.0, 34, 0.5), rel=1e-12)


def test_power_of_no_effect_is_alpha_and_round_trip_gives_the_target():
    assert power.power(1.0, 34, 0.5) == pytest.approx(0.05, abs=1e-12)  # a two-sided test at 5% rejects 5%
    assert power.power(1.0, 34, 0.5, alpha=0.01) == pytest.approx(0.01, abs=1e-12)
    hr = power.detectable_hr(34, 0.3, power=0.9)
    assert power.power(hr, 34, 0.3) == pytest.approx(0.9, abs=1e-6)  # + the other tail, below 1e-6
    assert power.required_deaths(hr, 0.3, power=0.9) == pytest.approx(34, rel=1e-9)


@pytest.mark.parametrize("args", [(0, 0.5), (34, 0.0), (34, 1.0), (-1, 0.5)])
def test_bad_arguments_are_refused(args):
    with pytest.raises(ValueError):
        power.detectable_hr(*args)


def test_factor_power_counts_analysed_patients_and_their_deaths():
    # 10 patients: size > 10 cm in 4; one size missing (left out); 5 deaths among the 9 analysed
    cohort = pd.DataFrame(
        {
            "size_cm": [12, 15, 11, 20, 5, 6, 7, 8, 9, np.nan],
            "death": [1, 1, 0, 1, 1, 0, 0, 1, 0, 1],
            "os_months": np.arange(1.0, 11.0),
            "metastasectomy_curative": [0] * 10,
            "primary_site": ["trunk"] * 10,
        }
    )
    table = power.factor_power(cohort, ["size", "primary_site"], hrs=(2.0,))
    assert list(table["factor"]) == ["size"]  # four-level primary_site is skipped
    row = table.iloc[0]
    assert (row["n"], row["deaths"], row["level"]) == (9, 5, "<=10")
    assert row["proportion"] == pytest.approx(5 / 9)
    # exp(2.801585 / √(5 · 5/9 · 4/9)) = exp(2.801585 / 1.111111) = exp(2.521427) = 12.446
    assert row["detectable_hr"] == pytest.approx(12.446, abs=0.01)
    assert row["power_hr_2"] == pytest.approx(power.power(2.0, 5, 5 / 9))
