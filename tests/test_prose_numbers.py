"""No cohort-dependent number is typed in the chapters' prose.

A count of patients, deaths or missing grades written as a literal in a Markdown cell stays the same when the
book is built on another cohort, and then states the wrong cohort. Such numbers belong in ``{eval}`` roles (or in
sentences a helper builds). The lint reads every Markdown cell of notebooks/*.md, leaves out what cannot be
cohort-dependent prose (``{eval}`` roles, inline code, math, quoted text) and flags a literal number of three or
more (digits or words) that counts a cohort noun ("24 patients", "the three missing grades", "24, 37 and 30
patients"), unless its sentence attributes the number to the paper ("the paper's ...", "printed", "Table 4").
Toy examples stay allowed: one or two patients anywhere, any number inside an exercise or its solution (their
worked data sets are made up), and the worked examples of the methods workshop listed in :data:`TEACHING`.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for p in (REPO / "notebooks").glob("*.md") if p.name != "README.md")

WORDS = "three four five six seven eight nine ten eleven twelve".split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER = rf"(?:\d+|(?:{'|'.join(TENS)})(?:-[a-z]+)?|{'|'.join(WORDS)})"
NOUN = r"(?:patients?|deaths?|died|alive|survivors?|missing|grades?|censored|women|men)"
COUNTED = re.compile(
    rf"(?<![\w.,–-])({NUMBER}(?:(?:,\s*|\s+(?:and|or)\s+){NUMBER})*)\s+"
    rf"(?:(?:synthetic|more|other|further|of\s+the)\s+){{0,2}}{NOUN}\b",
    re.IGNORECASE,
)
# worked examples on made-up data, and a rule's threshold: not counts of the cohort
TEACHING = {
    "11_methods_workshop": ["four patients", "Four patients", "three deaths", "three patients"],
    "08_audit": ["9 patients"],  # GRIM's illustration: "with 9 patients, for instance, no whole k gives 50.1%"
}
ATTRIBUTED = re.compile(r"\b(paper|paper's|printed|published|authors|Table \d|abstract)\b", re.IGNORECASE)


def prose(markdown: str) -> str:
    """A Markdown cell without what cannot be a typed cohort number: {eval} roles, inline code, math, quotes."""
    text = re.sub(r"^\s*(```|:::).*$", "", markdown, flags=re.MULTILINE)  # directive fences, not inline code
    text = re.sub(r"\{eval\}`[^`]*`", "⟨value⟩", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\$[^$]*\$", "", text)
    return re.sub(r"\"[^\"]*\"|“[^”]*”", "", text)


def typed_counts(markdown: str) -> list[str]:
    """The literal cohort counts of a Markdown cell's sentences that do not attribute them to the paper."""
    found = []
    for sentence in re.split(r"(?<=[.!?;:])\s+", prose(markdown)):
        if ATTRIBUTED.search(sentence):
            continue
        found += [m.group(0) for m in COUNTED.finditer(sentence)]
    return found


def prose_cells(md: Path) -> list[str]:
    """The Markdown cells of a chapter that are not exercises or their solutions (made-up data sets)."""
    out, in_solution = [], False
    for cell in jupytext.read(md).cells:
        text = cell.source if cell.cell_type == "markdown" else ""
        if "{solution-start}" in text:
            in_solution = True
        if "{solution-end}" in text:
            in_solution = False
            continue
        if text and not in_solution and "{exercise}" not in text:
            out.append(text)
    return out


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_no_literal_cohort_count_in_prose(md):
    bad = [c for text in prose_cells(md) for c in typed_counts(text) if c not in TEACHING.get(md.stem, [])]
    assert not bad, f"{md.name}: typed cohort counts (use an {{eval}} role): {bad}"


@pytest.mark.parametrize(
    "text",
    [
        "Patients whose level is unknown (the three missing grades) are left out.",
        "This book runs on 61 synthetic patients.",
        "The same holds in the subgroups of 24, 37 and 30 patients.",
        "The model uses all 61 patients and 34 deaths.",
    ],
)
def test_the_lint_flags_a_typed_count(text):
    assert typed_counts(text)


@pytest.mark.parametrize(
    "text",
    [
        "The model uses all {eval}`n_model` patients and {eval}`events_model` deaths.",
        "The paper follows 61 patients.",
        "The plain median of the six times treats the two censored patients as deaths.",
        "Compute `len(cohort[cohort.death == 1])` deaths.",
        "Tumours larger than 10 cm.",
    ],
)
def test_the_lint_leaves_computed_attributed_and_toy_numbers_alone(text):
    assert not typed_counts(text)
