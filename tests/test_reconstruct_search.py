"""The rank-space search of ``helpers.reconstruct``: its statistics, its pins and its bookkeeping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers.published import load as load_published
from helpers.reconstruct.arrays import row_stats
from helpers.reconstruct.coarse import MIX, RankSearch, _chunks, start_times
from helpers.reconstruct.pins import ITEM_COLS, pin_chain, place
from helpers.reconstruct.ranks import five_year_curves, km_ranks
from helpers.reconstruct.stats import R_TOL, km_logrank
from helpers.reconstruct.structure import initial_structure
from helpers.reconstruct.targets import build_targets, load_spec, target_values


@pytest.fixture(scope="module")
def targets():
    return build_targets(load_published())


def _random_rows(rng, n=61):
    G = rng.integers(-1, 4, (6, n)).astype(np.int8)
    K = np.array([4, 3, 2, 2, 1, 2])
    G[1] = np.minimum(G[1], 2)
    G[2:4] = np.minimum(G[2:4], 1)
    G[4] = np.where(G[4] >= 0, 0, -1)
    G[5] = np.where(np.arange(n) < n // 2, G[5] % 2, -1)
    return G, K


def test_rank_statistics_equal_the_scorer_on_distinct_times():
    rng = np.random.default_rng(11)
    for _ in range(200):
        G, K = _random_rows(rng)
        n = G.shape[1]
        death = (rng.random(n) < rng.uniform(0.2, 0.9)).astype(float)
        order = rng.permutation(n).astype(np.int64)
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n)
        med, s60, send, pval = km_logrank(rank.astype(float), death, order, G, K, R_TOL)
        R = len(K)
        rs = row_stats(R, 0)
        km_ranks(order, death, G, K, np.arange(R), R, rs, True)
        np.testing.assert_allclose(rs.pval, pval, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(rs.send, send, rtol=1e-12, equal_nan=True)
        np.testing.assert_array_equal((rs.x1 + rs.x2) / 2, med)  # the median is a rank, or the midpoint of two


def test_five_year_curve_is_km_after_each_rank():
    rng = np.random.default_rng(3)
    G, K = _random_rows(rng)
    n = G.shape[1]
    death = (rng.random(n) < 0.6).astype(float)
    order = rng.permutation(n).astype(np.int64)
    S, last = five_year_curves(order, death, G, np.array([0, 4]), np.array([2, 0]), n)
    for j, (r, g) in enumerate(((0, 2), (4, 0))):
        inside = [i for i in order if G[r, i] == g]
        s, at_risk = 1.0, len(inside)
        for q, i in enumerate(order):
            if G[r, i] == g:
                s *= 1 - death[i] / at_risk
                at_risk -= 1
            assert S[j, q] == pytest.approx(s)
        assert last[j] == max(q for q, i in enumerate(order) if G[r, i] == g)


def _items(rows):
    items = np.zeros((len(rows), ITEM_COLS))
    for q, (start, end, wl, wh, step, weight) in enumerate(rows):
        items[q] = (start, end, wl, wh, step, weight, q)
    return items


def _pin(rank, value, slack=0, weight=1.0):
    """A median at one patient: rank ``rank`` has a value in [value - slack, value + slack] tenths."""
    return (2 * rank, 2 * rank, value - slack - rank, value + slack - rank, 0.0, weight)


@pytest.mark.parametrize(
    "rows, best",
    [
        ([_pin(3, 100), _pin(10, 200)], 2.0),  # in order, room between them
        ([_pin(3, 100), _pin(10, 104)], 1.0),  # 7 ranks need 7 tenths: no room
        ([_pin(3, 100), _pin(10, 107)], 2.0),  # exactly enough room
        ([_pin(10, 100), _pin(3, 200)], 1.0),  # out of order
        ([_pin(5, 100), _pin(5, 100), _pin(5, 101)], 2.0),  # one patient, one value
        ([_pin(5, 100, slack=5), _pin(5, 104)], 2.0),  # a printed range that holds the other's value
        ([_pin(2, 50), _pin(8, 300, weight=3.0), _pin(9, 80), _pin(12, 90)], 4.0),  # the heavy pin wins
    ],
)
def test_pin_chain_is_the_heaviest_placeable_set(rows, best):
    items = _items(rows)
    top, pred, w_end, top_i = pin_chain(items, len(rows), 1.0)
    assert top == best
    n = 20
    v = place(items, len(rows), pred, w_end, top_i, n, -1, 10**6, 1)
    assert np.all(np.diff(v) >= 1)  # distinct, increasing times
    met = sum(w for (s, _, wl, wh, _, w) in rows if wl <= v[s // 2] - s // 2 <= wh)
    assert met >= best


def test_placement_honours_the_five_year_cut_and_the_era_cap():
    k, era_rank, cap = 6, 4, 150
    rows = [_pin(2, 100), (2 * k + 1, 2 * k + 1, 600 - k, 600 - k, 0.0, 2.0), _pin(15, 900)]
    items = _items(rows)
    top, pred, w_end, top_i = pin_chain(items, len(rows), 1.0)
    assert top == 4.0
    v = place(items, len(rows), pred, w_end, top_i, 20, era_rank, cap, 1)
    assert (v <= 600).sum() == k + 1  # ranks 0..k at or before 60 months
    assert v[era_rank] <= cap and v[2] == 100 and v[15] == 900


@pytest.fixture(scope="module")
def searched(targets):
    spec = load_spec()
    rng = np.random.default_rng(7)
    s = initial_structure(spec, rng)
    t, death = start_times(s, spec, targets, rng)
    st = RankSearch(s, np.argsort(t, kind="stable"), death, targets)
    for U, IJ, temps in _chunks(rng, 40_000, 4096, 0.5, 0.05):
        st.run(U, IJ, temps, MIX)
    return st


def test_incremental_loss_equals_a_fresh_evaluation(searched):
    assert searched.state[5] > 1000  # moves were accepted
    loss, hits = searched.energy()
    assert searched.state[0] == pytest.approx(loss, abs=1e-9)
    assert searched.state[1] == hits


def test_placed_times_meet_what_the_search_counted(searched, targets):
    st = searched
    _, hits = st.energy()
    t = st.times()
    assert len(np.unique(t)) == len(t)
    assert np.array_equal(np.argsort(t), st.order)  # the placement keeps the searched order
    tv = target_values(st.s.codes, st.s.n_cur, t / 10, st.death, targets)
    weight = np.concatenate(
        [targets.tmed[:, 5], targets.tp[:, 3], targets.tcox[:, 4], targets.ts5[:, 4], targets.tscal[:, 3]]
    )  # a fact printed twice weighs 2
    assert (weight * tv["hit"]).sum() >= hits


def test_a_midpoint_median_is_placed_as_two_times_averaging_the_printed_value():
    s = 1521  # twice 76.05 months, in tenths: S sits at exactly 0.5 between the patients at ranks 3 and 5
    va = (s - 2) // 2
    rows = [(6, 10, va - 3, va - 3, (s - va - 5) - (va - 3), 1.0), _pin(8, 900)]
    items = _items(rows)
    top, pred, w_end, top_i = pin_chain(items, len(rows), 1.0)
    assert top == 2.0
    v = place(items, len(rows), pred, w_end, top_i, 12, -1, 10**6, 1)
    assert v[3] + v[5] == s and v[3] < v[4] < v[5] and v[8] == 900


def test_numba_cache_is_keyed_by_every_source_file(tmp_path):
    import numba

    from helpers import reconstruct
    from helpers.reconstruct._cache import source_key

    package = Path(reconstruct.__file__).parent
    assert Path(numba.config.CACHE_DIR).name == f"numba-{source_key(package)}"
    (tmp_path / "kernel.py").write_text("def f(): return 1\n")
    (tmp_path / "pins.py").write_text("def g(): return 2\n")
    before = source_key(tmp_path)
    (tmp_path / "pins.py").write_text("def g(): return 3\n")  # a callee's file changes, the caller's does not
    assert source_key(tmp_path) != before
