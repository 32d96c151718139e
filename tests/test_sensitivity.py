"""The E-value (helpers.sensitivity) against VanderWeele and Ding's worked values."""

import math

import pytest

from helpers.sensitivity import e_value, e_value_rr, risk_ratio_from_hr


def test_e_value_of_a_risk_ratio():
    # VanderWeele & Ding (2017): an observed RR of 3.9 needs a confounder of RR 7.26 with both sides
    assert e_value_rr(3.9) == pytest.approx(7.26, abs=0.005)
    assert e_value_rr(1 / 3.9) == pytest.approx(e_value_rr(3.9))
    assert e_value_rr(1.0) == 1.0


def test_common_outcome_hazard_ratio_is_shrunk_towards_one():
    rr = risk_ratio_from_hr(2.0)
    assert rr == pytest.approx((1 - 0.5 ** math.sqrt(2)) / (1 - 0.5 ** math.sqrt(0.5)))
    assert 1 < rr < 2
    assert risk_ratio_from_hr(2.0, rare=True) == 2.0


def test_an_interval_that_contains_one_needs_no_confounding():
    ev = e_value(2.2, 0.8, 6.5)
    assert ev.limit == 1.0
    assert ev.estimate == pytest.approx(e_value_rr(risk_ratio_from_hr(2.2)))


def test_the_limit_nearer_one_is_used():
    ev = e_value(0.5, 0.3, 0.8)
    assert ev.limit == pytest.approx(e_value_rr(risk_ratio_from_hr(0.8)))
    assert ev.estimate > ev.limit > 1


def test_a_hazard_ratio_outside_its_interval_is_refused():
    with pytest.raises(ValueError, match="outside its interval"):
        e_value(3.0, 1.0, 2.0)
