"""The benchmark scripts' pure parts (the scripts themselves print figures and are not tests)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_miss_rates_share_per_number_rarest_first():
    mr = _load("miss_rates")
    cards = pd.DataFrame(
        {
            "id": ["a", "b", "c"] * 4,
            "kind": ["time", "count", "time"] * 4,
            "printed": ["0.021", "N.A.", "<0.001"] * 4,
            "explanation": [""] * 12,
            "match": [True, True, False, True, False, False, False, False, False, True, True, False],
            "seed": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
        }
    )
    rates = mr.miss_rates(cards)
    assert list(rates.index) == ["c", "b", "a"]
    assert rates.loc["a", "share"] == pytest.approx(0.75)
    assert rates.loc["b", "share"] == pytest.approx(0.5)
    assert rates.loc["c", "share"] == pytest.approx(0.0)
    assert rates.loc["b", "printed"] == "N.A." and rates.loc["c", "kind"] == "time"


def test_miss_rates_card_is_the_fidelity_report_of_one_seed():
    mr = _load("miss_rates")
    card = mr.card(2022, 2000, 1)
    committed = pd.read_csv(BENCH.parent / "data" / "fidelity.csv")
    assert list(card["id"]) == list(committed["id"])
    assert (card["seed"] == 2022).all() and card["match"].dtype == bool
    printed = dict(zip(card["id"], card["printed"]))
    assert printed["t1.size.p"] == "<0.001"
    assert printed["t1.depth.superficial.median_os"] == "N.A."
    assert printed["t4.primary_site.retroperitoneum.median_os"] == "76.05"


def test_swap_pairs_are_of_four_distinct_patients_split_by_factor():
    sw = _load("swaps")
    moves = np.array([[3, 0, 1, 1], [3, 2, 3, 1], [3, 0, 2, 1], [3, 4, 5, 2], [3, 1, 4, 2]])
    assert sw._pairs(moves, True).tolist() == [[0, 1]]
    assert sw._pairs(moves, False).tolist() == [[0, 3], [1, 3], [1, 4], [2, 3], [2, 4]]


def test_joint_assignments_pair_every_curative_with_every_other_and_filter_by_the_whole_cohort_s_p():
    from helpers import survival

    asg = _load("assignments")
    rng = np.random.default_rng(5)
    time = rng.integers(1, 30, 9).astype(float)
    death = (rng.random(9) < 0.7).astype(float)
    cur = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]], float)
    other = np.array([[1, 0, 0, 1, 0], [0, 1, 1, 0, 0]], float)
    pairs = [np.concatenate([c, o]) for c in cur for o in other]
    p = [survival.logrank(time, death, m.astype(int)).p for m in pairs]
    q = sorted(p)
    lo, hi = (q[0] + q[1]) / 2, (q[4] + q[5]) / 2  # between p's, clear of rounding at the bounds
    want = [m for m, pm in zip(pairs, p) if lo <= pm <= hi]
    got = asg.joint(cur, other, time, death, (lo, hi))
    assert len(want) == 4 and np.array_equal(got, np.array(want))


def test_two_workers_give_each_merge_to_the_first_free_one():
    ms = _load("merge_stages")
    assert ms.two_workers([160.0, 270.0, 157.0, 197.0]) == pytest.approx(467.0)  # 4 waits for 2: 270 + 197
    assert ms.two_workers([100.0]) == pytest.approx(100.0)
    assert ms.two_workers([]) == 0.0
