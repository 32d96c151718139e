"""How each published number is recomputed: a registry of rules, one per family of printed numbers.

A :class:`Rule` says which published rows it computes (``applies``, a test of the row's cohort, factor, level
and statistic), how (``compute``, returning the value and what was computed, in words) and which helper of
the project computed it (``function``: its qualified name, the API page's entry). ``RULES`` is tried in
order; the first that applies computes the row. A new kind of printed number is a new rule here, not a new
branch elsewhere. The statistics come from ``helpers.survival`` through :mod:`helpers.ledger` (one log-rank
per population and factor, one fit of Table 3's Cox model per cohort) and :mod:`helpers.responses`;
populations and levels from :mod:`helpers.factors`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from .. import factors, ledger, responses, survival
from ..data import load_primary_treatment
from ..statistics import COUNTS, DESCRIPTIVE, RATES

TIME, EVENT = "os_months", "death"
FIVE_YEARS = 60.0  # months
# Facts that only the primary-treatment file records (``helpers.data.PRIMARY_TREATMENT_COLUMNS``; factor = column).
NO_COLUMN = {
    "perioperative_chemo_primary": "no cohort column records chemotherapy of the primary tumour",
    "perioperative_chemo_primary_regimen": "no cohort column records chemotherapy of the primary tumour",
    "local_recurrence_resection": "no cohort column records resection of a local recurrence",
}
NO_PRIMARY_FILE = "no primary-treatment file"
NO_REGIMEN_FILE = "no regimen file"
NO_PATIENTS = "no patients in this level"
NO_FINITE = "no finite estimate"


class Missing(str):
    """A ``how`` that says why a number could not be computed from the given files."""


class Context:
    """The cohort, regimens and primary-treatment file of one scoring run, with its populations, levels and
    fitted results memoised."""

    def __init__(self, cohort: pd.DataFrame, regimens: pd.DataFrame | None, primary: pd.DataFrame | None = None):
        self.cohort = cohort
        self.regimens = regimens
        self.primary = primary
        self._groups, self._cox, self._sub, self._levels, self._responses = {}, None, {}, {}, None

    def sub(self, name: str) -> pd.DataFrame:
        if name not in self._sub:
            self._sub[name] = factors.subset(self.cohort, name)
        return self._sub[name]

    def levels(self, cohort: str, factor: str) -> pd.Series:
        key = (cohort, factor)
        if key not in self._levels:
            self._levels[key] = factors.levels(self.sub(cohort), factor)
        return self._levels[key]

    def level_mask(self, cohort: str, factor: str, level: str) -> pd.Series:
        lv = self.levels(cohort, factor)
        return lv.isna() if level == "NA" else (lv == level)

    def groups(self, cohort: str, factor: str) -> pd.DataFrame:
        """:func:`helpers.ledger.factor_groups`: n, deaths and KM median per level, and the log-rank test."""
        key = (cohort, factor)
        if key not in self._groups:
            self._groups[key] = ledger.factor_groups(self.sub(cohort), factor, TIME, EVENT)
        return self._groups[key]

    def logrank(self, cohort: str, factor: str):
        return self.groups(cohort, factor).attrs["test"]

    def responses(self) -> pd.DataFrame:
        if self._responses is None:
            self._responses = responses.response_summary(self.regimens)
        return self._responses

    def cox(self):
        if self._cox is None:
            import warnings

            with warnings.catch_warnings():  # kept on the fit (notes, infinite): each row says it (note)
                warnings.simplefilter("ignore", survival.FitWarning)
                self._cox = ledger.table3_fit(self.cohort)
        return self._cox

    def note(self, row) -> str:
        """What the page must say beside a row's number (``helpers.scorecard``: ``note``), or ""."""
        cohort, factor, level, stat = row["cohort"], row["factor"], row["level"], row["statistic"]
        if factor in factors.COX_COVARIATES and self._cox is not None:
            if not self._cox.converged:
                return self._cox.notes[0]
            if factor in self._cox.infinite:
                return f"{NO_FINITE}: no deaths on one side of {factor} (coxph: coefficient may be infinite)"
        empty_level = (
            factor in factors.FACTORS
            and isinstance(level, str)
            and level
            and cohort not in ("regimens",)
            and stat not in COUNTS | RATES  # a count or percent of nobody is 0, a true number
            and not self.level_mask(cohort, factor, level).any()
        )
        return NO_PATIENTS if empty_level else ""


class Rule(NamedTuple):
    """One family of published numbers: which rows (``applies``), how (``compute``), by which helper."""

    name: str
    applies: Callable[[dict], bool]
    compute: Callable[[dict, Context], tuple[float, str]]
    function: Callable  #: the helper that computes the number (named on book/api.md by :func:`qualified_name`)


def qualified_name(func) -> str:
    """The name of a helpers function where it is defined and documented (book/api.md):
    ``helpers.survival.km.km_median``, which ``helpers.survival`` re-exports as ``km_median``."""
    return f"{func.__module__}.{func.__qualname__}"


def _where(row) -> str:
    return f" in {row['cohort']}" if row["cohort"] != "all" else ""


def _binary(c: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(c[column], errors="coerce") == 1


def _num(c: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(c[column], errors="coerce").dropna()


def _describe(values: pd.Series, statistic: str) -> float:
    if values.empty:
        return math.nan
    return float({"median": values.median, "min": values.min, "max": values.max}[statistic]())


def _percent(k: float, n: float) -> float:
    return 100.0 * k / n if n else math.nan


def _count_or_percent(row, k: float, n: float, what: str, of: str) -> tuple[float, str]:
    """``k`` as a count, or as a percent of ``n`` (what counted ``what``, out of ``of``)."""
    if row["statistic"] == "percent":
        return _percent(k, n), f"100 x {what} / {of}"
    return k, what


# ---- the rules, in the order they are tried ------------------------------------------------------------------


def _regimens(row, ctx: Context):
    """Table 2: responses and PFS per regimen."""
    level, stat = row["level"], row["statistic"]
    if ctx.regimens is None:
        return math.nan, Missing(NO_REGIMEN_FILE)
    table = ctx.responses()
    column = {"n": "n_evaluable", "orr": "orr_pct", "dcr": "dcr_pct"}.get(stat, stat)
    what = {
        "n": f"{level} courses evaluable for response",
        "orr": f"100 x ORR (CR+PR)/N of {level} courses",
        "dcr": f"100 x DCR (CR+PR+SD)/N of {level} courses",
        "median_pfs": f"KM median of pfs_months/pfs_event (R rule) over {level} courses",
    }.get(stat, f"{level} courses with best response {stat.upper()}")
    if level not in table.index:
        return (0.0 if stat in COUNTS else math.nan), what + "; no such courses"
    return float(table.loc[level, column]), what


def _primary_fact(row, ctx: Context):
    """A count (or percent of the patients for whom it is known) from the primary-treatment file."""
    factor, level, stat = row["factor"], row["level"], row["statistic"]
    if ctx.primary is None:
        return math.nan, Missing(f"{NO_PRIMARY_FILE} ({NO_COLUMN[factor]})")
    col = ctx.primary[factor]
    if level:
        return float((col == level).sum()), f"patients with {factor} = {level} (primary-treatment file)"
    k = float(_binary(ctx.primary, factor).sum())
    if stat == "percent":
        n = float(col.notna().sum())
        return _percent(k, n), f"100 x {factor} = 1 / patients with known {factor} (primary-treatment file)"
    return k, f"patients with {factor} = 1 (primary-treatment file)"


def _cox(row, ctx: Context):
    factor, stat = row["factor"], row["statistic"]
    fit = ctx.cox()
    return float(
        fit.table.loc[factor, stat]
    ), f"Breslow Cox of {' + '.join(factors.COX_COVARIATES)} on all: {stat} of {factor}"


def _logrank(row, ctx: Context):
    r = ctx.logrank(row["cohort"], row["factor"])
    if r is None:
        return math.nan, Missing(f"not computable: fewer than two levels of {row['factor']} have patients{_where(row)}")
    return r.p, f"log-rank (survdiff) of OS by {row['factor']}{_where(row)}"


def _median_os(row, ctx: Context):
    c = ctx.sub(row["cohort"])
    return survival.km_median(c[TIME], c[EVENT]), f"KM median OS (R rule){_where(row) or ' in all'}"


def _five_year(row, ctx: Context):
    c = ctx.sub(row["cohort"])
    return 100.0 * survival.survival_at(c[TIME], c[EVENT], FIVE_YEARS)[
        0
    ], f"100 x KM S(60 months){_where(row) or ' in all'}"


def _followup(row, ctx: Context):
    c = ctx.sub(row["cohort"])
    return survival.followup(c[TIME], c[EVENT]), "median of observed os_months"


def _level_median_os(row, ctx: Context):
    cohort, factor, level = row["cohort"], row["factor"], row["level"]
    groups = ctx.groups(cohort, factor)
    median = float(groups.loc[level, "median"]) if level in groups.index else math.nan
    return median, f"KM median OS (R rule){_where(row)} where {factor} = {level}"


def level_count(row, ctx: Context):
    """Patients of a factor's level (or with a 0/1 factor), as a count or a percent of those with it known."""
    cohort, factor, level = row["cohort"], row["factor"], row["level"]
    c = ctx.sub(cohort)
    m = ctx.level_mask(cohort, factor, level) if level else _binary(c, factor)
    n = float(ctx.levels(cohort, factor).notna().sum()) if level else float(len(c))
    what = f"patients{_where(row)} with {factor} = {level or 'yes'}"
    return _count_or_percent(row, float(m.sum()), n, what, f"patients with known {factor}{_where(row)}")


def column_summary(row, ctx: Context):
    """Median or range of a column: the survival time, age, size, year, lesions, sites."""
    c, factor, stat = ctx.sub(row["cohort"]), row["factor"], row["statistic"]
    if factor == "interval_to_metastasis_months":
        meta = c[c["presenting"] == "metachronous"]
        return _describe(_num(meta, factor), stat), f"{stat} of {factor} among metachronous patients"
    return _describe(_num(c, factor), stat), f"{stat} of {factor}{_where(row)}"


def patients(row, ctx: Context):
    """Patients in a population."""
    return float(len(ctx.sub(row["cohort"]))), f"patients{_where(row) or ' in all'}"


def status_count(row, ctx: Context):
    """Patients with a status at last follow-up, as a count or a percent."""
    c, level = ctx.sub(row["cohort"]), row["level"]
    k = float((c["status"] == level).sum())
    return _count_or_percent(row, k, len(c), f"patients{_where(row)} with status {level}", f"patients{_where(row)}")


def indicator_count(row, ctx: Context):
    """A 0/1 column of the cohort (metastatic sites, any metastasectomy), counted."""
    c, factor = ctx.sub(row["cohort"]), row["factor"]
    k = float(_binary(c, factor).sum())
    return _count_or_percent(row, k, len(c), f"patients{_where(row)} with {factor} = 1", f"patients{_where(row)}")


def local_recurrence_count(row, ctx: Context):
    """Local recurrences among the patients whose primary was resected."""
    base = ctx.sub(row["cohort"])
    base = base[_binary(base, "primary_resection")]
    k = float(_binary(base, "local_recurrence").sum())
    return _count_or_percent(
        row, k, len(base), "local_recurrence = 1 among primary_resection = 1", "primary_resection = 1"
    )


def metachronous_resected(row, ctx: Context):
    """Metachronous patients whose primary was resected."""
    c = ctx.sub(row["cohort"])
    m = (c["presenting"] == "metachronous") & _binary(c, "primary_resection")
    return float(m.sum()), "metachronous patients with primary_resection = 1"


def first_line_count(row, ctx: Context):
    """Patients given a first-line palliative regimen."""
    c = ctx.sub(row["cohort"])
    return float((c["first_line_regimen"] == row["level"]).sum()), f"first_line_regimen = {row['level']}{_where(row)}"


def regimen_lines(row, ctx: Context):
    """Median or range of the regimen lines per patient (regimens file)."""
    if ctx.regimens is None:
        return math.nan, Missing(NO_REGIMEN_FILE)
    lines = ctx.regimens.groupby("patient_id").size()
    return _describe(
        lines.astype(float), row["statistic"]
    ), f"{row['statistic']} of regimens per patient (regimens file)"


_COLUMNS = {"age_years", "size_cm", "metastasis_year", "interval_to_metastasis_months", TIME}
_COUNTED_COLUMNS = {"initial_metastatic_lesions", "initial_metastatic_sites"}


def _is_factor(row) -> bool:
    return row["factor"] in factors.FACTORS


RULES: tuple[Rule, ...] = (
    Rule("regimens", lambda r: r["cohort"] == "regimens", _regimens, responses.response_summary),
    Rule("primary treatment", lambda r: r["factor"] in NO_COLUMN, _primary_fact, load_primary_treatment),
    Rule("Cox model", lambda r: r["factor"] in factors.COX_COVARIATES, _cox, ledger.table3_fit),
    Rule("log-rank p", lambda r: r["statistic"] == "p", _logrank, ledger.factor_groups),
    Rule(
        "median OS",
        lambda r: r["factor"] == "os" and r["statistic"] == "median_os",
        _median_os,
        survival.km_median,
    ),
    Rule(
        "5-year OS",
        lambda r: r["factor"] == "os" and r["statistic"] == "os_5yr",
        _five_year,
        survival.survival_at,
    ),
    Rule("follow-up", lambda r: r["statistic"] == "median_followup", _followup, survival.followup),
    Rule(
        "median OS of a level",
        lambda r: _is_factor(r) and r["statistic"] == "median_os",
        _level_median_os,
        ledger.factor_groups,
    ),
    Rule(
        "patients of a level",
        lambda r: _is_factor(r) and r["statistic"] in COUNTS | RATES,
        level_count,
        factors.levels,
    ),
    Rule(
        "median or range of a column",
        lambda r: r["statistic"] in DESCRIPTIVE and (r["factor"] in _COLUMNS | _COUNTED_COLUMNS),
        column_summary,
        column_summary,
    ),
    Rule("patients", lambda r: r["factor"] == "patients", patients, factors.subset),
    Rule("status", lambda r: r["factor"] == "status", status_count, status_count),
    Rule(
        "indicator",
        lambda r: r["factor"].startswith("site_") or r["factor"] == "metastasectomy_any",
        indicator_count,
        indicator_count,
    ),
    Rule(
        "local recurrence",
        lambda r: r["factor"] == "local_recurrence",
        local_recurrence_count,
        local_recurrence_count,
    ),
    Rule(
        "metachronous, primary resected",
        lambda r: r["factor"] == "metachronous_with_primary_resection",
        metachronous_resected,
        metachronous_resected,
    ),
    Rule(
        "first-line regimen",
        lambda r: r["factor"] == "palliative_first_line_regimen",
        first_line_count,
        first_line_count,
    ),
    Rule("regimen lines", lambda r: r["factor"] == "regimen_lines", regimen_lines, regimen_lines),
)


def rule_for(row) -> Rule | None:
    """The first rule of :data:`RULES` that computes ``row``, or None."""
    return next((rule for rule in RULES if rule.applies(row)), None)


def compute(row, ctx: Context) -> tuple[float, str, str]:
    """(reproduced value, how, function) of one published row: the function is the qualified name of the helper
    that computed it (:func:`qualified_name`), "" when no rule applies."""
    rule = rule_for(row)
    if rule is None:
        return (
            math.nan,
            Missing(f"not computable: no rule for factor {row['factor']!r}, statistic {row['statistic']!r}"),
            "",
        )
    value, how = rule.compute(row, ctx)
    return value, how, qualified_name(rule.function)
