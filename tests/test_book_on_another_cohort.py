"""The whole book built on a cohort unlike the paper's tells the truth about that cohort.

The cohort (tests/data_variants.unlike_paper_frame) has another size, no trunk primaries (an absent level), no
deaths among superficial tumours nor in the curative-metastasectomy arm (groups without deaths, a median not
reached, a Cox coefficient with no finite estimate) and more missing grades than the paper. The book is built
on it once, with `make book` into a temporary book folder, and every page is read as a reader would:

- every chapter of the table of contents builds (a statistical warning is a note on the page, never stderr);
- no page states the paper's cohort as this one's: the paper's patient and death counts and missing grades
  appear only in sentences that attribute them to the paper;
- nothing prints ``nan``, and no number is shown unrounded (six decimals or more).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import paths, published

REPO = paths.REPO
STAMP = ".venv/.installed"
# a sentence that names the paper, or one of its sources (the audit's claims start "Table 1:", "Text:"), speaks of
# the paper's cohort, not of this one
ATTRIBUTED = re.compile(r"\b(paper|papers|printed|published|authors|Table \d|abstract|Abstract)\b|\bText:")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(html folder, the cohort's frame, the build's output): the book built on the unlike cohort."""
    import data_variants

    root = tmp_path_factory.mktemp("unlike")
    files = data_variants.write_unlike_paper(root)
    book = root / "book"
    # the book's folder without its builds; its chapters through the same symlink as book/notebooks
    shutil.copytree(REPO / "book", book, symlinks=True, ignore=shutil.ignore_patterns("_build", "notebooks"))
    (book / "notebooks").symlink_to(REPO / "notebooks")
    (root / "data").symlink_to(REPO / "data")  # book/cohort's pages include ../../data/*.md ...
    (root / "src").symlink_to(REPO / "src")  # ... and the methods workshop ../src/helpers/teaching/*.py
    out = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            STAMP,
            "book",
            f"BOOK={book}",
            f"COHORT={files['cohort']}",
            f"REGIMENS={files['regimens']}",
            f"PRIMARY_TREATMENT={files['primary_treatment']}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    failures = book / "_build" / "reports" / "failures.txt"
    assert out.returncode == 0, (failures.read_text() if failures.exists() else "") + out.stderr[-3000:]
    return book / "_build" / "html", data_variants.unlike_paper_frame(), out


def _chapters() -> list[str]:
    toc = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def _text(page: Path) -> str:
    """The words a reader sees on a page: its article, without code, scripts or styles."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    for tag in article.find_all(["script", "style", "pre", "code"]):
        tag.decompose()
    return " ".join(article.get_text(" ").split())


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", text)


@pytest.mark.slow
def test_every_page_builds_on_a_cohort_unlike_the_papers(built):
    html, cohort, out = built
    missing = [f for f in _chapters() if not (html / f"{f}.html").exists()]
    assert not missing, f"pages not built: {missing}"
    assert f"built {html}" in out.stdout


@pytest.mark.slow
def test_no_page_states_the_papers_cohort_as_this_one(built):
    html, cohort, _ = built
    printed = published.load().set_index("id")["value"]
    paper_n, paper_deaths = int(printed["abs.patients.count"]), int(printed["text.3_2.status.DOD.count"])
    paper_missing = int(printed["t1.grade.NA.n"])
    n, deaths, missing = len(cohort), int(cohort["death"].sum()), int(cohort["grade"].isna().sum())
    assert (n, deaths, missing) != (paper_n, paper_deaths, paper_missing)  # the cohort is unlike the paper's
    words = {3: "three", 61: "sixty-one", 34: "thirty-four"}
    forbidden = [
        rf"\b{paper_n} (synthetic |recruited )?patients\b",
        rf"\bAll {paper_n}\b",
        rf"\bcohort of {paper_n}\b",
        rf"\b{paper_deaths} deaths\b",
        rf"\b(the )?({paper_missing}|{words.get(paper_missing, paper_missing)}) missing grades?\b",
    ]
    found = []
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.parts or "genindex" in page.name or "search" in page.name:
            continue
        if page.parent.name == "cohort":  # the pages about how the synthetic cohort was made: always of it
            continue
        for sentence in _sentences(_text(page)):
            for pattern in forbidden:
                if re.search(pattern, sentence, re.IGNORECASE) and not ATTRIBUTED.search(sentence):
                    found.append(f"{page.relative_to(html)}: {sentence[:200]}")
    assert not found, "the paper's cohort stated as this one's:\n" + "\n".join(found)


# pages that show many decimals on purpose: the methods workshop's worked examples set a loop's digits beside
# R's to show they agree (its Newton iterations, log √2); nan is still refused there
DIGITS_ON_PURPOSE = {"notebooks/11_methods_workshop.html"}


@pytest.mark.slow
def test_nothing_prints_nan_or_an_unrounded_number(built):
    html, _, _ = built
    found = []
    for page in sorted(html.rglob("*.html")):
        # the pages about the synthetic cohort show the reconstruction's own report (data/fidelity.md), which
        # does not depend on the cohort the book is built from
        # (and the API reference, whose signatures show defaults as Python writes them)
        if "_static" in page.parts or page.parent.name == "cohort" or page.name == "api.html":
            continue
        text, name = _text(page), str(page.relative_to(html))
        for pattern in (r"\bnan\b", r"(?<![\w.])\d+\.(\d{6,})\b"):
            for m in re.finditer(pattern, text):
                if m.groups() and name in DIGITS_ON_PURPOSE:
                    continue
                found.append(f"{name}: …{text[max(0, m.start() - 80) : m.end() + 40]}…")
        cells = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all(["td", "th"])
        found += [f"{page.relative_to(html)}: a table cell shows NaN" for c in cells if c.get_text().strip() == "NaN"]
    assert not found, "\n".join(found[:40])
