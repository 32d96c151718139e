"""The paper's prognostic factors and patient subsets, defined once.

A *factor* turns cohort columns into the levels the paper tabulates (``age_years`` -> ``"<=60"`` /
``">60"``).  Level keys are canonical ASCII strings shared by ``data/published/``, the scorecard, the
reconstruction and the book; ``labels`` holds the text as the paper prints it.  A missing value
(e.g. an unknown grade) gives ``NaN`` and is left out of a test, as R does.

A *subset* is one of the paper's analysis populations:

- ``all``: every patient of the cohort (Table 1, Table 3, Figure 1)
- ``metastasectomy``: the patients with a curative-intent metastasectomy (Table 4, Figure 2)
- ``no_metastasectomy``: the others (Table 5, Figure 3a)
- ``palliative_chemo``: of those, the patients given chemotherapy (Figure 3b)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

AGE_CUTOFF = 60  # years, "<=60" vs ">60"
SIZE_CUTOFF = 10  # cm, "<=10" vs ">10"
INTERVAL_CUTOFF = 6  # months from initial diagnosis to metastasis, "<=6" vs ">6"
ERA_SPLIT = 2013  # metastasis diagnosed 2006-2013 vs 2014-2020


@dataclass(frozen=True)
class Factor:
    """A prognostic factor: how to derive its levels from a cohort, and how the paper labels them."""

    key: str
    label: str
    levels: tuple[str, ...]
    derive: Callable[[pd.DataFrame], pd.Series] = field(repr=False)
    labels: dict[str, str] = field(default_factory=dict)

    def __call__(self, cohort: pd.DataFrame) -> pd.Series:
        out = self.derive(cohort).astype(object)
        out = out.where(pd.notna(out), np.nan)
        bad = set(out.dropna()) - set(self.levels)
        if bad:
            raise ValueError(f"factor {self.key!r}: unexpected levels {sorted(bad)}")
        return out.rename(self.key)

    def label_of(self, level: str) -> str:
        return self.labels.get(level, level)


def _yes_no(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    def derive(c: pd.DataFrame) -> pd.Series:
        v = pd.to_numeric(c[column], errors="coerce")
        return v.map({1: "yes", 0: "no"})

    return derive


def _split(column: str, cutoff: float, low: str, high: str) -> Callable[[pd.DataFrame], pd.Series]:
    def derive(c: pd.DataFrame) -> pd.Series:
        v = pd.to_numeric(c[column], errors="coerce")
        return pd.Series(np.where(v.isna(), None, np.where(v <= cutoff, low, high)), index=c.index)

    return derive


def _category(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda c: c[column]


def _grade(c: pd.DataFrame) -> pd.Series:
    v = pd.to_numeric(c["grade"], errors="coerce")
    return v.map({2: "2", 3: "3"})


def _first_line_response(c: pd.DataFrame) -> pd.Series:
    return c["first_line_response"].map({"CR": "non-PD", "PR": "non-PD", "SD": "non-PD", "PD": "PD"})


def age(cutoff: float = AGE_CUTOFF) -> Factor:
    lo, hi = f"<={cutoff:g}", f">{cutoff:g}"
    return Factor("age", "Age", (lo, hi), _split("age_years", cutoff, lo, hi), {lo: f"≤{cutoff:g}", hi: f">{cutoff:g}"})


def size(cutoff: float = SIZE_CUTOFF) -> Factor:
    lo, hi = f"<={cutoff:g}", f">{cutoff:g}"
    return Factor(
        "size", "Size", (lo, hi), _split("size_cm", cutoff, lo, hi), {lo: f"≤{cutoff:g} cm", hi: f">{cutoff:g} cm"}
    )


def interval(cutoff: float = INTERVAL_CUTOFF) -> Factor:
    lo, hi = f"<={cutoff:g}", f">{cutoff:g}"
    return Factor(
        "interval",
        "Interval from initial diagnosis to metastasis",
        (lo, hi),
        _split("interval_to_metastasis_months", cutoff, lo, hi),
        {lo: f"≤{cutoff:g} months", hi: f">{cutoff:g} months"},
    )


def era(split_year: int = ERA_SPLIT) -> Factor:
    lo, hi = f"2006-{split_year}", f"{split_year + 1}-2020"
    return Factor(
        "era",
        "Year of metastasis diagnosis",
        (lo, hi),
        _split("metastasis_year", split_year, lo, hi),
        {lo: lo.replace("-", "–"), hi: hi.replace("-", "–")},
    )


FACTORS: dict[str, Factor] = {
    f.key: f
    for f in [
        age(),
        Factor("sex", "Sex", ("male", "female"), _category("sex"), {"male": "Male", "female": "Female"}),
        Factor(
            "primary_site",
            "Primary site",
            ("extremity", "trunk", "retroperitoneum", "others"),
            _category("primary_site"),
            {"extremity": "Extremity", "trunk": "Trunk", "retroperitoneum": "Retroperitoneum", "others": "Others"},
        ),
        size(),
        Factor(
            "depth",
            "Depth",
            ("superficial", "deep"),
            _category("depth"),
            {"superficial": "Superficial", "deep": "Deep"},
        ),
        Factor("grade", "Grade", ("2", "3"), _grade),
        Factor(
            "presenting",
            "Presenting status",
            ("metachronous", "synchronous"),
            _category("presenting"),
            {"metachronous": "Metachronous", "synchronous": "Synchronous"},
        ),
        Factor(
            "initial_metastatic_sites",
            "Number of initial metastatic sites",
            ("1", ">1"),
            _split("initial_metastatic_sites", 1, "1", ">1"),
        ),
        Factor(
            "initial_metastatic_lesions",
            "Number of initial metastatic lesions",
            ("1", ">1"),
            _split("initial_metastatic_lesions", 1, "1", ">1"),
            {">1": "2 or more"},
        ),
        Factor(
            "primary_resection",
            "Resection of primary tumor",
            ("yes", "no"),
            _yes_no("primary_resection"),
            {"yes": "Yes", "no": "No"},
        ),
        Factor(
            "metastasectomy_curative",
            "Metastasectomy with curative intent",
            ("yes", "no"),
            _yes_no("metastasectomy_curative"),
            {"yes": "Yes", "no": "No"},
        ),
        Factor("chemotherapy", "Chemotherapy", ("yes", "no"), _yes_no("chemotherapy"), {"yes": "Yes", "no": "No"}),
        Factor(
            "chemo_peri_metastasectomy",
            "Chemotherapy prior to or after metastasectomy",
            ("yes", "no"),
            _yes_no("chemo_peri_metastasectomy"),
            {"yes": "Yes", "no": "No"},
        ),
        Factor("radiotherapy", "Radiotherapy", ("yes", "no"), _yes_no("radiotherapy"), {"yes": "Yes", "no": "No"}),
        interval(),
        era(),
        Factor("first_line_response", "Response to first-line chemotherapy", ("non-PD", "PD"), _first_line_response),
    ]
}

# The factors of each univariate table, in the paper's row order.
TABLE1 = [
    "age",
    "sex",
    "primary_site",
    "size",
    "depth",
    "grade",
    "presenting",
    "initial_metastatic_sites",
    "primary_resection",
    "metastasectomy_curative",
    "chemotherapy",
    "radiotherapy",
]
TABLE4 = [
    "age",
    "sex",
    "primary_site",
    "size",
    "depth",
    "grade",
    "interval",
    "initial_metastatic_lesions",
    "chemo_peri_metastasectomy",
    "radiotherapy",
]
TABLE5 = [
    "age",
    "sex",
    "primary_site",
    "size",
    "depth",
    "grade",
    "presenting",
    "initial_metastatic_sites",
    "primary_resection",
    "chemotherapy",
    "radiotherapy",
]

# Table 3: the multivariate Cox model's candidate covariates, as 0/1 indicators of the "bad" level.
COX_COVARIATES = {
    "size_gt10": ("size", ">10"),
    "synchronous": ("presenting", "synchronous"),
    "sites_gt1": ("initial_metastatic_sites", ">1"),
    "no_metastasectomy": ("metastasectomy_curative", "no"),
}
# ... and how the book names them (Table 3's own row labels, with the paper's "no metastasectomy" made explicit)
COX_LABELS = {
    "size_gt10": "Size > 10 cm",
    "synchronous": "Synchronous metastasis",
    "sites_gt1": "Initial metastatic sites > 1",
    "no_metastasectomy": "No curative metastasectomy",
}

SUBSETS = {
    "all": "All patients",
    "metastasectomy": "Curative-intent metastasectomy",
    "no_metastasectomy": "No curative-intent metastasectomy",
    "palliative_chemo": "No curative metastasectomy, palliative chemotherapy",
}


def subset(cohort: pd.DataFrame, name: str) -> pd.DataFrame:
    """One of the paper's analysis populations (see module docstring)."""
    cur = pd.to_numeric(cohort["metastasectomy_curative"], errors="coerce")
    if name == "all":
        mask = pd.Series(True, index=cohort.index)
    elif name == "metastasectomy":
        mask = cur == 1
    elif name == "no_metastasectomy":
        mask = cur == 0
    elif name == "palliative_chemo":
        mask = (cur == 0) & (pd.to_numeric(cohort["chemotherapy"], errors="coerce") == 1)
    else:
        raise KeyError(f"unknown subset {name!r}; choose from {sorted(SUBSETS)}")
    return cohort.loc[mask]


def levels(cohort: pd.DataFrame, factor: str | Factor) -> pd.Series:
    """The level of each patient for ``factor`` (a key of ``FACTORS`` or a ``Factor``)."""
    f = FACTORS[factor] if isinstance(factor, str) else factor
    return f(cohort)


def cox_design(cohort: pd.DataFrame, covariates=None) -> pd.DataFrame:
    """0/1 indicator columns for Table 3's covariates, named as in ``COX_COVARIATES``."""
    covariates = list(COX_COVARIATES) if covariates is None else list(covariates)
    out = {}
    for name in covariates:
        key, bad = COX_COVARIATES[name]
        lv = levels(cohort, key)
        out[name] = np.where(lv.isna(), np.nan, (lv == bad).astype(float))
    return pd.DataFrame(out, index=cohort.index)
