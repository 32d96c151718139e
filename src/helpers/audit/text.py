"""The text against the tables: facts printed twice, first-line regimens, regimen lines, metastatic sites, and
which factors the text calls significant."""

from __future__ import annotations

import math

import pandas as pd

from .base import ALPHA, CONSISTENT, INCONSISTENT, TABLE_COHORT, _check, _one, _where, cohort_size, fmt
from .rounding import interval


def text_checks(pub: pd.DataFrame) -> list[dict]:
    """The same fact printed twice (abstract, text, tables) must agree at the printed precision."""
    alias = {
        ("metastasectomy", "patients", ""): ("all", "metastasectomy_curative", "yes"),
        ("no_metastasectomy", "patients", ""): ("all", "metastasectomy_curative", "no"),
        ("palliative_chemo", "patients", ""): ("no_metastasectomy", "chemotherapy", "yes"),
    }
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
        ivs = [
            (
                (math.inf, math.inf)
                if r.not_reached
                else interval(r.value, r.decimals, bound=r.bound, statistic=r.statistic)
            )
            for r in rows
        ]
        lo, hi = max(i[0] for i in ivs), min(i[1] for i in ivs)
        values = {(r.not_reached, r.bound, None if r.not_reached else round(r.value, 12)) for r in rows}
        # counts must be equal; other values need a common interval of positive width (touching ends do not
        # count: x.5 cannot print both as x and as x+1)
        ok = len(values) == 1 or (key[3] != "n" and lo < hi - 1e-9)
        c, f, lv, stat = key
        out.append(
            _check(
                f"text.{c}.{f}.{lv or '-'}.{stat}".replace("..", "."),
                "text",
                f"{stat} of {f}{' ' + lv if lv else ''} ({c}) printed {len(rows)} times",
                "; ".join(
                    f"{r.source} {r.id.split('.')[1] if r.source == 'Text' else ''} {fmt(r._asdict())}".replace(
                        "  ", " "
                    )
                    for r in rows
                ),
                "common interval " + (f"[{lo:g}, {hi:g}]" if ok else "empty"),
                CONSISTENT if ok else INCONSISTENT,
                "All printings agree." if ok else "The printings disagree beyond rounding.",
            )
        )
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
        out.append(
            _check(
                f"text.first_line.{r['level']}",
                "text",
                f"first-line {r['level']} courses are among Table 2's {r['level']} courses",
                f"first line {fmt(r)}, Table 2 N {fmt(t)}",
                f"{fmt(r)} ≤ {fmt(t)}",
                CONSISTENT if ok else INCONSISTENT,
                "Fewer first-line courses than all courses."
                if ok
                else "More first-line courses than all evaluable courses of that regimen.",
            )
        )
    med = _one(pub, factor="regimen_lines", statistic="median")
    lo_, hi_ = _one(pub, factor="regimen_lines", statistic="min"), _one(pub, factor="regimen_lines", statistic="max")
    chemo = _one(pub, source="Table 1", factor="chemotherapy", level="yes", statistic="n")
    if med is not None and lo_ is not None and hi_ is not None and chemo is not None and not t2n.empty:
        n, total = int(chemo["value"]), int(t2n["value"].sum())
        smin, smax = line_sum_bounds(n, float(med["value"]), int(lo_["value"]), int(hi_["value"]))
        ok = total <= smax
        out.append(
            _check(
                "text.regimen_lines",
                "text",
                f"{n} treated patients, median {fmt(med)} regimens (range {fmt(lo_)}–{fmt(hi_)}) can "
                f"account for Table 2's courses",
                f"Table 2 total N = {total}",
                f"possible total regimens {smin}–{smax}",
                CONSISTENT if ok else INCONSISTENT,
                (
                    f"{total} evaluable courses fit within {smin}–{smax} regimens."
                    if smin <= total
                    else f"{total} evaluable courses is fewer than the {smin} regimens given, so some were not "
                    f"evaluable."
                )
                if ok
                else f"{total} courses exceed the {smax} regimens possible.",
            )
        )
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
        out.append(
            _check(
                "text.sites.total",
                "text",
                "the listed sites of initial metastasis fit the number of sites",
                ", ".join(f"{s[5:]} {fmt(v)}" for s, v in counts.items())
                + f"; {fmt(single)} patients with one site, {fmt(multi)} with more",
                f"listed site-patients {listed}; possible at most {most}; all sites together at least {need}",
                CONSISTENT if ok else INCONSISTENT,
                (
                    f"At least {need - listed} metastases must be at sites the text does not list "
                    f"(it lists only 'the most common')."
                    if listed < need
                    else "The listed sites can account for every patient."
                )
                if ok
                else f"{listed} site-patients cannot come from {fmt(single)} single-site and {fmt(multi)} "
                f"multi-site patients.",
            )
        )
    cur = _where(pub, cohort="metastasectomy", statistic="count")
    cur = cur[cur["factor"].str.startswith("site_")]
    n = cohort_size(pub, "metastasectomy")
    if not cur.empty and n is not None:
        total = int(cur["value"].sum())
        over = [
            f"{r['factor']} {fmt(r)} > {fmt(counts[r['factor']])}"
            for _, r in cur.iterrows()
            if counts.get(r["factor"]) is not None and r["value"] > counts[r["factor"]]["value"]
        ]
        ok = total == n and not over
        out.append(
            _check(
                "text.sites.metastasectomy",
                "text",
                f"each of the {n} curative metastasectomies was at one site, and no site exceeds its "
                "count among all patients",
                ", ".join(f"{r['label']}" for _, r in cur.iterrows()),
                f"sum = {total}",
                CONSISTENT if ok else INCONSISTENT,
                "The sites add up to the arm and fit within the overall site counts."
                if ok
                else (f"The sites add to {total}, not {n}. " if total != n else "") + "; ".join(over),
            )
        )
    return out


def _significance_checks(pub) -> list[dict]:
    """The factors the text calls significant are those with p < 0.05 in the table."""
    out = []
    for source, cohort in list(TABLE_COHORT.items()) + [("Table 3", "all")]:
        table = _where(pub, source=source, statistic="p")
        if table.empty:
            continue
        sig = {
            r["factor"]
            for _, r in table.iterrows()
            if interval(r["value"], r["decimals"], bound=r["bound"], statistic="p")[1] < ALPHA
        }
        named = set(_where(pub, source="Text", cohort=cohort, statistic="p")["factor"]) & set(table["factor"])
        if not named:
            continue
        ok = sig == named
        out.append(
            _check(
                f"text.significant.{source.replace(' ', '').lower()}",
                "text",
                f"the text names as significant exactly the {source} factors with p < {ALPHA}",
                "text: " + ", ".join(sorted(named)),
                f"{source} p < {ALPHA}: " + ", ".join(sorted(sig)),
                CONSISTENT if ok else INCONSISTENT,
                "Same factors." if ok else f"Differ: {sorted(sig ^ named)}.",
            )
        )
    return out
