"""The cohort and regimen files: schema, validation and loading.

Three CSV files feed the book (see ``data/README.md`` for every column):

- the *cohort* file, one line per patient (``COHORT_COLUMNS``);
- the *regimens* file, one line per chemotherapy regimen given for metastatic disease (``REGIMEN_COLUMNS``);
- the *primary-treatment* file, one line per patient, with the facts of the primary tumour's treatment that
  the cohort file's fixed schema has no column for (``PRIMARY_TREATMENT_COLUMNS``; optional, like the regimens).

Validation runs in two pandera stages over a frame whose index is the **line number in the file**
(header = line 1), so every problem names its line:

1. ``raw_schema(kind)`` on the text as written: columns present and no others, each cell of the right
   type (number, whole number, 0/1, allowed category), empty only where missing is allowed;
2. ``typed_schema(kind)`` on the parsed values: dtypes, ranges, unique ids and the cross-field rules.

``validate(path)`` returns every problem as a :class:`Problem`; ``load_cohort`` / ``load_regimens`` /
``load_primary_treatment`` raise
one :class:`DataError` listing them all, or return typed DataFrames.  The command line::

    python -m helpers.data validate FILE [--kind cohort|regimens|primary_treatment] [--cohort COHORT_FILE]

prints ``OK ...`` and exits 0, or prints one ``FILE:LINE: column C: value 'X' — expected ...`` line per
problem and exits 1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import paths

__all__ = [
    "COHORT_COLUMNS", "REGIMEN_COLUMNS", "PRIMARY_TREATMENT_COLUMNS", "REGIMEN_NAMES", "RESPONSES", "SPECS",
    "Problem", "DataError", "validate", "validate_frame", "to_csv_bytes", "load_cohort", "load_regimens", "raw_schema", "typed_schema",
    "infer_kind", "provenance", "cohort_banner", "is_synthetic_default", "regimens_available",
    "regimens_missing_note", "load_primary_treatment", "primary_treatment_available",
    "primary_treatment_missing_note", "main",
]

REGIMEN_NAMES = ("DXR", "DXR+IFM", "GEM+DOC", "PAZ", "TRB", "ERB")
RESPONSES = ("CR", "PR", "SD", "PD")
SITE_COLUMNS = ("site_lung", "site_liver", "site_muscle", "site_lymph_node", "site_bone", "site_other")


# ---------------------------------------------------------------------------------------------------------------
# Column specifications (one source for both schemas and for data/README.md)
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One column: how it is written (``kind``), what values it may take, whether it may be empty."""

    name: str
    kind: str  # "id" | "number" | "whole" | "binary" | "category"
    allowed: tuple[str, ...] = ()
    low: float | None = None  # inclusive lower bound, unless low_open
    high: float | None = None  # inclusive upper bound
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

# Facts the paper prints about the primary tumour's treatment (Sections 3.1 and 3.2) that issue 3's cohort schema
# has no column for.  Their names are the factors of data/published that they reproduce.
PRIMARY_REGIMENS = ("DXR+IFM", "other")
PRIMARY_TREATMENT_SPECS: tuple[Spec, ...] = (
    Spec("patient_id", "id", unique=True),
    _binary("perioperative_chemo_primary", nullable=True),
    Spec("perioperative_chemo_primary_regimen", "category", PRIMARY_REGIMENS, nullable=True),
    _binary("local_recurrence_resection", nullable=True),
)

SPECS: dict[str, tuple[Spec, ...]] = {"cohort": COHORT_SPECS, "regimens": REGIMEN_SPECS,
                                      "primary_treatment": PRIMARY_TREATMENT_SPECS}
COHORT_COLUMNS: list[str] = [s.name for s in COHORT_SPECS]
REGIMEN_COLUMNS: list[str] = [s.name for s in REGIMEN_SPECS]
PRIMARY_TREATMENT_COLUMNS: list[str] = [s.name for s in PRIMARY_TREATMENT_SPECS]
COLUMNS: dict[str, list[str]] = {k: [s.name for s in v] for k, v in SPECS.items()}
ROW_NOUN = {"cohort": "patient", "regimens": "regimen", "primary_treatment": "patient"}
REFERS_TO_COHORT = ("regimens", "primary_treatment")  # kinds whose rows are checked against a cohort

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_WHOLE = r"[+-]?\d{1,15}"


def _fmt(x: float) -> str:
    return f"{x:g}"


def _expected_text(spec: Spec) -> str:
    """What a cell of this column must look like, in words (used in messages and in the README)."""
    if spec.kind == "id":
        text = "a patient identifier (any text)"
    elif spec.kind == "binary":
        text = "0 or 1"
    elif spec.allowed:
        text = "one of " + ", ".join(spec.allowed)
    elif spec.kind == "whole":
        text = "a whole number"
    else:
        text = "a number"
    return text + (" or empty" if spec.nullable else "")


def _range_text(spec: Spec) -> str:
    lo = (f"> {_fmt(spec.low)}" if spec.low_open else f">= {_fmt(spec.low)}") if spec.low is not None else None
    hi = f"<= {_fmt(spec.high)}" if spec.high is not None else None
    return " and ".join(p for p in (lo, hi) if p)


# ---------------------------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One problem in a data file.  ``line`` is the 1-based line in the file (header = 1), None for the whole file;
    ``column`` is None for problems of the whole file or line; ``value`` is the text as written."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is None:
            found = f"{self.value} — " if self.value else ""
            return f"{where}: {found}expected {self.expected}"
        if self.value is None:
            return f"{where}: column {self.column}: missing — expected {self.expected}"
        return f"{where}: column {self.column}: value '{self.value}' — expected {self.expected}"


class DataError(ValueError):
    """A data file failed validation; ``problems`` lists every problem, and ``str()`` prints them one per line."""

    def __init__(self, path: Path | str, kind: str | None, problems: list[Problem]):
        self.path = str(path)
        self.kind = kind
        self.problems = list(problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        n = len(self.problems)
        head = f"{_display(path)} is not {what} ({n} problem{'s' if n != 1 else ''}):"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


def _display(path: Path | str) -> str:
    """A path as shown to the reader: relative to the repository when inside it (stable across machines)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(paths.REPO))
    except ValueError:
        return str(p)


# ---------------------------------------------------------------------------------------------------------------
# Reading the file: text -> string frame indexed by line number
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class _Table:
    header: list[str]
    header_line: int
    rows: pd.DataFrame  # object dtype, stripped text, NaN for empty; index = line number in the file


def _read_table(path: Path, shown: str, raw: bytes | None = None) -> tuple[_Table | None, list[Problem]]:
    """Read a CSV file (or its ``raw`` bytes) as text.  Problems of the file as a whole come back with ``None``."""

    def whole(found: str, expected: str) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, None, None, found, expected)]

    if raw is None:
        if not path.exists():
            return whole("file not found", "an existing CSV file")
        if path.is_dir():
            return whole("is a directory", "a CSV file")
        try:
            raw = path.read_bytes()
        except OSError as e:
            return whole(f"cannot be read ({e.strerror})", "a readable CSV file")
    if not raw.strip():
        return whole("file is empty", "a header line and one line per row")
    if b"\x00" in raw:
        return whole("not CSV text (binary data)", "a comma-separated text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return whole(f"not CSV text (not UTF-8 at byte {e.start})", "a comma-separated UTF-8 text file")

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    try:
        for fields in reader:
            start, last = last + 1, reader.line_num
            if len(fields) <= 1 and not "".join(fields).strip():
                continue  # blank line
            records.append((start, [f.strip() for f in fields]))
    except csv.Error as e:
        return None, [Problem(shown, reader.line_num, None, "not CSV text", f"valid CSV ({e})")]

    if not records:
        return whole("file is empty", "a header line and one line per row")
    header_line, header = records[0]
    problems: list[Problem] = []
    if len(header) == 1:
        sep = next((s for s in (";", "\t", "|") if s in header[0]), None)
        if sep is not None:
            name = {";": "semicolon", "\t": "tab", "|": "'|'"}[sep]
            return whole(f"not comma-separated (the header looks {name}-separated)",
                         "comma-separated values, as in data/cohort.csv")
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(shown, header_line, "(header)", "", "a column name in every header field"))
        elif name in seen:
            problems.append(Problem(shown, header_line, name, name, "each column name once in the header"))
        seen.add(name)
    if len(records) == 1:
        problems.append(Problem(shown, None, None, "header only, no data lines", "one line per row after the header"))
    if problems:
        return None, problems

    good: list[list[str]] = []
    lines: list[int] = []
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(Problem(shown, line, None, f"{len(fields)} fields",
                                    f"{len(header)} comma-separated fields, as in the header"))
            continue
        good.append(fields)
        lines.append(line)
    frame = pd.DataFrame(good, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.mask(frame.eq(""))
    return _Table(header, header_line, frame), problems


def infer_kind(header: Iterable[str]) -> str | None:
    """``"cohort"``, ``"regimens"`` or ``"primary_treatment"`` from a header, or None when it looks like none."""
    cols = set(header)
    score = {k: len(cols & set(v)) - len(cols - set(v)) for k, v in COLUMNS.items()}
    ranked = sorted(score, key=score.get, reverse=True)
    if score[ranked[0]] <= 1 or score[ranked[0]] == score[ranked[1]]:
        return None
    return ranked[0]


# ---------------------------------------------------------------------------------------------------------------
# Stage 1: the text of each cell
# ---------------------------------------------------------------------------------------------------------------

def _matches(pattern: str) -> Callable[[pd.Series], pd.Series]:
    def check(s: pd.Series) -> pd.Series:
        return s.isna() | s.astype(str).str.fullmatch(pattern)

    return check


def _raw_column(spec: Spec) -> pa.Column:
    expected = _expected_text(spec)
    if spec.allowed:
        checks = [pa.Check.isin(list(spec.allowed), error=expected)]
    elif spec.kind == "number":
        checks = [pa.Check(_matches(_NUMBER), error=expected)]
    elif spec.kind == "whole":
        checks = [pa.Check(_matches(_WHOLE), error=expected)]
    else:
        checks = []
    return pa.Column(object, checks=checks, nullable=spec.nullable, required=True)


def raw_schema(kind: str) -> pa.DataFrameSchema:
    """The pandera schema of a file's text: every column present and no others, each cell well-formed."""
    return pa.DataFrameSchema({s.name: _raw_column(s) for s in SPECS[kind]}, strict=True, name=f"{kind} (text)")


# ---------------------------------------------------------------------------------------------------------------
# Stage 2: typed values, ranges, uniqueness and cross-field rules
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A cross-field rule: ``ok(frame)`` is True where a row is consistent; ``explain(row)`` -> (value, expected)
    for ``column`` of an inconsistent row.  ``uses`` lists every column it reads."""

    name: str
    column: str
    uses: tuple[str, ...]
    ok: Callable[[pd.DataFrame], pd.Series]
    explain: Callable[[pd.Series], tuple[str, str]]


def _txt(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, (float, np.floating)):
        return _fmt(float(v))
    return str(v)


def _eq(s: pd.Series, value) -> pd.Series:
    """Elementwise ``s == value`` with missing -> False."""
    return (s == value).fillna(False).astype(bool)


def _status_death_ok(d: pd.DataFrame) -> pd.Series:
    known = d["status"].notna() & d["death"].notna()
    return ~known | (_eq(d["status"], "DOD") == _eq(d["death"], 1))


def _status_death_explain(r: pd.Series) -> tuple[str, str]:
    want = "DOD" if r["death"] == 1 else "NED or AWD"
    return _txt(r["status"]), f"{want} because death is {_txt(r['death'])} (status is DOD exactly when death is 1)"


def _interval_ok(d: pd.DataFrame) -> pd.Series:
    known = d["presenting"].notna() & d["interval_to_metastasis_months"].notna()
    sync = _eq(d["presenting"], "synchronous")
    zero = _eq(d["interval_to_metastasis_months"], 0)
    return ~known | (sync == zero)


def _interval_explain(r: pd.Series) -> tuple[str, str]:
    value = _txt(r["interval_to_metastasis_months"])
    if r["presenting"] == "synchronous":
        return value, "0 because presenting is synchronous (0 exactly when synchronous)"
    return value, "> 0 because presenting is metachronous (0 exactly when synchronous)"


def _peri_ok(d: pd.DataFrame) -> pd.Series:
    cur = d["metastasectomy_curative"]
    empty = d["chemo_peri_metastasectomy"].isna()
    return cur.isna() | (empty == _eq(cur, 0))


def _peri_explain(r: pd.Series) -> tuple[str, str]:
    if r["metastasectomy_curative"] == 1:
        return "", "0 or 1 because metastasectomy_curative is 1 (empty exactly when it is 0)"
    return _txt(r["chemo_peri_metastasectomy"]), "empty because metastasectomy_curative is 0"


def _needs_chemo(column: str) -> Rule:
    def ok(d: pd.DataFrame) -> pd.Series:
        return d["chemotherapy"].isna() | d[column].isna() | _eq(d["chemotherapy"], 1)

    return Rule(f"{column}_without_chemotherapy", column, (column, "chemotherapy"), ok,
                lambda r: (_txt(r[column]), "empty because chemotherapy is 0"))


def _any_ok(d: pd.DataFrame) -> pd.Series:
    return ~_eq(d["metastasectomy_curative"], 1) | ~_eq(d["metastasectomy_any"], 0)


def _local_ok(d: pd.DataFrame) -> pd.Series:
    res, lr = d["primary_resection"], d["local_recurrence"]
    empty_ok = ~lr.isna() | _eq(res, 0) | res.isna()
    one_ok = ~_eq(lr, 1) | ~_eq(res, 0)
    return empty_ok & one_ok


def _local_explain(r: pd.Series) -> tuple[str, str]:
    if r["primary_resection"] == 1:
        return "", "0 or 1 because primary_resection is 1 (empty only without a resected primary)"
    return _txt(r["local_recurrence"]), "0 or empty because primary_resection is 0 (no local recurrence without resection)"


def _site_count(d: pd.DataFrame) -> pd.Series:
    return sum(d[c].fillna(0) for c in SITE_COLUMNS)


def _sites_ok(d: pd.DataFrame) -> pd.Series:
    n, marked = d["initial_metastatic_sites"], _site_count(d)
    exact = _eq(d["site_other"], 0)
    good = (marked >= 1) & (marked <= n) & (~exact | (marked == n))
    unknown = n.isna() | d[list(SITE_COLUMNS)].isna().any(axis=1)
    return (unknown | good).astype(bool)


def _sites_explain(r: pd.Series) -> tuple[str, str]:
    marked = [c for c in SITE_COLUMNS if r[c] == 1]
    value = _txt(r["initial_metastatic_sites"])
    if not marked:
        return value, "at least one site_* column set to 1"
    listed = ", ".join(marked)
    if len(marked) > r["initial_metastatic_sites"]:
        return value, f"at least {len(marked)}, the number of site_* columns set to 1 ({listed})"
    return value, (f"{len(marked)}, the number of site_* columns set to 1 ({listed}); "
                   "set site_other to 1 when other sites make up the difference")


def _lesions_ok(d: pd.DataFrame) -> pd.Series:
    lesions, sites = d["initial_metastatic_lesions"], d["initial_metastatic_sites"]
    return (lesions.isna() | sites.isna() | (lesions >= sites)).fillna(True).astype(bool)


COHORT_RULES: tuple[Rule, ...] = (
    Rule("status_vs_death", "status", ("status", "death"), _status_death_ok, _status_death_explain),
    Rule("interval_vs_presenting", "interval_to_metastasis_months", ("interval_to_metastasis_months", "presenting"),
         _interval_ok, _interval_explain),
    Rule("chemo_peri_vs_curative", "chemo_peri_metastasectomy", ("chemo_peri_metastasectomy", "metastasectomy_curative"),
         _peri_ok, _peri_explain),
    _needs_chemo("first_line_regimen"),
    _needs_chemo("first_line_response"),
    Rule("curative_implies_any", "metastasectomy_any", ("metastasectomy_any", "metastasectomy_curative"), _any_ok,
         lambda r: ("0", "1 because metastasectomy_curative is 1 (a curative metastasectomy is a metastasectomy)")),
    Rule("local_recurrence_vs_resection", "local_recurrence", ("local_recurrence", "primary_resection"), _local_ok,
         _local_explain),
    Rule("sites_vs_site_columns", "initial_metastatic_sites", ("initial_metastatic_sites", *SITE_COLUMNS), _sites_ok,
         _sites_explain),
    Rule("lesions_vs_sites", "initial_metastatic_lesions", ("initial_metastatic_lesions", "initial_metastatic_sites"),
         _lesions_ok, lambda r: (_txt(r["initial_metastatic_lesions"]),
                                 f">= initial_metastatic_sites ({_txt(r['initial_metastatic_sites'])}): "
                                 "at least one lesion per site")),
)


def _regimen_rules(cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    rules = [Rule("line_unique", "line", ("patient_id", "line"),
                  lambda d: ~d.duplicated(["patient_id", "line"], keep=False) | d[["patient_id", "line"]].isna().any(axis=1),
                  lambda r: (_txt(r["line"]), f"each line number once per patient (patient {r['patient_id']} repeats it)"))]
    if cohort is not None:
        source = _cohort_source(cohort)
        chemo = cohort.set_index("patient_id")["chemotherapy"] if "chemotherapy" in cohort else None
        rules.append(_in_cohort_rule(cohort, source))
        if chemo is not None:
            no_chemo = set(chemo[_eq(chemo, 0)].index)
            rules.append(Rule("patient_had_chemotherapy", "patient_id", ("patient_id",),
                              lambda d: ~d["patient_id"].isin(no_chemo),
                              lambda r: (_txt(r["patient_id"]), f"a patient with chemotherapy 1 in {source} "
                                         "(this patient has chemotherapy 0)")))
    return tuple(rules)


def _in_cohort_rule(cohort: pd.DataFrame, source: str) -> Rule:
    ids = set(cohort["patient_id"].dropna())
    return Rule("patient_in_cohort", "patient_id", ("patient_id",),
                lambda d: d["patient_id"].isna() | d["patient_id"].isin(ids),
                lambda r: (_txt(r["patient_id"]), f"a patient_id of {source}"))


def _cohort_source(cohort: pd.DataFrame) -> str:
    return f"the cohort file {cohort.attrs['source']}" if cohort.attrs.get("source") else "the cohort"


def _empty_unless(spec: Spec, name: str, when: Callable[[pd.DataFrame], pd.Series], because: str) -> Rule:
    """Column ``spec`` is empty exactly where ``when`` is False (and given where it is True); ``when`` reads
    the row's ``patient_id``."""
    column = spec.name

    def ok(d: pd.DataFrame) -> pd.Series:
        w = when(d)
        return w.isna() | (d[column].isna() == ~w.fillna(False).astype(bool))

    def explain(r: pd.Series) -> tuple[str, str]:
        if pd.isna(r[column]):
            return "", f"{_expected_text(spec).removesuffix(' or empty')} because {because}"
        return _txt(r[column]), f"empty (it is given only when {because})"

    return Rule(name, column, (column, "patient_id"), ok, explain)


def _primary_rules(cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    """The primary-treatment file: the regimen only for a patient given perioperative chemotherapy; against the
    cohort, perioperative chemotherapy known exactly for the metachronous patients (whose primary was resected
    before metastasis) and the resection of a local recurrence exactly for the patients with one."""
    rules = [Rule("regimen_needs_chemo", "perioperative_chemo_primary_regimen",
                  ("perioperative_chemo_primary_regimen", "perioperative_chemo_primary"),
                  lambda d: d["perioperative_chemo_primary_regimen"].isna() | _eq(d["perioperative_chemo_primary"], 1),
                  lambda r: (_txt(r["perioperative_chemo_primary_regimen"]),
                             "empty because perioperative_chemo_primary is not 1"))]
    if cohort is not None:
        source = _cohort_source(cohort)
        by_id = cohort.drop_duplicates("patient_id").set_index("patient_id")
        rules.append(_in_cohort_rule(cohort, source))

        def cohort_is(column: str, value):
            def when(d: pd.DataFrame) -> pd.Series:
                v = d["patient_id"].map(by_id[column]) if column in by_id else pd.Series(np.nan, index=d.index)
                return (v == value).where(v.notna()).astype("boolean")
            return when

        spec = {s.name: s for s in PRIMARY_TREATMENT_SPECS}
        rules.append(_empty_unless(spec["perioperative_chemo_primary"], "perioperative_chemo_vs_presenting",
                                   cohort_is("presenting", "metachronous"), f"presenting is metachronous in {source}"))
        rules.append(_empty_unless(spec["local_recurrence_resection"], "resection_vs_local_recurrence",
                                   cohort_is("local_recurrence", 1), f"local_recurrence is 1 in {source}"))
    return tuple(rules)


def _rules_for(kind: str, cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    if kind == "cohort":
        return COHORT_RULES
    return _regimen_rules(cohort) if kind == "regimens" else _primary_rules(cohort)


def _rule_check(rule: Rule) -> pa.Check:
    def check(d: pd.DataFrame) -> pd.Series:
        if any(c not in d.columns for c in rule.uses):
            return pd.Series(True, index=d.index)
        return rule.ok(d).astype(bool)

    return pa.Check(check, name=rule.name, error=f"rule:{rule.name}")


_DTYPE = {"id": object, "category": object, "number": "float64", "whole": "Int64", "binary": "Int64"}


def _typed_column(spec: Spec) -> pa.Column:
    checks = []
    if spec.low is not None or spec.high is not None:
        text = _range_text(spec)
        if spec.low is not None and spec.high is not None:
            checks.append(pa.Check.in_range(spec.low, spec.high, include_min=not spec.low_open, error=text))
        elif spec.low is not None:
            checks.append((pa.Check.greater_than if spec.low_open else pa.Check.greater_than_or_equal_to)(
                spec.low, error=text))
        else:
            checks.append(pa.Check.less_than_or_equal_to(spec.high, error=text))
    return pa.Column(_DTYPE[spec.kind], checks=checks, nullable=True, unique=spec.unique, required=False,
                     coerce=False)


def typed_schema(kind: str, cohort: pd.DataFrame | None = None) -> pa.DataFrameSchema:
    """The pandera schema of parsed values: dtypes, ranges, unique ids, and the cross-field rules as dataframe checks.

    For ``kind="regimens"`` or ``"primary_treatment"``, pass the typed ``cohort`` to check every row against it."""
    rules = _rules_for(kind, cohort)
    return pa.DataFrameSchema({s.name: _typed_column(s) for s in SPECS[kind]},
                              checks=[_rule_check(r) for r in rules], name=f"{kind} (values)")


def _rules(kind: str, cohort: pd.DataFrame | None) -> dict[str, Rule]:
    return {r.name: r for r in _rules_for(kind, cohort)}


def _parse(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Typed values of a stage-1 frame; malformed cells (already reported) become missing."""
    out = {}
    for spec in SPECS[kind]:
        if spec.name not in raw:
            continue
        s = raw[spec.name]
        if spec.kind in ("id", "category"):
            out[spec.name] = s.astype(object)
            continue
        pattern = _WHOLE if spec.kind in ("whole", "binary") else _NUMBER
        good = s.notna() & s.astype(str).str.fullmatch(pattern).fillna(False).astype(bool)
        num = s.where(good).map(lambda x: float(x) if isinstance(x, str) else np.nan).astype("float64")
        out[spec.name] = num if spec.kind == "number" else num.round().astype("Int64")  # 15 digits: exact
    return pd.DataFrame(out, index=raw.index)


# ---------------------------------------------------------------------------------------------------------------
# pandera failures -> Problems
# ---------------------------------------------------------------------------------------------------------------

def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as e:
        return e.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "failure_case", "index"])


def _line(index) -> int | None:
    try:
        return None if index is None or pd.isna(index) else int(index)
    except (TypeError, ValueError):
        return None


def _problems_from(fc: pd.DataFrame, kind: str, shown: str, header_line: int, raw: pd.DataFrame,
                   rules: dict[str, Rule], typed: pd.DataFrame | None) -> list[tuple[Problem, tuple[str, ...]]]:
    """Problems from pandera's failure cases, each with the columns it depends on."""
    specs = {s.name: s for s in SPECS[kind]}
    problems: list[tuple[Problem, tuple[str, ...]]] = []
    done_rules: set[tuple[str, int]] = set()
    for rec in fc.itertuples(index=False):
        check, column, line = str(rec.check), rec.column, _line(rec.index)
        if check == "column_in_dataframe":
            name = str(rec.failure_case)
            problems.append((Problem(shown, header_line, name, None,
                                     f"a column named {name} (a {kind} file has the columns: {', '.join(COLUMNS[kind])})"),
                             (name,)))
        elif check == "column_in_schema":
            name = str(rec.failure_case)
            problems.append((Problem(shown, header_line, name, name, f"only the columns of a {kind} file "
                                     f"({', '.join(COLUMNS[kind])})"), (name,)))
        elif check.startswith("rule:"):
            rule = rules[check[5:]]
            if line is None or (rule.name, line) in done_rules:
                continue
            done_rules.add((rule.name, line))
            value, expected = rule.explain(typed.loc[line])
            problems.append((Problem(shown, line, rule.column, value, expected), rule.uses))
        elif line is None:
            continue  # a whole-column failure without a row (never expected; rows are reported individually)
        elif check == "not_nullable":
            problems.append((Problem(shown, line, column, "",
                                     f"{_expected_text(specs[column])} (this column cannot be empty)"), (column,)))
        elif check == "field_uniqueness":
            same = raw.index[raw[column] == raw.at[line, column]]
            others = ", ".join(str(i) for i in same if i != line)
            problems.append((Problem(shown, line, column, _txt(raw.at[line, column]),
                                     f"a unique {column} (also on line {others})"), (column,)))
        else:
            value = _txt(raw.at[line, column]) if column in raw and line in raw.index else _txt(rec.failure_case)
            problems.append((Problem(shown, line, column, value, check), (column,)))
    return problems


def _check_frame(table: _Table, kind: str, shown: str, cohort: pd.DataFrame | None
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    raw = table.rows
    stage1 = [p for p, _ in _problems_from(_failures(raw_schema(kind), raw), kind, shown, table.header_line, raw, {}, None)]
    bad_cells = {(p.line, p.column) for p in stage1}
    typed = _parse(raw[[c for c in raw.columns if c in COLUMNS[kind]]], kind)
    fc = _failures(typed_schema(kind, cohort), typed)
    fc = fc[~fc["check"].astype(str).isin(["column_in_dataframe", "column_in_schema"])]
    stage2 = _problems_from(fc, kind, shown, table.header_line, raw, _rules(kind, cohort), typed)
    # a malformed cell (reported in stage 1) makes its range or rule undecidable: report the cell only
    kept = [p for p, uses in stage2 if not any((p.line, c) in bad_cells for c in uses)]
    return typed, stage1 + kept


def _order(problems: list[Problem], kind: str, header: list[str] | None = None) -> list[Problem]:
    """File-level problems first, then by line, then in the order of the columns (the file's own for others)."""
    pos = {c: i for i, c in enumerate(COLUMNS[kind])}
    extra = {c: len(pos) + i for i, c in enumerate(header or [])}
    return sorted(problems, key=lambda p: (p.line is not None, p.line or 0,
                                           pos.get(p.column or "", extra.get(p.column or "", -1)), str(p)))


# ---------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------

def _check(path: Path | str, kind: str | None, cohort: Path | str | pd.DataFrame | None, raw: bytes | None = None
           ) -> tuple[str | None, pd.DataFrame | None, list[Problem]]:
    path = Path(path)
    shown = _display(path) if raw is None else str(path)
    table, problems = _read_table(path, shown, raw)
    if table is None:
        return kind, None, problems
    if kind is None:
        kind = infer_kind(table.header)
        if kind is None:
            return None, None, problems + [Problem(
                shown, table.header_line, None, "header matches neither file",
                f"a cohort header ({', '.join(COHORT_COLUMNS[:3])}, ...), a regimens header "
                f"({', '.join(REGIMEN_COLUMNS)}) or a primary_treatment header "
                f"({', '.join(PRIMARY_TREATMENT_COLUMNS)}); or pass --kind")]
    if kind not in SPECS:
        raise ValueError(f"kind must be one of {', '.join(SPECS)}, not {kind!r}")
    cohort_frame = None
    if kind in REFERS_TO_COHORT:
        cohort_frame, cohort_problems = _reference_cohort(cohort, kind)
        problems += cohort_problems
    typed, found = _check_frame(table, kind, shown, cohort_frame)
    if kind == "primary_treatment" and cohort_frame is not None and "patient_id" in typed:
        found += _missing_patients(typed, cohort_frame, shown)
    return kind, typed, _order(problems + found, kind, table.header)


def _missing_patients(typed: pd.DataFrame, cohort: pd.DataFrame, shown: str) -> list[Problem]:
    """A per-patient file must have a line for every patient of its cohort."""
    present = set(typed["patient_id"].dropna())
    missing = [str(i) for i in cohort["patient_id"].dropna() if i not in present]
    if not missing:
        return []
    listed = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return [Problem(shown, None, None, f"no line for {len(missing)} patient{'s' if len(missing) != 1 else ''} "
                    f"of {_cohort_source(cohort)} ({listed})", "one line per patient of the cohort")]


def _reference_cohort(cohort: Path | str | pd.DataFrame | None, kind: str = "regimens"
                      ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The cohort that a regimens or primary-treatment file's rows must refer to: a DataFrame, a file, or the
    cohort in use (``cohort_path()``)."""
    if isinstance(cohort, pd.DataFrame):
        return cohort, []
    path = Path(cohort) if cohort is not None else paths.cohort_path()
    kind, typed, problems = _check(path, "cohort", None)
    if problems:
        found = problems[0].value if len(problems) == 1 and problems[0].line is None else "not a valid cohort file"
        return None, [Problem(_display(path), None, None, f"cohort file: {found}",
                              f"a valid cohort file to check the {kind} file's patient_id against "
                              f"(see: python -m helpers.data validate {_display(path)})")]
    typed.attrs["source"] = _display(path)
    return typed, []


def validate(path: Path | str, kind: str | None = None, cohort: Path | str | pd.DataFrame | None = None
             ) -> list[Problem]:
    """Every problem of a cohort, regimens or primary-treatment file (``[]`` when valid).  ``kind`` is inferred
    from the header if None.

    A regimens or primary-treatment file is checked against ``cohort`` (a file or a loaded DataFrame), by
    default ``cohort_path()``."""
    return _check(path, kind, cohort)[2]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A cohort or regimens DataFrame as the CSV bytes this project writes (no index, empty for missing)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def validate_frame(frame: pd.DataFrame, kind: str, cohort: Path | str | pd.DataFrame | None = None,
                   name: str = "<frame>") -> list[Problem]:
    """Every problem of a DataFrame *before* it is written, exactly as ``validate`` would report them for the file
    ``to_csv_bytes(frame)`` (same code, same line numbers); ``name`` stands for the file in messages."""
    return _check(Path(name), kind, cohort, raw=to_csv_bytes(frame))[2]


def _finish(typed: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = typed[COLUMNS[kind]].reset_index(drop=True)
    for spec in SPECS[kind]:
        if spec.kind in ("id", "category"):
            out[spec.name] = out[spec.name].astype(object).where(out[spec.name].notna(), np.nan)
    return out


def _load(path: Path | str, kind: str, cohort=None) -> pd.DataFrame:
    found_kind, typed, problems = _check(path, kind, cohort)
    if problems:
        raise DataError(path, kind, problems)
    out = _finish(typed, kind)
    out.attrs["source"] = _display(path)
    return out


def load_cohort(path: Path | str | None = None) -> pd.DataFrame:
    """The validated cohort (default ``cohort_path()``): one row per patient, columns ``COHORT_COLUMNS``.

    Numbers are float64, whole numbers and 0/1 facts nullable ``Int64`` (``grade``, ``chemo_peri_metastasectomy``
    and ``local_recurrence`` may be missing), categories Python ``str`` with NaN for missing.  Raises
    :class:`DataError` listing every problem."""
    return _load(paths.cohort_path() if path is None else path, "cohort")


def _load_companion(path: Path | str | None, kind: str, cohort, available: Callable[[], bool],
                    default: Callable[[], Path], noun: str, variable: str) -> pd.DataFrame:
    """Load a file that goes with a cohort (regimens, primary treatment): ``path``, or the one in use."""
    if path is None:
        if not available():
            raise DataError(default(), kind, [Problem(
                _display(default()), None, None, f"no {noun} file for this cohort",
                f"a {noun} file given as {variable}=... (make book) or ${variable}")])
        path = default()
    return _load(path, kind, cohort)


def load_regimens(path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None) -> pd.DataFrame:
    """The validated regimens file (default ``regimens_path()``), checked against ``cohort`` (default the cohort in use).

    Raises :class:`DataError` when invalid, and when no regimen file goes with the cohort in use
    (see :func:`regimens_available`)."""
    return _load_companion(path, "regimens", cohort, regimens_available, paths.regimens_path, "regimen", "REGIMENS")


def load_primary_treatment(path: Path | str | None = None, cohort: Path | str | pd.DataFrame | None = None
                           ) -> pd.DataFrame:
    """The validated primary-treatment file (default ``primary_treatment_path()``), checked against ``cohort``
    (default the cohort in use): one line per patient, the facts of the primary tumour's treatment that the
    cohort file has no column for.  Raises :class:`DataError` when invalid, and when no such file goes with the
    cohort in use (see :func:`primary_treatment_available`)."""
    return _load_companion(path, "primary_treatment", cohort, primary_treatment_available,
                           paths.primary_treatment_path, "primary-treatment", "PRIMARY_TREATMENT")


# ---------------------------------------------------------------------------------------------------------------
# Provenance and the "built from" banner
# ---------------------------------------------------------------------------------------------------------------

def provenance(path: Path | str) -> dict:
    """``{"path", "sha256", "rows"}`` of a data file: the path as shown to readers, the SHA-256 of its bytes, and its
    number of data lines (``None`` when it cannot be read as CSV)."""
    p = Path(path)
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    table, _ = _read_table(p, _display(p))
    rows = None if table is None else len(table.rows)
    return {"path": _display(p), "sha256": digest, "rows": rows}


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


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

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
        kind, typed, problems = _check(args.file, args.kind, args.cohort)
    except Exception as e:  # never a traceback on the command line
        print(f"{args.file}: internal error while validating ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        n = len(problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        print(f"{_display(args.file)}: {n} problem{'s' if n != 1 else ''}; not {what}", file=sys.stderr)
        return 1
    extra = ""
    if kind in REFERS_TO_COHORT:
        ref = Path(args.cohort) if args.cohort else paths.cohort_path()
        extra = f", every patient_id found in {_display(ref)}"
    print(f"OK {_display(args.file)}: valid {kind} file, {len(typed)} {ROW_NOUN[kind]}s{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
