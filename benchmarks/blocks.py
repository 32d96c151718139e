"""Reconstruction by blocks: how often a block search is exact, in what time, and what a merge reproduces
(prints tables; not a test).

    .venv/bin/python benchmarks/blocks.py [--block curative] [--seeds 2022 2023 ...] [--iterations 10000000]
        [--merge-iterations 5000000] [--merges 1] [--streams 1] [--completions] [--jobs 2]

Each block search (``blocks.search_block``) is run from each seed; the table gives its seconds of wall time,
whether every block target is met and which are missed.  Then the ``--merges`` best block solutions (exact
first, then the most block targets met) are merged (``blocks.merge_search``) and the written cohort is judged by
``helpers.scorecard``: printed numbers reproduced by source, headline checks met, whether the block is kept.
``--completions`` merges every exact completion of a block (``Block.solutions``), ``--streams`` runs one merge
per random stream of each; the last line gives the merge a reader would choose (the block kept, then the
headline checks, then the printed numbers).
"""

from __future__ import annotations

import argparse
import time

from joblib import Parallel, delayed

from helpers import scorecard
from helpers.reconstruct import blocks
from helpers.reconstruct.finish import target_ids


def block_run(seed: int, name: str, iterations: int):
    w0 = time.perf_counter()
    b = blocks.search_block(seed, name, iterations)
    hits = blocks.met(b.state)
    missed = [i for i, h in zip(target_ids(b.state.tg), hits) if not h]
    return b, time.perf_counter() - w0, int(hits.sum()), len(hits), missed


def merged_card(block, iterations: int, stream: int):
    w0 = time.perf_counter()
    out = blocks.merge_judged(block, iterations, blocks.FINISH_ROUNDS, stream)
    card, matched, met, kept = out[3], out[4], out[5], out[6]
    by = scorecard.summary(card)
    sources = {s: f"{int(r['matched'])}/{int(r['total'])}" for (k, s), r in by.iterrows() if k == "source"}
    sources["all"] = f"{matched}/{int(by.loc[('all', 'all'), 'total'])}"
    return matched, met, kept, sources, time.perf_counter() - w0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--block", default="curative", choices=list(blocks.BLOCK_COHORTS))
    p.add_argument("--seeds", nargs="+", type=int, default=list(range(2022, 2030)))
    p.add_argument("--iterations", type=int, default=blocks.BLOCK_ITERATIONS)
    p.add_argument("--merge-iterations", type=int, default=5_000_000)
    p.add_argument("--merges", type=int, default=1)
    p.add_argument("--streams", nargs="+", type=int, default=[blocks.MERGE_STREAMS[0]])
    p.add_argument("--completions", action="store_true", help="merge every exact completion of a block")
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    blocks.search_block(a.seeds[0], a.block, 1000, 1)  # compile the numba kernels outside the timings
    runs = Parallel(n_jobs=a.jobs)(delayed(block_run)(s, a.block, a.iterations) for s in a.seeds)
    print(f"{a.block} block, {a.iterations:,} iterations a seed")
    print(f"{'seed':>6} {'wall s':>7} {'met':>7}  missed")
    for b, wall, met, total, missed in runs:
        print(f"{b.seed:>6} {wall:>7.0f} {met:>3}/{total:<3}  {', '.join(missed) or '-'}", flush=True)
    exact = sum(r[0].exact for r in runs)
    print(f"exact: {exact} of {len(runs)} seeds; mean {sum(r[1] for r in runs) / len(runs):.0f} s a seed")
    if a.block != "curative" or a.merges < 1:
        return
    best = sorted(runs, key=lambda r: (-r[0].exact, -r[2], r[0].seed))[: a.merges]
    starts = [(b, k) for r in best for k, b in enumerate(r[0].solutions() if a.completions else [r[0]])]
    jobs = [(b, k, stream) for b, k in starts for stream in a.streams]
    merges = Parallel(n_jobs=a.jobs)(delayed(merged_card)(b, a.merge_iterations, stream) for b, _, stream in jobs)
    print(f"\nmerges, {a.merge_iterations:,} iterations each")
    for (b, k, stream), (_, met, kept, sources, wall) in zip(jobs, merges):
        print(
            f"block {b.seed} completion {k + 1} stream {stream}: {sources['all']} matched, {met} headline, "
            f"block kept {kept}, {wall:.0f} s; {sources}",
            flush=True,
        )
    k = blocks.reader_choice([m[2] for m in merges], [m[1] for m in merges], [m[0] for m in merges])
    b, c, stream = jobs[k]
    print(
        f"a reader's choice: block {b.seed} completion {c + 1} stream {stream}, {merges[k][1]} headline, "
        f"{merges[k][3]['all']} matched"
    )


if __name__ == "__main__":
    main()
