"""Where things are: the repository root, data files and the cohort the book runs on."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
PUBLISHED = DATA / "published"
DEFAULT_COHORT = DATA / "cohort.csv"
DEFAULT_REGIMENS = DATA / "regimens.csv"
DEFAULT_PRIMARY_TREATMENT = DATA / "primary_treatment.csv"
PAPER = REPO.parent / "shared" / "paper" / "imura2022-curroncol.txt"  # the paper's text, beside the repository


def cohort_path() -> Path:
    """The cohort file to analyse: ``$COHORT`` if set, else the synthetic ``data/cohort.csv``."""
    return Path(os.environ.get("COHORT") or DEFAULT_COHORT).resolve()


def regimens_path() -> Path:
    """The regimen file to analyse: ``$REGIMENS`` if set, else the synthetic ``data/regimens.csv``."""
    return Path(os.environ.get("REGIMENS") or DEFAULT_REGIMENS).resolve()


def primary_treatment_path() -> Path:
    """The primary-treatment file to analyse: ``$PRIMARY_TREATMENT`` if set, else the synthetic
    ``data/primary_treatment.csv``."""
    return Path(os.environ.get("PRIMARY_TREATMENT") or DEFAULT_PRIMARY_TREATMENT).resolve()


def mapping_path() -> Path | None:
    """The mapping file of the user's column names and codes (``$MAPPING``), or None: the files use ours."""
    value = os.environ.get("MAPPING")
    return Path(value).resolve() if value else None
