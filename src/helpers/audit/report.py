"""Run every check, count the verdicts, and print the report (``python -m helpers.audit``)."""

from __future__ import annotations

import pandas as pd

from .. import published
from .base import (
    COLUMNS,
    CONSISTENT,
    DEFINITION,
    INCONSISTENT,
    KIND_NAMES,
    NOT_REPORTED,
    OTHER_RULE,
    UNSTATED,
    UNSUPPORTED,
    VERDICT_LEGEND,
    VERDICTS,
)
from .counts import percent_checks, response_checks, rounding_summary, sum_checks
from .models import hazard_ratio_checks, methods_checks
from .plausibility import plausibility_checks
from .reading import reading_checks
from .subgroups import subgroup_checks
from .text import text_checks

VERDICT_NAMES = {
    CONSISTENT: "Consistent",
    OTHER_RULE: "Only under another rounding rule",
    UNSTATED: "Only under an unstated reading",
    INCONSISTENT: "Inconsistent",
    UNSUPPORTED: "Unsupported",
    NOT_REPORTED: "Not reported",
    DEFINITION: "Definition",
}


def run(pub: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every check on the published numbers, and the reading of the paper's sentences against them
    (:mod:`.reading`), as a DataFrame with ``COLUMNS``."""
    pub = published.load() if pub is None else pub
    rows = (
        percent_checks(pub)
        + response_checks(pub)
        + sum_checks(pub)
        + subgroup_checks(pub)
        + text_checks(pub)
        + hazard_ratio_checks(pub)
        + methods_checks(pub)
        + plausibility_checks(pub)
        + reading_checks(pub)
    )
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = pd.concat([df, pd.DataFrame(rounding_summary(df, pub), columns=COLUMNS)], ignore_index=True)
    if not df["id"].is_unique:
        raise RuntimeError(f"duplicate check ids: {sorted(df.loc[df['id'].duplicated(), 'id'])}")
    return df


def summary(checks: pd.DataFrame, readable: bool = False) -> pd.DataFrame:
    """Counts of verdicts per kind of check (``readable``: kinds named for a reader, :data:`KIND_NAMES`)."""
    t = pd.crosstab(checks["kind"], checks["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    t.loc["total"] = t.sum()
    if readable:
        t = t.rename(index=KIND_NAMES, columns=VERDICT_NAMES)
        t.index.name, t.columns.name = "Kind of check", None
    return t


def report(checks: pd.DataFrame) -> str:
    """A readable text report: the verdict counts, then every check that is not plainly consistent."""
    lines = [
        "Consistency audit of Imura et al. (2022): its printed numbers, and its sentences read against them",
        "",
        summary(checks).to_string(),
        "",
        "Verdicts:",
        *(f"  {v}: {VERDICT_LEGEND[v]}" for v in VERDICTS),
        "",
    ]
    flagged = checks[checks["verdict"] != CONSISTENT]
    lines.append(f"{len(flagged)} of {len(checks)} checks are not plainly consistent:")
    for _, c in flagged.iterrows():
        lines += [
            "",
            f"[{c['verdict']}] {c['id']}",
            f"  claim:      {c['claim']}",
            f"  numbers:    {c['numbers']}",
            f"  recomputed: {c['recomputed']}",
            f"  why:        {c['explanation']}",
        ]
        if c["reading"]:
            lines.append(f"  reading:    {c['reading']}")
    lines += ["", "All checks by kind:"]
    for kind, g in checks.groupby("kind", sort=False):
        lines.append(f"  {kind}: " + ", ".join(f"{v} {n}" for v, n in g["verdict"].value_counts().items()))
    return "\n".join(lines)


COLUMN_WIDTHS = {"id": 10, "verdict": 8, "explanation": 22}  # em; the other columns 16
TABLE_COLUMNS = {
    "id": "Check",
    "verdict": "Verdict",
    "explanation": "Explanation",
    "reading": "Reading it needs",
    "claim": "Claim",
    "numbers": "Numbers",
    "recomputed": "Recomputed",
}


def table(checks: pd.DataFrame, kind: str | None = None):
    """The checks (of one ``kind``) for reading: verdict and explanation first, every cell in full (a
    ``helpers.tables.Table``); the *Reading it needs* column only when a check needs one."""
    from ..tables import Table

    rows = checks if kind is None else checks[checks["kind"] == kind]
    columns = [c for c in TABLE_COLUMNS if c != "reading" or rows["reading"].astype(bool).any()]
    out = Table(rows[columns].rename(columns=TABLE_COLUMNS).reset_index(drop=True))
    out.attrs["classes"] = ["text-table"]  # every column wraps (book/_static/book.css)
    # check, verdict and explanation fit a page's width; the rest scroll inside the table's box
    out.attrs["widths"] = [COLUMN_WIDTHS.get(c, 16) for c in columns]
    return out


def legend():
    """The verdicts and what each means (:data:`VERDICT_LEGEND`), as a ``helpers.tables.Table`` for reading."""
    from ..tables import Table

    out = Table(pd.DataFrame({"Verdict": list(VERDICT_LEGEND), "Meaning": list(VERDICT_LEGEND.values())}))
    out.attrs["classes"] = ["text-table"]
    out.attrs["widths"] = [12, 26]
    return out


def main(argv=None) -> int:
    print(report(run()))
    return 0
