"""CLI: ``python -m helpers.reconstruct --out DIR [--seed N]`` writes cohort.csv, regimens.csv and the
fidelity report (fidelity.csv, fidelity.md) of a SYNTHETIC cohort."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from helpers import data

from .api import DEFAULT_ITERATIONS, DEFAULT_SEED, ENSEMBLE_ITERATIONS, reconstruct
from .report import fidelity, write


def write_tables(cohort, regimens, out: Path) -> None:
    """Validate both tables with ``helpers.data`` (the same code every loader and the book use), then write them.

    Nothing is written when either table is invalid (``helpers.data.DataError`` names file, line and column), and
    each file is replaced atomically only after both have been written in full.
    """
    problems = (data.validate_frame(cohort, "cohort", name=str(out / "cohort.csv"))
                + data.validate_frame(regimens, "regimens", cohort=cohort, name=str(out / "regimens.csv")))
    if problems:
        raise data.DataError(out, None, problems)
    out.mkdir(parents=True, exist_ok=True)
    staged = []
    for name, df in (("cohort.csv", cohort), ("regimens.csv", regimens)):
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".tmp")  # nothing half-written
        os.close(fd)
        df.to_csv(tmp, index=False, lineterminator="\n")
        staged.append((tmp, out / name))
    for tmp, final in staged:
        os.replace(tmp, final)


def fidelity_as_written(cohort, regimens):
    """The fidelity card of the tables as ``--out`` writes them (judged on the CSV files, in a temporary folder)."""
    with tempfile.TemporaryDirectory() as d:
        write_tables(cohort, regimens, Path(d))
        return fidelity(Path(d) / "cohort.csv", Path(d) / "regimens.csv")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.reconstruct", description=__doc__)
    p.add_argument("--out", type=Path, required=True, help="directory to write cohort.csv, regimens.csv, fidelity.*")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--iterations", type=int, default=None,
                   help=f"annealing iterations (default {DEFAULT_ITERATIONS:,}, about 25 minutes; with --ensemble "
                        f"{ENSEMBLE_ITERATIONS:,}; the schedule is counted in iterations)")
    p.add_argument("--no-report", action="store_true", help="skip fidelity.csv / fidelity.md")
    from helpers import ensemble  # --ensemble N [--jobs --backend --scheduler]: issue 7, see helpers.ensemble

    ensemble.add_arguments(p)
    a = p.parse_args(argv)
    if a.ensemble is not None:
        return ensemble.main(a)
    cohort, regimens = reconstruct(a.seed, a.iterations)
    write_tables(cohort, regimens, a.out)
    if not a.no_report:
        iterations = DEFAULT_ITERATIONS if a.iterations is None else a.iterations
        write(fidelity(a.out / "cohort.csv", a.out / "regimens.csv"), a.out, a.seed, iterations)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
