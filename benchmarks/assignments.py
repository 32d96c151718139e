"""Every assignment of a two-level factor to the 61 patients, with its printed counts, on a merge's order: which
meet the factor's three printed log-rank p's (Tables 1, 4 and 5), what they score, and what the finisher makes of
the best (prints figures; not a test).

    .venv/bin/python benchmarks/assignments.py [--factor depth] [--seed 2062] [--stream 4]
        [--iterations 5000000] [--limit 20000000] [--finish 8]

Rebuilds the default's merge of ``--stream`` from block seed ``--seed`` (``blocks.merge_search``), then
enumerates the factor's assignments within each subset (``blocks.assignments_meeting``, as ``blocks.completions``
does for Table 4's size): the curative patients' filtered by Table 4's p, the others' by Table 5's, every pair
of survivors by Table 1's.  Each assignment meeting all three is scored by the finisher's score with the order
and every other factor kept; the ``--finish`` best are finished (the fine moves, then the rounds over every
factor swap) and judged by ``helpers.scorecard``.  A subset with more than ``--limit`` assignments is reported
and not enumerated.  data/RECONSTRUCTION.md ("Reconstruction by blocks") has the figures of the committed merge.
"""

from __future__ import annotations

import argparse
import copy
import math
import time

import numpy as np

from helpers.published import load as load_published
from helpers.reconstruct import blocks, finish
from helpers.reconstruct.api import judged
from helpers.reconstruct.coarse import RankSearch
from helpers.reconstruct.moves import every_swap
from helpers.reconstruct.structure import CODED

TABLES = {"Table 1": ("all",), "Table 4": ("metastasectomy",), "Table 5": ("no_metastasectomy",)}  # their cohorts


def joint(cur: np.ndarray, other: np.ndarray, time_: np.ndarray, death: np.ndarray, p_all: tuple) -> np.ndarray:
    """Every pair of a curative assignment (rows of ``cur``) and another (rows of ``other``) whose log-rank p
    over all patients lies in ``p_all``: one 0/1 row per pair, the curative patients first."""
    out = []
    for row in cur:
        members = np.hstack([np.tile(row, (len(other), 1)), other])
        p = blocks._two_group_p(time_, death, members)
        out.append(members[(p >= p_all[0]) & (p <= p_all[1])])
    return np.vstack(out) if out else np.zeros((0, len(time_)))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--factor", default="depth")
    p.add_argument("--seed", type=int, default=blocks.BLOCK_SEED)
    p.add_argument("--stream", type=int, default=blocks.MERGE_STREAMS[-1])
    p.add_argument("--iterations", type=int, default=5_000_000)
    p.add_argument("--limit", type=int, default=20_000_000)
    p.add_argument("--finish", type=int, default=8)
    a = p.parse_args()
    published = load_published()
    w0 = time.perf_counter()
    block = blocks.search_block(a.seed)
    r, st = blocks.merge_search(block, a.iterations, blocks.FINISH_ROUNDS, stream=a.stream)
    rng = copy.deepcopy(r.rng)
    committed = judged(r)[4]
    print(
        f"block {a.seed} (exact {block.exact}), merge stream {a.stream}: {committed} printed numbers, "
        f"{time.perf_counter() - w0:.0f} s"
    )

    n, codes = st.s.n_cur, st.s.codes[a.factor]
    levels = np.unique(codes[codes >= 0])
    if len(levels) != 2 or (codes < 0).any():
        raise SystemExit(f"{a.factor}: not a two-level factor known for every patient")
    level = levels[np.argmin([(codes == v).sum() for v in levels])]  # the rarer level is the group enumerated
    t, d = np.asarray(st.times(), float), np.asarray(st.death, float)
    parts = {"curative": slice(0, n), "other": slice(n, len(t))}
    sizes = {k: (len(codes[sl]), int((codes[sl] == level).sum())) for k, sl in parts.items()}
    counts = {k: math.comb(m, k_) for k, (m, k_) in sizes.items()}
    print(
        f"{a.factor}: assignments with the printed counts, curative {counts['curative']:,}, other {counts['other']:,}"
    )
    if max(counts.values()) > a.limit:
        raise SystemExit(f"more than --limit {a.limit:,}: not enumerated")

    w0 = time.perf_counter()
    table = {name: blocks.printed_p_range(published, a.factor, cohorts) for name, cohorts in TABLES.items()}
    cur = blocks.assignments_meeting(t[:n], d[:n], sizes["curative"][1], table["Table 4"])
    other = blocks.assignments_meeting(t[n:], d[n:], sizes["other"][1], table["Table 5"])
    both = joint(cur, other, t, d, table["Table 1"])
    print(
        f"meeting Table 4's p: {len(cur):,}; Table 5's: {len(other):,}; all three with Table 1's: {len(both):,} "
        f"({time.perf_counter() - w0:.0f} s)"
    )

    bx = finish.boxes(st)
    now = finish.score(st, bx, finish.State.of(st))
    f = CODED.index(a.factor)
    scored = []
    for members in both:
        s = st.s.copy()
        s.C[f] = np.where(members == 1, level, levels[levels != level][0])
        o = RankSearch(s, st.order, st.death, st.tg)
        scored.append((finish.score(o, bx, finish.State.of(o)).hits, blocks.block_kept(o, published), o))
    scored.sort(key=lambda x: -x[0])
    kept = sum(k for _, k, _ in scored)
    best = scored[0][0] if scored else float("nan")
    print(f"the merge's weighted hits {now.hits:g}; the best of the {len(both)} {best:g}; block kept by {kept}")
    for hits, _, o in scored[: a.finish]:
        finish.finish(o, blocks.FINISH_ROUNDS)
        finish.finish(o, blocks.swap_rounds_of(blocks.FINISH_ROUNDS), moves_of=every_swap, within_factor=True)
        after = judged(blocks.searched(o, copy.deepcopy(rng)))[4]
        print(f"  from {hits:g} weighted hits: {after} printed numbers after the finisher (the merge: {committed})")


if __name__ == "__main__":
    main()
