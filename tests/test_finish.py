"""The finisher (helpers.reconstruct.finish): exact scores, kept counts, determinism, and its per-target view
agreeing with the scorer."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.published import load as load_published
from helpers.reconstruct import finish
from helpers.reconstruct.coarse import Schedule, anneal, place_times, start_times
from helpers.reconstruct.structure import CODED, initial_structure
from helpers.reconstruct.targets import build_targets, load_spec, target_values


def _end_state(seed: int = 5, iterations: int = 3000):
    spec = load_spec()
    rng = np.random.default_rng(seed)
    s = initial_structure(spec, rng)
    targets = build_targets(load_published())
    t, death = start_times(s, spec, targets, rng)
    return anneal(s, t, death, targets, rng, Schedule(iterations))


@pytest.fixture(scope="module")
def state():
    return _end_state()


def _counts(C, n_cur):
    return [
        (np.bincount(row[:n_cur] + 1, minlength=6).tolist(), np.bincount(row[n_cur:] + 1, minlength=6).tolist())
        for row in C[: CODED.index("era")]
    ]


def test_finish_raises_its_score_keeps_counts_and_is_deterministic(state):
    a, b = _end_state(), _end_state()
    before = _counts(a.s.C, a.s.n_cur), a.death.sum()
    trail = finish.finish(a, rounds=3)
    finish.finish(b, rounds=3)
    objectives = [x.objective for x in trail]
    assert all(y > x for x, y in zip(objectives, objectives[1:]))
    assert len(trail) > 1, "three rounds from a short search's end state should find a better combination"
    assert (_counts(a.s.C, a.s.n_cur), a.death.sum()) == before  # fine moves never change a count
    assert a.energy()[1] == pytest.approx(trail[-1].hits)  # the state holds what the last round scored
    assert np.array_equal(a.order, b.order) and np.array_equal(a.s.C, b.s.C) and np.array_equal(a.death, b.death)


def test_fine_moves_are_distinct_and_each_changes_the_state(state):
    s = finish.State.of(state)
    moves = finish.fine_moves(s, state.s.n_cur)
    assert len(moves) > 500 and len({tuple(m) for m in moves}) == len(moves)
    assert set(moves[:, 0]) == {0, 1, 2, 3, 4}
    for mv in moves[::37]:
        new = s.apply(state, [mv])
        changed = (
            not np.array_equal(new.order, s.order)
            or not np.array_equal(new.death, s.death)
            or not np.array_equal(new.C, s.C)
        )
        assert changed, mv
        assert np.array_equal(s.order[s.rank], np.arange(len(s.order)))  # the original is left as it was


def test_every_swap_lists_each_allowed_swap_once_and_keeps_the_counts(state):
    from helpers.reconstruct.moves import every_swap, swap_ok

    s = finish.State.of(state)
    n_cur = state.s.n_cur
    swaps = every_swap(s, n_cur)
    rows = {tuple(m) for m in swaps}
    assert len(rows) == len(swaps) and set(swaps[:, 0]) == {3} and (swaps[:, 1] < swaps[:, 2]).all()
    assert all(swap_ok(s.C, f, i, j, n_cur) for _, i, j, f in swaps)
    nearest = finish.fine_moves(s, n_cur)
    assert {tuple(m) for m in nearest if m[0] == 3} < rows  # the fine moves' swaps are among them, not all of them
    counts = _counts(s.C, n_cur)
    for mv in swaps[::53]:
        new = s.apply(state, [mv])
        assert _counts(new.C, n_cur) == counts and not np.array_equal(new.C, s.C), mv


def test_finish_over_every_swap_raises_its_score(state):
    """One round of the finisher over every factor swap (the merge's last stage: swaps of one factor combined)
    from a short search's end state finds a combination that scores higher exactly and keeps every count."""
    from helpers.reconstruct.moves import every_swap

    s = finish.State.of(state)
    bx = finish.boxes(state)
    combos = finish.candidates(state, bx, s, finish.score(state, bx, s), every_swap, within_factor=True)
    assert max(len(c) for c in combos) > 1 and all(len(set(c[:, 3])) == 1 for c in combos)  # one factor each
    a = _end_state()
    before = _counts(a.s.C, a.s.n_cur), a.death.sum(), a.order.copy()
    trail = finish.finish(a, rounds=1, moves_of=every_swap, within_factor=True)
    assert len(trail) == 2 and trail[1].objective > trail[0].objective
    assert (_counts(a.s.C, a.s.n_cur), a.death.sum()) == before[:2]
    assert np.array_equal(a.order, before[2])  # factor swaps leave the order alone
    assert a.energy()[1] == pytest.approx(trail[-1].hits)


def test_target_hits_agree_with_the_scorer_on_the_placed_times(state):
    """The finisher's per-target view (pins read off the chain, boxes for the rank statistics) is what the time
    scorer finds on the times that pins.place writes."""
    tg = state.tg
    s = finish.State.of(state)
    bx = finish.boxes(state)
    for mv in [None, *finish.fine_moves(s, state.s.n_cur)[::101]]:
        x = s if mv is None else s.apply(state, [mv])
        t = place_times(x.order, x.rank, x.death, x.C, x.G, state.K, tg)
        codes = {k: x.C[i] for i, k in enumerate(CODED)}
        tv = target_values(codes, state.s.n_cur, t / 10.0, x.death, tg)
        assert list(tv["id"]) == finish.target_ids(tg)
        assert np.array_equal(finish.target_hits(state, x, bx), tv["hit"].to_numpy(bool)), mv


def test_conflicts_name_the_misses_and_lose_only_matched_numbers(state):
    s = finish.State.of(state)
    hits = dict(zip(finish.target_ids(state.tg), finish.target_hits(state, s, finish.boxes(state))))
    conflicts = finish.conflicts(state)
    assert set(conflicts) == {k for k, h in hits.items() if not h}
    assert {c.moves for c in conflicts.values()} <= {0, 1, 2}
    assert any(c.moves for c in conflicts.values())
    for c in conflicts.values():
        assert all(hits[k] for k in c.loses)
        assert c.moves or not c.loses


def test_anneal_ends_at_the_best_state_it_saw(state):
    """The kernel copies the best state into ``RankSearch.best`` (order, rank, outcomes, factors, passed as an
    ``arrays.Ranked``); ``anneal`` ends there: the order and the ranks agree, and the loss recomputed afresh is
    the best loss the kernel recorded."""
    n = len(state.order)
    np.testing.assert_array_equal(state.order[state.rank], np.arange(n))
    np.testing.assert_array_equal(state.best.order, state.order)
    np.testing.assert_array_equal(state.best.C, state.s.C)
    assert state.energy()[0] == pytest.approx(state.state[2], rel=1e-9, abs=1e-9)


def test_a_pickled_structure_keeps_its_codes_views_of_its_code_matrix(state):
    """Block states come back from joblib's workers pickled: a change of ``C`` must still show in ``codes``
    (``Structure.copy`` reads ``codes``)."""
    import pickle

    s = pickle.loads(pickle.dumps(state.s))
    assert np.array_equal(s.C, state.s.C) and (s.n_cur, s.n) == (state.s.n_cur, state.s.n)
    sex = CODED.index("sex")
    s.C[sex, 0] ^= 1
    assert s.codes["sex"][0] == s.C[sex, 0] != state.s.C[sex, 0]


@pytest.mark.parametrize(
    "keys",
    [("size",), ("grade",), ("chemotherapy",), ("initial_metastatic_sites", "presenting"), ("chemotherapy", "sex")],
)
def test_hits_with_other_codes_are_the_score_of_a_state_holding_them(state, keys):
    """The exact stages score a candidate assignment without building a search state
    (``RankSearch.hits_with``): its hits, grouping matrix and Cox matrix are those of a ``RankSearch`` holding
    the codes. Chemotherapy also decides who is in the palliative subset, whose rows it must recompute."""
    from helpers.reconstruct.coarse import RankSearch

    rng = np.random.default_rng(7)
    for _ in range(5):
        rows = {k: rng.permutation(state.s.codes[k]) for k in keys}
        s = state.s.copy()
        for k, row in rows.items():
            s.codes[k][:] = row
        held = RankSearch(s, state.order, state.death, state.tg)
        C, G, X = state.recoded(rows)
        assert np.array_equal(C, held.s.C) and np.array_equal(G, held.G) and np.array_equal(X, held.X)
        assert state.hits_with(rows) == finish.score(held, finish.boxes(held), finish.State.of(held)).hits
    assert state.hits_with({}) == finish.score(state, finish.boxes(state), finish.State.of(state)).hits
