"""The columns of each file: their specifications, the one source for both validation stages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

REGIMEN_NAMES = ("DXR", "DXR+IFM", "GEM+DOC", "PAZ", "TRB", "ERB")
RESPONSES = ("CR", "PR", "SD", "PD")
SITE_COLUMNS = ("site_lung", "site_liver", "site_muscle", "site_lymph_node", "site_bone", "site_other")


@dataclass(frozen=True)
class Spec:
    """One column: how it is written (``kind``), what values it may take, whether it may be empty."""

    name: str
    kind: str  #: "id" | "number" | "whole" | "binary" | "category" | "date"
    allowed: tuple[str, ...] = ()
    low: float | None = None  #: inclusive lower bound, unless low_open
    high: float | None = None  #: inclusive upper bound
    low_open: bool = False
    nullable: bool = False
    unique: bool = False


def _binary(name: str, nullable: bool = False) -> Spec:
    return Spec(name, "binary", ("0", "1"), nullable=nullable)


COHORT_SPECS: tuple[Spec, ...] = (
    Spec("patient_id", "id", unique=True),
    Spec("age_years", "number", low=1, high=110),
    Spec("sex", "category", ("male", "female")),
    Spec("primary_site", "category", ("extremity", "trunk", "retroperitoneum", "others")),
    Spec("size_cm", "number", low=0, low_open=True, high=100),
    Spec("depth", "category", ("superficial", "deep")),
    Spec("grade", "whole", ("2", "3"), nullable=True),
    Spec("presenting", "category", ("metachronous", "synchronous")),
    Spec("interval_to_metastasis_months", "number", low=0, high=600),
    Spec("metastasis_year", "whole", low=2006, high=2020),
    Spec("initial_metastatic_sites", "whole", low=1, high=20),
    Spec("initial_metastatic_lesions", "whole", low=1, high=10000),
    *(_binary(c) for c in SITE_COLUMNS),
    _binary("primary_resection"),
    _binary("metastasectomy_any"),
    _binary("metastasectomy_curative"),
    _binary("chemo_peri_metastasectomy", nullable=True),
    _binary("chemotherapy"),
    Spec("first_line_regimen", "category", REGIMEN_NAMES, nullable=True),
    Spec("first_line_response", "category", RESPONSES, nullable=True),
    _binary("radiotherapy"),
    _binary("local_recurrence", nullable=True),
    Spec("os_months", "number", low=0, low_open=True, high=600),
    _binary("death"),
    Spec("status", "category", ("NED", "AWD", "DOD")),
)

REGIMEN_SPECS: tuple[Spec, ...] = (
    Spec("patient_id", "id"),
    Spec("line", "whole", low=1, high=20),
    Spec("regimen", "category", REGIMEN_NAMES),
    Spec("best_response", "category", RESPONSES),
    Spec("pfs_months", "number", low=0, low_open=True, high=600),
    _binary("pfs_event"),
)

# Facts the paper prints about the primary tumour's treatment (Sections 3.1 and 3.2) that the cohort file's fixed
# columns do not hold.  Their names are the factors of data/published that they reproduce.
PRIMARY_REGIMENS = ("DXR+IFM", "other")
PRIMARY_TREATMENT_SPECS: tuple[Spec, ...] = (
    Spec("patient_id", "id", unique=True),
    _binary("perioperative_chemo_primary", nullable=True),
    Spec("perioperative_chemo_primary_regimen", "category", PRIMARY_REGIMENS, nullable=True),
    _binary("local_recurrence_resection", nullable=True),
)

SPECS: dict[str, tuple[Spec, ...]] = {
    "cohort": COHORT_SPECS,
    "regimens": REGIMEN_SPECS,
    "primary_treatment": PRIMARY_TREATMENT_SPECS,
}
COHORT_COLUMNS: list[str] = [s.name for s in COHORT_SPECS]
REGIMEN_COLUMNS: list[str] = [s.name for s in REGIMEN_SPECS]
PRIMARY_TREATMENT_COLUMNS: list[str] = [s.name for s in PRIMARY_TREATMENT_SPECS]
COLUMNS: dict[str, list[str]] = {k: [s.name for s in v] for k, v in SPECS.items()}
ROW_NOUN = {"cohort": "patient", "regimens": "regimen", "primary_treatment": "patient"}
REFERS_TO_COHORT = ("regimens", "primary_treatment")  # kinds whose rows are checked against a cohort

NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"  # ASCII digits only (not \d, which matches １２)
WHOLE = r"[+-]?[0-9]{1,15}"
MONTH_DAYS = 365.25 / 12  # 30.4375 days: a month (helpers.data.dates)
UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": MONTH_DAYS, "years": 365.25}  # a mapping's unit: of a time


def fmt(x: float) -> str:
    return f"{x:g}"


def expected_text(spec: Spec) -> str:
    """What a cell of this column must look like, in words (used in messages and in the README)."""
    if spec.kind == "id":
        text = "a patient identifier (any text)"
    elif spec.kind == "binary":
        text = "0 or 1"
    elif spec.kind == "date":
        text = "a date (YYYY-MM-DD, or a date cell)"
    elif spec.allowed:
        text = "one of " + ", ".join(spec.allowed)
    elif spec.kind == "whole":
        text = "a whole number"
    else:
        text = "a number"
    return text + (" or empty" if spec.nullable else "")


def range_text(spec: Spec) -> str:
    lo = (f"> {fmt(spec.low)}" if spec.low_open else f">= {fmt(spec.low)}") if spec.low is not None else None
    hi = f"<= {fmt(spec.high)}" if spec.high is not None else None
    return " and ".join(p for p in (lo, hi) if p)


def infer_kind(header: Iterable[str], mapping=None) -> str | None:
    """``"cohort"``, ``"regimens"`` or ``"primary_treatment"`` from a header, or None when it looks like none.
    With a :class:`~helpers.data.mapping.Mapping`, each kind's columns are looked for under the user's names."""
    header = list(header)
    score = {}
    for k, v in COLUMNS.items():
        ours = set(v) | (set(DATE_COLUMNS) if k == "cohort" else set())
        section = mapping.section(k) if mapping is not None else None
        if section is not None:
            theirs = {c.source: c.target for c in section.columns.values()}
            cols = {theirs.get(c, c) for c in header if c not in section.ignore}
        else:
            cols = set(header)
        score[k] = len(cols & ours) - len(cols - ours)
    ranked = sorted(score, key=score.get, reverse=True)
    if score[ranked[0]] <= 1 or score[ranked[0]] == score[ranked[1]]:
        return None
    return ranked[0]


# Dates a real record keeps, accepted in a cohort file instead of the month columns they derive
# (helpers.data.dates): each date column, and the columns it stands in for.
DATE_SPECS: tuple[Spec, ...] = (
    Spec("primary_diagnosis_date", "date"),
    Spec("metastasis_date", "date"),
    Spec("last_followup_date", "date", nullable=True),
    Spec("death_date", "date", nullable=True),
)
DATE_COLUMNS: list[str] = [s.name for s in DATE_SPECS]
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "interval_to_metastasis_months": ("primary_diagnosis_date", "metastasis_date"),
    "metastasis_year": ("metastasis_date",),
    "os_months": ("metastasis_date", "last_followup_date", "death_date"),
    "death": ("death_date",),
}
KINDS: tuple[str, ...] = tuple(SPECS)


def spec_of(kind: str, column: str) -> Spec | None:
    """The specification of one column of a kind of file (a date column counts for the cohort), or None."""
    for spec in SPECS[kind] + (DATE_SPECS if kind == "cohort" else ()):
        if spec.name == column:
            return spec
    return None


# What each column means, its unit, allowed values and whether it may be empty: data/README.md's tables,
# verbatim (tests/test_data.py checks that they agree), and the documentation sheet of
# ``python -m helpers.data template``.
DOCS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "cohort": {
        "patient_id": ("patient identifier, unique in the file", "text", "any non-empty text, unique", "no"),
        "age_years": ("age at diagnosis of metastatic disease", "years (number)", "1 – 110", "no"),
        "sex": ("sex", "category", "`male`, `female`", "no"),
        "primary_site": (
            "site of the primary tumour",
            "category",
            "`extremity`, `trunk`, `retroperitoneum`, `others`",
            "no",
        ),
        "size_cm": ("greatest dimension of the primary tumour", "cm (number)", "> 0 and ≤ 100", "no"),
        "depth": ("depth relative to the investing fascia", "category", "`superficial`, `deep`", "no"),
        "grade": ("FNCLCC histological grade", "whole number", "`2`, `3`", "yes (grade unknown)"),
        "presenting": (
            "metastasis at initial diagnosis (`synchronous`) or after the initial curative treatment (`metachronous`)",
            "category",
            "`metachronous`, `synchronous`",
            "no",
        ),
        "interval_to_metastasis_months": (
            "time from initial diagnosis to metastasis; `0` exactly when synchronous",
            "months (number)",
            "≥ 0 and ≤ 600",
            "no",
        ),
        "metastasis_year": ("calendar year metastasis was diagnosed", "year (whole number)", "2006 – 2020", "no"),
        "initial_metastatic_sites": (
            "number of organ sites with metastasis at metastasis diagnosis",
            "whole number",
            "1 – 20",
            "no",
        ),
        "initial_metastatic_lesions": (
            "number of metastatic lesions at metastasis diagnosis",
            "whole number",
            "≥ 1, and ≥ `initial_metastatic_sites`",
            "no",
        ),
        "site_lung": ("lung among the initial metastatic sites", "0/1", "`0`, `1`", "no"),
        "site_liver": ("liver among the initial metastatic sites", "0/1", "`0`, `1`", "no"),
        "site_muscle": ("muscle among the initial metastatic sites", "0/1", "`0`, `1`", "no"),
        "site_lymph_node": ("lymph node(s) among the initial metastatic sites", "0/1", "`0`, `1`", "no"),
        "site_bone": ("bone among the initial metastatic sites", "0/1", "`0`, `1`", "no"),
        "site_other": (
            "any other initial metastatic site (skin, peritoneum, ...; may stand for several)",
            "0/1",
            "`0`, `1`",
            "no",
        ),
        "primary_resection": ("the primary tumour was resected", "0/1", "`0`, `1`", "no"),
        "metastasectomy_any": ("any metastasectomy, whatever its intent", "0/1", "`0`, `1`", "no"),
        "metastasectomy_curative": (
            "complete resection of the metastatic lesions (metastasectomy with curative intent)",
            "0/1",
            "`0`, `1`",
            "no",
        ),
        "chemo_peri_metastasectomy": (
            "chemotherapy before and/or after the curative metastasectomy",
            "0/1",
            "`0`, `1`",
            "**empty exactly when** `metastasectomy_curative` is 0",
        ),
        "chemotherapy": ("chemotherapy for metastatic disease", "0/1", "`0`, `1`", "no"),
        "first_line_regimen": (
            "first-line regimen for metastatic disease",
            "category",
            "`DXR`, `DXR+IFM`, `GEM+DOC`, `PAZ`, `TRB`, `ERB`",
            "yes; must be empty when `chemotherapy` is 0",
        ),
        "first_line_response": (
            "best RECIST 1.1 response to the first-line regimen",
            "category",
            "`CR`, `PR`, `SD`, `PD`",
            "yes (not evaluated); must be empty when `chemotherapy` is 0",
        ),
        "radiotherapy": ("radiotherapy for metastatic lesions", "0/1", "`0`, `1`", "no"),
        "local_recurrence": (
            "local recurrence of the resected primary tumour",
            "0/1",
            "`0`, `1`",
            "only when `primary_resection` is 0 (then `0` or empty; never `1`)",
        ),
        "os_months": (
            "overall survival: metastasis diagnosis to death or last visit (also the follow-up time)",
            "months (number)",
            "> 0 and ≤ 600",
            "no",
        ),
        "death": ("died (of any cause) by the last visit: the OS event", "0/1", "`0`, `1`", "no"),
        "status": (
            "status at last follow-up: no evidence of disease, alive with disease, died (`DOD`; every death "
            'counts, as in the paper, whose 34 deaths are all "died of disease")',
            "category",
            "`NED`, `AWD`, `DOD`",
            "no",
        ),
    },
    "regimens": {
        "patient_id": (
            "the patient, as in the cohort file",
            "text",
            "a `patient_id` of the cohort file whose `chemotherapy` is 1",
            "no",
        ),
        "line": (
            "line of therapy for metastatic disease (1 = first line)",
            "whole number",
            "1 – 20, unique per patient",
            "no",
        ),
        "regimen": ("the regimen", "category", "`DXR`, `DXR+IFM`, `GEM+DOC`, `PAZ`, `TRB`, `ERB`", "no"),
        "best_response": ("best RECIST 1.1 response", "category", "`CR`, `PR`, `SD`, `PD`", "no"),
        "pfs_months": (
            "progression-free survival: start of the regimen to radiographic progression, stop for adverse "
            "events, death, or last visit",
            "months (number)",
            "> 0 and ≤ 600",
            "no",
        ),
        "pfs_event": (
            "the PFS interval ended with an event (progression, stop for adverse events, death) rather than censoring",
            "0/1",
            "`0`, `1`",
            "no",
        ),
    },
    "primary_treatment": {
        "patient_id": (
            "the patient, as in the cohort file",
            "text",
            "every `patient_id` of the cohort file, once",
            "no",
        ),
        "perioperative_chemo_primary": (
            "neoadjuvant or adjuvant chemotherapy (or both) around the resection of the primary tumour",
            "0/1",
            "`0`, `1`",
            "exactly when `presenting` is `synchronous` (its chemotherapy is for metastatic disease)",
        ),
        "perioperative_chemo_primary_regimen": (
            "that chemotherapy's regimen",
            "category",
            "`DXR+IFM` (doxorubicin plus ifosfamide), `other`",
            "yes; empty unless `perioperative_chemo_primary` is 1 (empty there: not recorded)",
        ),
        "local_recurrence_resection": (
            "the local recurrence was removed surgically",
            "0/1",
            "`0`, `1`",
            "exactly when `local_recurrence` is not 1",
        ),
    },
}
DATE_DOCS: dict[str, tuple[str, str, str, str]] = {
    "primary_diagnosis_date": (
        "date the primary tumour was first diagnosed; with `metastasis_date`, instead of "
        "`interval_to_metastasis_months`",
        "date",
        "not after `metastasis_date`, not in the future",
        "no",
    ),
    "metastasis_date": (
        "date metastatic disease was diagnosed, the start of overall survival; instead of `metastasis_year`",
        "date",
        "not in the future",
        "no",
    ),
    "last_followup_date": (
        "date of the last visit; with `metastasis_date` (and `death_date`), instead of `os_months`. "
        "Without a `death_date` column: the date of death or of the last visit",
        "date",
        "not before `metastasis_date`, not after `death_date`, not in the future",
        "only when `death_date` is given",
    ),
    "death_date": (
        "date of death; with it, `death` may be left out (1 where a date is given)",
        "date",
        "not before `metastasis_date`, not in the future",
        "yes: empty while alive",
    ),
}
