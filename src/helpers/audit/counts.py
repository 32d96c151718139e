"""Percentages against their counts (GRIM), Table 2's response rates, counts that must add up, and which rounding
rule the paper follows."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from .. import factors
from .base import CONSISTENT, INCONSISTENT, OTHER_RULE, PARTITIONS, TABLE_COHORT, _check, _one, _where, cohort_size, fmt
from .rounding import RULE_NAMES, RULES, grim, percent_rules, rule_verdict


def _denominator(pub: pd.DataFrame, row) -> tuple[int | None, str]:
    """Denominator of a printed percentage, and what it is."""
    cohort, factor, source = row["cohort"], row["factor"], row["source"]
    if source in TABLE_COHORT:
        ns = _where(pub, source=source, factor=factor, statistic="n")
        ns = ns[ns["level"] != "NA"]
        return int(ns["value"].sum()), f"sum of {factor} rows of {source}" + (
            " with known grade" if factor == "grade" else ""
        )
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
    same = _where(
        pub, source=row["source"], cohort=row["cohort"], factor=row["factor"], level=row["level"], statistic="count"
    )
    section = row["id"].split(".")[1] if row["source"] == "Text" else None
    if section is not None:
        same = same[same["id"].str.split(".").str[1] == section]
    return None if same.empty else same.iloc[0]


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
        out.append(
            _check(
                f"percent.{row['id']}",
                "percent",
                f"{row['source']}: {row['label']} {fmt(row)}%",
                f"k = {k} ({k_row['id']}), n = {n} ({what})",
                f"100·k/n = {exact_pct:.4f}; k that fit: "
                + "; ".join(f"{RULE_NAMES[r]} {fits[r] or 'none'}" for r in RULES),
                verdict,
                why,
            )
        )
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
        out.append(
            _check(
                f"response.{regimen}.sum",
                "response",
                f"Table 2 {regimen}: best responses add up to N",
                f"N {n}; CR {c['cr']}, PR {c['pr']}, SD {c['sd']}, PD {c['pd']}",
                f"CR+PR+SD+PD = {total}",
                CONSISTENT if total == n else INCONSISTENT,
                "Every evaluable course has exactly one best response."
                if total == n
                else f"The four response counts add to {total}, not N = {n}.",
            )
        )
        for stat, k, what in (("orr", c["cr"] + c["pr"], "CR+PR"), ("dcr", c["cr"] + c["pr"] + c["sd"], "CR+PR+SD")):
            row = v[stat]
            ok = percent_rules(k, n, row["value"], row["decimals"])
            verdict = rule_verdict(ok)
            pct = 100 * k / n
            rules = ", ".join(RULE_NAMES[r] for r, x in ok.items() if x) or "no rule"
            out.append(
                _check(
                    f"response.{regimen}.{stat}",
                    "response",
                    f"Table 2 {regimen}: {stat.upper()} {fmt(row)}%",
                    f"{what} = {k}, N = {n}",
                    f"100·{k}/{n} = {pct:.4f}",
                    verdict,
                    f"{what} over N gives {pct:.4f}%, which matches the printed {fmt(row)}% by {rules}.",
                )
            )
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
            out.append(
                _check(
                    f"sum.{source.replace(' ', '').lower()}.{factor}",
                    "sums",
                    f"{source}: the {factor} rows cover the {n} patients",
                    parts,
                    f"sum = {total}",
                    CONSISTENT if total == n else INCONSISTENT,
                    f"The levels add up to N = {n}." if total == n else f"The levels add up to {total}, not N = {n}.",
                )
            )
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
        out.append(
            _check(
                f"sum.text.{cohort}.{factor}",
                "sums",
                f"Text: the {factor} counts cover the {n} patients of cohort {cohort!r}",
                ", ".join(f"{r['level']} {fmt(r)}" for _, r in g.iterrows()),
                f"sum = {total}",
                CONSISTENT if total == n else INCONSISTENT,
                f"The counts add up to N = {n}." if total == n else f"The counts add up to {total}, not {n}.",
            )
        )
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
    # The exceptions are counted once, by their own percentage or response checks; this summary only says which
    # rule the paper follows. It fails when the exceptions are no exceptions: when no rule explains most of them.
    ruled = tally[best] > total / 2
    named = "; ".join(exceptions)
    return [
        _check(
            "rounding.rule",
            "rounding",
            "the paper rounds its percentages by one rule",
            f"{total} percentages with a printed count and denominator",
            "; ".join(f"{RULE_NAMES[r]} {tally[r]}/{total}" for r in RULES),
            CONSISTENT if all_one or ruled else INCONSISTENT,
            f"The paper follows {RULE_NAMES[best]} ({tally[best]}/{total}"
            + (
                f"; {ties} exact ties tell half-up from half-even"
                if ties
                else "; no percentage is an exact tie, so half-up and half-even cannot be told apart"
            )
            + ")"
            + (
                "."
                if not exceptions
                else f". Not explained by it: {named}; each is counted once, by its own check, not again here."
                if ruled
                else f"; no rule explains most of the percentages (not by half-up: {named})."
            ),
        )
    ]
