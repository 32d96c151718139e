"""The command line::

python -m helpers.data validate FILE [--kind K] [--cohort COHORT_FILE] [--mapping MAPPING_FILE]
python -m helpers.data template --out FILE [--kind K] [--force]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import paths
from .api import check
from .companions import is_synthetic_default
from .problems import DataError, display, listing
from .specs import REFERS_TO_COHORT, ROW_NOUN, SPECS


def no_cohort_given(file: str, kind: str | None, cohort: str | None) -> str | None:
    """Why a regimens or primary-treatment file cannot be validated as asked: no cohort was given (``--cohort``
    or ``$COHORT``), and the synthetic cohort describes other patients (unless the file is its synthetic
    companion).  None when it can."""
    if kind not in REFERS_TO_COHORT or cohort or os.environ.get("COHORT") or is_synthetic_default(file, kind):
        return None
    noun = kind.replace("_", "-")
    return (
        f"{display(file)}: a {noun} file is checked against the cohort it refers to: give it with --cohort "
        f"COHORT_FILE (or $COHORT); without it, the file would be checked against the synthetic "
        f"{display(paths.DEFAULT_COHORT)}, whose patients are not yours"
    )


def _validate(args: argparse.Namespace) -> int:
    mapping = args.mapping if args.mapping else None
    refused = no_cohort_given(args.file, args.kind, args.cohort)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    try:
        found = check(args.file, args.kind, args.cohort, mapping)
        refused = no_cohort_given(args.file, found.kind, args.cohort)  # the kind read from the header
    except Exception as e:  # never a traceback on the command line
        print(f"{args.file}: internal error while validating ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    if refused:
        print(refused, file=sys.stderr)
        return 2
    kind = found.kind
    notes = [f"  {n.kind}: {n}" for n in found.notes]
    if found.problems:
        for line in listing(found.problems):
            print(line, file=sys.stderr)
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
    """Run the command line; a closed pipe (``validate ... | head``) ends it quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader has gone: print nothing more (and let Python's exit not fail flushing stdout again)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data",
        description="Check a cohort, regimens or primary_treatment file (CSV, Excel "
        ".xlsx, R .rds/.RData, SPSS .sav, Stata .dta) against its "
        "schema, or write an empty template.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser(
        "validate", help="validate a file; exit 0 if valid, 1 if not (one line per problem, the first 25 and a count)"
    )
    v.add_argument("file")
    v.add_argument("--kind", choices=sorted(SPECS), help="default: inferred from the header")
    v.add_argument(
        "--cohort",
        help="for a regimens or primary_treatment file: the cohort it refers to (default: $COHORT; required "
        "otherwise, except for the synthetic data/regimens.csv and data/primary_treatment.csv)",
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
