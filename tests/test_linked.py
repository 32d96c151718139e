"""The merges' linked stage (``helpers.reconstruct.linked``): chemotherapy decided exactly with chemotherapy
around the metastasectomy and the first-line responses, the identities that tie them held."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.reconstruct import blocks, bound, linked
from helpers.reconstruct.coarse import RankSearch
from helpers.reconstruct.finish import State, boxes, score
from helpers.reconstruct.structure import CODED
from helpers.reconstruct.targets import build_targets
from helpers.survival import logrank

CHEMO, PERI, RESPONSE = linked.LINKED
NO = linked.NO


def _swap(row, ones, zeros, rng):
    i, j = rng.choice(ones), rng.choice(zeros)
    row[i], row[j] = row[j], row[i]
    return i, j


def _another(st, rng):
    """Another assignment of the three columns that keeps every count and identity: one curative patient without
    chemotherapy given it (in place of one given it but not around the metastasectomy), one of the other block
    likewise (its response moving with it), one curative patient's chemotherapy around the metastasectomy given
    to another given chemotherapy, and one PD response moved to another patient given chemotherapy."""
    c, n_cur = st.s.codes, st.s.n_cur
    chemo, peri, response = c[CHEMO].copy(), c[PERI].copy(), c[RESPONSE].copy()
    cur, other = np.arange(n_cur), np.arange(n_cur, st.s.n)
    _swap(chemo, cur[chemo[cur] == NO], cur[(chemo[cur] != NO) & (peri[cur] == NO)], rng)
    i, j = _swap(chemo, other[chemo[other] == NO], other[chemo[other] != NO], rng)
    response[i], response[j] = response[j], response[i]
    _swap(peri, cur[peri[cur] != NO], cur[(peri[cur] == NO) & (chemo[cur] != NO)], rng)
    given = other[chemo[other] != NO]
    _swap(response, given[response[given] == NO], given[response[given] != NO], rng)
    return chemo, peri, response


def _printed_from(published: pd.DataFrame, st, rows: tuple) -> pd.DataFrame:
    """``published`` with the three columns' log-rank p's as the R-exact statistics of ``rows`` on ``st``'s order
    print them at 5 decimals, and without chemotherapy's and its peri-operative row's medians (values, which
    targets built from these rows place anew)."""
    from helpers.reconstruct.assemble import TENTH

    time = np.asarray(st.times(), float) / TENTH
    death = np.asarray(st.death, float)
    n_cur = st.s.n_cur
    chemo, peri, response = rows
    out = published[~(published["factor"].isin(linked.LINKED) & (published["statistic"] == "median_os"))].copy()
    cur, other = np.arange(st.s.n) < n_cur, np.arange(st.s.n) >= n_cur
    given = response >= 0
    for factor, cohort, inside, codes in (
        (CHEMO, "no_metastasectomy", other, chemo),
        (CHEMO, "all", np.ones(st.s.n, bool), chemo),
        (PERI, "metastasectomy", cur, peri),
        (RESPONSE, "palliative_chemo", given, response),
    ):
        p = round(logrank(time[inside], death[inside], codes[inside]).p, 5)
        where = (out["cohort"] == cohort) & (out["factor"] == factor) & (out["statistic"] == "p")
        assert where.sum() >= 1  # Table 5's chemotherapy p has a copy in the text
        out.loc[where, ["value", "bound", "decimals"]] = [p, "", 5]
    return out


@pytest.fixture(scope="module")
def short_merge():
    """A short merge without its exact stages; the paper's rows for the three columns printed from another
    assignment of them (:func:`_another`), and that assignment."""
    from helpers.published import load as load_published

    st = blocks.merge_search(blocks.search_block(3, "curative", 20_000, 1), 20_000, 1, exact_stages=False)[1]
    rows = _another(st, np.random.default_rng(5))
    published = _printed_from(load_published(), st, rows)
    return RankSearch(st.s, st.order, st.death, build_targets(published)), published, rows


def _identities_hold(st, before) -> None:
    c, n_cur = st.s.codes, st.s.n_cur
    cur, other = slice(0, n_cur), slice(n_cur, st.s.n)
    assert np.all(c[CHEMO][cur][c[PERI][cur] != NO] != NO)  # around the metastasectomy: chemotherapy
    assert np.array_equal(c[RESPONSE][other] >= 0, c[CHEMO][other] != NO)  # palliative chemotherapy: a response
    assert np.all(c[RESPONSE][cur] < 0) and np.all(c[PERI][other] < 0)
    for factor in linked.LINKED:
        for part in (cur, other):
            assert np.array_equal(np.bincount(c[factor][part] + 1), np.bincount(before.s.codes[factor][part] + 1))


def test_the_stage_keeps_a_combination_at_least_as_good_as_the_one_printed_from(short_merge):
    """The stage changes the three columns only, holds their identities and counts, keeps an assignment meeting
    every re-printed number by the R-exact statistics, and scores at least as high as the combination the rows
    were printed from, which scores above the merge."""
    st, published, rows = short_merge
    out = linked.exact_chemotherapy(st, published)
    bx = boxes(st)

    def hits(o):
        return score(o, bx, State.of(o)).hits

    printed_from = linked.with_linked(
        st, rows[0], rows[1][: st.s.n_cur], (np.flatnonzero(rows[2] >= 0), rows[2][rows[2] >= 0])
    )
    assert hits(printed_from) > hits(st)
    assert out is not st and hits(out) >= hits(printed_from)
    assert np.array_equal(out.order, st.order) and np.array_equal(out.death, st.death)
    changed = {CODED[k] for k in range(len(out.s.C)) if not np.array_equal(out.s.C[k], st.s.C[k])}
    assert changed <= set(linked.LINKED) and CHEMO in changed
    _identities_hold(out, st)
    time, death, part, _, _ = blocks.exact_inputs(out, CHEMO)
    assert bound.meets(time, death, part, out.s.codes[CHEMO], blocks.factor_tables(published, CHEMO))
    time, death, part, _, known = blocks.exact_inputs(out, PERI)
    assert bound.meets(time, death, part, out.s.codes[PERI][known], blocks.factor_tables(published, PERI)[:1])
    time, death, part, _, known = blocks.exact_inputs(out, RESPONSE)
    assert bound.meets(time, death, part, out.s.codes[RESPONSE][known], [linked.response_table(published)])


def test_the_stage_leaves_a_merge_meeting_chemotherapy_s_numbers(short_merge):
    """Once chemotherapy's printed numbers are all met, the stage has nothing to do."""
    st, published, _ = short_merge
    out = linked.exact_chemotherapy(st, published)
    assert linked.exact_chemotherapy(out, published) is out


@pytest.mark.parametrize("on", [True, False])
def test_the_report_says_whether_the_stage_ran(on, monkeypatch):
    """The fidelity report's "Made by" line names the linked stage exactly when merges run it."""
    from types import SimpleNamespace

    from helpers.reconstruct import report

    monkeypatch.setattr(blocks, "LINKED_STAGE", on)
    merges = SimpleNamespace(
        block_seeds=[7], exact=[True], streams=[1, 2], kept=[True, True], first_seed=7, seeds_tried=1, count=2,
        headline=[55, 54], matched=[440, 441], seed=7, stream=1, chosen=0,
    )  # fmt: skip
    line = report.made_by_blocks("`run`", "10 iterations", merges, 1)
    assert ("then chemotherapy with the columns an identity ties to it" in line) == on
