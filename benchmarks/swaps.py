"""The merges' last stage, the finisher over every factor swap: what exhaustive exact scoring finds, and where the
stage's prediction ranks it (prints figures; not a test).

    .venv/bin/python benchmarks/swaps.py [--seed 2062] [--stream 4] [--iterations 5000000] [--cross] [--jobs 2]

Rebuilds the default's merge of ``--stream`` from block seed ``--seed`` without the swap rounds
(``blocks.merge_search(..., swap_rounds=0)``), lists every factor swap the counts allow (``moves.every_swap``)
and scores exactly: each swap alone; every pair of swaps of one factor on four distinct patients; with
``--cross``, every pair of swaps of two different factors (about 15 minutes on 2 cores).  Then it gives the rank,
in the prediction the stage verifies (``finish.candidates(..., within_factor=True)``), of the first combination
that gains, and the stage's rounds with 60, 300 and 1,000 combinations verified a round.
data/RECONSTRUCTION.md ("Stage 3: the finisher") has the figures of the committed merge.
"""

from __future__ import annotations

import argparse
import pickle
import time

import numpy as np
from joblib import Parallel, delayed

from helpers.reconstruct import blocks, finish
from helpers.reconstruct.moves import every_swap
from helpers.reconstruct.structure import CODED


def _gains(blob: bytes, pairs: np.ndarray) -> list:
    """Exact score of each pair of swaps ``(i, j)`` (rows of ``every_swap``); those that raise the score."""
    st, moves = pickle.loads(blob)
    bx = finish.boxes(st)
    s = finish.State.of(st)
    now = finish.score(st, bx, s)
    out = []
    for a, b in pairs:
        sc = finish.score(st, bx, s.apply(st, moves[[a, b]]))
        if sc.objective > now.objective + 1e-9:
            out.append((int(a), int(b), sc.objective - now.objective, sc.hits - now.hits))
    return out


def _pairs(moves: np.ndarray, same: bool) -> np.ndarray:
    """Index pairs of swaps on four distinct patients, of one factor (``same``) or of two."""
    a, b = np.triu_indices(len(moves), 1)
    (pa, qa), (pb, qb) = moves[a, 1:3].T, moves[b, 1:3].T
    shared = (pa == pb) | (pa == qb) | (qa == pb) | (qa == qb)
    one = moves[a, 3] == moves[b, 3]
    keep = ~shared & (one if same else ~one)
    return np.column_stack([a[keep], b[keep]])


def exhaustive(st, moves: np.ndarray, same: bool, jobs: int):
    pairs = _pairs(moves, same)
    blob = pickle.dumps((st, moves))
    w0 = time.perf_counter()
    chunks = np.array_split(pairs, max(1, jobs * 8))
    found = sum(Parallel(n_jobs=jobs)(delayed(_gains)(blob, c) for c in chunks), [])
    return len(pairs), found, time.perf_counter() - w0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=blocks.BLOCK_SEED)
    p.add_argument("--stream", type=int, default=blocks.MERGE_STREAMS[-1])
    p.add_argument("--iterations", type=int, default=5_000_000)
    p.add_argument("--cross", action="store_true", help="also every pair of swaps of two different factors")
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    w0 = time.perf_counter()
    block = blocks.search_block(a.seed)
    _, st = blocks.merge_search(block, a.iterations, blocks.FINISH_ROUNDS, stream=a.stream, swap_rounds=0)
    print(
        f"block {a.seed} (exact {block.exact}), merge stream {a.stream} without the swap rounds: "
        f"{time.perf_counter() - w0:.0f} s"
    )
    bx = finish.boxes(st)
    s = finish.State.of(st)
    now = finish.score(st, bx, s)
    moves = every_swap(s, st.s.n_cur)
    per = np.bincount(moves[:, 3], minlength=len(CODED))
    print(f"{len(moves)} swaps; per factor: " + ", ".join(f"{CODED[f]} {per[f]}" for f in np.flatnonzero(per)))
    single = [finish.score(st, bx, s.apply(st, [m])).objective - now.objective for m in moves]
    print(f"single swaps that gain: {sum(g > 1e-9 for g in single)} (best change {max(single):+.4f})")
    kinds = [("one factor", True)] + ([("two factors", False)] if a.cross else [])
    for name, same in kinds:
        n, found, wall = exhaustive(st, moves, same, a.jobs)
        print(f"pairs of swaps of {name}: {n:,} scored exactly in {wall:.0f} s, {len(found)} gain")
        for i, j, dobj, dhits in sorted(found, key=lambda x: -x[2])[:10]:
            print(f"  {moves[i].tolist()} + {moves[j].tolist()}: objective {dobj:+.4f}, weighted hits {dhits:+.0f}")
    combos = finish.candidates(st, bx, s, now, every_swap, within_factor=True)
    ranks = [k for k, c in enumerate(combos) if finish.score(st, bx, s.apply(st, c)).objective > now.objective + 1e-9]
    print(f"the prediction's first gaining combination: rank {ranks[0] + 1 if ranks else '-'} of {len(combos)}")
    blob = pickle.dumps(st)
    for verify in (finish.VERIFY, 300, 1000):
        t = pickle.loads(blob)
        w1 = time.perf_counter()
        trail = finish.finish(t, blocks.SWAP_ROUNDS, verify, every_swap, within_factor=True)
        print(
            f"swap rounds, {verify} verified a round: weighted hits "
            f"{' -> '.join(f'{x.hits:.0f}' for x in trail)}, objective {trail[-1].objective - now.objective:+.4f}, "
            f"{time.perf_counter() - w1:.1f} s"
        )


if __name__ == "__main__":
    main()
