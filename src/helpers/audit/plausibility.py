"""Impossible or implausible values: ranges, medians against follow-up, five-year rates against medians, pooled
medians against their parts."""

from __future__ import annotations

import math

import pandas as pd

from .. import statistics
from .base import CONSISTENT, INCONSISTENT, _check, _one, _where, fmt
from .subgroups import _median


def possible(statistic: str, value: float) -> bool:
    """Whether ``value`` is possible for ``statistic`` on its scale (:mod:`helpers.statistics`): a percent in
    0–100, a p in (0, 1], a count a whole number ≥ 0, a ratio or a time in months positive."""
    scale = statistics.STATISTICS[statistic].scale if statistic in statistics.STATISTICS else "value"
    return {
        "percent": 0 <= value <= 100,
        "p": 0 < value <= 1,
        "count": value >= 0 and value == round(value),
        "ratio": value > 0,
        "months": value > 0,
    }.get(scale, True)


def plausibility_checks(pub: pd.DataFrame) -> list[dict]:
    """Impossible or implausible values: ranges, medians vs follow-up, five-year rate vs median."""
    out = []
    # median within its range
    for _, g in pub[pub["statistic"].isin(["median", "median_followup", "min", "max"])].groupby(
        ["cohort", "factor"], sort=False
    ):
        mins, maxs = g[g["statistic"] == "min"], g[g["statistic"] == "max"]
        for _, m in g[g["statistic"].isin(["median", "median_followup"])].iterrows():
            if mins.empty or maxs.empty:
                continue
            lo, hi = mins["value"].max(), maxs["value"].min()
            ok = lo <= m["value"] <= hi
            out.append(
                _check(
                    f"plausible.{m['id']}",
                    "plausibility",
                    f"{m['label']} lies inside its range",
                    f"{fmt(m)} with range {lo:g}–{hi:g}",
                    f"{lo:g} ≤ {fmt(m)} ≤ {hi:g}",
                    CONSISTENT if ok else INCONSISTENT,
                    "A median cannot lie outside the range." if not ok else "Inside the range.",
                )
            )
    # value ranges
    bad = []
    for _, r in pub.iterrows():
        v, s = r["value"], r["statistic"]
        if r["not_reached"]:
            continue
        if not possible(s, v):
            bad.append(f"{r['id']} {fmt(r)}")
    for (_, cov), g in (
        _where(pub, statistic=["hr", "ci_low", "ci_high"])
        .assign(sec=lambda d: d["id"].str.rsplit(".", n=1).str[0])
        .groupby(["source", "sec"], sort=False)
    ):
        v = dict(zip(g["statistic"], g["value"]))
        if {"hr", "ci_low", "ci_high"} <= set(v) and not v["ci_low"] < v["hr"] < v["ci_high"]:
            bad.append(f"{cov}: CI {v['ci_low']}–{v['ci_high']} does not contain HR {v['hr']}")
    out.append(
        _check(
            "plausible.value_ranges",
            "plausibility",
            "percentages in 0–100, p in (0, 1], counts whole numbers, HRs and medians positive, CI around HR",
            f"{len(pub)} printed numbers",
            f"{len(bad)} out of range: " + ("; ".join(bad) or "none"),
            INCONSISTENT if bad else CONSISTENT,
            "Every number is possible for its kind." if not bad else "Some numbers are impossible.",
        )
    )
    # medians within the follow-up range
    fu_max = _where(pub, factor="os_months", statistic="max")
    fu_min = _where(pub, factor="os_months", statistic="min")
    meds = pub[(pub["statistic"] == "median_os") & ~pub["not_reached"]]
    if not fu_max.empty and not meds.empty:
        lo, hi = fu_min["value"].max(), fu_max["value"].min()
        outside = meds[(meds["value"] > hi) | (meds["value"] < lo)]
        out.append(
            _check(
                "plausible.medians_within_followup",
                "plausibility",
                "every median OS lies within the observed follow-up times",
                f"follow-up {lo:g}–{hi:g} months; {len(meds)} medians from {meds['value'].min():g} to "
                f"{meds['value'].max():g}",
                f"{len(outside)} outside",
                CONSISTENT if outside.empty else INCONSISTENT,
                "A Kaplan–Meier median is an observed death time (or the midpoint of two)."
                + ("" if outside.empty else " Outside: " + ", ".join(outside["id"])),
            )
        )
    # five-year rate against the median
    for cohort, med_row in (
        ("all", _one(pub, cohort="all", factor="os", statistic="median_os")),
        (
            "metastasectomy",
            _one(pub, source="Table 1", factor="metastasectomy_curative", level="yes", statistic="median_os"),
        ),
    ):
        rate = _one(pub, cohort=cohort, factor="os", statistic="os_5yr")
        if rate is None or med_row is None:
            continue
        m = math.inf if med_row["not_reached"] else med_row["value"]
        ok = (m < 60) if rate["value"] < 50 else (m >= 60) if rate["value"] > 50 else True
        out.append(
            _check(
                f"plausible.os5yr_vs_median.{cohort}",
                "plausibility",
                f"five-year OS {fmt(rate)}% agrees with median OS {fmt(med_row)} months ({cohort})",
                f"5-year OS {fmt(rate)}% ({rate['id']}), median {fmt(med_row)} ({med_row['id']})",
                "S(60) < 0.5 ⇔ median < 60",
                CONSISTENT if ok else INCONSISTENT,
                "A survival curve only falls, so it crosses 0.5 before 60 months exactly when S(60) < 50%."
                if ok
                else "The median and the five-year rate put the 50% crossing on opposite sides of 60 months.",
            )
        )
    out += _between_checks(pub)
    return out


def _between(m: float, parts: list[float]) -> bool:
    return min(parts) - 0.05 <= m <= max(parts) + 0.05 if not math.isinf(m) else max(parts) == math.inf


def _between_checks(pub) -> list[dict]:
    """A pooled median lies between its parts' medians (exact without censoring, approximate with it)."""
    out = []
    overall = {
        "Table 1": _one(pub, cohort="all", factor="os", statistic="median_os"),
        "Table 4": _one(pub, source="Table 1", factor="metastasectomy_curative", level="yes", statistic="median_os"),
        "Table 5": _one(pub, source="Table 1", factor="metastasectomy_curative", level="no", statistic="median_os"),
    }
    era = _where(pub, factor="era", statistic="median_os")
    for source, whole in overall.items():
        if whole is None:
            continue
        m = math.inf if whole["not_reached"] else whole["value"]
        rows = _where(pub, source=source, statistic="median_os")
        groups = list(rows.groupby("factor", sort=False))
        if source == "Table 1" and not era.empty:
            groups.append(("era", era))
        for factor, g in groups:
            parts = [math.inf if r["not_reached"] else r["value"] for _, r in g.iterrows()]
            if len(parts) < 2:
                continue
            ok = _between(m, parts)
            out.append(
                _check(
                    f"plausible.between.{source.replace(' ', '').lower()}.{factor}",
                    "plausibility",
                    f"the whole arm's median ({fmt(whole)}) lies between the {factor} subgroup medians",
                    ", ".join(f"{r['label']} {fmt(r)}" for _, r in g.iterrows()),
                    f"range {min(parts):g}–{max(parts):g}",
                    CONSISTENT if ok else INCONSISTENT,
                    "The pooled curve is (close to) a mix of the subgroup curves."
                    if ok
                    else "A pooled median outside its subgroups' medians is implausible.",
                )
            )
    for _, r1 in _where(pub, source="Table 1", statistic="median_os").iterrows():
        m4, r4 = _median(pub, "Table 4", r1["factor"], r1["level"])
        m5, r5 = _median(pub, "Table 5", r1["factor"], r1["level"])
        if r4 is None or r5 is None:
            continue
        m = math.inf if r1["not_reached"] else r1["value"]
        ok = _between(m, [m4, m5])
        out.append(
            _check(
                f"plausible.between.arms.{r1['factor']}.{r1['level']}",
                "plausibility",
                f"Table 1's median for {r1['factor']} {r1['label']} lies between its two arms' medians",
                f"Table 1 {fmt(r1)}, Table 4 {fmt(r4)}, Table 5 {fmt(r5)}",
                f"{fmt(r1)} within arms",
                CONSISTENT if ok else INCONSISTENT,
                "Pooling two arms gives a median between theirs."
                if ok
                else "The pooled median lies outside both arms' medians, which is implausible.",
            )
        )
    return out
