"""CLI: ``python -m helpers.reconstruct --out DIR [--seed N]`` writes cohort.csv, regimens.csv,
primary_treatment.csv and the fidelity report (fidelity.csv, fidelity.md) of a SYNTHETIC cohort."""

from __future__ import annotations

import argparse
from pathlib import Path

from .api import DEFAULT_CHAINS, DEFAULT_ITERATIONS, DEFAULT_SEED, ENSEMBLE_ITERATIONS, FINISH_ROUNDS, best_of_chains
from .blocks import BLOCK_SEED, best_of_blocks
from .report import write, write_tables


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.reconstruct", description=__doc__)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="directory to write cohort.csv, regimens.csv, primary_treatment.csv, fidelity.*",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help=f"the first seed (default {BLOCK_SEED} for the default design, by blocks; {DEFAULT_SEED} with --chains "
        "or --ensemble)",
    )
    p.add_argument(
        "--iterations",
        type=int,
        default=None,
        help=f"annealing iterations (default {DEFAULT_ITERATIONS:,}, each; with --ensemble "
        f"{ENSEMBLE_ITERATIONS:,}; the schedule is counted in iterations)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=None,
        help=f"most rounds of the finisher per search (default {FINISH_ROUNDS}; 0: none)",
    )
    p.add_argument(
        "--chains",
        type=int,
        default=None,
        help=f"make the cohort by independent whole-cohort searches instead of by blocks: CHAINS searches from "
        f"seeds SEED, SEED+1, ... on --jobs workers, the one a reader would choose written (e.g. {DEFAULT_CHAINS}). "
        "Without it the cohort is made by blocks (helpers.reconstruct.blocks): exact solutions of the curative "
        "block, then the whole cohort searched around each (--iterations is then the merge's)",
    )
    p.add_argument("--no-report", action="store_true", help="skip fidelity.csv / fidelity.md")
    from helpers import ensemble  # --ensemble N [--jobs --backend --scheduler]: see helpers.ensemble

    ensemble.add_arguments(p)
    a = p.parse_args(argv)
    if a.seed is None:
        a.seed = DEFAULT_SEED if a.ensemble is not None or a.chains is not None else BLOCK_SEED
    if a.ensemble is not None:
        if a.chains is not None:
            p.error("--chains applies to the single cohort; every --ensemble member is one search")
        return ensemble.main(a)
    if a.chains is None:
        best = best_of_blocks(a.seed, a.iterations, a.jobs, a.rounds)
    else:
        best = best_of_chains(a.seed, a.iterations, a.chains, a.jobs, a.rounds)
    write_tables(best.cohort, best.regimens, a.out, best.primary)
    if not a.no_report:  # best.card was judged on these very bytes (report.fidelity_as_written)
        iterations = DEFAULT_ITERATIONS if a.iterations is None else a.iterations
        write(best.card, a.out, a.seed, iterations, best.chains, FINISH_ROUNDS if a.rounds is None else a.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
