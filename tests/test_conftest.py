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


def test_the_book_lock_keeps_other_processes_out_while_held():
    """Under ``pytest -n auto --dist loadfile`` (make test) one worker at a time builds or changes the book."""
    from conftest import book_lock

    probe = textwrap.dedent("""
        import fcntl, hashlib, sys, tempfile
        from pathlib import Path
        key = hashlib.sha256(sys.argv[1].encode()).hexdigest()[:12]
        with open(Path(tempfile.gettempdir()) / f"book-{key}.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                sys.exit(3)
    """)
    with book_lock():
        held = subprocess.run([sys.executable, "-c", probe, str(REPO)])
    free = subprocess.run([sys.executable, "-c", probe, str(REPO)])
    assert (held.returncode, free.returncode) == (3, 0)
    makefile = (REPO / "Makefile").read_text()
    assert "\t$(BIN)/python -m pytest -n auto --dist loadfile\n" in makefile
