"""Which regimen and primary-treatment files go with the cohort in use, and what a page says without one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .. import paths


def is_synthetic_default(path: Path | str, kind: str = "cohort") -> bool:
    """True when ``path`` is the project's synthetic file of that kind (``data/cohort.csv``, ``data/regimens.csv``
    or ``data/primary_treatment.csv``)."""
    default = {
        "cohort": paths.DEFAULT_COHORT,
        "regimens": paths.DEFAULT_REGIMENS,
        "primary_treatment": paths.DEFAULT_PRIMARY_TREATMENT,
    }[kind]
    return Path(path).resolve() == default.resolve()


def companion_or_none(variable: str, path: Callable[[], Path], cohort: Path | None = None) -> Path | None:
    """A file that goes with the cohort (default: the cohort in use): ``$variable`` when set; otherwise the synthetic
    default -- unless the cohort is another one, whose patients the synthetic files do not describe."""
    if os.environ.get(variable):
        return path()
    if not is_synthetic_default(paths.cohort_path() if cohort is None else cohort):
        return None
    return path()


def regimens_path_or_none() -> Path | None:
    """The regimen file that goes with the cohort in use (``$REGIMENS`` or the synthetic default), or None."""
    return companion_or_none("REGIMENS", paths.regimens_path)


def regimens_available() -> bool:
    """Whether a regimen file goes with the cohort in use and exists (sections on Table 2 skip themselves if not)."""
    p = regimens_path_or_none()
    return p is not None and p.is_file()


def primary_treatment_path_or_none() -> Path | None:
    """The primary-treatment file that goes with the cohort in use (``$PRIMARY_TREATMENT`` or the synthetic
    default), or None."""
    return companion_or_none("PRIMARY_TREATMENT", paths.primary_treatment_path)


def primary_treatment_available() -> bool:
    """Whether a primary-treatment file goes with the cohort in use and exists (the four numbers it holds are
    "not computable" without it)."""
    p = primary_treatment_path_or_none()
    return p is not None and p.is_file()


def regimens_missing_note() -> str:
    """Markdown for a section that needs a regimen file when there is none."""
    return (
        "> **Not available for this cohort.** This section needs a regimen file (one line per chemotherapy "
        "regimen; see `data/README.md`), and none goes with the cohort this book was built from. Build with "
        "`make book COHORT=... REGIMENS=path/to/regimens.csv` to include it."
    )


def primary_treatment_missing_note() -> str:
    """Markdown for a fact that needs the primary-treatment file when there is none."""
    return (
        "> **Not available for this cohort.** This fact is recorded in a primary-treatment file (one line per "
        "patient; see `data/README.md`), and none goes with the cohort this book was built from. Build with "
        "`make book COHORT=... PRIMARY_TREATMENT=path/to/primary_treatment.csv` to include it."
    )
