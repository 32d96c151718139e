"""The teaching material is wired up: every citation has a .bib entry, every glossary link a term, every Results
chapter ends with exercises whose solutions check themselves. (The book build, with -W, checks the same links
again; these tests say which one is broken without building.)"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from pybtex.database import parse_file

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SOURCES = sorted(p for p in NOTEBOOKS.glob("*.md") if p.name != "README.md")
RESULTS = [
    NOTEBOOKS / f"{n}.md"
    for n in (
        "01_characteristics",
        "02_survival",
        "03_univariate",
        "04_multivariate",
        "05_metastasectomy",
        "06_no_metastasectomy",
    )
]
# every page of the student path, and every Results chapter, ends with exercises
EXERCISE_CHAPTERS = RESULTS + [NOTEBOOKS / f"{n}.md" for n in ("08_audit", "10_study_design", "11_methods_workshop")]
MIN_EXERCISES = 15
# names that hold data read from the cohort file in the chapters' exercises
COHORT_DATA = re.compile(r"\b(cohort|resected|palliative|design|small|dfb|known)\b")
BIB = parse_file(str(REPO / "book" / "references.bib"))
CITE = re.compile(r"\{cite(?::[pt])?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")


def glossary_terms() -> set[str]:
    text = (NOTEBOOKS / "90_glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return {line.strip() for line in body.splitlines() if line.strip() and not line.startswith(" ")}


def term_target(role_text: str) -> str:
    m = re.fullmatch(r".*<(.+)>", role_text, flags=re.S)
    return (m.group(1) if m else role_text).strip()


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_every_citation_has_a_bib_entry(md):
    keys = {k.strip() for group in CITE.findall(md.read_text(encoding="utf-8")) for k in group.split(",")}
    assert keys <= set(BIB.entries), f"{md.name}: not in book/references.bib: {sorted(keys - set(BIB.entries))}"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_every_glossary_link_has_a_term(md):
    targets = {term_target(t) for t in TERM.findall(md.read_text(encoding="utf-8"))}
    assert targets <= glossary_terms(), f"{md.name}: no such glossary term: {sorted(targets - glossary_terms())}"


def test_the_glossary_defines_what_the_issue_asks_for():
    must = {
        "censoring",
        "hazard",
        "hazard ratio",
        "Kaplan–Meier estimator",
        "log-rank test",
        "Cox model",
        "Breslow ties",
        "Efron ties",
        "proportional hazards",
        "RECIST",
        "CR",
        "PR",
        "SD",
        "PD",
        "ORR",
        "DCR",
        "PFS",
        "OS",
        "NED",
        "AWD",
        "DOD",
        "metachronous",
        "synchronous",
        "metastasectomy",
        "FNCLCC grade",
    }
    assert must <= glossary_terms()


def test_every_bib_entry_is_cited_somewhere_and_the_methods_are_there():
    cited = {k.strip() for md in SOURCES for g in CITE.findall(md.read_text(encoding="utf-8")) for k in g.split(",")}
    assert set(BIB.entries) <= cited, f"never cited: {sorted(set(BIB.entries) - cited)}"
    for key in (
        "imura2022",
        "kaplan1958",
        "mantel1966",
        "peto1972",
        "cox1972",
        "breslow1974",
        "efron1977",
        "grambsch1994",
        "schoenfeld1981",
        "clopper1934",
        "schemper1996",
        "brown2017grim",
        "nuijten2016statcheck",
    ):
        assert key in BIB.entries


def _exercise_parts(md: Path, words: dict | None = None, texts: dict | None = None):
    """The notebook, its exercise labels and each solution's code cells. ``words`` (if given) receives each
    solution's prose before its first code cell; ``texts`` each exercise's statement."""
    nb = jupytext.read(md)
    labels, solutions = [], {}
    current = None
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown":
            for label, body in re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)\n(.*?)\n```", src, flags=re.S):
                labels.append(label)
                if texts is not None:
                    texts[label] = body
            start = re.search(r"```\{solution-start\} (\S+)\n(?::[^\n]*\n)*```", src)
            end = src.rfind("```{solution-end}")
            if end >= 0 and (start is None or end < start.start()):  # the previous solution ends here
                current = None
            if start:
                current = start.group(1)
                solutions[current] = []
                if words is not None:
                    words[current] = src[start.end() :].split("```{solution-end}")[0].strip()
                if end > start.start():  # a solution without code
                    current = None
        elif current is not None:
            solutions[current].append(src)
    return nb, labels, solutions


@pytest.mark.parametrize("md", EXERCISE_CHAPTERS, ids=lambda p: p.stem)
def test_results_chapters_end_with_exercises_whose_solutions_check_themselves(md):
    nb, labels, solutions = _exercise_parts(md)
    assert labels, f"{md.name}: no exercise"
    assert set(labels) == set(solutions), f"{md.name}: exercises {labels} vs solutions {sorted(solutions)}"
    for label, code in solutions.items():
        assert any("assert " in c for c in code), f"{md.name}: the solution of {label} checks nothing"
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and re.search(r"^## ", c.source, re.M)]
    last = nb.cells[headings[-1]].source
    assert re.search(r"^## Exercises\s*$", last, re.M), f"{md.name}: the exercises are not the last section"


def test_exercise_labels_are_unique_across_the_book():
    labels = [lab for md in SOURCES for lab in _exercise_parts(md)[1]]
    assert len(labels) == len(set(labels))


def test_the_book_has_enough_exercises():
    labels = [lab for md in SOURCES for lab in _exercise_parts(md)[1]]
    assert len(labels) >= MIN_EXERCISES, f"{len(labels)} exercises; the student path needs {MIN_EXERCISES}"


@pytest.mark.parametrize("md", EXERCISE_CHAPTERS, ids=lambda p: p.stem)
def test_every_solution_answers_in_words_before_its_code(md):
    words: dict = {}
    _exercise_parts(md, words=words)
    for label, prose in words.items():
        sentences = re.findall(r"[A-Za-z][^.?!]{20,}[.?!]", prose)
        assert sentences, f"{md.name}: the solution of {label} does not begin with an answer in words"


@pytest.mark.parametrize("md", EXERCISE_CHAPTERS, ids=lambda p: p.stem)
def test_an_exercise_on_the_cohort_says_its_answer_is_not_about_the_patients(md):
    texts: dict = {}
    _, _, solutions = _exercise_parts(md, texts=texts)
    for label, code in solutions.items():
        if any(COHORT_DATA.search(c) for c in code):
            assert re.search(r"synthetic|simulated", texts[label]), (
                f"{md.name}: {label} computes on the cohort file but does not say that, on the synthetic cohort, "
                "its answer says nothing about the real patients"
            )
