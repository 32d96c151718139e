"""The command line, called from ``python -m helpers.reconstruct --ensemble N``: its options
(``add_arguments``) and the run they describe (``main``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .cohort import fidelity_bar
from .run import ensemble_seeds, run_ensemble
from .summary import summary_csv, summary_frame, write_results


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ensemble (helpers.ensemble)")
    g.add_argument(
        "--ensemble",
        type=int,
        metavar="N",
        default=None,
        help="make N cohorts from seeds SEED, SEED+1, ... and write DIR/ensemble_summary.csv",
    )
    g.add_argument("--jobs", type=int, default=-1, help="parallel workers (default -1: all cores)")
    g.add_argument(
        "--backend",
        choices=["loky", "dask"],
        default="loky",
        help="joblib backend; dask needs the optional extra (pip install 'helpers[dask]')",
    )
    g.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask scheduler address (tcp://host:8786); default: a local cluster",
    )
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def main(args: argparse.Namespace) -> int:
    """Run the ensemble the parsed ``args`` describe and write it to ``args.out``."""
    if args.scheduler and args.backend != "dask":
        raise SystemExit("--scheduler needs --backend dask")
    seeds = ensemble_seeds(args.ensemble, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    partial = out / "ensemble_summary.partial.csv"

    def checkpoint(done):  # the first k seeds' rows: what --ensemble k would write
        tmp = partial.with_suffix(".tmp")
        tmp.write_text(summary_csv(summary_frame(done)))
        tmp.replace(partial)

    results = run_ensemble(
        seeds,
        args.iterations,
        n_jobs=args.jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=not args.no_progress,
        on_result=checkpoint,
    )
    path = write_results(results, out)
    partial.unlink(missing_ok=True)
    ok = sum(r.ok for r in results)
    met = sum(r.meets_bar for r in results)
    floor, counts_exact = fidelity_bar()
    print(
        f"{len(results)} cohorts: {ok} reconstructed, {met} met the fidelity bar "
        f"(≥ {floor:g}% of printed numbers{', counts exact' if counts_exact else ''}); summary: {path}"
    )
    for r in results:
        if not r.ok:
            print(f"  seed {r.seed}: FAILED: {r.error}")
        elif not r.meets_bar:
            print(
                f"  seed {r.seed}: below the bar ({r.fidelity['fidelity_percent']:.1f}%, "
                f"counts {'exact' if r.fidelity['counts_exact'] else 'NOT exact'})"
            )
    return 0
