"""The command line::

python -m helpers.data validate FILE [--kind K] [--cohort COHORT_FILE] [--mapping MAPPING_FILE]
python -m helpers.data template --out FILE [--kind K] [--force]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths
from .api import check
from .problems import DataError, display
from .specs import REFERS_TO_COHORT, ROW_NOUN, SPECS


def _validate(args: argparse.Namespace) -> int:
    mapping = args.mapping if args.mapping else None
    try:
        found = check(args.file, args.kind, args.cohort, mapping)
    except Exception as e:  # never a traceback on the command line
        print(f"{args.file}: internal error while validating ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    kind = found.kind
    notes = [f"  {n.kind}: {n}" for n in found.notes]
    if found.problems:
        for p in found.problems:
            print(p, file=sys.stderr)
        n = len(found.problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        print(f"{display(args.file)}: {n} problem{'s' if n != 1 else ''}; not {what}", file=sys.stderr)
        if notes:
            print("while reading it:\n" + "\n".join(notes))
        return 1
    extra = ""
    if kind in REFERS_TO_COHORT:
        ref = Path(args.cohort) if args.cohort else paths.cohort_path()
        extra = f", every patient_id found in {display(ref)}"
    how = f" ({found.describe()})" if found.describe() else ""
    print(f"OK {display(args.file)}: valid {kind} file, {len(found.frame)} {ROW_NOUN[kind]}s{extra}{how}")
    if notes:
        print("\n".join(notes))
    return 0


def _template(args: argparse.Namespace) -> int:
    from .template import write_template

    try:
        written = write_template(args.out, args.kind, force=args.force)
    except DataError as e:
        for p in e.problems:
            print(f"{p}; nothing was written", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {display(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data",
        description="Check a cohort, regimens or primary_treatment file (CSV, Excel "
        ".xlsx, R .rds/.RData, SPSS .sav, Stata .dta) against its "
        "schema, or write an empty template.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate a file; exit 0 if valid, 1 if not (one line per problem)")
    v.add_argument("file")
    v.add_argument("--kind", choices=sorted(SPECS), help="default: inferred from the header")
    v.add_argument(
        "--cohort",
        help="for a regimens or primary_treatment file: the cohort it refers to (default: $COHORT or data/cohort.csv)",
    )
    v.add_argument(
        "--mapping", help="a YAML or TOML file mapping your column names and codes to ours (default: $MAPPING, if set)"
    )
    t = sub.add_parser("template", help="write an empty file to fill in, with a documentation of every column")
    t.add_argument(
        "--out", required=True, help="FILE.csv (with FILE.columns.csv beside it) or FILE.xlsx (with a 'columns' sheet)"
    )
    t.add_argument("--kind", choices=sorted(SPECS), default="cohort", help="default: cohort")
    t.add_argument("--force", action="store_true", help="replace the file(s) if they exist")
    args = parser.parse_args(argv)
    return _validate(args) if args.command == "validate" else _template(args)
