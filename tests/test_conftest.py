"""The repository's pytest configuration (conftest.py): the line that ends a run whose R or browser tests were
skipped for want of R or Chromium."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import missing_tools_line

from helpers.paths import REPO

R_REASON = "Rscript not installed (this test fails instead of skipping under CI=true)"
BROWSER_REASON = (
    "headless Chromium needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
)


def test_nothing_is_said_without_such_skips():
    assert missing_tools_line([]) is None
    assert missing_tools_line(["needs a GPU"]) is None


def test_one_line_names_what_was_skipped_and_the_command_that_installs_it():
    line = missing_tools_line([R_REASON, R_REASON, BROWSER_REASON, "something else"])
    assert line == (
        "skipped 2 tests needing R and 1 test needing Chromium: install R and Chromium with "
        "`apt-get install r-base-core r-cran-survival chromium chromium-driver` (Debian; `bash .ci/run` does it, "
        "then runs make test)"
    )
    assert "\n" not in line


def test_only_what_is_missing_is_named():
    assert missing_tools_line([BROWSER_REASON]) == (
        "skipped 1 test needing Chromium: install Chromium with `apt-get install chromium chromium-driver` "
        "(Debian; `bash .ci/run` does it, then runs make test)"
    )
    assert "apt-get install r-base-core r-cran-survival`" in missing_tools_line([R_REASON])


def test_the_line_ends_a_run_that_skipped_such_tests(tmp_path):
    """A run of two tests that skip as the R and browser tests do (and one that passes) ends with the line (the
    test file is outside the repository: ``-p conftest`` loads the repository's conftest.py as a plugin)."""
    (tmp_path / "test_skips.py").write_text(
        textwrap.dedent(f"""
        import pytest

        def test_r():
            pytest.skip({R_REASON!r})

        def test_browser():
            pytest.skip({BROWSER_REASON!r})

        def test_fine():
            pass
        """)
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "conftest",
            str(tmp_path / "test_skips.py"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = [ln for ln in run.stdout.splitlines() if ln.strip()][-3:]
    assert run.returncode == 0, run.stdout
    assert missing_tools_line([R_REASON, BROWSER_REASON]) in last, last


def test_make_test_keeps_a_notebook_and_the_book_each_in_one_worker():
    """Under ``pytest -n auto --dist loadgroup`` (make test) a group runs in one worker, in order: a notebook's
    cells share one kernel, and the tests of book/_build share one build."""
    from types import SimpleNamespace

    from conftest import BOOK_GROUP, xdist_group

    def item(path: str, *fixtures: str):
        return SimpleNamespace(fspath=REPO / path, fixturenames=list(fixtures))

    assert xdist_group(item("notebooks/02_survival.ipynb")) == "notebooks/02_survival.ipynb"
    assert xdist_group(item("tests/test_scorecard.py", "toy_cohort")) == "tests/test_scorecard.py"
    assert xdist_group(item("tests/test_links.py")) == BOOK_GROUP
    assert xdist_group(item("tests/test_tables.py", "built_book")) == BOOK_GROUP
    makefile = (REPO / "Makefile").read_text()
    assert "-m pytest -n auto --dist loadgroup\n" in makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0] + "\n"
