"""How long the book takes to build, against executing its notebooks bare.

    .venv/bin/python benchmarks/book.py [--repeat N]

Prints, for this machine:
- bare: executing every chapter of book/_toc.yml from its .md with nbclient, one fresh kernel each, in sequence
  (the floor: the work the build cannot avoid);
- build: a clean `jupyter-book build book -W --keep-going` into a temporary output folder (every notebook executed);
- their ratio. Targets: build <= 60 s, build/bare <= 1.3.
Timings are wall-clock; the machine is shared, so run it when it is quiet and look at the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
TARGET_BUILD_S = 60.0
TARGET_RATIO = 1.3

_spec = importlib.util.spec_from_file_location("nbtools", BOOK / "tools" / "notebooks.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)


def chapters() -> list[Path]:
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [REPO / f"{f}.md" for f in files]


def bare() -> tuple[float, dict[str, float]]:
    per = {}
    start = time.perf_counter()
    for md in chapters():
        t0 = time.perf_counter()
        nbtools.run(md)
        per[md.stem] = time.perf_counter() - t0
    return time.perf_counter() - start, per


def build() -> float:
    out = Path(tempfile.mkdtemp(prefix="book-bench-"))
    try:
        start = time.perf_counter()
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("jupyter-book")),
                "build",
                str(BOOK),
                "--path-output",
                str(out),
                "-W",
                "--keep-going",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"the build failed (exit {run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="book build time vs bare notebook execution")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    best_bare, best_build, per = float("inf"), float("inf"), {}
    for _ in range(args.repeat):
        b, p = bare()
        if b < best_bare:
            best_bare, per = b, p
        best_build = min(best_build, build())
    print(f"machine: {os.cpu_count()} cores; chapters: {len(per)}")
    for name, s in per.items():
        print(f"  {name:<24s} {s:6.1f} s")
    ratio = best_build / best_bare
    print(f"bare nbclient execution : {best_bare:6.1f} s")
    print(
        f"clean book build        : {best_build:6.1f} s   (target <= {TARGET_BUILD_S:.0f} s: "
        f"{'met' if best_build <= TARGET_BUILD_S else 'NOT met'})"
    )
    print(
        f"build / bare            : {ratio:6.2f}     (target <= {TARGET_RATIO}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
