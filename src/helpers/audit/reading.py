"""The paper read as a careful reviewer reads it: its sentences against its own printed numbers.

The other families check numbers against numbers. This one checks what the paper *says*: text against text,
conclusions against the evidence, analyses the text implies but does not report, definitions, labels against
counts, quantities that cannot exist as printed, values repeated across partitions, and the treatment timeline
against the drugs' approval.

Every finding quotes the paper's sentences (``data/published/statements.yaml``, verbatim, each with its
section) and cites the printed numbers it is read against by id: ``data/published/*.csv`` (the results) and
``data/published/prose.csv`` (numbers the prose prints that are not results of this cohort: other studies'
ranges, approval years). All arithmetic uses those values, never the quoted words. The findings themselves are
in :mod:`.reading_claims` (what the paper concludes and reports), :mod:`.reading_terms` (what its words and
labels mean), :mod:`.reading_repeated` (what its tables repeat) and :mod:`.reading_timeline` (its dates).

:func:`findings` returns the findings with their quotes and citations as lists (for tests and notebooks);
:func:`reading_checks` returns them as audit rows (``helpers.audit.run`` registers them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .. import published
from ..paths import PUBLISHED
from .base import UNSTATED, VERDICTS, _check, fmt
from .rounding import interval

STATEMENTS = PUBLISHED / "statements.yaml"
PROSE = PUBLISHED / "prose.csv"
FINDING_COLUMNS = [
    "id",
    "kind",
    "verdict",
    "quotes",
    "cites",
    "claim",
    "numbers",
    "recomputed",
    "explanation",
    "reading",
]


class StatementsError(ValueError):
    """A malformed statements file; the message names the file, the statement and the field."""


def load_statements(path: str | Path = STATEMENTS) -> dict[str, dict[str, str]]:
    """The quoted statements: ``{id: {"section": ..., "text": ...}}``, each field a non-empty string."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise StatementsError(f"{path}: must map statement ids to a section and a text")
    for key, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != {"section", "text"}:
            raise StatementsError(f"{path}: statement {key!r} must have exactly the fields 'section' and 'text'")
        for name in ("section", "text"):
            if not isinstance(entry[name], str) or not entry[name].strip():
                raise StatementsError(f"{path}: statement {key!r}, field {name!r}: must be a non-empty string")
    return raw


def normalise(text: str) -> str:
    """Text as the quotes are matched against the paper: the ``$`` of its inline mathematics dropped and every
    run of whitespace (tabs of its tables, line breaks) one space."""
    return re.sub(r"\s+", " ", text.replace("$", "")).strip()


def missing_quotes(paper_text: str, statements: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The ids of the statements whose text does not occur verbatim (:func:`normalise`) in ``paper_text``."""
    statements = load_statements() if statements is None else statements
    paper = normalise(paper_text)
    return [key for key, entry in statements.items() if normalise(entry["text"]) not in paper]


@dataclass
class Finding:
    """One reading of the paper: the statements it quotes and the printed numbers (ids) it cites."""

    id: str
    kind: str
    verdict: str
    quotes: tuple[str, ...]
    cites: tuple[str, ...]
    recomputed: str
    explanation: str
    reading: str = ""
    about: str = ""  #: what a finding that quotes no sentence reads (a table's printed values)


class Paper:
    """The printed numbers (results and prose) by id and the quoted statements, as the findings read them."""

    def __init__(self, pub: pd.DataFrame, prose: pd.DataFrame, statements: dict[str, dict[str, str]]):
        self.numbers = pd.concat([pub, prose], ignore_index=True)
        self.rows = {r["id"]: r for _, r in self.numbers.iterrows()}
        self.statements = statements

    def has(self, *ids: str) -> bool:
        """Whether every id is a printed number (a finding whose numbers are absent is not drawn)."""
        return all(i in self.rows for i in ids)

    def quoted(self, *keys: str) -> bool:
        return all(k in self.statements for k in keys)

    def value(self, id: str) -> float:
        return float(self.rows[id]["value"])

    def printed(self, id: str) -> str:
        """The number as printed ("<0.001", "N.A.", "2.236")."""
        return fmt(self.rows[id])

    def p_range(self, id: str) -> tuple[float, float]:
        """The true values a printed p (or any number) stands for, by R's printing rule."""
        r = self.rows[id]
        return interval(r["value"], r["decimals"], bound=r["bound"], statistic=r["statistic"])

    def select(self, **where) -> pd.DataFrame:
        return published.select(self.numbers, **where)


def _render_quotes(paper: Paper, keys) -> str:
    return " / ".join(f"{paper.statements[k]['section']}: “{normalise(paper.statements[k]['text'])}”" for k in keys)


def _render_cites(paper: Paper, ids) -> str:
    return "; ".join(f"{i} = {paper.printed(i)}" for i in ids)


def findings(
    pub: pd.DataFrame | None = None,
    prose: pd.DataFrame | None = None,
    statements: dict[str, dict[str, str]] | None = None,
) -> pd.DataFrame:
    """Every finding of the reading, one row each (:data:`FINDING_COLUMNS`; ``quotes`` and ``cites`` are lists
    of statement ids and printed-number ids). A finding whose statements or numbers are absent is not drawn."""
    from .reading_claims import CLAIM_FINDINGS
    from .reading_repeated import REPEATED_FINDINGS
    from .reading_terms import TERM_FINDINGS
    from .reading_timeline import TIMELINE_FINDINGS

    paper = Paper(
        published.load() if pub is None else pub,
        published.read_file(PROSE) if prose is None else prose,
        load_statements() if statements is None else statements,
    )
    rows = []
    for rule in CLAIM_FINDINGS + TERM_FINDINGS + REPEATED_FINDINGS + TIMELINE_FINDINGS:
        for f in rule(paper):
            assert f.verdict in VERDICTS, (f.id, f.verdict)
            assert (f.verdict == UNSTATED) == bool(f.reading), (
                f"{f.id}: a reading goes with, and only with, {UNSTATED!r}"
            )
            missing = [i for i in f.cites if not paper.has(i)] + [k for k in f.quotes if not paper.quoted(k)]
            if missing:
                raise KeyError(f"{f.id}: cites what the paper's files do not hold: {missing}")
            rows.append(
                dict(
                    id=f.id,
                    kind=f.kind,
                    verdict=f.verdict,
                    quotes=list(f.quotes),
                    cites=list(f.cites),
                    claim=_render_quotes(paper, f.quotes) or f.about,
                    numbers=_render_cites(paper, f.cites) or "none printed",
                    recomputed=f.recomputed,
                    explanation=f.explanation,
                    reading=f.reading,
                )
            )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def reading_checks(pub: pd.DataFrame) -> list[dict]:
    """:func:`findings` as audit rows (``helpers.audit.COLUMNS``): the quotes are the claim, the cited numbers
    (id = printed value) the numbers."""
    return [
        _check(
            r["id"], r["kind"], r["claim"], r["numbers"], r["recomputed"], r["verdict"], r["explanation"], r["reading"]
        )
        for _, r in findings(pub).iterrows()
    ]
