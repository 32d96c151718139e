"""The exact enumeration of a two-level factor's assignments (``helpers.reconstruct.bound``): the same
assignments as trying every one, judged by the R-exact statistics of ``helpers.survival``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers.published import load as load_published
from helpers.reconstruct import blocks, bound
from helpers.survival import km_median, logrank


def _brute(time, death, block, k, tables):
    """Every assignment with ``k[b]`` members in block ``b`` that meets every table, tried one by one."""
    n = len(time)
    choices = [itertools.combinations(np.flatnonzero(block == b), kb) for b, kb in enumerate(k)]
    out = []
    for combo in itertools.product(*choices):
        row = np.zeros(n, np.int8)
        for c in combo:
            row[list(c)] = 1
        if bound.meets(time, death, block, row, tables):
            out.append(tuple(row))
    return sorted(out)


def _case(rng, trial):
    """A small cohort in two blocks (ties among whole-month times on odd trials) and tables printed from one
    random assignment, with intervals of several widths, some medians not reached, some numbers absent."""
    while True:
        n = int(rng.integers(9, 16))
        time = np.round(rng.exponential(30, n), 0 if trial % 2 else 1) + 1
        death = (rng.random(n) < 0.65).astype(float)
        block = (rng.random(n) < 0.45).astype(np.int64)
        if min((block == 0).sum(), (block == 1).sum()) < 3:
            continue
        k = [max(1, int((block == 0).sum()) // 2), max(1, int((block == 1).sum()) // 3)]
        row = np.zeros(n, np.int8)
        for b in (0, 1):
            row[rng.choice(np.flatnonzero(block == b), k[b], replace=False)] = 1
        if all(
            np.isfinite(logrank(time[np.isin(block, bl)], death[np.isin(block, bl)], row[np.isin(block, bl)]).p)
            for bl in ((0,), (1,), (0, 1))
        ):  # no group without a death at risk
            break
    tables = []
    for blocks_ in ((0,), (1,), (0, 1)):
        inside = np.isin(block, blocks_)
        t, d, g = time[inside], death[inside], row[inside]
        p, width = logrank(t, d, g).p, rng.choice([0.01, 0.1, 0.3])
        medians = []
        for level, half in ((1, 3.0), (0, 2.0)):
            m = km_median(t[g == level], d[g == level])
            medians.append("NR" if np.isnan(m) else (m - half, m + half))
        tables.append(
            bound.Printed(
                blocks_,
                (max(0.0, p - width), min(1.0, p + width)) if trial % 5 else None,
                medians[0] if trial % 4 else None,
                None if trial % 3 == 0 else medians[1],
            )
        )
    return time, death, block, k, tables, row


@pytest.mark.parametrize("trial", range(24))
def test_meeting_is_every_assignment_meeting_the_tables(trial):
    time, death, block, k, tables, row = _case(np.random.default_rng(trial), trial)
    rows, counts = bound.meeting(time, death, block, k, tables)
    found = sorted(map(tuple, rows))
    assert found == _brute(time, death, block, k, tables)
    assert tuple(row) in found  # the assignment the tables were printed from
    assert counts["pooled"] == len(found)


@pytest.mark.parametrize("trial", range(8))
def test_a_block_s_candidates_narrow_the_assignments_to_theirs(trial):
    """``candidates`` (a caller's narrower set for one block, as an identity with another column gives): the
    assignments found are exactly those of trying every one whose block part is a candidate."""
    rng = np.random.default_rng(300 + trial)
    time, death, block, k, tables, row = _case(rng, trial)
    brute = _brute(time, death, block, k, tables)
    inside = block == 0
    own = bound.block_meeting(time[inside], death[inside], k[0], tables[0], 10_000)[0]
    keep = own[rng.random(len(own)) < 0.5]
    if not any(np.array_equal(row[inside], r) for r in keep):
        keep = np.vstack([keep, row[inside][None, :]]).astype(np.int8)  # the printed assignment stays possible
    rows, counts = bound.meeting(time, death, block, k, tables, candidates={0: keep})
    want = [r for r in brute if any(np.array_equal(np.array(r)[inside], c) for c in keep)]
    assert sorted(map(tuple, rows)) == want and tuple(row) in want and counts["block 0"] == len(keep)


@pytest.mark.parametrize("trial", range(6))
def test_a_block_without_members_or_a_table_of_its_own(trial):
    """As the initial sites: every curative patient had one site, so that block chooses no member and no table
    of its own constrains it; the pooled table is then met by the other block's members alone."""
    time, death, block, k, tables, row = _case(np.random.default_rng(100 + trial), trial)
    k = [0, k[1]]
    row[block == 0] = 0
    m_in, m_out = (km_median(time[row == lv], death[row == lv]) for lv in (1, 0))
    p = logrank(time, death, row).p
    pooled = bound.Printed(
        (0, 1),
        (max(0.0, p - 0.05), min(1.0, p + 0.05)),
        "NR" if np.isnan(m_in) else (m_in - 2.0, m_in + 2.0),
        "NR" if np.isnan(m_out) else (m_out - 2.0, m_out + 2.0),
    )
    tables = [bound.Printed((0,)), tables[1], pooled]
    rows, counts = bound.meeting(time, death, block, k, tables)
    found = sorted(map(tuple, rows))
    assert counts["block 0"] == 1 and found == _brute(time, death, block, k, tables)
    assert tuple(row) in found


def test_median_is_rs_print_rule():
    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(2, 14))
        time = np.sort(np.round(rng.exponential(20, n)) + 1)  # ties, and curves that sit at exactly 0.5
        death = (rng.random(n) < 0.7).astype(float)
        x = (rng.random(n) < 0.6).astype(np.int8)
        cv = bound.curves(time, death)
        for level in (0, 1):
            want = km_median(time[x == level], death[x == level]) if (x == level).any() else np.nan
            got = bound._median(cv, x, level)
            assert (np.isnan(want) and np.isnan(got)) or got == pytest.approx(want, abs=1e-12), trial
    half = bound.curves(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4))
    assert bound._median(half, np.ones(4, np.int8), 1) == 2.5  # S = 0.5 from 2 to 3: the midpoint


def test_statistic_is_the_log_rank_chi_square():
    rng = np.random.default_rng(11)
    for _ in range(100):
        n = int(rng.integers(4, 30))
        time = np.sort(np.round(rng.exponential(20, n), 0) + 1)
        death = (rng.random(n) < 0.6).astype(float)
        x = np.zeros(n, np.int8)
        x[rng.choice(n, int(rng.integers(1, n)), replace=False)] = 1
        assert bound._chi(bound.curves(time, death), x) == pytest.approx(logrank(time, death, x).chi2, rel=1e-10)


def test_more_than_the_limit_is_an_error():
    time, death, block, k, tables, _ = _case(np.random.default_rng(3), 3)
    loose = [tab._replace(p=None, median_in=None, median_out=None) for tab in tables]
    with pytest.raises(ValueError, match="more than limit"):
        bound.meeting(time, death, block, k, loose, limit=2)


def test_factor_tables_read_the_printed_rows():
    published = load_published()
    tables = blocks.factor_tables(published, "radiotherapy")  # levels ("yes", "no"): the group is "no"
    assert [t.blocks for t in tables] == [(0,), (1,), (0, 1)]
    for tab, cohort in zip(tables, ("metastasectomy", "no_metastasectomy", "all")):
        rows = published[(published["cohort"] == cohort) & (published["factor"] == "radiotherapy")]
        p = rows[rows["statistic"] == "p"].iloc[0]
        assert tab.p[0] < p["value"] < tab.p[1] and tab.p[1] - tab.p[0] < 10.0 ** -p["decimals"] * 1.01
        for level, got in (("no", tab.median_in), ("yes", tab.median_out)):
            m = rows[(rows["statistic"] == "median_os") & (rows["level"] == level)].iloc[0]
            assert got == "NR" if m["not_reached"] else got[0] < m["value"] < got[1]
    assert tables[0].median_in == "NR"  # Table 4 prints N.A. for no radiotherapy
