"""Where the default command's time goes: the curative block search, then each merge of the default
(``blocks.merge_search``) stage by stage, run one after another in this process (prints a table; not a test).

    .venv/bin/python benchmarks/merge_stages.py [--seed 2062] [--streams 1 2 3 4]

The stages are timed by wrapping the functions ``merge_search`` calls (the annealing, the finisher and its swap
rounds, the exact, joint and linked stages), so what runs is the merge itself, on one core as in the default
command, where two merges run side by side.  The last line is the
schedule the default's two workers would follow with these times (each merge to the first free worker, in
stream order), which is most of the command's wall time.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from unittest import mock

from helpers.reconstruct import blocks, joint, linked
from helpers.reconstruct.api import DEFAULT_ITERATIONS

SPENT: dict = defaultdict(float)


def timed(name, fn, alternative: str | None = None):
    """``fn``, adding its seconds to ``SPENT[name]`` (to ``SPENT[alternative]`` when called with ``moves_of``)."""

    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[alternative if alternative and "moves_of" in kwargs else name] += time.perf_counter() - start

    return run


@contextmanager
def stages_timed():
    """The stage functions of ``blocks.merge_search`` wrapped by :func:`timed` (``mock.patch.object``), restored
    after."""
    stages = [
        (blocks, "anneal", "annealing", None),
        (blocks, "finish", "finisher", "swap rounds"),
        (blocks, "exact_factors", "exact stage", None),
        (joint, "exact_pair", "joint stage", None),
        (linked, "exact_chemotherapy", "linked stage", None),
    ]
    with ExitStack() as stack:
        for module, attr, name, alternative in stages:
            stack.enter_context(mock.patch.object(module, attr, timed(name, getattr(module, attr), alternative)))
        yield


def two_workers(seconds: list[float]) -> float:
    """When the last of jobs of ``seconds`` ends, each given in turn to the first free of two workers."""
    free = [0.0, 0.0]
    for s in seconds:
        w = free.index(min(free))
        free[w] += s
    return max(free)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=blocks.BLOCK_SEED)
    p.add_argument("--streams", type=int, nargs="+", default=list(blocks.MERGE_STREAMS))
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    a = p.parse_args()
    start = time.perf_counter()
    block = blocks.search_block(a.seed, "curative", int(a.iterations * blocks.BLOCK_SHARE))
    print(f"block search, seed {a.seed}: {time.perf_counter() - start:.1f} s (exact: {block.exact})", flush=True)
    names = ("annealing", "finisher", "swap rounds", "exact stage", "joint stage", "linked stage")
    print(f"{'stream':>6} " + " ".join(f"{n:>12}" for n in names) + f" {'total':>8} {'hits':>6}")
    totals = []
    for stream in a.streams:
        SPENT.clear()
        start = time.perf_counter()
        with stages_timed():
            r, _ = blocks.merge_search(block, a.iterations, stream=stream)
        totals.append(time.perf_counter() - start)
        row = " ".join(f"{SPENT[n]:>12.1f}" for n in names)
        print(f"{stream:>6} {row} {totals[-1]:>8.1f} {r.hits:>6}", flush=True)
    print(f"the merges on two workers, in stream order: {two_workers(totals):.0f} s (in turn: {sum(totals):.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
