"""Which files the book is built from: provenance, the synthetic defaults, and the "built from" banner."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from .. import paths
from .problems import display
from .readers.text import read_table
from .specs import ROW_NOUN


def provenance(path: Path | str) -> dict:
    """``{"path", "sha256", "rows"}`` of a data file: the path as shown to readers, the SHA-256 of its bytes, and its
    number of data lines (``None`` when it cannot be read as CSV)."""
    p = Path(path)
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    table, _ = read_table(p, display(p))
    rows = None if table is None else len(table.rows)
    return {"path": display(p), "sha256": digest, "rows": rows}


def is_synthetic_default(path: Path | str, kind: str = "cohort") -> bool:
    """True when ``path`` is the project's synthetic file of that kind (``data/cohort.csv``, ``data/regimens.csv``
    or ``data/primary_treatment.csv``)."""
    default = {"cohort": paths.DEFAULT_COHORT, "regimens": paths.DEFAULT_REGIMENS,
               "primary_treatment": paths.DEFAULT_PRIMARY_TREATMENT}[kind]
    return Path(path).resolve() == default.resolve()


def _companion_or_none(variable: str, path: Callable[[], Path], cohort: Path | None = None) -> Path | None:
    """A file that goes with the cohort (default: the cohort in use): ``$variable`` when set; otherwise the synthetic
    default -- unless the cohort is another one, whose patients the synthetic files do not describe."""
    if os.environ.get(variable):
        return path()
    if not is_synthetic_default(paths.cohort_path() if cohort is None else cohort):
        return None
    return path()


def regimens_path_or_none() -> Path | None:
    """The regimen file that goes with the cohort in use (``$REGIMENS`` or the synthetic default), or None."""
    return _companion_or_none("REGIMENS", paths.regimens_path)


def regimens_available() -> bool:
    """Whether a regimen file goes with the cohort in use and exists (sections on Table 2 skip themselves if not)."""
    p = regimens_path_or_none()
    return p is not None and p.is_file()


def primary_treatment_path_or_none() -> Path | None:
    """The primary-treatment file that goes with the cohort in use (``$PRIMARY_TREATMENT`` or the synthetic
    default), or None."""
    return _companion_or_none("PRIMARY_TREATMENT", paths.primary_treatment_path)


def primary_treatment_available() -> bool:
    """Whether a primary-treatment file goes with the cohort in use and exists (the four numbers it holds are
    "not computable" without it)."""
    p = primary_treatment_path_or_none()
    return p is not None and p.is_file()


def regimens_missing_note() -> str:
    """Markdown for a section that needs a regimen file when there is none."""
    return ("> **Not available for this cohort.** This section needs a regimen file (one line per chemotherapy "
            "regimen; see `data/README.md`), and none goes with the cohort this book was built from. Build with "
            "`make book COHORT=... REGIMENS=path/to/regimens.csv` to include it.")


def primary_treatment_missing_note() -> str:
    """Markdown for a fact that needs the primary-treatment file when there is none."""
    return ("> **Not available for this cohort.** This fact is recorded in a primary-treatment file (one line per "
            "patient; see `data/README.md`), and none goes with the cohort this book was built from. Build with "
            "`make book COHORT=... PRIMARY_TREATMENT=path/to/primary_treatment.csv` to include it.")


def _banner_line(label: str, path: Path, kind: str) -> str:
    info = provenance(path)
    noun = ROW_NOUN[kind] + ("s" if info["rows"] != 1 else "")
    what = ("**synthetic reconstruction, not patient data**" if is_synthetic_default(path, kind)
            else "a user-supplied file (not the project's synthetic data)")
    return f"{label} `{info['path']}` — {what}; {info['rows']} {noun}; SHA-256 `{info['sha256']}`"


def cohort_banner(cohort: Path | str | None = None, regimens: Path | str | None = None,
                  primary: Path | str | None = None) -> str:
    """The Markdown "built from" banner for the top of every page: cohort file (and regimen and primary-treatment
    files, if any), with
    SHA-256, row count, and whether it is the synthetic default.  Display with ``IPython.display.Markdown``."""
    cpath = Path(cohort) if cohort is not None else paths.cohort_path()
    lines = [_banner_line("**Data.** Built from cohort file", cpath, "cohort")]
    rpath = Path(regimens) if regimens is not None else _companion_or_none("REGIMENS", paths.regimens_path, cpath)
    if rpath is not None and rpath.is_file():
        lines.append(_banner_line("Regimens from", rpath, "regimens"))
    else:
        lines.append("No regimen file: sections on chemotherapy regimens (Table 2) are skipped.")
    ppath = (Path(primary) if primary is not None
             else _companion_or_none("PRIMARY_TREATMENT", paths.primary_treatment_path, cpath))
    if ppath is not None and ppath.is_file():
        lines.append(_banner_line("Primary-tumour treatment from", ppath, "primary_treatment"))
    return "\n>\n".join("> " + line for line in lines)
