"""The merges' exact stage, factor by factor: on the default's merge before it, every assignment of each
two-level factor meeting all its printed p's and medians in Tables 1, 4 and 5 (``bound.meeting``), how long the
enumeration takes, what the best scores, and what the stage makes of the merge; then the joint stage
(``joint.exact_pair``): the pairs of Table 3's two covariates among them, fitted by the Cox model (prints
figures; not a test).

    .venv/bin/python benchmarks/exact_factors.py [--seed 2062] [--stream 4] [--iterations 5000000]

Rebuilds the default's merge of ``--stream`` from block seed ``--seed`` without its exact stages
(``exact_stages=False``), then runs ``bound.meeting`` for each factor of the exact stage and
``blocks.exact_factors`` on the merge, judged by ``helpers.scorecard`` before and after; then :func:`paired`.
Last, the factors the stage leaves out because an identity ties them to another column (:func:`linked`), with
the identity held: chemotherapy by the linked stage (``linked.exact_chemotherapy``).
data/RECONSTRUCTION.md ("Reconstruction by blocks") has the figures of the committed merge.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import time
from typing import NamedTuple

import numba
import numpy as np

from helpers.published import load as load_published
from helpers.reconstruct import blocks, bound, joint
from helpers.reconstruct.api import judged
from helpers.reconstruct.assemble import TENTH
from helpers.reconstruct.finish import State, boxes, score
from helpers.reconstruct.linked import enumerated, exact_chemotherapy
from helpers.reconstruct.stats import cox_fit
from helpers.survival import logrank


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=blocks.BLOCK_SEED)
    p.add_argument("--stream", type=int, default=blocks.MERGE_STREAMS[-1])
    p.add_argument("--iterations", type=int, default=5_000_000)
    a = p.parse_args()
    published = load_published()
    factors = blocks.EXACT_FACTORS
    block = blocks.search_block(a.seed)
    r, st = blocks.merge_search(block, a.iterations, blocks.FINISH_ROUNDS, stream=a.stream, exact_stages=False)
    rng = copy.deepcopy(r.rng)
    print(f"block {a.seed}, merge stream {a.stream} before the stage: {judged(r)[4]} printed numbers")

    bx = boxes(st)
    now = score(st, bx, State.of(st)).hits
    print("factor | members (curative, other) | meeting: curative, other, all three tables | seconds | best hits")
    for factor in factors:
        t, d, part, k, known = blocks.exact_inputs(st, factor)
        w0 = time.perf_counter()
        rows, counts = bound.meeting(t, d, part, k, blocks.factor_tables(published, factor), recheck=False)
        took = time.perf_counter() - w0
        best = now
        for row in rows:
            o = blocks.with_codes(st, factor, row, known)
            best = max(best, score(o, bx, State.of(o)).hits)
        met = ", ".join(f"{counts.get(key, 0):,}" for key in ("block 0", "block 1", "pooled"))
        print(f"{factor} | {k[0]}, {k[1]} | {met} | {took:.1f} | {best:g} (the merge: {now:g})")

    w0 = time.perf_counter()
    out = blocks.exact_factors(st, published, factors)
    after = judged(blocks.searched(out, copy.deepcopy(rng)))[4]
    print(f"the stage: {time.perf_counter() - w0:.0f} s; {after} printed numbers after it")
    out = paired(out, published, rng)
    linked(out, published)


def paired(st, published, rng):
    """The joint stage on ``st``: how many assignments of each factor it pairs, how long the Cox fits take, how
    many pairs meet how many of Table 3's numbers (weighted as the search weighs them), and what the stage keeps.
    Returns the state after it."""
    factors = joint.JOINT_FACTORS
    bx = boxes(st)
    now = score(st, bx, State.of(st)).hits
    w0 = time.perf_counter()
    A, B = (joint.candidates(st, published, f) for f in factors)
    took = time.perf_counter() - w0
    pairs = f"{len(A):,} x {len(B):,} pairs ({factors[0]}, {factors[1]}; each factor's own first)"
    print(f"joint stage: {pairs}, enumerated in {took:.1f} s")
    w0 = time.perf_counter()
    hits = joint.pair_hits(st, factors, A, B)
    took = time.perf_counter() - w0
    values, counts = np.unique(hits, return_counts=True)
    spread = ", ".join(f"{v:g}: {c:,}" for v, c in zip(values, counts))
    print(f"  Cox fits: {took:.1f} s; Table 3 hits of the pairs (the merge's own: {hits[0]:g}): {spread}")
    w0 = time.perf_counter()
    out = joint.best_pair(st, published, factors, (A, B), hits, joint.JOINT_VERIFIED)
    after = score(out, bx, State.of(out)).hits
    print(
        f"  the stage: {time.perf_counter() - w0:.0f} s; exact score {now:g} -> {after:g}; "
        f"{judged(blocks.searched(out, copy.deepcopy(rng)))[4]} printed numbers after it"
    )
    return out


def linked(st, published) -> None:
    """The factors an identity ties to another column, decided on ``st``'s order with the identity held.

    Primary resection: every choice of the unresected among the other block's synchronous patients, scored by the
    finisher's exact score, with how many meet Table 5's resection p. Chemotherapy: the linked stage
    (``linked.exact_chemotherapy``) with its figures: the assignments of chemotherapy around the metastasectomy
    meeting Table 4's numbers, the curative assignments of chemotherapy they leave possible, the assignments
    meeting chemotherapy's tables, and the score before and after. Presenting status: :func:`presenting`."""
    bx = boxes(st)
    now = score(st, bx, State.of(st)).hits
    c, n_cur = st.s.codes, st.s.n_cur
    t, d, part, _, _ = blocks.exact_inputs(st, "chemotherapy")

    pool = [i for i in range(n_cur, st.s.n) if c["presenting"][i] == 1]
    unresected = int((c["primary_resection"][pool] == 1).sum())
    lo, hi = blocks.printed_p_range(published, "primary_resection", ("no_metastasectomy",))
    other = part == 1
    best, meets, n = now, 0, 0
    w0 = time.perf_counter()
    for chosen in itertools.combinations(pool, unresected):
        codes = c["primary_resection"].copy()
        codes[pool] = 0
        codes[list(chosen)] = 1
        o = blocks.with_codes(st, "primary_resection", codes)
        best = max(best, score(o, bx, State.of(o)).hits)
        meets += lo <= logrank(t[other], d[other], codes[other]).p <= hi
        n += 1
    print(
        f"primary resection: {n:,} choices of {unresected} among {len(pool)} ({time.perf_counter() - w0:.0f} s); "
        f"{meets} meet Table 5's p; best hits {best:g} (the merge: {now:g})"
    )

    w0 = time.perf_counter()
    found = enumerated(st, published)
    peri, cur, counts = found.peri, found.curative, found.counts
    out = exact_chemotherapy(st, published, found)
    met = ", ".join(f"{counts.get(key, 0):,}" for key in ("block 0", "block 1", "pooled"))
    print(
        f"chemotherapy (the linked stage, {time.perf_counter() - w0:.0f} s): {len(peri)} assignments of chemotherapy "
        f"around the metastasectomy meet Table 4's numbers and leave {len(cur):,} curative assignments of "
        f"chemotherapy possible; meeting (curative, other, all three tables): {met}; exact score {now:g} -> "
        f"{score(out, bx, State.of(out)).hits:g}"
    )
    presenting(st, published)


@numba.njit(cache=True)
def _synchronous_choices(cv, forced, free, k, band, fit, col, tcox):
    """Every choice of ``k`` of the positions ``free`` as synchronous besides ``forced`` (0/1 by position in the
    other block's order of time, ``cv``): whether its log-rank statistic is in ``band`` (Table 5's p), and the
    weighted Table 3 hits of the Cox model with it as column ``col`` of the design (``fit.rows``: the design's
    row of each position). Returns the choices meeting the band and how many choices meet each number of hits."""
    rows, X = fit.rows, fit.X.copy()
    m = free.shape[0]
    comb = np.arange(k)
    x = np.empty(forced.shape[0], np.int64)
    meeting, hist = [], np.zeros(64, np.int64)
    while True:
        x[:] = forced
        for q in range(k):
            x[free[comb[q]]] = 1
        chi = bound._chi(cv, x)
        if chi >= band[0] and chi <= band[1]:
            meeting.append(comb.copy())
        for q in range(x.shape[0]):
            X[rows[q], col] = x[q]
        table, ok, _ = cox_fit(fit.time, fit.death, fit.order, X, fit.beta)
        hist[int(joint.table_hits(table, ok, tcox))] += 1
        i = k - 1
        while i >= 0 and comb[i] == m - k + i:
            i -= 1
        if i < 0:
            return meeting, hist
        comb[i] += 1
        for j in range(i + 1, k):
            comb[j] = comb[j - 1] + 1


class _Fit(NamedTuple):
    time: np.ndarray
    death: np.ndarray
    order: np.ndarray
    X: np.ndarray
    beta: np.ndarray
    rows: np.ndarray  # the design's row of each position of the other block's order of time


def presenting(st, published) -> None:
    """Presenting status with the identity held (an unresected primary is synchronous; the curative block's one
    synchronous patient, tied to the interval, kept): every choice of the other block's other synchronous patients
    among its resected ones, how many meet Table 5's presenting p and the best exact score among those, and how
    many of Table 3's numbers the Cox model of each choice meets."""
    from scipy.stats import chi2

    bx = boxes(st)
    now = score(st, bx, State.of(st)).hits
    c = st.s.codes
    other = np.arange(st.s.n_cur, st.s.n)
    times = np.asarray(st.times(), float)
    by_time = other[np.argsort(times[other], kind="stable")]
    cv = bound.curves(times[by_time] / TENTH, np.asarray(st.death, float)[by_time])
    forced = (c["primary_resection"][by_time] == 1).astype(np.int64)  # code 1: not resected
    free = np.flatnonzero(forced == 0)
    k = int((c["presenting"][other] == 1).sum() - forced.sum())
    lo, hi = blocks.printed_p_range(published, "presenting", ("no_metastasectomy",))
    band = np.array([chi2.isf(hi, 1) * (1 - bound.EPS), chi2.isf(lo, 1) * (1 + bound.EPS)])
    start, own = joint.cox_start(st)
    fit = _Fit(*start, by_time)
    col = joint.covariate_column("presenting")[0]
    tcox = np.asarray(st.tg.tcox, float)
    w0 = time.perf_counter()
    meeting, hist = _synchronous_choices(cv, forced, free, k, band, fit, col, tcox)
    took = time.perf_counter() - w0
    best = -np.inf
    for comb in meeting:
        codes = c["presenting"].copy()
        codes[by_time[free]] = 0
        codes[by_time[free[comb]]] = 1
        o = blocks.with_codes(st, "presenting", codes)
        best = max(best, score(o, bx, State.of(o)).hits)
    spread = ", ".join(f"{h}: {n:,}" for h, n in enumerate(hist) if n)
    print(
        f"presenting status: {int(hist.sum()):,} choices of {k} among {len(free)} resected ({took:.0f} s); "
        f"{len(meeting):,} meet Table 5's p, best hits {best:g} (the merge: {now:g}); Table 3 hits of the choices "
        f"(the merge: {own:g}): {spread}"
    )


if __name__ == "__main__":
    main()
