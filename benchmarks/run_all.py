"""Run every benchmark in turn and print its figures (``make bench``). Not a test: nothing here asserts.

- ``benchmarks/default_command.py``: the default command's wall time, whether it regenerates the committed files
  byte for byte, and what its cohort reproduces
- ``benchmarks/merge_stages.py``: where the default command's time goes: the block search and each merge's stages
- ``benchmarks/reconstruct.py``: runtime and fidelity of the reconstruction at several iteration budgets
- ``benchmarks/blocks.py``: the curative block searched alone (exact rate, wall time per seed) and a merge
- ``benchmarks/swaps.py``: the merges' swap rounds against exhaustive exact scoring of pairs of factor swaps
- ``benchmarks/assignments.py``: every assignment of one factor (depth) meeting its three printed p's, on the
  committed merge's order
- ``benchmarks/exact_factors.py``: the merges' exact stage, factor by factor (assignments meeting every printed
  p and median, time, best score), then the joint stage (pairs fitted by the Cox model, Table 3 hits, best score)
  and the linked stage (chemotherapy with the columns tied to it)
- ``benchmarks/book.py``: clean book build vs bare notebook execution, and their ratio
- ``benchmarks/ensemble.py``: ensemble throughput, extrapolated to 100 cohorts
- ``benchmarks/miss_rates.py``: each printed number's share of seeds that reproduce it (12 seeds)
- ``benchmarks/study_design.py``: the study-design chapter's simulations per replicate and at the chapter's sizes
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    scripts = (
        "default_command.py",
        "merge_stages.py",
        "reconstruct.py",
        "blocks.py",
        "swaps.py",
        "assignments.py",
        "exact_factors.py",
        "book.py",
        "ensemble.py",
        "miss_rates.py",
        "study_design.py",
    )
    for script in scripts:
        print(f"\n=== benchmarks/{script} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
