"""CLI: ``python -m helpers.reconstruct --out DIR [--seed N]`` writes cohort.csv, regimens.csv and a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from .api import DEFAULT_SEED, reconstruct


def write_tables(cohort, regimens, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cohort.to_csv(out / "cohort.csv", index=False, lineterminator="\n")
    regimens.to_csv(out / "regimens.csv", index=False, lineterminator="\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.reconstruct", description=__doc__)
    p.add_argument("--out", type=Path, required=True, help="directory to write cohort.csv, regimens.csv, fidelity.*")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--iterations", type=int, default=None, help="search budget (default: the standard schedule)")
    from helpers import ensemble  # --ensemble N [--jobs --backend --scheduler]: issue 7, see helpers.ensemble

    ensemble.add_arguments(p)
    a = p.parse_args(argv)
    if a.ensemble is not None:
        return ensemble.main(a)
    cohort, regimens = reconstruct(a.seed, a.iterations)
    write_tables(cohort, regimens, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
