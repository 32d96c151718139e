"""Values repeated across partitions of the same patients: the same p, the same row, the same median printed for
groups of different factors. Each is possible and each is a constraint on the patients; a copied value looks the
same, so they are listed for the reviewer who wants to ask.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .. import factors
from .base import CONSISTENT
from .reading import Finding, Paper

UNIVARIATE = ("Table 1", "Table 4", "Table 5")
P_GRID = 1000  # p values printed to three decimals: a thousand possible values
SHARED_BY = 3  # a median shared by this many factors' groups is worth a reader's note


def _label(paper: Paper, id: str) -> str:
    """A table row as a reader names it: the factor's name and the level's label ("Size ≤10 cm")."""
    row = paper.rows[id]
    name = factors.FACTORS[row["factor"]].label if row["factor"] in factors.FACTORS else row["factor"]
    return f"{name} {row['label']}"


def _groups(paper: Paper, source: str, statistic: str):
    return paper.select(source=source, statistic=statistic)


def repeated_p_values(paper: Paper) -> list[Finding]:
    out = []
    for source in UNIVARIATE:
        ps = _groups(paper, source, "p")
        ps = ps[ps["bound"] != "<"]
        same = ps.groupby("value")["id"].apply(list)
        same = same[same.apply(len) > 1]
        if same.empty:
            continue
        m = len(ps)
        coincidence = 1 - math.prod(1 - i / P_GRID for i in range(m))
        ids = tuple(i for group in same for i in group)
        pairs = ", ".join(" and ".join(paper.rows[i]["label"] for i in group) for group in same)
        out.append(
            Finding(
                f"reading.repeated_p.{source.replace(' ', '').lower()}",
                "repeated",
                CONSISTENT,
                (),
                ids,
                f"{pairs}: the same p among {m} printed to three decimals; chance of some such pair {coincidence:.0%}",
                f"{pairs} split the patients differently yet print the same p in {source}. Among {m} p "
                f"values with three decimals some two agree by chance about {coincidence:.0%} of the time, so this is "
                "possible; it is also what a value copied into the wrong row looks like, which only the data can tell.",
                about=f"{source}: the same p printed for different factors",
            )
        )
    return out


def repeated_rows(paper: Paper) -> list[Finding]:
    out = []
    for source in UNIVARIATE:
        n = _groups(paper, source, "n").set_index(["factor", "level"])
        med = _groups(paper, source, "median_os")
        med = med[~med["not_reached"]]
        rows = defaultdict(list)
        for _, r in med.iterrows():
            if (r["factor"], r["level"]) in n.index:
                count = n.loc[(r["factor"], r["level"])]
                rows[(count["value"], r["value"])].append((count["id"], r["id"], r["factor"]))
        for (k, m), hits in rows.items():
            if len({h[2] for h in hits}) < 2:
                continue
            ids = tuple(i for h in hits for i in h[:2])
            labels = " and ".join(_label(paper, h[1]) for h in hits)
            out.append(
                Finding(
                    f"reading.repeated_row.{source.replace(' ', '').lower()}.{hits[0][2]}",
                    "repeated",
                    CONSISTENT,
                    (),
                    ids,
                    f"{labels}: {int(k)} patients, median {m:g} months, in both",
                    f"{labels}: two factors of {source} print the same row, {int(k)} patients with median {m:g} "
                    "months. "
                    "Both rows can describe the same patients, or two groups sharing the death at the median; a row "
                    "copied under the wrong factor would look the same.",
                    about=f"{source}: the same row printed for two factors",
                )
            )
    return out


def repeated_medians(paper: Paper) -> list[Finding]:
    out = []
    for source in UNIVARIATE:
        med = _groups(paper, source, "median_os")
        med = med[~med["not_reached"]]
        shared = [(value, g) for value, g in med.groupby("value") if g["factor"].nunique() >= SHARED_BY]
        if not shared:
            continue
        tied = [f"{value:g}" for value, g in shared if g["factor"].duplicated().any()]
        out.append(
            Finding(
                f"reading.repeated_median.{source.replace(' ', '').lower()}",
                "repeated",
                CONSISTENT,
                (),
                tuple(i for _, g in shared for i in g["id"]),
                "; ".join(f"{value:g} months: {', '.join(_label(paper, i) for i in g['id'])}" for value, g in shared),
                f"In {source}, "
                + "; ".join(f"{value:g} months is the median of {len(g)} groups" for value, g in shared)
                + ", the groups each of a different factor. A Kaplan–Meier median is a death time (or midway between "
                "two), so a patient who died then, or several tied there between them, belongs to every group sharing "
                "it"
                + (
                    f"; {', '.join(tied)} is shared by two levels of one factor, which takes tied deaths"
                    if tied
                    else ""
                )
                + ". Possible, and a constraint any reconstruction of the cohort must meet.",
                about=f"{source}: the same median printed for groups of different factors",
            )
        )
    return out


REPEATED_FINDINGS = (repeated_p_values, repeated_rows, repeated_medians)
