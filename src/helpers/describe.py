"""Descriptive statistics of a cohort: medians and ranges, counts and percentages.

These are the plain facts of the paper's section 3.1 and 3.2 (age, size and interval medians
and ranges; metastatic sites; treatments; outcome status; local recurrence; regimen lines per
patient).  Every function takes a cohort (or regimen) DataFrame in the schema of
``data/README.md`` and returns numbers or small DataFrames; nothing is rounded here.
Percentages are ``100 * k / n`` of the rows given (or of the rows selected by ``among``).

Two small survival summaries for the book's prose sit here too, built only on ``helpers.survival``:
``survival_rates`` (S(t) with log-log and log CIs side by side) and ``by_group`` (n, deaths, KM median per
level, and the log-rank p, NaN instead of an error when a subset has a single level). ``median_text`` words a
median for prose ("not reached" for NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import factors, ledger, survival
from helpers.statistics import median_decimals

SITE_COLUMNS = {
    "site_lung": "Lungs",
    "site_liver": "Liver",
    "site_muscle": "Muscle",
    "site_lymph_node": "Lymph nodes",
    "site_bone": "Bones",
    "site_other": "Other",
}
TREATMENT_COLUMNS = {
    "primary_resection": "Resection of the primary tumour",
    "metastasectomy_any": "Any metastasectomy",
    "metastasectomy_curative": "Metastasectomy with curative intent",
    "chemotherapy": "Chemotherapy for metastatic disease",
    "radiotherapy": "Radiotherapy for metastatic disease",
}
STATUSES = {"NED": "No evidence of disease", "AWD": "Alive with disease", "DOD": "Died of disease"}


def _require(frame: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"column(s) {missing} not in the data; expected the schema of data/README.md")


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    _require(frame, column)
    return pd.to_numeric(frame[column], errors="coerce") == 1


def median_range(values) -> pd.Series:
    """``n``, ``median``, ``min`` and ``max`` of the non-missing values."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if v.empty:
        return pd.Series({"n": 0, "median": np.nan, "min": np.nan, "max": np.nan})
    return pd.Series({"n": int(v.size), "median": float(v.median()), "min": float(v.min()), "max": float(v.max())})


def continuous(cohort: pd.DataFrame, column: str) -> pd.Series:
    """Median and range of one numeric column."""
    _require(cohort, column)
    return median_range(cohort[column])


def interval_summary(cohort: pd.DataFrame) -> pd.Series:
    """Median and range of the interval from initial diagnosis to metastasis, among metachronous patients
    (the paper's definition: synchronous metastases have no interval)."""
    _require(cohort, "presenting", "interval_to_metastasis_months")
    meta = cohort.loc[cohort["presenting"] == "metachronous"]
    return median_range(meta["interval_to_metastasis_months"])


def count(mask: pd.Series) -> pd.Series:
    """``n`` (rows), ``k`` (True) and ``percent`` of a boolean mask."""
    mask = pd.Series(mask).fillna(False).astype(bool)
    n, k = int(mask.size), int(mask.sum())
    return pd.Series({"n": n, "k": k, "percent": 100.0 * k / n if n else np.nan})


def yes(cohort: pd.DataFrame, column: str, among: pd.Series | None = None) -> pd.Series:
    """How many patients have ``column == 1`` (``n``, ``k``, ``percent``), optionally among a boolean mask."""
    rows = cohort if among is None else cohort.loc[among.reindex(cohort.index, fill_value=False).astype(bool)]
    return count(_flag(rows, column))


def level_counts(cohort: pd.DataFrame, factor: str | factors.Factor) -> pd.DataFrame:
    """N and % of each level of a factor (missing levels are counted apart and excluded from the %),
    indexed by level key, with the paper's label."""
    f = factors.FACTORS[factor] if isinstance(factor, str) else factor
    lv = f(cohort)
    known = lv.dropna()
    rows = [{"level": level, "label": f.label_of(level), "n": int((known == level).sum())} for level in f.levels]
    out = pd.DataFrame(rows).set_index("level")
    out["percent"] = 100.0 * out["n"] / known.size if known.size else np.nan
    out.attrs["missing"] = int(lv.isna().sum())
    return out


def _tally(flags: dict[str, pd.Series], n: int, labels: dict[str, str]) -> pd.DataFrame:
    rows = [{"key": key, "label": labels[key], "n": int(v.sum())} for key, v in flags.items()]
    out = pd.DataFrame(rows).set_index("key")
    out["percent"] = 100.0 * out["n"] / n if n else np.nan
    # most common first, ties in the paper's order (stable sort)
    return out.sort_values("n", ascending=False, kind="stable")


def metastatic_sites(cohort: pd.DataFrame) -> pd.DataFrame:
    """Patients with each site of initial metastasis (a patient may have several), most common first."""
    flags = {col: _flag(cohort, col) for col in SITE_COLUMNS}
    return _tally(flags, len(cohort), SITE_COLUMNS)


def curative_metastasectomy_sites(cohort: pd.DataFrame) -> pd.DataFrame:
    """Initial metastatic sites of the patients who had a curative-intent metastasectomy."""
    return metastatic_sites(factors.subset(cohort, "metastasectomy"))


def lesions(cohort: pd.DataFrame) -> pd.DataFrame:
    """Single vs multiple initial metastatic lesions: ``n`` and ``percent``."""
    _require(cohort, "initial_metastatic_lesions")
    v = pd.to_numeric(cohort["initial_metastatic_lesions"], errors="coerce")
    flags = {"single": v == 1, "multiple": v > 1}
    return _tally(flags, len(cohort), {"single": "Single lesion", "multiple": "Multiple lesions"}).loc[
        ["single", "multiple"]
    ]


def treatments(cohort: pd.DataFrame) -> pd.DataFrame:
    """Patients given each treatment (primary resection, metastasectomy, chemotherapy, radiotherapy), in that order."""
    flags = {col: _flag(cohort, col) for col in TREATMENT_COLUMNS}
    return _tally(flags, len(cohort), TREATMENT_COLUMNS).loc[list(TREATMENT_COLUMNS)]


def status_counts(cohort: pd.DataFrame) -> pd.DataFrame:
    """Outcome at last follow-up: NED / AWD / DOD, ``n`` and ``percent``."""
    _require(cohort, "status")
    flags = {s: cohort["status"] == s for s in STATUSES}
    return _tally(flags, len(cohort), STATUSES).loc[list(STATUSES)]


def local_recurrence(cohort: pd.DataFrame) -> pd.Series:
    """Local recurrence among the patients whose primary tumour was resected (``n``, ``k``, ``percent``)."""
    return yes(cohort, "local_recurrence", among=_flag(cohort, "primary_resection"))


def perioperative_chemo_primary(primary: pd.DataFrame) -> pd.Series:
    """Chemotherapy around the resection of the primary tumour, from the primary-treatment file: ``n`` (patients
    for whom it is recorded: the metachronous ones), ``k``, ``percent``, and ``dxr_ifm`` (of the ``k``, those
    given doxorubicin plus ifosfamide)."""
    _require(primary, "perioperative_chemo_primary", "perioperative_chemo_primary_regimen")
    out = yes(primary, "perioperative_chemo_primary", among=primary["perioperative_chemo_primary"].notna())
    out["dxr_ifm"] = int((primary["perioperative_chemo_primary_regimen"] == "DXR+IFM").sum())
    return out


def local_recurrence_resection(primary: pd.DataFrame) -> pd.Series:
    """Resection of a local recurrence, from the primary-treatment file, among the patients with one (``n``,
    ``k``, ``percent``)."""
    _require(primary, "local_recurrence_resection")
    return yes(primary, "local_recurrence_resection", among=primary["local_recurrence_resection"].notna())


def first_line_regimens(cohort: pd.DataFrame, subset: str = "palliative_chemo") -> pd.DataFrame:
    """First-line regimens in a subset (default: the palliative-chemotherapy patients), most common first."""
    rows = factors.subset(cohort, subset)
    _require(rows, "first_line_regimen")
    reg = rows["first_line_regimen"].dropna()
    reg = reg[reg.astype(str).str.len() > 0]
    names = list(dict.fromkeys(sorted(reg.astype(str))))
    flags = {r: reg == r for r in names}
    return _tally(flags, len(rows), {r: r for r in names})


def regimen_lines(regimens: pd.DataFrame) -> pd.Series:
    """Regimen lines per patient: ``patients``, ``lines`` and the ``median``, ``min``, ``max`` lines per patient."""
    _require(regimens, "patient_id")
    per_patient = regimens.groupby("patient_id").size()
    s = median_range(per_patient)
    return pd.Series(
        {
            "patients": int(per_patient.size),
            "lines": int(len(regimens)),
            "median": s["median"],
            "min": s["min"],
            "max": s["max"],
        }
    )


def survival_rates(
    cohort: pd.DataFrame,
    times=(12, 24, 36, 60),
    conf_types=("log-log", "log"),
    time: str = "os_months",
    event: str = "death",
) -> pd.DataFrame:
    """Kaplan-Meier survival (%) at each of ``times`` with a 95% CI for each of ``conf_types``
    (``helpers.survival.survival_at``), one row per time: ``surv``, then ``lower``/``upper`` per CI type."""
    _require(cohort, time, event)
    rows = []
    for t in times:
        row = {"months": t}
        for ct in conf_types:
            s, lo, hi = survival.survival_at(cohort[time], cohort[event], t, conf_type=ct)
            row["surv"] = 100 * s
            row[f"lower ({ct})"] = 100 * lo
            row[f"upper ({ct})"] = 100 * hi
        rows.append(row)
    return pd.DataFrame(rows).set_index("months")


def median_text(median: float, decimals: int | None = None) -> str:
    """A KM median for prose: ``"30.7 months"`` (by default at the precision R prints it,
    :func:`helpers.statistics.median_decimals`: ``"76.05 months"`` for a midpoint), or ``"not reached"`` when it
    is NaN (the paper's "N.A.")."""
    if median is None or not np.isfinite(median):
        return "not reached"
    decimals = median_decimals(median) if decimals is None else decimals
    return f"{float(median):.{decimals}f} months"


def rate_text(percent: float, low: float, high: float, ci: str = "95% log-log CI") -> str:
    """A survival rate in percent with its interval, for prose: ``"38.3% (95% log-log CI 25.0–51.4%)"``; when
    the interval cannot be computed (no death yet, so S = 1; or S = 0) it says so instead of showing a gap."""
    if np.isfinite(low) and np.isfinite(high):
        return f"{percent:.1f}% ({ci} {low:.1f}–{high:.1f}%)"
    if np.isclose(percent, 100.0):
        return f"{percent:.1f}% (no {ci}: no patient has died by then, so there is no death to measure it by)"
    return f"{percent:.1f}% (no {ci} can be computed at this point of the curve)"


def median_phrase(median: float, n: int | None = None, decimals: int | None = None) -> str:
    """What a group "had", for prose: ``"a median OS of 30.7 months"``, ``"a median OS not reached"`` (fewer
    than half died), or ``"no patients"`` when ``n`` is 0 (a group with nobody has no median)."""
    if n is not None and int(n) == 0:
        return "no patients"
    if median is None or not np.isfinite(median):
        return "a median OS not reached"
    return f"a median OS of {median_text(median, decimals)}"


def by_group(
    data: pd.DataFrame, factor: str | factors.Factor, time: str = "os_months", event: str = "death"
) -> pd.DataFrame:
    """Survival per level of a factor: ``n``, ``deaths`` and the KM ``median`` (R's rule, NaN if not reached),
    indexed by level key in the factor's order (a level with no patients has n 0).  ``.attrs["p"]`` is the
    log-rank p over the known levels, NaN when fewer than two levels occur: :func:`helpers.ledger.factor_groups`,
    which computes them for every page."""
    _require(data, time, event)
    return ledger.factor_groups(data, factor, time, event)
