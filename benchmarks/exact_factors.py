"""The merges' exact stage, factor by factor: on the default's merge before it, every assignment of each
two-level factor meeting all its printed p's and medians in Tables 1, 4 and 5 (``bound.meeting``), how long the
enumeration takes, what the best scores, and what the stage makes of the merge (prints figures; not a test).

    .venv/bin/python benchmarks/exact_factors.py [--seed 2062] [--stream 4] [--iterations 5000000]

Rebuilds the default's merge of ``--stream`` from block seed ``--seed`` with the stage switched off
(``blocks.EXACT_FACTORS`` empty), then runs ``bound.meeting`` for each factor of the stage and
``blocks.exact_factors`` on the merge, judged by ``helpers.scorecard`` before and after.
data/RECONSTRUCTION.md ("Reconstruction by blocks") has the figures of the committed merge.
"""

from __future__ import annotations

import argparse
import copy
import time

from helpers.published import load as load_published
from helpers.reconstruct import blocks, bound
from helpers.reconstruct.api import judged
from helpers.reconstruct.finish import State, boxes, score


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=blocks.BLOCK_SEED)
    p.add_argument("--stream", type=int, default=blocks.MERGE_STREAMS[-1])
    p.add_argument("--iterations", type=int, default=5_000_000)
    a = p.parse_args()
    published = load_published()
    factors = blocks.EXACT_FACTORS
    blocks.EXACT_FACTORS = ()
    block = blocks.search_block(a.seed)
    r, st = blocks.merge_search(block, a.iterations, blocks.FINISH_ROUNDS, stream=a.stream)
    rng = copy.deepcopy(r.rng)
    print(f"block {a.seed}, merge stream {a.stream} before the stage: {judged(r)[4]} printed numbers")

    bx = boxes(st)
    now = score(st, bx, State.of(st)).hits
    print("factor | members (curative, other) | meeting: curative, other, all three tables | seconds | best hits")
    for factor in factors:
        t, d, part, k = blocks.exact_inputs(st, factor)
        w0 = time.perf_counter()
        rows, counts = bound.meeting(t, d, part, k, blocks.factor_tables(published, factor), recheck=False)
        took = time.perf_counter() - w0
        best = now
        for row in rows:
            o = blocks.with_codes(st, factor, row)
            best = max(best, score(o, bx, State.of(o)).hits)
        met = ", ".join(f"{counts.get(key, 0):,}" for key in ("block 0", "block 1", "pooled"))
        print(f"{factor} | {k[0]}, {k[1]} | {met} | {took:.1f} | {best:g} (the merge: {now:g})")

    w0 = time.perf_counter()
    out = blocks.exact_factors(st, published, factors)
    after = judged(blocks.searched(out, rng))[4]
    print(f"the stage: {time.perf_counter() - w0:.0f} s; {after} printed numbers after it")


if __name__ == "__main__":
    main()
