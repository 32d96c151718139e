"""Runtime and fidelity of the reconstruction at several iteration budgets (prints a table; not a test).

    .venv/bin/python benchmarks/reconstruct.py [--seeds 2022 1 2] [--budgets 350000 900000 ... 50000000]

Budgets are the main annealing's iterations (the schedule adds FACTOR_SHARE of that per factor); the
schedule is counted in iterations, never in seconds, so each budget gives the same cohort on any machine.
On this 2-core machine (one core, the other busy): 350,000 ~ 13 s, the ensemble's 900,000 ~ 30 s, 1,650,000
~ 54 s, 16,500,000 ~ 10 min, the default 50,000,000 ~ 25 min (one chain: the default command runs
DEFAULT_CHAINS of them, one per core, and keeps the best).
Fidelity is judged by helpers.scorecard (EZR-exact statistics).
"""

from __future__ import annotations

import argparse
import time

from helpers import scorecard
from helpers.reconstruct import api
from helpers.reconstruct.report import fidelity_as_written


def run(seed: int, iterations: int) -> dict:
    t0 = time.process_time()
    w0 = time.perf_counter()
    cohort, regimens = api.reconstruct(seed, iterations)
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    summ = scorecard.summary(fidelity_as_written(cohort, regimens, api.primary_treatment_of(cohort)))
    return {"seed": seed, "iterations": iterations, "cpu_s": cpu, "wall_s": wall,
            "all_pct": summ.loc[("all", "all"), "percent"], "all": int(summ.loc[("all", "all"), "matched"]),
            "total": int(summ.loc[("all", "all"), "total"]),
            "time": int(summ.loc[("kind", "time"), "matched"]), "time_total": int(summ.loc[("kind", "time"), "total"]),
            "count_pct": summ.loc[("kind", "count"), "percent"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[api.DEFAULT_SEED])
    p.add_argument("--budgets", type=int, nargs="+",
                   default=[350_000, api.ENSEMBLE_ITERATIONS, 1_650_000, 16_500_000, api.DEFAULT_ITERATIONS])
    a = p.parse_args()
    api.reconstruct(a.seeds[0], 1000)  # compile the numba kernels outside the timings
    print(f"{'iterations':>11} {'seed':>6} {'cpu s':>7} {'wall s':>7} {'all %':>6} {'matched':>9} "
          f"{'time':>9} {'count %':>8}")
    for it in a.budgets:
        for seed in a.seeds:
            r = run(seed, it)
            print(f"{r['iterations']:>11,} {r['seed']:>6} {r['cpu_s']:>7.1f} {r['wall_s']:>7.1f} {r['all_pct']:>6.1f} "
                  f"{r['all']:>4}/{r['total']:<4} {r['time']:>4}/{r['time_total']:<4} {r['count_pct']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
