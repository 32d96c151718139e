"""Can all the paper's printed numbers be true at once?  A consistency audit for peer reviewers.

Uses ``data/published/`` only (no cohort).  ``run()`` returns one row per check::

    id, kind, claim, numbers, recomputed, verdict, explanation

with ``verdict`` one of ``VERDICTS``.  Each family of checks is a function taking the published DataFrame
(``helpers.published.load()`` or a constructed one with the same columns), so it can be tested on
constructed cases.  ``python -m helpers.audit`` prints the report and exits 0 whenever it ran.

Rounding: a printed number with ``d`` decimals stands for an interval of true values.  Under
round-half-up or round-half-even it is ``[v - h, v + h]`` with ``h = 0.5·10^-d`` (the two rules differ only
at exact ties, checked exactly with fractions); under truncation it is ``[v, v + 2h)``.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.stats import norm

from . import factors, published

CONSISTENT = "consistent"
OTHER_RULE = "consistent only under another rounding rule"
INCONSISTENT = "inconsistent"
VERDICTS = (CONSISTENT, OTHER_RULE, INCONSISTENT)
COLUMNS = ["id", "kind", "claim", "numbers", "recomputed", "verdict", "explanation"]
RULES = ("half_up", "half_even", "truncate")
RULE_NAMES = {"half_up": "round half up", "half_even": "round half to even", "truncate": "truncation"}

ALPHA = 0.05  # Methods: "significant when p-values were <0.05"
CONFIDENCE = 0.95  # Methods: "95% confidence intervals"
SPSS_ENTRY, SPSS_REMOVAL = 0.05, 0.10  # SPSS defaults of "forward conditional" (PIN, POUT)
TABLE_COHORT = {"Table 1": "all", "Table 4": "metastasectomy", "Table 5": "no_metastasectomy"}
PARTITIONS = {"status": ("NED", "AWD", "DOD"), "first_line_response": ("non-PD", "PD")}


# --------------------------------------------------------------------------- rounding primitives
def exact(value: float, decimals: int) -> Fraction:
    """The printed number as an exact fraction."""
    return Fraction(f"{value:.{int(decimals)}f}")


def round_rule(x: Fraction, decimals: int, rule: str) -> Fraction:
    """``x`` (>= 0) rounded to ``decimals`` by ``rule`` (``half_up``, ``half_even``, ``truncate``), exactly."""
    scale = Fraction(10) ** int(decimals)
    if rule == "half_up":
        return Fraction(math.floor(x * scale + Fraction(1, 2))) / scale
    if rule == "half_even":
        return Fraction(round(x * scale)) / scale
    if rule == "truncate":
        return Fraction(math.floor(x * scale)) / scale
    raise ValueError(f"unknown rounding rule {rule!r}; choose from {RULES}")


def percent_rules(k: int, n: int, printed: float, decimals: int) -> dict[str, bool]:
    """For each rule: does 100·k/n round to the printed percentage?"""
    x = Fraction(100 * int(k), int(n))
    target = exact(printed, decimals)
    return {r: round_rule(x, decimals, r) == target for r in RULES}


def grim(printed: float, decimals: int, n: int, rule: str = "half_up") -> list[int]:
    """All k in 0..n whose percentage 100·k/n rounds to the printed value under ``rule`` (GRIM test)."""
    target = exact(printed, decimals)
    centre = int(n) * float(printed) / 100
    width = math.ceil(int(n) / 100) + 2  # |100k/n - printed| < 1 means |k - centre| < n/100
    near = range(max(0, math.floor(centre) - width), min(int(n), math.ceil(centre) + width) + 1)
    return [k for k in near if round_rule(Fraction(100 * k, int(n)), decimals, rule) == target]


def rule_verdict(ok: dict[str, bool]) -> str:
    if ok["half_up"] and ok["half_even"]:
        return CONSISTENT
    return OTHER_RULE if any(ok.values()) else INCONSISTENT


def interval(value: float, decimals: int, rule: str = "round", bound: str = "") -> tuple[float, float]:
    """The true values a printed number can stand for."""
    if bound == "<":
        return (0.0, float(value))
    h = 0.5 * 10.0 ** -int(decimals)
    slack = 1e-12 * max(1.0, abs(value))
    if rule == "truncate":
        return (value - slack, value + 2 * h + slack)
    return (value - h - slack, value + h + slack)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def fmt(row) -> str:
    """A published row as printed."""
    if bool(row["not_reached"]):
        return "N.A."
    return f"{row['bound']}{row['value']:.{int(row['decimals'])}f}"


def _check(id, kind, claim, numbers, recomputed, verdict, explanation) -> dict:
    assert verdict in VERDICTS, verdict
    return dict(id=id, kind=kind, claim=claim, numbers=numbers, recomputed=recomputed, verdict=verdict,
                explanation=explanation)


def _where(pub: pd.DataFrame, **kw) -> pd.DataFrame:
    """Rows whose columns equal the given values (a list selects any member); numpy for speed."""
    mask = np.ones(len(pub), dtype=bool)
    for col, want in kw.items():
        arr = pub[col].to_numpy()
        mask &= np.isin(arr, list(want)) if isinstance(want, (list, tuple, set)) else (arr == want)
    return pub.iloc[np.flatnonzero(mask)]


def _one(pub: pd.DataFrame, **kw):
    hit = _where(pub, **kw)
    return None if hit.empty else hit.iloc[0]


def cohort_size(pub: pd.DataFrame, cohort: str) -> int | None:
    """N of a cohort as printed in the text or abstract (``patients`` count), else None."""
    r = _one(pub, factor="patients", statistic="count", cohort=cohort)
    return None if r is None else int(r["value"])


def _denominator(pub: pd.DataFrame, row) -> tuple[int | None, str]:
    """Denominator of a printed percentage, and what it is."""
    cohort, factor, source = row["cohort"], row["factor"], row["source"]
    if source in TABLE_COHORT:
        ns = _where(pub, source=source, factor=factor, statistic="n")
        ns = ns[ns["level"] != "NA"]
        return int(ns["value"].sum()), f"sum of {factor} rows of {source}" + (" with known grade" if factor == "grade" else "")
    if factor == "local_recurrence":
        r = _one(pub, source="Text", cohort="all", factor="primary_resection", level="yes", statistic="count")
        return (None if r is None else int(r["value"])), "patients with a resected primary"
    if factor == "perioperative_chemo_primary":
        r = _one(pub, factor="metachronous_with_primary_resection", statistic="count")
        return (None if r is None else int(r["value"])), "metachronous patients with a resected primary"
    n = cohort_size(pub, cohort)
    if factor == "grade" and n is not None:
        na = _one(pub, source="Text", cohort=cohort, factor="grade", level="NA", statistic="count")
        if na is not None:
            return n - int(na["value"]), "patients with a known grade"
    return n, f"patients in cohort {cohort!r}"


def _count_for(pub: pd.DataFrame, row):
    """The printed count a printed percentage refers to (same source/section, cohort, factor, level)."""
    if row["source"] in TABLE_COHORT:
        return _one(pub, source=row["source"], factor=row["factor"], level=row["level"], statistic="n")
    same = _where(pub, source=row["source"], cohort=row["cohort"], factor=row["factor"], level=row["level"],
                  statistic="count")
    section = row["id"].split(".")[1] if row["source"] == "Text" else None
    if section is not None:
        same = same[same["id"].str.split(".").str[1] == section]
    return None if same.empty else same.iloc[0]


# --------------------------------------------------------------------------- checks
def percent_checks(pub: pd.DataFrame) -> list[dict]:
    """GRIM-style: does the printed count over its denominator round to the printed percentage?"""
    out = []
    for _, row in _where(pub, statistic="percent").iterrows():
        k_row = _count_for(pub, row)
        n, what = _denominator(pub, row)
        if k_row is None or n is None or n == 0:
            continue
        k = int(k_row["value"])
        ok = percent_rules(k, n, row["value"], row["decimals"])
        fits = {r: grim(row["value"], row["decimals"], n, r) for r in RULES}
        verdict = rule_verdict(ok)
        exact_pct = 100 * k / n
        if verdict == CONSISTENT:
            why = f"{k}/{n} = {exact_pct:.4f}% rounds to the printed {fmt(row)}%."
        elif verdict == OTHER_RULE:
            rules = ", ".join(RULE_NAMES[r] for r, v in ok.items() if v)
            why = f"{k}/{n} = {exact_pct:.4f}% gives the printed {fmt(row)}% only by {rules}, not by rounding."
        else:
            why = f"{k}/{n} = {exact_pct:.4f}% cannot be printed as {fmt(row)}% under any rule."
        out.append(_check(f"percent.{row['id']}", "percent", f"{row['source']}: {row['label']} {fmt(row)}%",
                          f"k = {k} ({k_row['id']}), n = {n} ({what})",
                          f"100·k/n = {exact_pct:.4f}; k that fit: " +
                          "; ".join(f"{RULE_NAMES[r]} {fits[r] or 'none'}" for r in RULES),
                          verdict, why))
    return out


def response_checks(pub: pd.DataFrame) -> list[dict]:
    """Table 2: CR+PR+SD+PD = N; ORR = (CR+PR)/N and DCR = (CR+PR+SD)/N."""
    out = []
    t2 = _where(pub, source="Table 2")
    for regimen, g in t2.groupby("level", sort=False):
        v = {r["statistic"]: r for _, r in g.iterrows()}
        n = int(v["n"]["value"])
        c = {s: int(v[s]["value"]) for s in ("cr", "pr", "sd", "pd")}
        total = sum(c.values())
        out.append(_check(f"response.{regimen}.sum", "response", f"Table 2 {regimen}: best responses add up to N",
                          f"N {n}; CR {c['cr']}, PR {c['pr']}, SD {c['sd']}, PD {c['pd']}",
                          f"CR+PR+SD+PD = {total}", CONSISTENT if total == n else INCONSISTENT,
                          "Every evaluable course has exactly one best response." if total == n else
                          f"The four response counts add to {total}, not N = {n}."))
        for stat, k, what in (("orr", c["cr"] + c["pr"], "CR+PR"), ("dcr", c["cr"] + c["pr"] + c["sd"], "CR+PR+SD")):
            row = v[stat]
            ok = percent_rules(k, n, row["value"], row["decimals"])
            verdict = rule_verdict(ok)
            pct = 100 * k / n
            rules = ", ".join(RULE_NAMES[r] for r, x in ok.items() if x) or "no rule"
            out.append(_check(f"response.{regimen}.{stat}", "response",
                              f"Table 2 {regimen}: {stat.upper()} {fmt(row)}%",
                              f"{what} = {k}, N = {n}", f"100·{k}/{n} = {pct:.4f}",
                              verdict, f"{what} over N gives {pct:.4f}%, which matches the printed {fmt(row)}% by "
                                       f"{rules}."))
    return out


def sum_checks(pub: pd.DataFrame) -> list[dict]:
    """Level counts of each factor add up to the cohort's N (tables and text)."""
    out = []
    for source, cohort in TABLE_COHORT.items():
        n = cohort_size(pub, cohort)
        t = _where(pub, source=source, statistic="n")
        if n is None or t.empty:
            continue
        for factor, g in t.groupby("factor", sort=False):
            total = int(g["value"].sum())
            parts = ", ".join(f"{r['label']} {fmt(r)}" for _, r in g.iterrows())
            out.append(_check(f"sum.{source.replace(' ', '').lower()}.{factor}", "sums",
                              f"{source}: the {factor} rows cover the {n} patients", parts, f"sum = {total}",
                              CONSISTENT if total == n else INCONSISTENT,
                              f"The levels add up to N = {n}." if total == n else
                              f"The levels add up to {total}, not N = {n}."))
    text = pub[pub["source"].isin(["Text", "Abstract"]) & (pub["statistic"] == "count")]
    for (cohort, factor), g in text.groupby(["cohort", "factor"], sort=False):
        g = g.drop_duplicates("level")
        if factor in factors.FACTORS:
            want = set(factors.FACTORS[factor].levels) | ({"NA"} if factor == "grade" else set())
        elif factor in PARTITIONS:
            want = set(PARTITIONS[factor])
        elif factor == "palliative_first_line_regimen":
            want = set(g["level"])
        else:
            continue
        if not want <= set(g["level"]) or len(g) < 2:
            continue
        n = cohort_size(pub, cohort)
        if n is None:
            continue
        total = int(g["value"].sum())
        out.append(_check(f"sum.text.{cohort}.{factor}", "sums", f"Text: the {factor} counts cover the {n} patients"
                          f" of cohort {cohort!r}", ", ".join(f"{r['level']} {fmt(r)}" for _, r in g.iterrows()),
                          f"sum = {total}", CONSISTENT if total == n else INCONSISTENT,
                          f"The counts add up to N = {n}." if total == n else f"The counts add up to {total}, not {n}."))
    return out


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
    n4, n5 = cohort_size(pub, "metastasectomy"), cohort_size(pub, "no_metastasectomy")
    t1 = _where(pub, source="Table 1", statistic="n")
    for _, r1 in t1.iterrows():
        f, lv = r1["factor"], r1["level"]
        a, b = _n(pub, "Table 4", f, lv), _n(pub, "Table 5", f, lv)
        if b is None:
            continue
        total = int(r1["value"])
        if a is not None:
            ok = a + b == total
            out.append(_check(f"subgroup.{f}.{lv}.n", "subgroups", f"Table 4 + Table 5 = Table 1 for {f} {r1['label']}",
                              f"Table 4 {a}, Table 5 {b}, Table 1 {total}", f"{a} + {b} = {a + b}",
                              CONSISTENT if ok else INCONSISTENT,
                              "The two arms add up to the whole." if ok else
                              f"The arms add to {a + b}, Table 1 prints {total}."))
            continue
        implied = total - b
        ok = n4 is None or 0 <= implied <= n4
        why = (f"Table 4 does not tabulate {f}; Table 1 minus Table 5 implies {implied} of its patients have it."
               if ok else f"Table 1 minus Table 5 implies {implied} patients in the metastasectomy arm, impossible.")
        note = _text_fact_about_arm(pub, f, lv, implied)
        verdict = CONSISTENT if ok and note[1] else INCONSISTENT
        out.append(_check(f"subgroup.{f}.{lv}.n", "subgroups", f"Table 1 − Table 5 is a possible count for {f} "
                          f"{r1['label']} in the metastasectomy arm", f"Table 1 {total}, Table 5 {b}",
                          f"implied Table 4 count {implied}", verdict, (why + " " + note[0]).strip()))
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
        same = (m1 == m2) if math.isinf(m1) or math.isinf(m2) else overlap(
            interval(m1, row1["decimals"]), interval(m2, row2["decimals"]))
        out.append(_check(f"subgroup.{f}.{lv}.median", "subgroups",
                          f"all {total} patients with {f} {r1['label']} are in {inside}, so their median OS is the same",
                          f"Table 1 {fmt(row1)}, {inside} {fmt(row2)}", "same patients, same Kaplan–Meier curve",
                          CONSISTENT if same else INCONSISTENT,
                          "Both tables print the same median." if same else
                          "The same patients get two different medians."))
    return out


def _text_fact_about_arm(pub, factor, level, implied) -> tuple[str, bool]:
    """What the text says about the metastasectomy arm for an untabulated factor."""
    if factor == "presenting" and level == "metachronous":
        r = _one(pub, cohort="metastasectomy", factor="presenting", level="metachronous", statistic="count")
        if r is not None:
            return (f"The text says {fmt(r)}.", int(r["value"]) == implied)
    if factor == "initial_metastatic_sites" and level == ">1":
        r = _one(pub, cohort="metastasectomy", factor="initial_metastatic_sites", statistic="max")
        if r is not None:
            return ("The text says all had a single site.", implied == 0)
    if factor == "primary_resection" and level == "no":
        r = _one(pub, cohort="metastasectomy", factor="primary_resection", level="yes", statistic="percent")
        if r is not None:
            return ("The text says all had their primary resected.", implied == 0)
    if factor == "chemotherapy" and level == "yes":
        r = _one(pub, source="Table 4", factor="chemo_peri_metastasectomy", level="yes", statistic="n")
        if r is not None:
            k = int(r["value"])
            return (f"Table 4 has {k} with chemotherapy around the metastasectomy, so {implied - k} would have had "
                    f"chemotherapy for metastases only later." if implied >= k else
                    f"But Table 4 has {k} with chemotherapy around the metastasectomy, more than {implied}.",
                    implied >= k)
    return ("", True)


def text_checks(pub: pd.DataFrame) -> list[dict]:
    """The same fact printed twice (abstract, text, tables) must agree at the printed precision."""
    alias = {("metastasectomy", "patients", ""): ("all", "metastasectomy_curative", "yes"),
             ("no_metastasectomy", "patients", ""): ("all", "metastasectomy_curative", "no"),
             ("palliative_chemo", "patients", ""): ("no_metastasectomy", "chemotherapy", "yes")}
    df = pub.copy()
    keys = []
    for _, r in df.iterrows():
        c, f, lv = alias.get((r["cohort"], r["factor"], r["level"]), (r["cohort"], r["factor"], r["level"]))
        stat = "n" if r["statistic"] == "count" else r["statistic"]
        if (r["cohort"], r["factor"], r["level"]) in alias:
            stat = "n"
        keys.append((c, f, lv, stat))
    df["_key"] = keys
    out = []
    for key, g in df.groupby("_key", sort=False):
        if len(g) < 2 or not (g["source"].isin(["Text", "Abstract"])).any():
            continue
        rows = list(g.itertuples(index=False))
        ivs = [((math.inf, math.inf) if r.not_reached else interval(r.value, r.decimals, bound=r.bound)) for r in rows]
        lo, hi = max(i[0] for i in ivs), min(i[1] for i in ivs)
        values = {(r.not_reached, r.bound, None if r.not_reached else round(r.value, 12)) for r in rows}
        # counts must be equal; other values need a common interval of positive width (touching ends do not
        # count: x.5 cannot print both as x and as x+1)
        ok = len(values) == 1 or (key[3] != "n" and lo < hi - 1e-9)
        c, f, lv, stat = key
        out.append(_check(f"text.{c}.{f}.{lv or '-'}.{stat}".replace("..", "."), "text",
                          f"{stat} of {f}{' ' + lv if lv else ''} ({c}) printed {len(rows)} times",
                          "; ".join(f"{r.source} {r.id.split('.')[1] if r.source == 'Text' else ''} "
                                    f"{fmt(r._asdict())}".replace("  ", " ") for r in rows),
                          "common interval " + (f"[{lo:g}, {hi:g}]" if ok else "empty"),
                          CONSISTENT if ok else INCONSISTENT,
                          "All printings agree." if ok else "The printings disagree beyond rounding."))
    out += _regimen_checks(pub) + _site_checks(pub) + _significance_checks(pub)
    return out


def _regimen_checks(pub) -> list[dict]:
    out = []
    t2n = _where(pub, source="Table 2", statistic="n")
    first = _where(pub, factor="palliative_first_line_regimen", statistic="count")
    for _, r in first.iterrows():
        t = _one(pub, source="Table 2", level=r["level"], statistic="n")
        if t is None:
            continue
        ok = r["value"] <= t["value"]
        out.append(_check(f"text.first_line.{r['level']}", "text",
                          f"first-line {r['level']} courses are among Table 2's {r['level']} courses",
                          f"first line {fmt(r)}, Table 2 N {fmt(t)}", f"{fmt(r)} ≤ {fmt(t)}",
                          CONSISTENT if ok else INCONSISTENT,
                          "Fewer first-line courses than all courses." if ok else
                          "More first-line courses than all evaluable courses of that regimen."))
    med = _one(pub, factor="regimen_lines", statistic="median")
    lo_, hi_ = _one(pub, factor="regimen_lines", statistic="min"), _one(pub, factor="regimen_lines", statistic="max")
    chemo = _one(pub, source="Table 1", factor="chemotherapy", level="yes", statistic="n")
    if med is not None and lo_ is not None and hi_ is not None and chemo is not None and not t2n.empty:
        n, total = int(chemo["value"]), int(t2n["value"].sum())
        smin, smax = line_sum_bounds(n, float(med["value"]), int(lo_["value"]), int(hi_["value"]))
        ok = total <= smax
        out.append(_check("text.regimen_lines", "text",
                          f"{n} treated patients, median {fmt(med)} regimens (range {fmt(lo_)}–{fmt(hi_)}) can "
                          f"account for Table 2's courses", f"Table 2 total N = {total}",
                          f"possible total regimens {smin}–{smax}", CONSISTENT if ok else INCONSISTENT,
                          (f"{total} evaluable courses fit within {smin}–{smax} regimens." if smin <= total else
                           f"{total} evaluable courses is fewer than the {smin} regimens given, so some were not "
                           f"evaluable.") if ok else f"{total} courses exceed the {smax} regimens possible."))
    return out


def line_sum_bounds(n: int, median: float, lo: int, hi: int) -> tuple[int, int]:
    """Smallest and largest total of ``n`` integers in [lo, hi] with this median, min ``lo`` and max ``hi``."""
    best_min, best_max = None, None
    mid = [(n - 1) // 2, n // 2]
    for a in range(lo, hi + 1):
        for b in range(a, hi + 1):
            if (a + b) / 2 != median or (n % 2 == 1 and a != b):
                continue
            below, above = mid[0], n - 1 - mid[1]
            lower = [lo] * below + ([a, b] if n % 2 == 0 else [a]) + [b] * above
            upper = [a] * below + ([a, b] if n % 2 == 0 else [a]) + [hi] * above
            if below:
                upper[0] = lo
            if above:
                lower[-1] = hi
            if min(lower) != lo or max(lower) != hi or min(upper) != lo or max(upper) != hi:
                continue
            best_min = sum(lower) if best_min is None else min(best_min, sum(lower))
            best_max = sum(upper) if best_max is None else max(best_max, sum(upper))
    if best_min is None:
        raise ValueError(f"no {n} integers in [{lo}, {hi}] have median {median}")
    return best_min, best_max


def _site_checks(pub) -> list[dict]:
    out = []
    sites = ["site_lung", "site_liver", "site_muscle", "site_lymph_node", "site_bone"]
    counts = {s: _one(pub, cohort="all", factor=s, statistic="count") for s in sites}
    single = _one(pub, source="Table 1", factor="initial_metastatic_sites", level="1", statistic="n")
    multi = _one(pub, source="Table 1", factor="initial_metastatic_sites", level=">1", statistic="n")
    if all(v is not None for v in counts.values()) and single is not None and multi is not None:
        listed = int(sum(v["value"] for v in counts.values()))
        need = int(single["value"]) + 2 * int(multi["value"])
        most = int(single["value"]) + len(counts) * int(multi["value"])
        ok = listed <= most
        out.append(_check("text.sites.total", "text", "the listed sites of initial metastasis fit the number of sites",
                          ", ".join(f"{s[5:]} {fmt(v)}" for s, v in counts.items()) +
                          f"; {fmt(single)} patients with one site, {fmt(multi)} with more",
                          f"listed site-patients {listed}; possible at most {most}; all sites together at least {need}",
                          CONSISTENT if ok else INCONSISTENT,
                          (f"At least {need - listed} metastases must be at sites the text does not list "
                           f"(it lists only 'the most common')." if listed < need else
                           "The listed sites can account for every patient.") if ok else
                          f"{listed} site-patients cannot come from {fmt(single)} single-site and {fmt(multi)} "
                          f"multi-site patients."))
    cur = _where(pub, cohort="metastasectomy", statistic="count")
    cur = cur[cur["factor"].str.startswith("site_")]
    n = cohort_size(pub, "metastasectomy")
    if not cur.empty and n is not None:
        total = int(cur["value"].sum())
        over = [f"{r['factor']} {fmt(r)} > {fmt(counts[r['factor']])}" for _, r in cur.iterrows()
                if counts.get(r["factor"]) is not None and r["value"] > counts[r["factor"]]["value"]]
        ok = total == n and not over
        out.append(_check("text.sites.metastasectomy", "text",
                          f"each of the {n} curative metastasectomies was at one site, and no site exceeds its "
                          "count among all patients",
                          ", ".join(f"{r['label']}" for _, r in cur.iterrows()), f"sum = {total}",
                          CONSISTENT if ok else INCONSISTENT,
                          "The sites add up to the arm and fit within the overall site counts." if ok else
                          (f"The sites add to {total}, not {n}. " if total != n else "") + "; ".join(over)))
    return out


def _significance_checks(pub) -> list[dict]:
    """The factors the text calls significant are those with p < 0.05 in the table."""
    out = []
    for source, cohort in list(TABLE_COHORT.items()) + [("Table 3", "all")]:
        table = _where(pub, source=source, statistic="p")
        if table.empty:
            continue
        sig = {r["factor"] for _, r in table.iterrows() if interval(r["value"], r["decimals"], bound=r["bound"])[1] < ALPHA}
        named = set(_where(pub, source="Text", cohort=cohort, statistic="p")["factor"]) & set(table["factor"])
        if not named:
            continue
        ok = sig == named
        out.append(_check(f"text.significant.{source.replace(' ', '').lower()}", "text",
                          f"the text names as significant exactly the {source} factors with p < {ALPHA}",
                          "text: " + ", ".join(sorted(named)), f"{source} p < {ALPHA}: " + ", ".join(sorted(sig)),
                          CONSISTENT if ok else INCONSISTENT,
                          "Same factors." if ok else f"Differ: {sorted(sig ^ named)}."))
    return out


def wald(hr: float, hr_dec: int, lo: float, lo_dec: int, hi: float, hi_dec: int, level: float = CONFIDENCE,
         rule: str = "round") -> dict:
    """Interval arithmetic on a printed HR, CI: the HR implied by the CI, the SE, and the implied Wald p range."""
    z = norm.ppf(0.5 + level / 2)
    H, L, U = interval(hr, hr_dec, rule), interval(lo, lo_dec, rule), interval(hi, hi_dec, rule)
    geo = (math.sqrt(max(L[0], 1e-300) * U[0]), math.sqrt(L[1] * U[1]))
    se = ((math.log(U[0]) - math.log(L[1])) / (2 * z), (math.log(U[1]) - math.log(max(L[0], 1e-300))) / (2 * z))
    both = (max(H[0], geo[0]), min(H[1], geo[1]))
    h = both if both[0] <= both[1] else H
    lnh = (math.log(h[0]), math.log(h[1]))
    absmin = 0.0 if lnh[0] <= 0 <= lnh[1] else min(abs(lnh[0]), abs(lnh[1]))
    absmax = max(abs(lnh[0]), abs(lnh[1]))
    zs = (absmin / se[1], absmax / se[0]) if se[0] > 0 else (absmin / se[1], math.inf)
    p = (2 * norm.sf(zs[1]), 2 * norm.sf(zs[0]))
    return dict(hr=H, geo=geo, se=se, z=zs, p=p, hr_ok=overlap(H, geo))


def hazard_ratio_checks(pub: pd.DataFrame) -> list[dict]:
    """Table 3: HR = √(lo·hi); implied SE; implied Wald p against the printed p."""
    out = []
    t3 = _where(pub, source="Table 3")
    for cov, g in t3.groupby("factor", sort=False):
        v = {r["statistic"]: r for _, r in g.iterrows()}
        if not {"hr", "ci_low", "ci_high", "p"} <= set(v):
            continue
        args = (v["hr"]["value"], v["hr"]["decimals"], v["ci_low"]["value"], v["ci_low"]["decimals"],
                v["ci_high"]["value"], v["ci_high"]["decimals"])
        w, wt = wald(*args), wald(*args, rule="truncate")
        nums = f"HR {fmt(v['hr'])}, 95% CI {fmt(v['ci_low'])}–{fmt(v['ci_high'])}, p {fmt(v['p'])}"
        verdict = CONSISTENT if w["hr_ok"] else OTHER_RULE if wt["hr_ok"] else INCONSISTENT
        out.append(_check(f"hr.{cov}.geometric_mean", "hazard_ratio", f"Table 3 {v['hr']['label']}: the HR is the "
                          "geometric centre of its CI", nums,
                          f"√(lo·hi) ∈ [{w['geo'][0]:.4f}, {w['geo'][1]:.4f}]; HR ∈ [{w['hr'][0]:.4f}, {w['hr'][1]:.4f}]",
                          verdict, "A Wald CI is symmetric on the log scale, and the printed HR sits at its centre."
                          if verdict == CONSISTENT else "The printed HR is not the centre of its printed CI on the log scale."))
        P = interval(v["p"]["value"], v["p"]["decimals"], bound=v["p"]["bound"])
        ok, okt = overlap(P, w["p"]), overlap(P, wt["p"])
        verdict = CONSISTENT if ok else OTHER_RULE if okt else INCONSISTENT
        ci_has_1 = v["ci_low"]["value"] <= 1 <= v["ci_high"]["value"]
        agrees = ci_has_1 == (P[0] >= 1 - CONFIDENCE)
        if not agrees:
            verdict = INCONSISTENT
        out.append(_check(f"hr.{cov}.wald_p", "hazard_ratio", f"Table 3 {v['hr']['label']}: the p-value follows from "
                          "the HR and its CI", nums,
                          f"SE ∈ [{w['se'][0]:.4f}, {w['se'][1]:.4f}]; z ∈ [{w['z'][0]:.3f}, {w['z'][1]:.3f}]; "
                          f"Wald p ∈ [{w['p'][0]:.4f}, {w['p'][1]:.4f}]", verdict,
                          (f"The printed p ({P[0]:.4f}–{P[1]:.4f} before rounding) overlaps the implied range "
                           f"on [{max(P[0], w['p'][0]):.5f}, {min(P[1], w['p'][1]):.5f}]" if ok else
                           "The printed p lies outside the range the HR and CI imply") +
                          ("; and the CI contains 1 exactly when p ≥ 0.05." if agrees else
                           "; and the CI and p disagree about significance.")))
    return out


def coefficient_box(hr: tuple[float, int], lo: tuple[float, int], hi: tuple[float, int],
                    p: tuple[float, int, str], level: float = CONFIDENCE) -> dict:
    """The (β, SE) a printed HR, CI and Wald p leave possible: each printed number, read as its rounding
    interval, is a linear constraint on (β, SE) (``β ± z·SE`` for the limits, ``|β| / SE`` for p), so the
    extremes of β and SE are linear programmes. ``hr``, ``lo``, ``hi``: (value, decimals); ``p``: (value,
    decimals, bound). Returns beta/se (min, max), or None when the numbers admit no (β, SE)."""
    from scipy.optimize import linprog

    z = norm.ppf(0.5 + level / 2)
    B = [math.log(max(x, 1e-300)) for x in interval(*hr)]
    L = [math.log(max(x, 1e-300)) for x in interval(*lo)]
    U = [math.log(max(x, 1e-300)) for x in interval(*hi)]
    P = interval(p[0], p[1], bound=p[2])
    A, b = [[-1, 0], [1, 0], [-1, z], [1, -z], [-1, -z], [1, z]], [-B[0], B[1], -L[0], L[1], -U[0], U[1]]
    sign = 1.0 if B[0] >= 0 else -1.0 if B[1] <= 0 else 0.0
    if sign:  # |β| / SE between the z values of the p interval's ends (linear once the sign of β is known)
        z_lo, z_hi = norm.isf(min(P[1], 1.0) / 2), norm.isf(max(P[0], 1e-300) / 2)
        A += [[-sign, z_lo], [sign, -z_hi]]
        b += [0.0, 0.0]
    out = {}
    for name, k in (("beta", 0), ("se", 1)):
        ends = []
        for direction in (1.0, -1.0):
            c = [0.0, 0.0]
            c[k] = direction
            r = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None), (1e-9, None)], method="highs")
            if r.status != 0:
                return None
            ends.append(float(r.x[k]))
        out[name] = (ends[0], ends[1])
    return out


def coefficient_boxes(pub: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`coefficient_box` for each covariate of Table 3: how precisely the printed numbers pin down its
    coefficient and standard error (``data/RECONSTRUCTION.md`` uses it to show why Table 3 is hard to
    reproduce by search)."""
    pub = published.load() if pub is None else pub
    rows = []
    for cov, g in _where(pub, source="Table 3").groupby("factor", sort=False):
        v = {r["statistic"]: r for _, r in g.iterrows()}
        if not {"hr", "ci_low", "ci_high", "p"} <= set(v):
            continue
        box = coefficient_box(*[(v[s]["value"], int(v[s]["decimals"])) for s in ("hr", "ci_low", "ci_high")],
                              (v["p"]["value"], int(v["p"]["decimals"]), v["p"]["bound"]))
        if box is None:
            rows.append((cov, np.nan, np.nan, np.nan, np.nan))
        else:
            rows.append((cov, *box["beta"], *box["se"]))
    out = pd.DataFrame(rows, columns=["covariate", "beta_min", "beta_max", "se_min", "se_max"])
    return out.assign(beta_width=out.beta_max - out.beta_min, se_width=out.se_max - out.se_min)


METHODS_SELECTION = "forward conditional stepwise"  # the Methods' words
METHODS_SOFTWARE = "EZR"
# Variable selection EZR's Cox regression dialog offers, as the project records it (issue 2: "forward conditional"
# is SPSS's method and EZR does not offer it; EZR's p-value method is backward elimination on Wald p).
SOFTWARE_SELECTION = {"EZR": ("backward elimination by p-value", "stepwise by AIC", "stepwise by BIC")}


def methods_checks(pub: pd.DataFrame, selection: str = METHODS_SELECTION,
                   software: str = METHODS_SOFTWARE) -> list[dict]:
    """The selection procedure the Methods name against what Table 3 reports and what the software offers."""
    out = []
    t3p = _where(pub, source="Table 3", statistic="p")
    if t3p.empty:
        return out
    kept = {r["factor"]: r for _, r in t3p.iterrows()}
    high = [f"{r['label']} p {fmt(r)}" for r in kept.values()
            if interval(r["value"], r["decimals"], bound=r["bound"])[0] > SPSS_REMOVAL]
    out.append(_check("methods.stepwise_vs_table3", "methods",
                      "Methods: covariates chosen by forward conditional stepwise selection",
                      "Table 3 p: " + ", ".join(f"{r['factor']} {fmt(r)}" for r in kept.values()),
                      f"covariates with p > {SPSS_REMOVAL} (removal threshold) still in the model: {len(high)}",
                      INCONSISTENT if high else CONSISTENT,
                      (f"Forward conditional selection (SPSS: enter at p < {SPSS_ENTRY}, remove at p > {SPSS_REMOVAL}) "
                       f"cannot end with {', '.join(high)} in the model; Table 3 looks like a model forced to hold all "
                       "four covariates.") if high else "Every reported covariate would survive the removal test."))
    uni = _where(pub, source="Table 1", statistic="p")
    sig = sorted(r["factor"] for _, r in uni.iterrows()
                 if interval(r["value"], r["decimals"], bound=r["bound"])[1] < ALPHA)
    mapped = sorted(factors.COX_COVARIATES[c][0] for c in kept if c in factors.COX_COVARIATES)
    same = sig == mapped
    out.append(_check("methods.table3_is_univariate_significant", "methods",
                      "Table 3's covariates are the Table 1 factors with p < 0.05",
                      "Table 1 p < 0.05: " + ", ".join(sig), "Table 3 covariates: " + ", ".join(mapped),
                      CONSISTENT if same else INCONSISTENT,
                      "Table 3 holds exactly the univariately significant factors, which a forced-entry model of "
                      "them would give." if same else "Table 3's covariates are not the univariately significant set."))
    offered = SOFTWARE_SELECTION.get(software, ())
    ok = selection in offered
    out.append(_check("methods.software", "methods", f"Methods: {selection} selection, done in {software}",
                      f"selection method named in the Methods: {selection}; software {software}",
                      f"{software}'s Cox dialog offers: {', '.join(offered) or 'unknown'}; 'forward conditional' is "
                      "SPSS's name for score-test entry with conditional likelihood-ratio removal",
                      CONSISTENT if ok else INCONSISTENT,
                      "The software offers the named method." if ok else
                      "The named software does not offer the named selection method, so the analysis cannot be "
                      "repeated as described."))
    return out


def plausibility_checks(pub: pd.DataFrame) -> list[dict]:
    """Impossible or implausible values: ranges, medians vs follow-up, five-year rate vs median."""
    out = []
    # median within its range
    for (cohort, factor), g in pub[pub["statistic"].isin(["median", "median_followup", "min", "max"])].groupby(
            ["cohort", "factor"], sort=False):
        mins, maxs = g[g["statistic"] == "min"], g[g["statistic"] == "max"]
        for _, m in g[g["statistic"].isin(["median", "median_followup"])].iterrows():
            if mins.empty or maxs.empty:
                continue
            lo, hi = mins["value"].max(), maxs["value"].min()
            ok = lo <= m["value"] <= hi
            out.append(_check(f"plausible.{m['id']}", "plausibility", f"{m['label']} lies inside its range",
                              f"{fmt(m)} with range {lo:g}–{hi:g}", f"{lo:g} ≤ {fmt(m)} ≤ {hi:g}",
                              CONSISTENT if ok else INCONSISTENT,
                              "A median cannot lie outside the range." if not ok else "Inside the range."))
    # value ranges
    bad = []
    for _, r in pub.iterrows():
        v, s = r["value"], r["statistic"]
        if r["not_reached"]:
            continue
        if s in ("percent", "orr", "dcr", "os_5yr") and not 0 <= v <= 100:
            bad.append(f"{r['id']} {fmt(r)}")
        if s == "p" and not 0 < v <= 1:
            bad.append(f"{r['id']} {fmt(r)}")
        if s in ("n", "count", "cr", "pr", "sd", "pd") and (v < 0 or v != round(v)):
            bad.append(f"{r['id']} {fmt(r)}")
        if s in ("hr", "ci_low", "ci_high", "median_os", "median_pfs") and v <= 0:
            bad.append(f"{r['id']} {fmt(r)}")
    for (src, cov), g in _where(pub, statistic=["hr", "ci_low", "ci_high"]).assign(
            sec=lambda d: d["id"].str.rsplit(".", n=1).str[0]).groupby(["source", "sec"], sort=False):
        v = dict(zip(g["statistic"], g["value"]))
        if {"hr", "ci_low", "ci_high"} <= set(v) and not v["ci_low"] < v["hr"] < v["ci_high"]:
            bad.append(f"{cov}: CI {v['ci_low']}–{v['ci_high']} does not contain HR {v['hr']}")
    out.append(_check("plausible.value_ranges", "plausibility",
                      "percentages in 0–100, p in (0, 1], counts whole numbers, HRs and medians positive, CI around HR",
                      f"{len(pub)} printed numbers", f"{len(bad)} out of range: " + ("; ".join(bad) or "none"),
                      INCONSISTENT if bad else CONSISTENT,
                      "Every number is possible for its kind." if not bad else "Some numbers are impossible."))
    # medians within the follow-up range
    fu_max = _where(pub, factor="os_months", statistic="max")
    fu_min = _where(pub, factor="os_months", statistic="min")
    meds = pub[(pub["statistic"] == "median_os") & ~pub["not_reached"]]
    if not fu_max.empty and not meds.empty:
        lo, hi = fu_min["value"].max(), fu_max["value"].min()
        outside = meds[(meds["value"] > hi) | (meds["value"] < lo)]
        out.append(_check("plausible.medians_within_followup", "plausibility",
                          "every median OS lies within the observed follow-up times",
                          f"follow-up {lo:g}–{hi:g} months; {len(meds)} medians from {meds['value'].min():g} to "
                          f"{meds['value'].max():g}", f"{len(outside)} outside",
                          CONSISTENT if outside.empty else INCONSISTENT,
                          "A Kaplan–Meier median is an observed death time (or the midpoint of two)." +
                          ("" if outside.empty else " Outside: " + ", ".join(outside["id"]))))
    # five-year rate against the median
    for cohort, med_row in (("all", _one(pub, cohort="all", factor="os", statistic="median_os")),
                            ("metastasectomy", _one(pub, source="Table 1", factor="metastasectomy_curative",
                                                    level="yes", statistic="median_os"))):
        rate = _one(pub, cohort=cohort, factor="os", statistic="os_5yr")
        if rate is None or med_row is None:
            continue
        m = math.inf if med_row["not_reached"] else med_row["value"]
        ok = (m < 60) if rate["value"] < 50 else (m >= 60) if rate["value"] > 50 else True
        out.append(_check(f"plausible.os5yr_vs_median.{cohort}", "plausibility",
                          f"five-year OS {fmt(rate)}% agrees with median OS {fmt(med_row)} months ({cohort})",
                          f"5-year OS {fmt(rate)}% ({rate['id']}), median {fmt(med_row)} ({med_row['id']})",
                          "S(60) < 0.5 ⇔ median < 60", CONSISTENT if ok else INCONSISTENT,
                          "A survival curve only falls, so it crosses 0.5 before 60 months exactly when S(60) < 50%."
                          if ok else "The median and the five-year rate put the 50% crossing on opposite sides of 60 months."))
    out += _between_checks(pub)
    return out


def _between(m: float, parts: list[float]) -> bool:
    return min(parts) - 0.05 <= m <= max(parts) + 0.05 if not math.isinf(m) else max(parts) == math.inf


def _between_checks(pub) -> list[dict]:
    """A pooled median lies between its parts' medians (exact without censoring, approximate with it)."""
    out = []
    overall = {"Table 1": _one(pub, cohort="all", factor="os", statistic="median_os"),
               "Table 4": _one(pub, source="Table 1", factor="metastasectomy_curative", level="yes", statistic="median_os"),
               "Table 5": _one(pub, source="Table 1", factor="metastasectomy_curative", level="no", statistic="median_os")}
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
            out.append(_check(f"plausible.between.{source.replace(' ', '').lower()}.{factor}", "plausibility",
                              f"the whole arm's median ({fmt(whole)}) lies between the {factor} subgroup medians",
                              ", ".join(f"{r['label']} {fmt(r)}" for _, r in g.iterrows()),
                              f"range {min(parts):g}–{max(parts):g}", CONSISTENT if ok else INCONSISTENT,
                              "The pooled curve is (close to) a mix of the subgroup curves." if ok else
                              "A pooled median outside its subgroups' medians is implausible."))
    for _, r1 in _where(pub, source="Table 1", statistic="median_os").iterrows():
        m4, r4 = _median(pub, "Table 4", r1["factor"], r1["level"])
        m5, r5 = _median(pub, "Table 5", r1["factor"], r1["level"])
        if r4 is None or r5 is None:
            continue
        m = math.inf if r1["not_reached"] else r1["value"]
        ok = _between(m, [m4, m5])
        out.append(_check(f"plausible.between.arms.{r1['factor']}.{r1['level']}", "plausibility",
                          f"Table 1's median for {r1['factor']} {r1['label']} lies between its two arms' medians",
                          f"Table 1 {fmt(r1)}, Table 4 {fmt(r4)}, Table 5 {fmt(r5)}", f"{fmt(r1)} within arms",
                          CONSISTENT if ok else INCONSISTENT,
                          "Pooling two arms gives a median between theirs." if ok else
                          "The pooled median lies outside both arms' medians, which is implausible."))
    return out


def rounding_tally(pub: pd.DataFrame) -> dict:
    """How many printed percentages (with a printed count and denominator, incl. ORR/DCR) each rule explains.

    Returns ``total``, ``tally`` (rule -> count), ``ties`` (exact ties, which alone tell half-up from
    half-even) and ``exceptions`` (ids not explained by round-half-up, with k/n).
    """
    tally = {r: 0 for r in RULES}
    total, ties, exceptions = 0, 0, []
    for _, row in _where(pub, statistic=["percent", "orr", "dcr"]).iterrows():
        if row["statistic"] == "percent":
            k_row = _count_for(pub, row)
            n, _ = _denominator(pub, row)
            if k_row is None or not n:
                continue
            k = int(k_row["value"])
        else:
            v = {r["statistic"]: r["value"] for _, r in _where(pub, source="Table 2", level=row["level"]).iterrows()}
            k = int(v["cr"] + v["pr"] + (v["sd"] if row["statistic"] == "dcr" else 0))
            n = int(v["n"])
        ok = percent_rules(k, n, row["value"], row["decimals"])
        total += 1
        for r in RULES:
            tally[r] += ok[r]
        ties += (Fraction(100 * k, n) * 10 ** int(row["decimals"])).denominator == 2
        if not ok["half_up"]:
            exceptions.append(f"{row['id']} {fmt(row)} ({k}/{n})")
    return dict(total=total, tally=tally, ties=ties, exceptions=exceptions)


def rounding_summary(checks: pd.DataFrame | None, pub: pd.DataFrame) -> list[dict]:
    """Which rounding rule explains the printed percentages (one check)."""
    t = rounding_tally(pub)
    total, tally, ties, exceptions = t["total"], t["tally"], t["ties"], t["exceptions"]
    if not total:
        return []
    best = max(RULES, key=lambda r: tally[r])
    all_one = any(tally[r] == total for r in RULES)
    return [_check("rounding.rule", "rounding", "the paper rounds its percentages by one rule",
                   f"{total} percentages with a printed count and denominator",
                   "; ".join(f"{RULE_NAMES[r]} {tally[r]}/{total}" for r in RULES),
                   CONSISTENT if all_one else INCONSISTENT,
                   f"The paper follows {RULE_NAMES[best]} ({tally[best]}/{total}"
                   + (f"; {ties} exact ties tell half-up from half-even" if ties else
                      "; no percentage is an exact tie, so half-up and half-even cannot be told apart")
                   + ")" + (f"; not explained by it: {', '.join(exceptions)}." if exceptions else "."))]


# --------------------------------------------------------------------------- run and report
def run(pub: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every check on the published numbers, as a DataFrame with ``COLUMNS``."""
    pub = published.load() if pub is None else pub
    rows = (percent_checks(pub) + response_checks(pub) + sum_checks(pub) + subgroup_checks(pub)
            + text_checks(pub) + hazard_ratio_checks(pub) + methods_checks(pub) + plausibility_checks(pub))
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = pd.concat([df, pd.DataFrame(rounding_summary(df, pub), columns=COLUMNS)], ignore_index=True)
    if not df["id"].is_unique:
        raise RuntimeError(f"duplicate check ids: {sorted(df.loc[df['id'].duplicated(), 'id'])}")
    return df


def summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Counts of verdicts per kind of check."""
    t = pd.crosstab(checks["kind"], checks["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    t.loc["total"] = t.sum()
    return t


def report(checks: pd.DataFrame) -> str:
    """A readable text report: the verdict counts, then every check that is not plainly consistent."""
    lines = ["Consistency audit of Imura et al. (2022), printed numbers only", "",
             summary(checks).to_string(), ""]
    flagged = checks[checks["verdict"] != CONSISTENT]
    lines.append(f"{len(flagged)} of {len(checks)} checks are not plainly consistent:")
    for _, c in flagged.iterrows():
        lines += ["", f"[{c['verdict']}] {c['id']}", f"  claim:      {c['claim']}", f"  numbers:    {c['numbers']}",
                  f"  recomputed: {c['recomputed']}", f"  why:        {c['explanation']}"]
    lines += ["", "All checks by kind:"]
    for kind, g in checks.groupby("kind", sort=False):
        lines.append(f"  {kind}: " + ", ".join(f"{v} {n}" for v, n in g["verdict"].value_counts().items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    print(report(run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
