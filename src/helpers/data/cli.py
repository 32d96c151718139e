"""``python -m helpers.data validate FILE [--kind K] [--cohort COHORT_FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths
from .api import check
from .problems import display
from .specs import REFERS_TO_COHORT, ROW_NOUN, SPECS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.data",
                                     description="Check a cohort, regimens or primary_treatment CSV file "
                                                 "against its schema.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate a file; exit 0 if valid, 1 if not (one line per problem)")
    v.add_argument("file")
    v.add_argument("--kind", choices=sorted(SPECS), help="default: inferred from the header")
    v.add_argument("--cohort", help="for a regimens or primary_treatment file: the cohort it refers to "
                                    "(default: $COHORT or data/cohort.csv)")
    args = parser.parse_args(argv)
    try:
        kind, typed, problems = check(args.file, args.kind, args.cohort)
    except Exception as e:  # never a traceback on the command line
        print(f"{args.file}: internal error while validating ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        n = len(problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        print(f"{display(args.file)}: {n} problem{'s' if n != 1 else ''}; not {what}", file=sys.stderr)
        return 1
    extra = ""
    if kind in REFERS_TO_COHORT:
        ref = Path(args.cohort) if args.cohort else paths.cohort_path()
        extra = f", every patient_id found in {display(ref)}"
    print(f"OK {display(args.file)}: valid {kind} file, {len(typed)} {ROW_NOUN[kind]}s{extra}")
    return 0

