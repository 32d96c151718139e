"""The merges' joint exact stage (``helpers.reconstruct.joint``): the Cox model of every pair of two covariates'
assignments, judged as the R-exact ``helpers.survival.cox`` judges it, and the best verified pair kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.factors import COX_COVARIATES
from helpers.reconstruct import joint
from helpers.reconstruct.coarse import RankSearch
from helpers.reconstruct.stats import cox_fit
from helpers.reconstruct.structure import CODED, code
from helpers.reconstruct.targets import build_targets
from helpers.survival import cox

STATS = ("hr", "ci_low", "ci_high", "p")


def _table(time, death, X) -> pd.DataFrame:
    names = [f"x{a}" for a in range(X.shape[1])]
    data = pd.DataFrame(X, columns=names).assign(time=time, death=death)
    return cox(data, "time", "death", names).table


def _hits(table: pd.DataFrame, tcox: np.ndarray) -> float:
    return sum(w for s, a, lo, hi, w in tcox if lo <= table.iloc[int(a)][STATS[int(s)]] <= hi)


@pytest.mark.parametrize("trial", range(4))
def test_cox_hits_count_the_targets_the_r_exact_model_meets(trial):
    """Every pair's weighted hits are those of ``helpers.survival.cox`` (R's coxph, Breslow) refitted on the
    design with both columns replaced; the targets are printed from one pair, which meets all of them."""
    rng = np.random.default_rng(100 + trial)
    n = 40
    time = rng.permutation(n) + 1.0 + rng.random(n) / 2
    death = (rng.random(n) < 0.7).astype(float)
    X = (rng.random((n, 4)) < 0.4).astype(float)
    cols = np.array(sorted(rng.choice(4, 2, replace=False)), np.int64)
    A = (rng.random((5, n)) < 0.4).astype(float)
    B = (rng.random((4, n)) < 0.35).astype(float)
    printed_from = (int(rng.integers(5)), int(rng.integers(4)))

    def design(i, j):
        x = X.copy()
        x[:, cols[0]], x[:, cols[1]] = A[i], B[j]
        return x

    at = _table(time, death, design(*printed_from))
    tcox = np.array(
        [
            (s, a, round(at.iloc[a][stat], 3) - 5e-4, round(at.iloc[a][stat], 3) + 5e-4, 1.0 + (a == cols[0]))
            for a in range(4)
            for s, stat in enumerate(STATS)
        ]
    )
    order = np.argsort(time, kind="mergesort")
    _, ok, beta = cox_fit(time, death, order, X, np.zeros(4))
    got = joint.cox_hits(joint.CoxFit(time, death, order, X, beta), cols, A, B, tcox)
    want = [_hits(_table(time, death, design(i, j)), tcox) for i in range(len(A)) for j in range(len(B))]
    np.testing.assert_array_equal(got, want)
    assert got[printed_from[0] * len(B) + printed_from[1]] == tcox[:, 4].sum()


def test_covariate_column_is_table_3_s():
    """Each covariate's column in Table 3's design and the level it marks; a factor outside the model is an
    error."""
    for col, (key, level) in enumerate(COX_COVARIATES.values()):
        assert joint.covariate_column(key) == (col, code(key, level))
    assert all(joint.covariate_column(f)[0] >= 0 for f in joint.JOINT_FACTORS)
    with pytest.raises(ValueError, match="'age' is not a covariate of Table 3"):
        joint.covariate_column("age")


@pytest.fixture(scope="module")
def short_merge():
    """A short merge without its exact stages, and the paper's rows with each joint factor's p's and medians
    in Tables 4, 5 and 1 printed from another assignment of it (a few swaps of the merge's), so that the
    enumeration has assignments to pair; the merge's targets are those rows."""
    from helpers.published import load as load_published
    from helpers.reconstruct import blocks

    st = blocks.merge_search(blocks.search_block(3, "curative", 20_000, 1), 20_000, 1, exact_stages=False)[1]
    published = load_published()
    rng = np.random.default_rng(1)
    for factor in joint.JOINT_FACTORS:
        row = st.s.codes[factor].copy()
        for part in (np.arange(st.s.n_cur), np.arange(st.s.n_cur, st.s.n)):
            for _ in range(3):
                ones, zeros = part[row[part] == 1], part[row[part] == 0]
                if len(ones) and len(zeros):
                    row[rng.choice(ones)], row[rng.choice(zeros)] = 0, 1
        published = _printed_from(published, st, factor, row)
    return RankSearch(st.s, st.order, st.death, build_targets(published)), published


def _printed_from(published: pd.DataFrame, st, factor: str, row: np.ndarray) -> pd.DataFrame:
    """``published`` with ``factor``'s log-rank p's in Tables 4, 5 and 1 as the R-exact statistics of assignment
    ``row`` on ``st``'s order print them at 5 decimals, and without its level medians there (the medians are
    values, which targets built from these rows place anew; a p depends on the order alone)."""
    from helpers.reconstruct import blocks
    from helpers.survival import logrank

    time, death, part, _, _ = blocks.exact_inputs(st, factor)
    mine = published["factor"] == factor
    out = published[~(mine & (published["statistic"] == "median_os"))].copy()
    for inside_of, cohorts in zip(((0,), (1,), (0, 1)), blocks.TABLE_COHORTS):
        inside = np.isin(part, inside_of)
        if len(set(row[inside])) == 2:
            p = round(logrank(time[inside], death[inside], row[inside]).p, 5)
            where = out["cohort"].isin(cohorts) & (out["factor"] == factor) & (out["statistic"] == "p")
            out.loc[where, ["value", "bound", "decimals"]] = [p, "", 5]
    return out


def test_exact_pair_keeps_the_best_verified_pair(short_merge):
    """The stage changes the two factors only, to assignments meeting all their printed p's and medians by the
    R-exact statistics; no pair of the ``verified`` meeting most of Table 3 scores higher than what it keeps,
    and it keeps the merge unless a pair scores higher."""
    from helpers.reconstruct import blocks, bound
    from helpers.reconstruct.finish import State, boxes, score

    st, published = short_merge
    fa, fb = joint.JOINT_FACTORS
    A, B = joint.candidates(st, published, fa), joint.candidates(st, published, fb)
    assert len(A) > 1 and len(B) > 1 and np.array_equal(A[0], st.s.codes[fa])
    verified = 40
    out = joint.exact_pair(st, published, joint.JOINT_FACTORS, verified)
    bx = boxes(st)

    def hits(o):
        return score(o, bx, State.of(o)).hits

    top = np.argsort(-joint.pair_hits(st, joint.JOINT_FACTORS, A, B), kind="stable")[:verified]
    ij = [divmod(int(t), len(B)) for t in top]
    pairs = [blocks.with_codes(blocks.with_codes(st, fa, A[i]), fb, B[j]) for i, j in ij]
    assert hits(out) == max(hits(st), *(hits(o) for o in pairs))
    assert np.array_equal(out.order, st.order) and np.array_equal(out.death, st.death)
    changed = [k for k in range(len(out.s.C)) if not np.array_equal(out.s.C[k], st.s.C[k])]
    assert {CODED[k] for k in changed} <= {fa, fb}
    for factor in (fa, fb):
        time, death, part, _, _ = blocks.exact_inputs(st, factor)
        codes = out.s.codes[factor]
        assert np.array_equal(codes, st.s.codes[factor]) or bound.meets(
            time, death, part, codes, blocks.factor_tables(published, factor)
        )
    assert out is not st and hits(out) > hits(st)  # the assignments the rows were printed from gain


def test_no_pair_without_both_factors_in_the_exact_stage(short_merge, monkeypatch):
    """The joint stage pairs two factors of the exact stage: without them (as the quick tests run it) it
    leaves the merge as it is."""
    from helpers.reconstruct import blocks

    monkeypatch.setattr(blocks, "EXACT_FACTORS", ("radiotherapy", "size"))
    assert blocks.joint_factors() == ()
    assert joint.exact_pair(short_merge[0], short_merge[1], blocks.joint_factors()) is short_merge[0]
    monkeypatch.setattr(blocks, "EXACT_FACTORS", ("initial_metastatic_sites", "age", "size"))
    assert blocks.joint_factors() == joint.JOINT_FACTORS
