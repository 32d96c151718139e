"""The benchmark scripts' pure parts (the scripts themselves print figures and are not tests)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
    cards = pd.DataFrame({
        "id": ["a", "b", "c"] * 4,
        "kind": ["time", "count", "time"] * 4,
        "printed": ["0.021", "N.A.", "<0.001"] * 4,
        "explanation": [""] * 12,
        "match": [True, True, False, True, False, False, False, False, False, True, True, False],
        "seed": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    })
    rates = mr.miss_rates(cards)
    assert list(rates.index) == ["c", "b", "a"]
    assert rates.loc["a", "share"] == pytest.approx(0.75)
    assert rates.loc["b", "share"] == pytest.approx(0.5)
    assert rates.loc["c", "share"] == pytest.approx(0.0)
    assert rates.loc["b", "printed"] == "N.A." and rates.loc["c", "kind"] == "time"


def test_miss_rates_card_is_the_fidelity_report_of_one_seed():
    mr = _load("miss_rates")
    card = mr.card(2022, 2000)
    committed = pd.read_csv(BENCH.parent / "data" / "fidelity.csv")
    assert list(card["id"]) == list(committed["id"])
    assert (card["seed"] == 2022).all() and card["match"].dtype == bool
    printed = dict(zip(card["id"], card["printed"]))
    assert printed["t1.size.p"] == "<0.001"
    assert printed["t1.depth.superficial.median_os"] == "N.A."
    assert printed["t4.primary_site.retroperitoneum.median_os"] == "76.05"


@pytest.fixture(scope="module")
def surveyed():
    """benchmarks/end_state.py, a short search's end state, and its survey of single moves."""
    es = _load("end_state")
    st = es.end_state(5, 3000)
    return es, st, es.survey(st)


def test_end_state_moves_change_the_state_and_keep_its_counts(surveyed):
    """benchmarks/end_state.py: every move it enumerates is a move of the search (it changes the state,
    keeps every count and the number of deaths), and Table 3 moves only with its own inputs."""
    import numpy as np

    from helpers.reconstruct.kernel import DEPTH, ERA, SITES

    es, st, table = surveyed
    assert set(table["kind"]) == {"insert", "death", "factor", "era"}
    for mv in table["move"].iloc[::7]:
        new = es.applied(st, mv)
        assert sorted(new.order) == list(range(len(st.order)))
        assert new.death.sum() == st.death.sum()
        changed = (new.rank != st.rank).any() or (new.death != st.death).any() or (new.s.C != st.s.C).any()
        assert changed, mv
        if mv[0] == "insert":
            assert new.rank[mv[1]] == mv[2]
        if mv[0] == "factor":
            cur = np.arange(len(st.rank)) < st.s.n_cur
            for part in (cur, ~cur):
                assert sorted(new.s.C[mv[1], part]) == sorted(st.s.C[mv[1], part])
    factor = table["move"].map(lambda m: m[1] if m[0] == "factor" else -1)
    assert not table.loc[(factor == DEPTH) | (table["kind"] == "era"), "cox_changed"].any()
    assert table.loc[factor == SITES, "cox_changed"].all()
    assert table.loc[table["kind"] == "death", "cox_changed"].any()
    assert ERA not in set(factor)
    # a move that leaves Table 3 alone changes the matches outside it and nothing else
    still = ~table["cox_changed"]
    np.testing.assert_allclose(table.loc[still, "d_other"], table.loc[still, "d_hits"], atol=1e-9)
    assert (table["d_other"] != table["d_hits"]).any()


def test_end_state_combos_predict_table3_as_the_search_counts_it(surveyed):
    """benchmarks/end_state.py --combos: Table 3's matches predicted from β and SE are those the search
    counts, and a combination of one move predicts exactly what the move does."""
    import numpy as np

    from helpers.reconstruct.kernel import SIZE
    from helpers.reconstruct.score import cox_fit

    es, st, table = surveyed
    t3 = st.energy()[1] - es.without_cox(st).energy()[1]
    assert es.table3_matches(es.coefficients(st), st.tg.tcox) == pytest.approx(t3)
    # boxes around the search's own HR, CI limits and p: every one is met, and none after a move of size
    out, _, _ = cox_fit(st.rank.astype(float), st.death, st.order, st.X, np.zeros(st.X.shape[1]))
    own = np.array([(stat, cov, x - 1e-9, x + 1e-9, 1.0) for (stat, cov), x in np.ndenumerate(np.asarray(out))])
    assert es.table3_matches(es.coefficients(st), own) == len(own) == 16
    size = table[table["move"].map(lambda m: m[:2] == ("factor", SIZE))]["move"].iloc[0]
    assert es.table3_matches(es.coefficients(es.applied(st, size)), own) == 0
    free = table[np.isclose(table["d_other"], 0) & table["cox_changed"]]
    assert len(free) > 0
    n, best, gains = es.combos(st, table, 1, verify=len(free))
    assert n == len(free)
    assert best == pytest.approx(t3 + free["d_hits"].max())
    assert gains == int((free["d_hits"] > 1e-9).sum())


def test_end_state_window_of_two_is_every_swap_of_neighbours(surveyed):
    """benchmarks/end_state.py --window: the permutations of two neighbours are the swaps of neighbours, so
    they gain where a swap of neighbours (an insertion one rank later) gains; the state is left as it was."""
    import math

    import numpy as np

    es, st, table = surveyed
    later = table["move"].map(lambda m: m[0] == "insert" and m[2] == st.rank[m[1]] + 1)
    worse = es.applied(st, table.loc[later & (table["d_hits"] < 0), "move"].iloc[0])  # swapping back gains
    order, death, n = worse.order.copy(), worse.death.copy(), len(worse.order)
    hits = worse.energy()[1]
    swaps = [es.applied(worse, ("insert", int(order[r]), r + 1)).energy()[1] > hits + 1e-9 for r in range(n - 1)]
    tried, gains = es.window_gains(worse, 2)
    assert tried == 2 * (n - 1)
    assert gains == sum(swaps) >= 1
    tried, _ = es.window_gains(worse, 3, deaths=True)
    assert tried == sum(6 * math.comb(3, int(death[order[w:w + 3]].sum())) for w in range(n - 2))
    assert (worse.order == order).all() and (worse.death == death).all()
    assert (worse.rank[worse.order] == np.arange(n)).all()


def test_end_state_split_targets_by_what_they_depend_on(surveyed):
    """benchmarks/end_state.py --decompose: the two sides share out the targets; a swap of a factor on the
    factor side leaves the order side's loss and matches exactly as they were, and the factor-side half of a
    round changes nothing on the order side."""
    import numpy as np

    from helpers.reconstruct.kernel import SIZE
    from helpers.reconstruct.search import RankSearch

    es, st, table = surveyed
    side, factors = es.split_targets(st.tg)
    for name in ("tmed", "tp"):
        a, b = getattr(side, name), getattr(factors, name)
        assert len(a) > 0 and len(b) > 0
        rows = [sorted(map(tuple, np.nan_to_num(x, nan=-1.0))) for x in (np.r_[a, b], getattr(st.tg, name))]
        assert rows[0] == rows[1]
    assert len(side.tcox) == len(st.tg.tcox) and len(factors.tcox) == len(factors.ts5) == len(factors.tscal) == 0
    for part in (side, factors):  # the published ids stay aligned with their rows
        assert [len(part.ids[k]) for k in ("median_os", "p", "cox")] == [len(part.tmed), len(part.tp), len(part.tcox)]
    assert "t5.depth.p" in factors.ids["p"] and "t5.size.p" in side.ids["p"]

    def order_side(x):
        return RankSearch(x.s, x.order, x.death, side).energy()

    kind = table["move"].map(lambda m: m[1] if m[0] == "factor" else -1)
    swaps = table.loc[kind.isin(es._factor_side()), "move"]
    assert len(swaps) > 100
    before, changed = order_side(st), 0
    for mv in swaps.iloc[::3]:
        new = es.applied(st, mv)
        assert order_side(new) == before, mv
        changed += es.matches(new, factors) != es.matches(st, factors)
    assert changed > 0
    assert any(order_side(es.applied(st, mv)) != before for mv in table.loc[kind == SIZE, "move"].iloc[:20])

    order, death, C = st.order.copy(), st.death.copy(), st.s.C.copy()
    rounds = es.decompose(st, 2, 3000, 3000)
    assert len(rounds) == 2 and all(r[0] == r[3] for r in rounds)
    # one placement serves both sides' pins, so together they meet at most what each meets alone
    assert all(r[2] <= r[0] + r[1] + 1e-9 and r[5] <= r[3] + r[4] + 1e-9 for r in rounds)
    assert (st.order == order).all() and (st.death == death).all() and (st.s.C == C).all()
