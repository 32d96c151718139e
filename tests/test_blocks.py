"""Reconstruction by blocks: a block's targets are its own patients' statistics, the block search is a pure
function of its seed, and the merge keeps what the block met."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.published import load as load_published
from helpers.reconstruct import blocks
from helpers.reconstruct.coarse import RankSearch
from helpers.reconstruct.finish import target_ids
from helpers.reconstruct.structure import CODED
from helpers.reconstruct.targets import build_targets

SMALL = 20_000  # iterations: enough to exercise the searches, fast
ROUNDS = 1


@pytest.fixture(scope="module")
def published():
    return load_published()


@pytest.fixture(autouse=True)
def one_exact_factor(monkeypatch):
    """The merges' exact stage over one factor only, and no linked stage: each enumeration takes seconds."""
    monkeypatch.setattr(blocks, "EXACT_FACTORS", ("radiotherapy",))
    monkeypatch.setattr(blocks, "LINKED_STAGE", False)


@pytest.fixture(scope="module")
def block():
    return blocks.search_block(3, "curative", SMALL, ROUNDS)


def test_block_published_is_its_cohorts_only(published):
    for name, cohorts in blocks.BLOCK_COHORTS.items():
        pub = blocks.block_published(published, name)
        assert len(pub) and set(pub["cohort"]) == set(cohorts)
    cur = blocks.block_published(published, "curative")
    assert "text.discussion.metastasectomy.os.os_5yr" in set(cur["id"])  # the Discussion's 69.5% is the block's


def test_needles_are_the_medians_printed_at_two_decimals(published):
    ids = blocks.needle_ids(published)
    rows = published[published["id"].isin(ids)]
    assert len(rows) and (rows["statistic"] == "median_os").all() and (rows["decimals"] == 2).all()
    assert "t4.primary_site.retroperitoneum.median_os" in ids


def test_weighted_scales_only_the_named_targets(published):
    tg = build_targets(published)
    some = set(tg.ids["p"][:2]) | set(tg.ids["median_os"][-1:])
    w = blocks.weighted(tg, some, 7.0)
    for kind, a, b in (("p", tg.tp, w.tp), ("median_os", tg.tmed, w.tmed), ("cox", tg.tcox, w.tcox)):
        on = np.array([i in some for i in tg.ids[kind]], bool)
        assert np.allclose(b[on, -1], 7.0 * a[on, -1]) and np.array_equal(b[~on], a[~on], equal_nan=True)
        assert np.array_equal(b[:, :-1], a[:, :-1], equal_nan=True)


def test_a_block_s_targets_depend_on_its_patients_only(block):
    """Moving the other patients anywhere in the order leaves every curative target met or missed as it was."""
    st = block.state
    before = blocks.met(st)
    n_cur = st.s.n_cur
    order = st.order.copy()
    others = np.flatnonzero(order >= n_cur)
    rng = np.random.default_rng(0)
    order[others] = rng.permutation(order[others])
    death = st.death.copy()
    moved = RankSearch(st.s, order, death, st.tg)
    assert np.array_equal(blocks.met(moved), before)


def test_block_search_is_a_pure_function_of_its_seed(block):
    again = blocks.search_block(3, "curative", SMALL, ROUNDS)
    assert np.array_equal(again.state.order, block.state.order)
    assert np.array_equal(again.state.death, block.state.death)
    assert np.array_equal(again.state.s.C, block.state.s.C)
    assert again.exact == block.exact == bool(blocks.met(block.state).all())


def test_merge_keeps_what_the_block_met(block, published):
    """The merge scores every target, yet meets at least as many of the block's as the block search did (the
    block's weigh more than all the others can gain), and all of them when the block was exact."""
    r, st = blocks.merge_search(block, SMALL, ROUNDS)
    ids = blocks.block_ids(published, "curative")
    had = dict(zip(target_ids(block.state.tg), blocks.met(block.state)))
    now = dict(zip(target_ids(st.tg), blocks.met(st)))
    assert len(now) > len(had) and set(had) <= ids
    assert sum(now[i] for i in had) >= sum(had.values())
    assert blocks.block_kept(st) or not block.exact
    assert len(r.times) == st.s.n and r.death.sum() == block.state.death.sum()


def test_exact_factors_keeps_the_best_exact_assignment(block, published):
    """The exact stage scores every assignment ``bound.meeting`` finds and keeps the best where it gains; the
    order, the outcomes and every other factor stay as they were."""
    from helpers.reconstruct import bound
    from helpers.reconstruct.assemble import TENTH
    from helpers.reconstruct.finish import State, boxes, score

    _, st = blocks.merge_search(block, SMALL, ROUNDS, exact_stages=False)
    bx = boxes(st)
    before = score(st, bx, State.of(st)).hits
    out = blocks.exact_factors(st, published, ("radiotherapy",))
    time, death = np.asarray(st.times(), float) / TENTH, np.asarray(st.death, float)
    part = (np.arange(st.s.n) >= st.s.n_cur).astype(np.int64)
    codes = st.s.codes["radiotherapy"]
    k = [int((codes[part == b] == 1).sum()) for b in (0, 1)]
    given = blocks.exact_inputs(st, "radiotherapy")  # what the stage hands the enumeration
    assert all(np.array_equal(x, y) for x, y in zip(given, (time, death, part, k))) and given.known.all()
    rows, _ = bound.meeting(time, death, part, k, blocks.factor_tables(published, "radiotherapy"))
    scores = []
    for row in rows:
        o = blocks.with_codes(st, "radiotherapy", row)
        assert np.array_equal(o.s.codes["radiotherapy"], row) and o.tg is st.tg
        scores.append(score(o, bx, State.of(o)).hits)
    assert score(out, bx, State.of(out)).hits == max([before, *scores])
    assert np.array_equal(out.order, st.order) and np.array_equal(out.death, st.death)
    others = [i for i, f in enumerate(CODED) if f != "radiotherapy"]
    assert np.array_equal(out.s.C[others], st.s.C[others])
    if out is not st:
        assert any(np.array_equal(out.s.codes["radiotherapy"], r) for r in rows)


def test_exact_inputs_leave_an_unknown_grade_out(block, published):
    """The enumeration of grade sees the patients of known grade only, with Tables 4 and 5's counts of grade 3
    to choose; an assignment written back leaves the unknown grades unknown."""
    st = block.state
    codes = st.s.codes["grade"]
    given = blocks.exact_inputs(st, "grade")
    assert np.array_equal(given.known, codes >= 0) and (~given.known).sum() == 3
    assert len(given.time) == len(given.death) == len(given.block) == given.known.sum()
    count = dict(zip(published["id"], published["value"]))
    assert given.k == [int(count["t4.grade.3.n"]), int(count["t5.grade.3.n"])]
    row = np.zeros(int(given.known.sum()), np.int8)
    row[: sum(given.k)] = 1
    o = blocks.with_codes(st, "grade", row, given.known)
    assert np.array_equal(o.s.codes["grade"][given.known], row)
    assert (o.s.codes["grade"][~given.known] == -1).all() and np.array_equal(st.s.codes["grade"], codes)


def test_reader_choice_ranks_the_block_then_the_headline_then_the_numbers():
    assert blocks.reader_choice([False, True], [55, 50], [440, 400]) == 1  # the block kept first
    assert blocks.reader_choice([True, True, True], [54, 55, 55], [440, 430, 433]) == 2  # then headline, numbers
    assert blocks.reader_choice([True, True], [55, 55], [433, 433]) == 0  # the first on a tie


def test_a_merge_s_stream_is_its_random_stream(block):
    """A merge is a pure function of its block and its stream, and another stream is another search."""
    one, _ = blocks.merge_search(block, SMALL, ROUNDS, stream=2)
    again, _ = blocks.merge_search(block, SMALL, ROUNDS, stream=2)
    other, _ = blocks.merge_search(block, SMALL, ROUNDS, stream=3)
    assert np.array_equal(one.times, again.times) and np.array_equal(one.death, again.death)
    assert not np.array_equal(one.times, other.times)


def test_default_command_is_by_blocks_and_writes_the_merge_a_reader_would_choose(tmp_path, monkeypatch):
    """The default design (no ``--chains``): the report says which block solutions were merged, on which random
    streams, and which merge is written; the run is a pure function of its seed."""
    monkeypatch.setattr(blocks, "BLOCK_SEEDS", 3)
    from helpers.reconstruct.__main__ import main

    args = ["--seed", "5", "--iterations", "3000", "--rounds", "1", "--jobs", "1"]
    main(["--out", str(tmp_path / "a"), *args])
    main(["--out", str(tmp_path / "b"), *args, "--no-report"])
    for name in ("cohort.csv", "regimens.csv", "primary_treatment.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    made_by = (tmp_path / "a" / "fidelity.md").read_text().splitlines()[4]
    streams = ", ".join(str(s) for s in blocks.MERGE_STREAMS)
    assert "--seed 5`, by blocks" in made_by and "from seed 5 on: 3 seeds gave" in made_by
    assert f"once per random stream ({streams};" in made_by
    assert f"The {len(blocks.MERGE_STREAMS)} merges kept the block:" in made_by and "is written" in made_by
    assert "then up to 1 round over every factor swap; then, for each of radiotherapy with" in made_by


def test_swap_rounds_follow_the_finisher_up_to_their_cap():
    """The rounds over every factor swap: none without the finisher, at most ``SWAP_ROUNDS``."""
    assert blocks.swap_rounds_of(0) == 0 and blocks.swap_rounds_of(1) == 1
    assert blocks.swap_rounds_of(40) == blocks.SWAP_ROUNDS and blocks.swap_rounds_of(40, 0) == 0


def test_two_group_p_is_survdiffs():
    """The completion's vectorised filter gives helpers.survival.logrank's p (R-exact) for every assignment."""
    from helpers import survival

    rng = np.random.default_rng(7)
    time = rng.integers(1, 40, 30).astype(float)  # tied times
    death = (rng.random(30) < 0.6).astype(float)
    members = (rng.random((25, 30)) < 0.3).astype(float)
    got = blocks._two_group_p(time, death, members)
    want = [survival.logrank(time, death, m.astype(int)).p for m in members]
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_assignments_meeting_are_every_choice_whose_p_is_in_range():
    """The complete enumeration behind the completions: exactly the choices of k patients whose R-exact
    log-rank p lies in the range, in the order of itertools.combinations."""
    import itertools

    from helpers import survival

    rng = np.random.default_rng(11)
    time = rng.integers(1, 30, 10).astype(float)
    death = (rng.random(10) < 0.7).astype(float)
    want = []
    for chosen in itertools.combinations(range(10), 3):
        members = np.isin(np.arange(10), chosen).astype(int)
        if 0.2 <= survival.logrank(time, death, members).p <= 0.8:
            want.append(members)
    got = blocks.assignments_meeting(time, death, 3, (0.2, 0.8))
    assert 0 < len(want) < 120 and got.shape == (len(want), 10)
    assert np.array_equal(got, np.array(want))


EXACT_SEED = blocks.BLOCK_SEED  # the default's block seed, exact (data/RECONSTRUCTION.md, "Reconstruction by blocks")


def test_table4_is_feasible(published):
    """An exact curative block, re-checked outside the search: every median, p and the five-year OS of
    Table 4 and the text recomputed from the block's patients by helpers.survival (R-exact) and matched under
    the printing rule, so Table 4 with its 76.05 is feasible."""
    b = blocks.search_block(EXACT_SEED)
    assert b.exact
    rows = blocks.block_published(published, "curative")
    rows = rows[rows["statistic"].isin(["median_os", "p", "os_5yr"])]
    assert len(rows) > 25
    solutions = b.solutions()  # every exact completion of the size row, each a distinct solution
    sizes = {tuple(s.state.s.codes[blocks.FREE_FACTOR][: s.state.s.n_cur]) for s in solutions}
    assert len(solutions) >= 2 and len(sizes) == len(solutions)
    for sol in solutions:
        _recheck(sol.state, rows)


def _recheck(st, rows):
    """Each row recomputed from the curative patients of ``st`` by helpers.survival and matched as printed."""
    from helpers import survival
    from helpers.factors import FACTORS
    from helpers.scorecard import matches

    n = st.s.n_cur
    time, death = np.asarray(st.times())[:n] / 10.0, np.asarray(st.death)[:n].astype(int)
    for _, r in rows.iterrows():
        if r["factor"] == "os":
            got = 100 * survival.survival_at(time, death, 60.0)[0]
        else:
            levels = np.array([FACTORS[r["factor"]].levels[c] if c >= 0 else None for c in st.s.codes[r["factor"]][:n]])
            known = levels != None  # noqa: E711
            if r["statistic"] == "p":
                got = survival.logrank(time[known], death[known], levels[known]).p
            else:
                here = levels == r["level"]
                got = survival.km_median(time[here], death[here])
        assert matches(r["value"], r["decimals"], r["bound"], r["not_reached"], got, r["statistic"]), (r["id"], got)
