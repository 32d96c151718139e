"""Subgroups against the whole: Table 4 + Table 5 = Table 1, and medians of a subgroup that sits wholly in one arm."""

from __future__ import annotations

import math

import pandas as pd

from .base import CONSISTENT, INCONSISTENT, UNSTATED, _check, _one, _where, cohort_size, fmt
from .rounding import interval, overlap


def _n(pub, source, factor, level):
    r = _one(pub, source=source, factor=factor, level=level, statistic="n")
    return None if r is None else int(r["value"])


def _median(pub, source, factor, level):
    r = _one(pub, source=source, factor=factor, level=level, statistic="median_os")
    if r is None:
        return None, None
    return (math.inf if r["not_reached"] else float(r["value"])), r


def subgroup_checks(pub: pd.DataFrame) -> list[dict]:
    """Table 4 + Table 5 = Table 1; medians of subgroups that sit wholly in one arm coincide."""
    out = []
    n4 = cohort_size(pub, "metastasectomy")
    t1 = _where(pub, source="Table 1", statistic="n")
    for _, r1 in t1.iterrows():
        f, lv = r1["factor"], r1["level"]
        a, b = _n(pub, "Table 4", f, lv), _n(pub, "Table 5", f, lv)
        if b is None:
            continue
        total = int(r1["value"])
        if a is not None:
            ok = a + b == total
            out.append(
                _check(
                    f"subgroup.{f}.{lv}.n",
                    "subgroups",
                    f"Table 4 + Table 5 = Table 1 for {f} {r1['label']}",
                    f"Table 4 {a}, Table 5 {b}, Table 1 {total}",
                    f"{a} + {b} = {a + b}",
                    CONSISTENT if ok else INCONSISTENT,
                    "The two arms add up to the whole." if ok else f"The arms add to {a + b}, Table 1 prints {total}.",
                )
            )
            continue
        implied = total - b
        ok = n4 is None or 0 <= implied <= n4
        why = (
            f"Table 4 does not tabulate {f}; Table 1 minus Table 5 implies {implied} of its patients have it."
            if ok
            else f"Table 1 minus Table 5 implies {implied} patients in the metastasectomy arm, impossible."
        )
        note, fits, reading = _text_fact_about_arm(pub, f, lv, implied)
        verdict = INCONSISTENT if not (ok and fits) else UNSTATED if reading else CONSISTENT
        out.append(
            _check(
                f"subgroup.{f}.{lv}.n",
                "subgroups",
                f"Table 1 − Table 5 is a possible count for {f} {r1['label']} in the metastasectomy arm",
                f"Table 1 {total}, Table 5 {b}",
                f"implied Table 4 count {implied}",
                verdict,
                (why + " " + note).strip(),
                reading=reading if verdict == UNSTATED else "",
            )
        )
    # medians that must coincide: a Table 1 level wholly inside one arm
    for _, r1 in t1.iterrows():
        f, lv, total = r1["factor"], r1["level"], int(r1["value"])
        a, b = _n(pub, "Table 4", f, lv), _n(pub, "Table 5", f, lv)
        if b is None:
            continue
        a = total - b if a is None else a
        inside = "Table 5" if a == 0 and b == total else "Table 4" if b == 0 and a == total else None
        if inside is None:
            continue
        m1, row1 = _median(pub, "Table 1", f, lv)
        m2, row2 = _median(pub, inside, f, lv)
        if row1 is None or row2 is None:
            continue
        same = (
            (m1 == m2)
            if math.isinf(m1) or math.isinf(m2)
            else overlap(
                interval(m1, row1["decimals"], statistic=row1["statistic"]),
                interval(m2, row2["decimals"], statistic=row2["statistic"]),
            )
        )
        out.append(
            _check(
                f"subgroup.{f}.{lv}.median",
                "subgroups",
                f"all {total} patients with {f} {r1['label']} are in {inside}, so their median OS is the same",
                f"Table 1 {fmt(row1)}, {inside} {fmt(row2)}",
                "same patients, same Kaplan–Meier curve",
                CONSISTENT if same else INCONSISTENT,
                "Both tables print the same median." if same else "The same patients get two different medians.",
            )
        )
    return out


def _text_fact_about_arm(pub, factor, level, implied) -> tuple[str, bool, str]:
    """What the text says about the metastasectomy arm for an untabulated factor: (note, whether it fits, the
    unstated reading it needs to fit, if any)."""
    if factor == "presenting" and level == "metachronous":
        r = _one(pub, cohort="metastasectomy", factor="presenting", level="metachronous", statistic="count")
        if r is not None:
            return (f"The text says {fmt(r)}.", int(r["value"]) == implied, "")
    if factor == "initial_metastatic_sites" and level == ">1":
        r = _one(pub, cohort="metastasectomy", factor="initial_metastatic_sites", statistic="max")
        if r is not None:
            return ("The text says all had a single site.", implied == 0, "")
    if factor == "primary_resection" and level == "no":
        r = _one(pub, cohort="metastasectomy", factor="primary_resection", level="yes", statistic="percent")
        if r is not None:
            return ("The text says all had their primary resected.", implied == 0, "")
    if factor == "chemotherapy" and level == "yes":
        r = _one(pub, source="Table 4", factor="chemo_peri_metastasectomy", level="yes", statistic="n")
        if r is not None:
            k = int(r["value"])
            if implied < k:
                return (
                    f"But Table 4 has {k} with chemotherapy around the metastasectomy, more than {implied}.",
                    False,
                    "",
                )
            if implied == k:
                return (f"Table 4 has the same {k} with chemotherapy around the metastasectomy.", True, "")
            reading = (
                f"the other {implied - k} of the {implied} had their chemotherapy for metastatic disease at "
                "another time than around the metastasectomy (for a later relapse, say); the paper does not "
                "say when they were treated"
            )
            return (
                f"Table 4 has only {k} with chemotherapy around the metastasectomy, so {implied - k} were "
                "treated at some other time, which the paper does not say (see the reading).",
                True,
                reading,
            )
    return ("", True, "")
