"""Runtime and fidelity of the default command at several budgets (prints a table; not a test).

    .venv/bin/python benchmarks/reconstruct.py [--budgets 1min default 10min 1h] [--seed 2022] [--jobs 2]

A budget is a number of chains and of annealing iterations per chain (each chain then runs up to
FINISH_ROUNDS rounds of the finisher), run as the default command runs them: one chain per core, the best
kept.  The budgets are named by the wall time they fit in on the project's 2-core machine; the schedule itself
is counted in iterations and rounds, so each budget gives the same cohort on any machine.  Fidelity is judged
by helpers.scorecard (EZR-exact statistics) on the written files.
"""

from __future__ import annotations

import argparse
import time

from helpers import scorecard
from helpers.reconstruct import api

BUDGETS = {  # name: (chains, annealing iterations per chain)
    "1min": (2, 1_500_000),
    "default": (api.DEFAULT_CHAINS, api.DEFAULT_ITERATIONS),
    "10min": (8, api.DEFAULT_ITERATIONS),
    "1h": (8, 25_000_000),
}


def run(seed: int, chains: int, iterations: int, jobs: int) -> dict:
    t0, w0 = time.process_time(), time.perf_counter()
    best = api.best_of_chains(seed, iterations, chains, n_jobs=jobs)
    wall = time.perf_counter() - w0
    card = best.card
    by = scorecard.summary(card)
    built = card[card["kind"] != "time"]
    return {
        "wall_s": wall,
        "cpu_main_s": time.process_time() - t0,
        "matched": int(by.loc[("all", "all"), "matched"]),
        "total": len(card),
        "built": int(built["match"].sum()),
        "built_total": len(built),
        "time": int(by.loc[("kind", "time"), "matched"]),
        "time_total": int(by.loc[("kind", "time"), "total"]),
        "table3": int(by.loc[("source", "Table 3"), "matched"]),
        "chains": best.chains.matched,
        "chains_headline": best.chains.headline,
        "seed": best.seed,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--budgets", nargs="+", default=list(BUDGETS), choices=list(BUDGETS))
    p.add_argument("--seed", type=int, default=api.DEFAULT_SEED)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    api.reconstruct(a.seed, 1000, 1)  # compile the numba kernels outside the timings
    print(
        f"{'budget':>8} {'chains x iterations':>22} {'wall s':>7} {'matched':>9} {'%':>5} {'by construction':>16} "
        f"{'searched':>9} {'Table 3':>8}  per chain"
    )
    for name in a.budgets:
        chains, iterations = BUDGETS[name]
        r = run(a.seed, chains, iterations, a.jobs)
        print(
            f"{name:>8} {chains:>6} x {iterations:>13,} {r['wall_s']:>7.0f} {r['matched']:>4}/{r['total']:<4} "
            f"{100 * r['matched'] / r['total']:>5.1f} {r['built']:>9}/{r['built_total']:<6} "
            f"{r['time']:>4}/{r['time_total']:<4} {r['table3']:>5}/16  {r['chains']} (seed {r['seed']} kept)",
            flush=True,
        )


if __name__ == "__main__":
    main()
