"""Repository-wide pytest configuration: nbval on every notebook, and a small toy cohort for unit tests.

``make test`` runs ``pytest`` with ``testpaths = tests notebooks`` and ``--nbval-lax`` (pyproject.toml): every
``notebooks/*.ipynb`` is re-executed; only cells marked ``# NBVAL_CHECK_OUTPUT`` have their outputs compared.
Figure reprs and memory addresses are sanitised by ``tests/nbval_sanitize.cfg`` (added here, so the
path works from any working directory).

``make test`` spreads the test files over one worker per core (pytest-xdist, ``--dist loadfile``): a notebook's
cells run in order in one kernel and a module's fixtures are built once. The tests that build or change
``book/_build/html`` take :func:`book_lock` (an exclusive lock across processes), so the book is built once
and no test sees it half-built. Plain ``pytest`` runs the same tests in one process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent
SANITIZE = REPO / "tests" / "nbval_sanitize.cfg"


# What a test skips for on a machine without R or Chromium (tests/test_r_parity*.py, tests/browser.py; under CI=true
# these tests fail instead), and the Debian packages that install it (.ci/run installs them before `make test`).
NEEDS = {
    "R": ("Rscript", ("r-base-core", "r-cran-survival")),
    "Chromium": ("chromium", ("chromium", "chromium-driver")),
}


def missing_tools_line(reasons: list[str]) -> str | None:
    """One line on what the skipped tests needed and the command that installs it, from the tests' skip reasons;
    None when no test was skipped for want of R or Chromium."""
    counts = {tool: sum(word.lower() in r.lower() for r in reasons) for tool, (word, _) in NEEDS.items()}
    missing = [tool for tool, n in counts.items() if n]
    if not missing:
        return None
    what = " and ".join(f"{counts[t]} test{'s' if counts[t] != 1 else ''} needing {t}" for t in missing)
    packages = " ".join(p for t in missing for p in NEEDS[t][1])
    return (
        f"skipped {what}: install {' and '.join(missing)} with `apt-get install {packages}` (Debian; "
        "`bash .ci/run` does it, then runs make test)"
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """At the end of the run, say in one line what was skipped for want of R or Chromium, and how to install it."""
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reasons.append(longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr))
    line = missing_tools_line(reasons)
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)


def pytest_configure(config):
    opt = config.option
    if hasattr(opt, "nbval_sanitize_with") and not opt.nbval_sanitize_with:
        opt.nbval_sanitize_with = str(SANITIZE)


# Tests that build or run something whole: the book (``built_book``), a book of one's own cohort
# (tests/test_own_cohort.py), the default reconstruction (``default_run``) or a notebook under nbval.
# ``make quick`` (pytest -m "not slow") leaves them out for a fast loop; ``make test`` runs everything.
SLOW_FIXTURES = {"built_book", "default_run"}
SLOW_FILES = {"test_own_cohort.py", "test_jupyterlab.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if (
            (SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
            or path.suffix == ".ipynb"
            or path.name in SLOW_FILES
        ):
            item.add_marker(pytest.mark.slow)


def make_toy_cohort(n: int = 40, seed: int = 7) -> pd.DataFrame:
    """A small made-up cohort with the columns the factors and survival helpers read (not the paper's data)."""
    rng = np.random.default_rng(seed)
    big = rng.random(n) < 0.4
    months = np.round(rng.exponential(np.where(big, 20.0, 60.0)), 1) + 0.5
    death = (rng.random(n) < 0.65).astype(int)
    grade = rng.choice([2.0, 3.0], n)
    grade[:3] = np.nan
    return pd.DataFrame(
        {
            "patient_id": [f"T{i:03d}" for i in range(1, n + 1)],
            "age_years": rng.integers(25, 86, n),
            "sex": rng.choice(["male", "female"], n),
            "primary_site": rng.choice(["extremity", "trunk", "retroperitoneum", "others"], n),
            "size_cm": np.where(big, 15.0, 6.0),
            "depth": rng.choice(["superficial", "deep"], n),
            "grade": grade,
            "presenting": rng.choice(["metachronous", "synchronous"], n),
            "initial_metastatic_sites": rng.integers(1, 3, n),
            "initial_metastatic_lesions": rng.integers(1, 4, n),
            "primary_resection": rng.integers(0, 2, n),
            "metastasectomy_curative": rng.integers(0, 2, n),
            "chemotherapy": rng.integers(0, 2, n),
            "radiotherapy": rng.integers(0, 2, n),
            "os_months": months,
            "death": death,
        }
    )


@pytest.fixture
def toy_cohort() -> pd.DataFrame:
    return make_toy_cohort()


# --------------------------------------------------------------------------------------------------
# the built book, shared by tests/test_book_config.py and tests/test_site.py
# --------------------------------------------------------------------------------------------------

BOOK = REPO / "book"
BUILD_HTML = BOOK / "_build" / "html"


def book_sources() -> list[Path]:
    """Everything a build depends on: config, toc, chapters, helpers, data."""
    paths = [BOOK / "_config.yml", BOOK / "_toc.yml"]
    for pattern in (
        "notebooks/*.md",
        "src/helpers/**/*.py",
        "data/*.csv",
        "data/*.md",
        "data/published/*.csv",
        "book/_static/*",
        "book/_ext/*.py",
        "book/*.md",
        "book/*.bib",
        "book/cohort/*.md",
    ):
        paths += REPO.glob(pattern)
    return [p for p in paths if p.is_file()]


@contextlib.contextmanager
def book_lock():
    """Hold the book's lock (``fcntl.flock`` on a file in the temporary directory, keyed by this checkout):
    one process at a time builds or changes book/_build/html, the others wait."""
    import fcntl
    import hashlib

    key = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"book-{key}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def book_is_fresh() -> bool:
    """True when book/_build/html exists, holds every chapter, and is newer than every source."""
    stamp = BUILD_HTML / "index.html"
    if not stamp.exists():
        return False
    built = (
        min(p.stat().st_mtime for p in BUILD_HTML.glob("notebooks/*.html"))
        if any(BUILD_HTML.glob("notebooks/*.html"))
        else 0
    )
    chapters = [p.stem for p in (REPO / "notebooks").glob("*.md")]
    if any(not (BUILD_HTML / "notebooks" / f"{c}.html").exists() for c in chapters):
        return False
    return built > max(p.stat().st_mtime for p in book_sources())


@pytest.fixture(scope="session")
def built_book() -> Path:
    """book/_build/html, built now by `make book` (a clean build) unless one newer than every source is present."""
    import os
    import subprocess

    given = os.environ.get("BOOK_HTML")  # test an already-built site elsewhere, as is
    if given:
        return Path(given).resolve()
    with book_lock():  # another worker may be building it: wait, then find it fresh
        run = None
        if not book_is_fresh():
            env = {
                k: v for k, v in os.environ.items() if k not in ("COHORT", "REGIMENS", "PRIMARY_TREATMENT", "MAPPING")
            }
            run = subprocess.run(
                ["make", "--no-print-directory", "book"], cwd=REPO, env=env, capture_output=True, text=True
            )
        if run is not None and run.returncode != 0:
            log = run.stdout + run.stderr
            problems = [ln for ln in log.splitlines() if "WARNING" in ln or "Error" in ln or "make book" in ln]
            pytest.fail(f"`make book` failed (exit {run.returncode}):\n" + "\n".join(problems[-40:]))
    return BUILD_HTML


# --------------------------------------------------------------------------------------------------
# the default reconstruction, run beside the other tests
# --------------------------------------------------------------------------------------------------

_DEFAULT_RUN: dict = {}


def _worker(config) -> str:
    """This process's xdist worker id ("gw0", ...), or "" when the tests run in one process."""
    return getattr(config, "workerinput", {}).get("workerid", "")


def _default_run_dir(config) -> Path:
    """Where the default command writes: one folder per test run, shared by the xdist workers."""
    run = getattr(config, "workerinput", {}).get("testrunuid")
    if run is None:
        return Path(tempfile.mkdtemp(prefix="default-run-"))
    work = Path(tempfile.gettempdir()) / f"default-run-{run}"
    work.mkdir(exist_ok=True)
    return work


def _start_default_run(work: Path) -> None:
    """``python -m helpers.reconstruct --out WORK/out`` in the background; its exit code lands in WORK/rc."""
    log = open(work / "run.log", "w")
    command = '"$0" -m helpers.reconstruct --out "$1/out"; echo $? > "$1/rc.tmp" && mv "$1/rc.tmp" "$1/rc"'
    proc = subprocess.Popen(
        ["sh", "-c", command, sys.executable, str(work)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it stops the search's workers too
    )
    _DEFAULT_RUN.update(proc=proc, log=log)


def pytest_collection_finish(session):
    """When a test needs the default command's output (``default_run``), start the command now, in the
    background: it takes minutes of both cores, and the tests before the one that waits for it run meanwhile.
    Under xdist the first worker starts it and whichever worker runs the test waits for it."""
    if any("default_run" in getattr(item, "fixturenames", ()) for item in session.items):
        _DEFAULT_RUN["work"] = work = _default_run_dir(session.config)
        if _worker(session.config) in ("", "gw0"):
            _start_default_run(work)


def pytest_sessionfinish(session, exitstatus):
    proc = _DEFAULT_RUN.get("proc")
    if proc is not None:
        if proc.poll() is None:
            if _worker(session.config) and exitstatus != pytest.ExitCode.INTERRUPTED:
                proc.wait()  # another worker may still wait for the output
            else:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        _DEFAULT_RUN["log"].close()
    if _DEFAULT_RUN.get("used") or (proc is not None and not _worker(session.config)):
        shutil.rmtree(_DEFAULT_RUN["work"], ignore_errors=True)


@pytest.fixture(scope="session")
def default_run(request) -> Path:
    """The folder `python -m helpers.reconstruct --out DIR` (the default command) wrote, started at collection."""
    import time

    if "work" not in _DEFAULT_RUN:  # not started at collection (e.g. requested dynamically): start it now
        _DEFAULT_RUN["work"] = Path(tempfile.mkdtemp(prefix="default-run-"))
        _start_default_run(_DEFAULT_RUN["work"])
    work, proc = _DEFAULT_RUN["work"], _DEFAULT_RUN.get("proc")
    waited = 0
    while not (work / "rc").exists():
        if (proc is not None and proc.poll() is not None and not (work / "rc").exists()) or waited > 3600:
            pytest.fail(f"`python -m helpers.reconstruct --out DIR` stopped without an exit code ({work / 'run.log'})")
        time.sleep(1)
        waited += 1
    _DEFAULT_RUN["used"] = True
    code = int((work / "rc").read_text())
    if code != 0:
        tail = (work / "run.log").read_text()[-3000:] if (work / "run.log").exists() else ""
        pytest.fail(f"`python -m helpers.reconstruct --out DIR` exited with {code}:\n{tail}")
    return work / "out"
