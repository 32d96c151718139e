"""Ensemble throughput: wall time for N cohorts, cohorts/minute, the extrapolation to 100, and each
cohort's fidelity.  Target: 100 cohorts at the default settings in <= 30 minutes on 2 cores.

    .venv/bin/python benchmarks/ensemble.py [--n 4] [--iterations K] [--jobs -1] [--start SEED]

Prints figures; never asserts (speed is not a test).  The machine may be shared: the CPU seconds per
cohort (measured inside each worker) are printed beside the wall time so a busy machine shows up.
"""

from __future__ import annotations

import argparse
import os
import time

from helpers import ensemble
from helpers.reconstruct import api


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=4, help="cohorts to run (default 4)")
    p.add_argument(
        "--iterations", type=int, default=None, help="search budget (default: the ensemble's, api.ENSEMBLE_ITERATIONS)"
    )
    p.add_argument("--jobs", type=int, default=-1, help="workers (default: all cores)")
    p.add_argument("--start", type=int, default=None, help="first seed (default: the reconstruction's default)")
    p.add_argument("--target-minutes", type=float, default=30.0)
    a = p.parse_args(argv)

    seeds = ensemble.ensemble_seeds(a.n, a.start)
    iters = api.ENSEMBLE_ITERATIONS if a.iterations is None else a.iterations
    workers = os.cpu_count() if a.jobs == -1 else a.jobs
    print(
        f"{a.n} cohorts, seeds {seeds[0]}..{seeds[-1]}, {iters} iterations each, {workers} workers "
        f"(load average before: {os.getloadavg()[0]:.2f})"
    )
    t0 = time.perf_counter()
    results = ensemble.run_ensemble(seeds, a.iterations, n_jobs=a.jobs, progress=False)
    wall = time.perf_counter() - t0

    print(
        f"\n{'seed':>6} {'ok':>3} {'wall s':>7} {'CPU s':>6} {'matched':>9} "
        f"{'fidelity %':>10} {'counts %':>9} {'meets bar':>9}"
    )
    for r in results:
        if r.ok:
            f = r.fidelity
            print(
                f"{r.seed:>6} {'yes':>3} {r.seconds:>7.1f} {r.cpu_seconds:>6.1f} {f['matched']:>4}/{f['total']:<4} "
                f"{f['fidelity_percent']:>10.1f} {f['counts_percent']:>9.1f} {str(r.meets_bar):>9}"
            )
        else:
            print(f"{r.seed:>6} {'NO':>3} {r.seconds:>7.1f} {r.cpu_seconds:>6.1f}  {r.error}")
    n_ok = sum(r.ok for r in results)
    n_bar = sum(r.meets_bar for r in results)
    per_100 = wall / a.n * 100 / 60
    print(f"\nwall time           {wall:8.1f} s for {a.n} cohorts ({a.n / wall * 60:.2f} cohorts/minute)")
    cpu = sum(r.cpu_seconds for r in results) / a.n
    cpu_100 = cpu * 100 / workers / 60
    print(f"per cohort (worker) {sum(r.seconds for r in results) / a.n:8.1f} s wall, {cpu:.1f} s CPU on average")
    print(
        f"extrapolated to 100 {per_100:8.1f} min from the wall time (target <= {a.target_minutes:g} min: "
        f"{'met' if per_100 <= a.target_minutes else 'NOT met'})"
    )
    print(
        f"                    {cpu_100:8.1f} min from the CPU time on {workers} idle cores "
        f"({'met' if cpu_100 <= a.target_minutes else 'NOT met'}; the wall figure includes other jobs' load)"
    )
    print(f"reconstructed       {n_ok}/{a.n}; met the fidelity bar (>= {results[0].bar:g}%): {n_bar}/{a.n}")
    print(f"load average after  {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
