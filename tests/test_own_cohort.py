"""`make book COHORT=... [REGIMENS=...]`: validate first, build in a staging directory, keep the last good site.

The invalid-input tests use the real book and a sentinel file in book/_build/html (nothing is rendered, so
they are quick). The build tests use a one-page book in a temporary directory (``make book BOOK=...``), whose
page shows $COHORT and the provenance banner, so the real book need not be built here.
"""

from __future__ import annotations

import hashlib
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import book_lock

from helpers import paths
from notebook_text import MYST_HEADER

REPO = paths.REPO
BAD = REPO / "tests" / "bad_inputs"
VALID_COHORT = BAD / "valid_cohort.csv"
VALID_REGIMENS = BAD / "valid_regimens.csv"
STAMP = ".venv/.installed"


def _make_book(*assignments: str) -> subprocess.CompletedProcess:
    # -o STAMP: never (re)install the virtualenv from a test; the book rule itself runs unchanged.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, "book", *assignments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def last_good_site():
    """book/_build/html with a sentinel file in it (created for the test if there is no site yet), held under
    the book's lock (conftest.book_lock) so that no other test worker builds the book meanwhile."""
    with book_lock():
        html = REPO / "book" / "_build" / "html"
        created = not html.exists()
        html.mkdir(parents=True, exist_ok=True)
        sentinel = html / "SENTINEL-test_own_cohort.txt"
        sentinel.write_text("the last good site\n")
        before = _tree(html)
        yield html, before
        sentinel.unlink(missing_ok=True)
        if created and html.exists() and not any(html.iterdir()):
            html.rmdir()
            build = html.parent
            if not any(build.iterdir()):
                build.rmdir()


def _no_staging_left(build: Path) -> bool:
    return not list(build.glob(".staging.*")) and not (build / ".html.old").exists()


def test_invalid_cohort_stops_before_rendering(last_good_site):
    html, before = last_good_site
    bad = BAD / "cohort_status_vs_death.csv"
    out = _make_book(f"COHORT={bad.relative_to(REPO)}")
    both = out.stdout + out.stderr
    assert out.returncode != 0
    assert "tests/bad_inputs/cohort_status_vs_death.csv:2: column status: value 'DOD'" in both
    assert "Traceback" not in both
    assert "Running Jupyter-Book" not in both  # the build never started
    assert "nothing was built" in both
    assert _tree(html) == before
    assert _no_staging_left(html.parent)


def test_invalid_regimens_stop_before_rendering(last_good_site):
    html, before = last_good_site
    out = _make_book(f"COHORT={VALID_COHORT}", f"REGIMENS={BAD / 'regimens_patient_not_in_cohort.csv'}")
    both = out.stdout + out.stderr
    assert out.returncode != 0
    assert "regimens_patient_not_in_cohort.csv:3: column patient_id: value 'P99'" in both
    assert "Traceback" not in both
    assert _tree(html) == before


def test_invalid_primary_treatment_stops_before_rendering(last_good_site):
    html, before = last_good_site
    out = _make_book(
        f"COHORT={VALID_COHORT}", f"PRIMARY_TREATMENT={BAD / 'primary_treatment_chemo_for_synchronous.csv'}"
    )
    both = out.stdout + out.stderr
    assert out.returncode != 0
    assert "primary_treatment_chemo_for_synchronous.csv:3: column perioperative_chemo_primary: value '0'" in both
    assert "invalid primary-treatment file" in both and "Traceback" not in both
    assert _tree(html) == before


def test_missing_cohort_file_stops(last_good_site):
    html, before = last_good_site
    out = _make_book("COHORT=/nonexistent/cohort.csv")
    assert out.returncode != 0
    assert "/nonexistent/cohort.csv: file not found" in out.stdout + out.stderr
    assert _tree(html) == before


PAGE = (
    MYST_HEADER
    + """\
# Page

```{code-cell} ipython3
import os
from IPython.display import Markdown
from helpers import data
print("COHORT=" + os.environ["COHORT"], "regimens_available=" + str(data.regimens_available()),
      "primary_treatment_available=" + str(data.primary_treatment_available()))
print("rows=" + str(len(data.load_cohort())))
%s
Markdown(data.cohort_banner())
```
"""
)


def _tiny_book(root: Path, extra: str = "") -> Path:
    book = root / "tinybook"
    book.mkdir()
    (book / "_config.yml").write_text(
        textwrap.dedent("""\
        title: tiny
        only_build_toc_files: true
        execute:
          execute_notebooks: force
          raise_on_error: true
        """)
    )
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "index.md").write_text(PAGE % extra)
    old = book / "_build" / "html"
    old.mkdir(parents=True)
    (old / "SENTINEL.txt").write_text("previous site\n")
    return book


def test_own_cohort_build_uses_the_file_and_replaces_the_site(tmp_path):
    book = _tiny_book(tmp_path)
    out = _make_book(f"BOOK={book}", f"COHORT={VALID_COHORT.relative_to(REPO)}")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "Running Jupyter-Book" in out.stdout + out.stderr
    html = book / "_build" / "html"
    page = (html / "index.html").read_text()
    assert f"COHORT={VALID_COHORT}" in page  # exported as an absolute path to the notebook kernel
    assert "regimens_available=False" in page  # COHORT without REGIMENS: no regimen file
    assert "primary_treatment_available=False" in page  # nor the synthetic primary-treatment file
    assert "rows=5" in page
    assert hashlib.sha256(VALID_COHORT.read_bytes()).hexdigest() in page
    assert not (html / "SENTINEL.txt").exists()  # the old site was replaced as a whole
    assert _no_staging_left(book / "_build")


def test_own_cohort_build_with_a_primary_treatment_file(tmp_path):
    book = _tiny_book(tmp_path)
    primary = BAD / "valid_primary_treatment.csv"
    out = _make_book(f"BOOK={book}", f"COHORT={VALID_COHORT}", f"PRIMARY_TREATMENT={primary}")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    page = (book / "_build" / "html" / "index.html").read_text()
    assert "primary_treatment_available=True" in page and "regimens_available=False" in page
    assert hashlib.sha256(primary.read_bytes()).hexdigest() in page  # named in the banner


def test_failed_build_keeps_the_last_good_site(tmp_path):
    book = _tiny_book(tmp_path, extra='raise RuntimeError("a broken notebook")')
    before = _tree(book / "_build" / "html")
    out = _make_book(f"BOOK={book}", f"COHORT={VALID_COHORT}", f"REGIMENS={VALID_REGIMENS}")
    assert out.returncode != 0
    assert "the book build failed" in out.stderr
    assert _tree(book / "_build" / "html") == before
    assert _no_staging_left(book / "_build")


def test_own_cohort_build_from_a_workbook_with_a_mapping(tmp_path):
    """Real data as a hospital keeps it: an Excel sheet under its own column names and codes, and a mapping file."""
    import data_variants

    book = _tiny_book(tmp_path)
    xlsx, mapping = data_variants.write_hospital(tmp_path, "yaml")
    out = _make_book(f"BOOK={book}", f"COHORT={xlsx}", f"MAPPING={mapping}")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert f"mapped by {mapping}" in out.stdout
    page = (book / "_build" / "html" / "index.html").read_text()
    assert "rows=61" in page
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() in page  # the workbook is named in the banner ...
    assert hashlib.sha256(mapping.read_bytes()).hexdigest() in page  # ... and so is the mapping
    assert "read as Excel workbook, sheet Patients" in page and "11 columns renamed" in page


def test_invalid_workbook_stops_before_rendering(last_good_site, tmp_path):
    import data_variants

    html, before = last_good_site
    frame = data_variants.hospital_frame()
    frame.loc[3, "Gender"] = "X"
    xlsx, mapping = data_variants.write_hospital(tmp_path, "yaml", frame)
    out = _make_book(f"COHORT={xlsx}", f"MAPPING={mapping}")
    both = out.stdout + out.stderr
    assert out.returncode != 0
    assert f"{xlsx}, sheet Patients, cell D5: column Gender (sex): value 'X' — expected one of the codes" in both
    assert "nothing was built" in both and "Traceback" not in both
    assert _tree(html) == before


def test_a_failed_build_leaves_the_text_that_failed_it_in_reports(tmp_path):
    """A cell that writes to stderr fails the -W build; reports/failures.txt quotes what it wrote."""
    book = _tiny_book(tmp_path, extra='import sys; print("Loglik converged before variable x", file=sys.stderr)')
    config = book / "_config.yml"
    config.write_text(
        config.read_text()
        + "  stderr_output: remove-warn\n"
        + f"sphinx:\n  local_extensions:\n    stderr_text: {REPO / 'book' / '_ext'}\n"
    )
    out = _make_book(f"BOOK={book}", f"COHORT={VALID_COHORT}")
    assert out.returncode != 0 and "the book build failed" in out.stderr
    failures = (book / "_build" / "reports" / "failures.txt").read_text()
    assert "stderr was found in the cell outputs of cell" in failures
    assert "Loglik converged before variable x" in failures
    assert _no_staging_left(book / "_build")
