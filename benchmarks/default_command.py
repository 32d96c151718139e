"""The default command as a user runs it: its wall time, whether it regenerates the committed files byte for
byte, and what the cohort it writes reproduces (prints a table; not a test).

    .venv/bin/python benchmarks/default_command.py [--out DIR]

Runs ``python -m helpers.reconstruct --out DIR`` (``make data`` writes to ``data/`` the same way) in a fresh
process, so the wall time includes importing and compiling the numba kernels, and compares each of its five
files with the committed one in ``data/``.  The figures are those data/RECONSTRUCTION.md gives for the default:
printed numbers reproduced by source (from the ``fidelity.csv`` the command writes), whether Table 4 is
complete, and Table 1's retroperitoneal median.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from helpers import scorecard

ROOT = Path(__file__).resolve().parent.parent
FILES = ("cohort.csv", "regimens.csv", "primary_treatment.csv", "fidelity.csv", "fidelity.md")
WATCHED = ("t1.primary_site.retroperitoneum.median_os",)  # printed numbers data/RECONSTRUCTION.md follows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, help="where the command writes (default: a temporary directory)")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp)
        w0 = time.perf_counter()
        command = [sys.executable, "-m", "helpers.reconstruct", "--out", str(out), "--no-progress"]
        run = subprocess.run(command, cwd=ROOT)
        wall = time.perf_counter() - w0
        if run.returncode:
            print(f"python -m helpers.reconstruct failed (exit {run.returncode}) after {wall:.0f} s")
            return 1
        print(f"python -m helpers.reconstruct --out {out}: {wall:.0f} s wall ({wall / 60:.1f} min)")
        for name in FILES:
            same = (out / name).read_bytes() == (ROOT / "data" / name).read_bytes()
            print(f"  {name:<22} {'byte-identical to data/' if same else 'DIFFERS from data/'}")
        card = pd.read_csv(out / "fidelity.csv", dtype={"printed": str})
    by = scorecard.summary(card)
    print(f"\nprinted numbers reproduced: {by.loc[('all', 'all'), 'matched']}/{by.loc[('all', 'all'), 'total']}")
    for source in by.loc["source"].itertuples():
        print(f"  {source.Index:<10} {source.matched:>4}/{source.total:<4}")
    table4 = by.loc[("source", "Table 4")]
    print(f"Table 4 complete: {'yes' if table4['matched'] == table4['total'] else 'no'}")
    for row in card[card["id"].isin(WATCHED)].itertuples():
        print(f"{row.id}: printed {row.printed}, reproduced {row.reproduced:.5g}, {row.verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
