"""Printed versus reproduced: every published number recomputed from a cohort (and its regimens).

``reproduce(cohort, regimens=None, primary=None)`` returns the rows of ``helpers.published.load()`` with four more
columns, in the published order:

- ``reproduced``: the number recomputed from the data (float; NaN when not computable or not reached);
- ``match``: bool, DESIGN.md's rule (see :func:`matches`);
- ``how``: what was computed, in words (or why nothing could be);
- ``computed``: False when the number cannot be computed from the given files (then ``reproduced`` is NaN,
  ``match`` False and ``how`` says why: e.g. "no regimen file", "no primary-treatment file (no cohort column
  records ...)");
- ``kind``: ``count`` (counts, percentages, response rates), ``descriptive`` (median/range of a
  non-survival column) or ``time`` (anything computed from survival or follow-up times);
- ``note``: what the page must say beside the number, or "": :data:`NO_PATIENTS` for a statistic of a level
  with no patients (never a match: a median "not reached" of nobody is no median), or the Cox fit's warning
  when its estimate for the row's covariate may be infinite or the fit did not converge.

Every statistic comes from ``helpers.survival`` (EZR's conventions: R's median rule, log-log CIs by default,
Breslow Cox hard-coded) and ``helpers.responses``; populations and levels from ``helpers.factors``.  Nothing
here knows a published value except through the row it is compared with.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import factors, ledger, published, survival
from .published import MEDIAN_STATS, judged_decimals  # R's printing rule (re-exported)

TIME, EVENT = "os_months", "death"
SLACK = 1e-9
COUNT_STATS = {"n", "count", "percent", "cr", "pr", "sd", "pd", "orr", "dcr"}
TIME_STATS = {"median_os", "p", "hr", "ci_low", "ci_high", "os_5yr", "median_pfs", "median_followup"}
FIVE_YEARS = 60.0  # months
# Facts that only the primary-treatment file records (``helpers.data.PRIMARY_TREATMENT_COLUMNS``; factor = column).
NO_COLUMN = {
    "perioperative_chemo_primary": "no cohort column records chemotherapy of the primary tumour",
    "perioperative_chemo_primary_regimen": "no cohort column records chemotherapy of the primary tumour",
    "local_recurrence_resection": "no cohort column records resection of a local recurrence",
}
NO_PRIMARY_FILE = "no primary-treatment file"
NO_PATIENTS = "no patients in this level"
NO_FINITE = "no finite estimate"


def interval(value: float, decimals, bound: str = "", statistic: str = "") -> tuple[float, float]:
    """The closed interval of reproduced values that match ``value`` as printed (DESIGN.md's rule).

    A number matches when it rounds to the printed value at :func:`judged_decimals` (both ends included, with
    float slack); a Kaplan-Meier median only when it *prints* as the paper printed it: the ends are excluded,
    since 83.05 is a midpoint R prints as 83.05, not 83.  A ``<`` bound: anything below the value.
    """
    if bound == "<":
        return -math.inf, value * (1 - 1e-12)
    half = 0.5 * 10.0 ** -judged_decimals(statistic, decimals)
    slack = SLACK * max(1.0, abs(value))
    if statistic in MEDIAN_STATS:
        return value - half + slack, value - slack + half
    return value - half - slack, value + half + slack


def row_interval(row) -> tuple[float, float]:
    """:func:`interval` of a published row (``value``, ``decimals``, ``bound``: empty or NaN, or "<";
    ``statistic``)."""
    bound = row["bound"] if isinstance(row["bound"], str) else ""
    return interval(row["value"], row["decimals"], bound, row["statistic"])


def matches(value: float, decimals, bound: str, not_reached: bool, reproduced: float, statistic: str = "") -> bool:
    """DESIGN.md's rule: the reproduced value lies in :func:`interval`; a not-reached median matches when the
    reproduced one is NaN (not reached either)."""
    if not_reached:
        return bool(pd.isna(reproduced))
    if reproduced is None or pd.isna(reproduced):
        return False
    lo, hi = interval(value, decimals, bound, statistic)
    return bool(lo <= reproduced <= hi)


def kind_of(row) -> str:
    """``count``, ``descriptive`` or ``time`` (see module docstring)."""
    if row["statistic"] in COUNT_STATS:
        return "count"
    if row["statistic"] in TIME_STATS or row["factor"] == TIME:
        return "time"
    return "descriptive"


class Missing(str):
    """A ``how`` that says why a number could not be computed from the given files."""


class _Context:
    """The cohort, regimens and memoised fits for one scoring run."""

    def __init__(self, cohort: pd.DataFrame, regimens: pd.DataFrame | None, primary: pd.DataFrame | None = None):
        self.cohort = cohort
        self.regimens = regimens
        self.primary = primary
        self._logrank, self._cox, self._sub, self._levels, self._responses = {}, None, {}, {}, None

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

    def logrank(self, cohort: str, factor: str):
        key = (cohort, factor)
        if key not in self._logrank:
            c = self.sub(cohort)
            self._logrank[key] = ledger.levels_test(c[TIME], c[EVENT], self.levels(cohort, factor))
        return self._logrank[key]

    def responses(self) -> pd.DataFrame:
        if self._responses is None:
            from . import responses

            self._responses = responses.response_summary(self.regimens)
        return self._responses

    def cox(self):
        if self._cox is None:
            design = factors.cox_design(self.cohort)
            data = pd.concat([self.cohort[[TIME, EVENT]], design], axis=1)
            with warnings.catch_warnings():  # kept on the fit (notes, infinite): each row says it (note)
                warnings.simplefilter("ignore", survival.FitWarning)
                self._cox = survival.cox(data, TIME, EVENT, list(factors.COX_COVARIATES), ties="breslow")
        return self._cox

    def note(self, row) -> str:
        """What the page must say beside a row's number (module docstring: ``note``), or ""."""
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
            and stat not in COUNT_STATS  # a count or percent of nobody is 0, a true number
            and not self.level_mask(cohort, factor, level).any()
        )
        return NO_PATIENTS if empty_level else ""


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


def _primary_fact(primary: pd.DataFrame, factor: str, level, stat: str) -> tuple[float, str]:
    """A count (or percent of the patients for whom it is known) from the primary-treatment file."""
    col = primary[factor]
    if level:
        k = float((col == level).sum())
        return k, f"patients with {factor} = {level} (primary-treatment file)"
    k = float(_binary(primary, factor).sum())
    if stat == "percent":
        n = float(col.notna().sum())
        return _percent(k, n), f"100 x {factor} = 1 / patients with known {factor} (primary-treatment file)"
    return k, f"patients with {factor} = 1 (primary-treatment file)"


def _compute(row, ctx: _Context) -> tuple[float, str]:
    """(reproduced value, how) for one published row."""
    cohort, factor, level, stat = row["cohort"], row["factor"], row["level"], row["statistic"]
    where = f" in {cohort}" if cohort != "all" else ""

    # ---- Table 2: regimens
    if cohort == "regimens":
        if ctx.regimens is None:
            return math.nan, Missing("no regimen file")
        table = ctx.responses()
        column = {"n": "n_evaluable", "orr": "orr_pct", "dcr": "dcr_pct"}.get(stat, stat)
        what = {
            "n": f"{level} courses evaluable for response",
            "orr": f"100 x ORR (CR+PR)/N of {level} courses",
            "dcr": f"100 x DCR (CR+PR+SD)/N of {level} courses",
            "median_pfs": f"KM median of pfs_months/pfs_event (R rule) over {level} courses",
        }.get(stat, f"{level} courses with best response {stat.upper()}")
        how = f"{what} (helpers.responses.response_summary)"
        if level not in table.index:
            return (0.0 if stat in ("n", "cr", "pr", "sd", "pd") else math.nan), how + "; no such courses"
        return float(table.loc[level, column]), how

    if factor in NO_COLUMN:
        if ctx.primary is None:
            return math.nan, Missing(f"{NO_PRIMARY_FILE} ({NO_COLUMN[factor]})")
        return _primary_fact(ctx.primary, factor, level, stat)
    c = ctx.sub(cohort)

    # ---- Table 3 and its text duplicates: the Cox model
    if factor in factors.COX_COVARIATES:
        fit = ctx.cox()
        return (
            float(fit.table.loc[factor, stat]),
            f"Breslow Cox of {' + '.join(factors.COX_COVARIATES)} on all: {stat} of {factor} (helpers.survival.cox)",
        )

    # ---- log-rank p of a factor
    if stat == "p":
        r = ctx.logrank(cohort, factor)
        if r is None:
            return math.nan, Missing(f"not computable: fewer than two levels of {factor} have patients{where}")
        return r.p, f"log-rank (survdiff) of OS by {factor}{where} (helpers.ledger.factor_test)"

    # ---- survival of the whole cohort
    if factor == "os":
        if stat == "median_os":
            return (
                survival.km_median(c[TIME], c[EVENT]),
                f"KM median OS (R rule){where or ' in all'} (helpers.survival.km_median)",
            )
        if stat == "os_5yr":
            s = survival.survival_at(c[TIME], c[EVENT], FIVE_YEARS)[0]
            return 100.0 * s, f"100 x KM S(60 months){where or ' in all'} (helpers.survival.survival_at)"
    if factor == TIME:
        if stat == "median_followup":
            return survival.followup(c[TIME], c[EVENT]), "median of observed os_months (helpers.survival.followup)"
        return _describe(_num(c, TIME), stat), f"{stat} of os_months{where}"

    # ---- factor levels: counts, percents, medians
    if factor in factors.FACTORS:
        if stat == "median_os":
            m = ctx.level_mask(cohort, factor, level)
            return (
                survival.km_median(c.loc[m, TIME], c.loc[m, EVENT]),
                f"KM median OS (R rule){where} where {factor} = {level} (helpers.survival.km_median)",
            )
        if stat in ("n", "count", "percent"):
            m = ctx.level_mask(cohort, factor, level) if level else _binary(c, factor)
            k = float(m.sum())
            if stat != "percent":
                return k, f"patients{where} with {factor} = {level or 'yes'}"
            n = float(ctx.levels(cohort, factor).notna().sum()) if level else float(len(c))
            return _percent(
                k, n
            ), f"100 x patients with {factor} = {level or 'yes'} / patients with known {factor}{where}"
        if stat in ("min", "max", "median"):
            column = {
                "initial_metastatic_lesions": "initial_metastatic_lesions",
                "initial_metastatic_sites": "initial_metastatic_sites",
            }.get(factor)
            if column:
                return _describe(_num(c, column), stat), f"{stat} of {column}{where}"

    if factor == "patients":
        return float(len(c)), f"patients{where or ' in all'}"
    if factor in ("age_years", "size_cm", "metastasis_year"):
        return _describe(_num(c, factor), stat), f"{stat} of {factor}{where}"
    if factor == "interval_to_metastasis_months":
        meta = c[c["presenting"] == "metachronous"]
        return _describe(_num(meta, factor), stat), f"{stat} of {factor} among metachronous patients"
    if factor == "status":
        k = float((c["status"] == level).sum())
        return (
            (k, f"patients{where} with status {level}")
            if stat == "count"
            else (_percent(k, len(c)), f"100 x status {level} / patients{where}")
        )
    if factor.startswith("site_") or factor == "metastasectomy_any":
        k = float(_binary(c, factor).sum())
        return (
            (k, f"patients{where} with {factor} = 1")
            if stat == "count"
            else (_percent(k, len(c)), f"100 x {factor} = 1 / patients{where}")
        )
    if factor == "local_recurrence":
        base = c[_binary(c, "primary_resection")]
        k = float(_binary(base, "local_recurrence").sum())
        return (
            (k, "local_recurrence = 1 among primary_resection = 1")
            if stat == "count"
            else (_percent(k, len(base)), "100 x local_recurrence = 1 / primary_resection = 1")
        )
    if factor == "metachronous_with_primary_resection":
        m = (c["presenting"] == "metachronous") & _binary(c, "primary_resection")
        return float(m.sum()), "metachronous patients with primary_resection = 1"
    if factor == "palliative_first_line_regimen":
        return float((c["first_line_regimen"] == level).sum()), f"first_line_regimen = {level}{where}"
    if factor == "regimen_lines":
        if ctx.regimens is None:
            return math.nan, Missing("no regimen file")
        lines = ctx.regimens.groupby("patient_id").size()
        return _describe(lines.astype(float), stat), f"{stat} of regimens per patient (regimens file)"
    return math.nan, Missing(f"not computable: no rule for factor {factor!r}, statistic {stat!r}")


def reproduce(
    cohort: pd.DataFrame | str | Path,
    regimens: pd.DataFrame | str | Path | None = None,
    published_numbers: pd.DataFrame | None = None,
    primary: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Every published row with ``reproduced``, ``match``, ``how`` and ``kind`` (see module docstring).

    ``cohort``, ``regimens`` and ``primary`` (the primary-treatment file) are DataFrames as
    ``helpers.data.load_cohort`` / ``load_regimens`` / ``load_primary_treatment`` return, or paths to load;
    ``regimens=None`` leaves Table 2 and the regimen counts unreproduced ("no regimen file"), ``primary=None``
    the four facts of the primary tumour's treatment that the cohort file has no column for.
    """
    from . import data as _data

    if not isinstance(cohort, pd.DataFrame):
        cohort = _data.load_cohort(cohort)
    if regimens is not None and not isinstance(regimens, pd.DataFrame):
        regimens = _data.load_regimens(regimens, cohort=cohort)
    if primary is not None and not isinstance(primary, pd.DataFrame):
        primary = _data.load_primary_treatment(primary, cohort=cohort)
    pub = published.load() if published_numbers is None else published_numbers
    ctx = _Context(cohort, regimens, primary)
    values, hows = [], []
    records = pub.to_dict("records")
    for row in records:
        try:
            v, how = _compute(row, ctx)
        except (ValueError, KeyError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
            v, how = math.nan, Missing(f"not computable: {type(exc).__name__}: {exc}")
        values.append(float(v) if v is not None else math.nan)
        hows.append(how)
    out = pub.copy()
    out["reproduced"] = pd.Series(values, index=out.index, dtype="float64")
    out["match"] = [
        matches(r.value, r.decimals, r.bound, r.not_reached, rep, r.statistic)
        for r, rep in zip(pub.itertuples(index=False), values)
    ]
    out["how"] = [str(h) for h in hows]
    out["computed"] = [not isinstance(h, Missing) for h in hows]
    out["kind"] = [kind_of(r) for r in records]
    notes = []
    for row in records:
        try:
            notes.append(ctx.note(row))
        except (ValueError, KeyError):
            notes.append("")
    out["note"] = notes
    out.loc[out["note"] == NO_PATIENTS, "match"] = False  # a level with no patients matches nothing
    return out


def summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Matched / total, by source and by kind, plus the overall line.

    Index (``by``, ``group``): ``by`` is ``source``, ``kind`` or ``all``; columns ``matched``, ``total``,
    ``percent``.
    """
    parts = []
    for by in ("source", "kind"):
        g = scored.groupby(by, sort=False)["match"].agg(matched="sum", total="size")
        g.index = pd.MultiIndex.from_tuples([(by, i) for i in g.index], names=["by", "group"])
        parts.append(g)
    parts.append(
        pd.DataFrame(
            {"matched": [int(scored["match"].sum())], "total": [len(scored)]},
            index=pd.MultiIndex.from_tuples([("all", "all")], names=["by", "group"]),
        )
    )
    out = pd.concat(parts)
    out["matched"] = out["matched"].astype(int)
    out["percent"] = (100.0 * out["matched"] / out["total"]).round(1)
    return out


def misses(scored: pd.DataFrame) -> pd.DataFrame:
    """The rows that did not match, with printed and reproduced side by side."""
    cols = ["id", "source", "label", "statistic", "value", "bound", "not_reached", "reproduced", "how"]
    return scored.loc[~scored["match"], cols]


def shown(value: float) -> str:
    """A reproduced value as the fidelity report and the scorecard's reasons show it: five significant digits,
    and never more than five decimals (a p that five significant digits would show to six decimals is shown to
    five; its interval is printed to four)."""
    text = f"{value:.5g}"
    if "e+" not in text and ("e-" in text or len(text.partition(".")[2]) > 5):
        text = f"{value:.5f}"
    return text
