"""The rules across columns of each file (and, for regimens and primary treatment, against the cohort)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .specs import PRIMARY_TREATMENT_SPECS, SITE_COLUMNS, Spec, expected_text, fmt


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: ``ok(frame)`` is True where a row is consistent; ``explain(row)`` -> (value, expected)
    for ``column`` of an inconsistent row.  ``uses`` lists every column it reads."""

    name: str
    column: str
    uses: tuple[str, ...]
    ok: Callable[[pd.DataFrame], pd.Series]
    explain: Callable[[pd.Series], tuple[str, str]]


def txt(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, (float, np.floating)):
        return fmt(float(v))
    return str(v)


def _eq(s: pd.Series, value) -> pd.Series:
    """Elementwise ``s == value`` with missing -> False."""
    return (s == value).fillna(False).astype(bool)


def _status_death_ok(d: pd.DataFrame) -> pd.Series:
    known = d["status"].notna() & d["death"].notna()
    return ~known | (_eq(d["status"], "DOD") == _eq(d["death"], 1))


def _status_death_explain(r: pd.Series) -> tuple[str, str]:
    want = "DOD" if r["death"] == 1 else "NED or AWD"
    return txt(r["status"]), f"{want} because death is {txt(r['death'])} (status is DOD exactly when death is 1)"


def _interval_ok(d: pd.DataFrame) -> pd.Series:
    known = d["presenting"].notna() & d["interval_to_metastasis_months"].notna()
    sync = _eq(d["presenting"], "synchronous")
    zero = _eq(d["interval_to_metastasis_months"], 0)
    return ~known | (sync == zero)


def _interval_explain(r: pd.Series) -> tuple[str, str]:
    value = txt(r["interval_to_metastasis_months"])
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
    return txt(r["chemo_peri_metastasectomy"]), "empty because metastasectomy_curative is 0"


def _needs_chemo(column: str) -> Rule:
    def ok(d: pd.DataFrame) -> pd.Series:
        return d["chemotherapy"].isna() | d[column].isna() | _eq(d["chemotherapy"], 1)

    return Rule(
        f"{column}_without_chemotherapy",
        column,
        (column, "chemotherapy"),
        ok,
        lambda r: (txt(r[column]), "empty because chemotherapy is 0"),
    )


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
    return txt(
        r["local_recurrence"]
    ), "0 or empty because primary_resection is 0 (no local recurrence without resection)"


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
    value = txt(r["initial_metastatic_sites"])
    if not marked:
        return value, "at least one site_* column set to 1"
    listed = ", ".join(marked)
    if len(marked) > r["initial_metastatic_sites"]:
        return value, f"at least {len(marked)}, the number of site_* columns set to 1 ({listed})"
    return value, (
        f"{len(marked)}, the number of site_* columns set to 1 ({listed}); "
        "set site_other to 1 when other sites make up the difference"
    )


def _lesions_ok(d: pd.DataFrame) -> pd.Series:
    lesions, sites = d["initial_metastatic_lesions"], d["initial_metastatic_sites"]
    return (lesions.isna() | sites.isna() | (lesions >= sites)).fillna(True).astype(bool)


COHORT_RULES: tuple[Rule, ...] = (
    Rule("status_vs_death", "status", ("status", "death"), _status_death_ok, _status_death_explain),
    Rule(
        "interval_vs_presenting",
        "interval_to_metastasis_months",
        ("interval_to_metastasis_months", "presenting"),
        _interval_ok,
        _interval_explain,
    ),
    Rule(
        "chemo_peri_vs_curative",
        "chemo_peri_metastasectomy",
        ("chemo_peri_metastasectomy", "metastasectomy_curative"),
        _peri_ok,
        _peri_explain,
    ),
    _needs_chemo("first_line_regimen"),
    _needs_chemo("first_line_response"),
    Rule(
        "curative_implies_any",
        "metastasectomy_any",
        ("metastasectomy_any", "metastasectomy_curative"),
        _any_ok,
        lambda r: ("0", "1 because metastasectomy_curative is 1 (a curative metastasectomy is a metastasectomy)"),
    ),
    Rule(
        "local_recurrence_vs_resection",
        "local_recurrence",
        ("local_recurrence", "primary_resection"),
        _local_ok,
        _local_explain,
    ),
    Rule(
        "sites_vs_site_columns",
        "initial_metastatic_sites",
        ("initial_metastatic_sites", *SITE_COLUMNS),
        _sites_ok,
        _sites_explain,
    ),
    Rule(
        "lesions_vs_sites",
        "initial_metastatic_lesions",
        ("initial_metastatic_lesions", "initial_metastatic_sites"),
        _lesions_ok,
        lambda r: (
            txt(r["initial_metastatic_lesions"]),
            f">= initial_metastatic_sites ({txt(r['initial_metastatic_sites'])}): at least one lesion per site",
        ),
    ),
)


def _regimen_rules(cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    rules = [
        Rule(
            "line_unique",
            "line",
            ("patient_id", "line"),
            lambda d: ~d.duplicated(["patient_id", "line"], keep=False) | d[["patient_id", "line"]].isna().any(axis=1),
            lambda r: (txt(r["line"]), f"each line number once per patient (patient {r['patient_id']} repeats it)"),
        )
    ]
    if cohort is not None:
        source = cohort_source(cohort)
        chemo = cohort.set_index("patient_id")["chemotherapy"] if "chemotherapy" in cohort else None
        rules.append(_in_cohort_rule(cohort, source))
        if chemo is not None:
            no_chemo = set(chemo[_eq(chemo, 0)].index)
            rules.append(
                Rule(
                    "patient_had_chemotherapy",
                    "patient_id",
                    ("patient_id",),
                    lambda d: ~d["patient_id"].isin(no_chemo),
                    lambda r: (
                        txt(r["patient_id"]),
                        f"a patient with chemotherapy 1 in {source} (this patient has chemotherapy 0)",
                    ),
                )
            )
    return tuple(rules)


def _in_cohort_rule(cohort: pd.DataFrame, source: str) -> Rule:
    ids = set(cohort["patient_id"].dropna())
    return Rule(
        "patient_in_cohort",
        "patient_id",
        ("patient_id",),
        lambda d: d["patient_id"].isna() | d["patient_id"].isin(ids),
        lambda r: (txt(r["patient_id"]), f"a patient_id of {source}"),
    )


def cohort_source(cohort: pd.DataFrame) -> str:
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
            return "", f"{expected_text(spec).removesuffix(' or empty')} because {because}"
        return txt(r[column]), f"empty (it is given only when {because})"

    return Rule(name, column, (column, "patient_id"), ok, explain)


def _primary_rules(cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    """The primary-treatment file: the regimen only for a patient given perioperative chemotherapy; against the
    cohort, perioperative chemotherapy known exactly for the metachronous patients (whose primary was resected
    before metastasis) and the resection of a local recurrence exactly for the patients with one."""
    rules = [
        Rule(
            "regimen_needs_chemo",
            "perioperative_chemo_primary_regimen",
            ("perioperative_chemo_primary_regimen", "perioperative_chemo_primary"),
            lambda d: d["perioperative_chemo_primary_regimen"].isna() | _eq(d["perioperative_chemo_primary"], 1),
            lambda r: (
                txt(r["perioperative_chemo_primary_regimen"]),
                "empty because perioperative_chemo_primary is not 1",
            ),
        )
    ]
    if cohort is not None:
        source = cohort_source(cohort)
        by_id = cohort.drop_duplicates("patient_id").set_index("patient_id")
        rules.append(_in_cohort_rule(cohort, source))

        def cohort_is(column: str, value):
            def when(d: pd.DataFrame) -> pd.Series:
                v = d["patient_id"].map(by_id[column]) if column in by_id else pd.Series(np.nan, index=d.index)
                return (v == value).where(v.notna()).astype("boolean")

            return when

        spec = {s.name: s for s in PRIMARY_TREATMENT_SPECS}
        rules.append(
            _empty_unless(
                spec["perioperative_chemo_primary"],
                "perioperative_chemo_vs_presenting",
                cohort_is("presenting", "metachronous"),
                f"presenting is metachronous in {source}",
            )
        )
        rules.append(
            _empty_unless(
                spec["local_recurrence_resection"],
                "resection_vs_local_recurrence",
                cohort_is("local_recurrence", 1),
                f"local_recurrence is 1 in {source}",
            )
        )
    return tuple(rules)


def rules_for(kind: str, cohort: pd.DataFrame | None) -> tuple[Rule, ...]:
    if kind == "cohort":
        return COHORT_RULES
    return _regimen_rules(cohort) if kind == "regimens" else _primary_rules(cohort)
