"""Style is enforced: `make lint` (ruff check, ruff format --check, actionlint) is clean, ruff's configuration
(pyproject.toml) flags what it should and reaches every Python file and notebook, and `make format` carries the
fixes it makes in the notebooks' code back to their .md sources.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import yaml

from notebook_text import MYST_HEADER

REPO = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")
STAMP = ".venv/.installed"

_spec = importlib.util.spec_from_file_location("nbtools", REPO / "book" / "tools" / "notebooks.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)


def test_make_lint_is_clean():
    # -o STAMP: never (re)install the virtualenv from a test; the lint rule itself runs unchanged.
    run = subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, "lint"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, (
        "`make lint` failed; `make format` fixes what ruff can fix by itself:\n"
        + run.stdout[-6000:]
        + run.stderr[-3000:]
    )


def _ruff_codes(tmp_path: Path, source: str) -> set[str]:
    """The rule codes ruff reports for ``source`` under the project's configuration."""
    bad = tmp_path / "bad.py"
    bad.write_text(source)
    run = subprocess.run(
        [
            str(RUFF),
            "check",
            "--config",
            str(REPO / "pyproject.toml"),
            "--no-cache",
            "--output-format",
            "concise",
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    return set(re.findall(r":\d+:\d+: ([A-Z]+[0-9]+)", run.stdout))


def test_ruff_flags_unused_imports_import_order_bugbear_and_long_lines(tmp_path):
    ok_line = "x = '" + "a" * (120 - len("x = ''")) + "'\n"
    source = "import sys\nimport os\n\n\n" + ok_line + "y = '" + "b" * 120 + "'\n\n\ndef f(acc=[]):\n    return acc\n"
    codes = _ruff_codes(tmp_path, source)
    assert {"F401", "I001", "B006", "E501"} <= codes, codes
    assert _ruff_codes(tmp_path, ok_line) == set(), "a 120-character line is within the limit"


def test_lint_reaches_every_python_file_and_notebook():
    run = subprocess.run([str(RUFF), "check", "--show-files"], cwd=REPO, capture_output=True, text=True)
    seen = {Path(line.strip()).resolve() for line in run.stdout.splitlines() if line.strip()}
    wanted = [REPO / "conftest.py", *REPO.glob("notebooks/*.ipynb")]
    for folder in ("src", "tests", "benchmarks", "book/tools", "image-tests"):
        wanted += (REPO / folder).rglob("*.py")
    missed = [str(p.relative_to(REPO)) for p in wanted if p.resolve() not in seen]
    assert not missed, f"ruff does not lint {missed}"
    assert not any("_build" in p.parts for p in seen), "ruff lints the built book"


def test_update_md_carries_formatted_notebook_code_to_the_md_source(tmp_path):
    md = tmp_path / "00_page.md"
    md.write_text(MYST_HEADER + "# Page\n\n```{code-cell} ipython3\nx=dict(a = 1)\n```\n")
    ipynb = md.with_suffix(".ipynb")
    jupytext.write(jupytext.read(md), ipynb)
    assert nbtools.update_md(md) is False  # the pair agrees: the .md is left alone
    subprocess.run(
        [str(RUFF), "format", "--config", str(REPO / "pyproject.toml"), "--no-cache", str(ipynb)],
        check=True,
        capture_output=True,
    )
    assert nbtools.update_md(md) is True
    assert "x = dict(a=1)" in md.read_text()
    assert md.read_text().startswith(MYST_HEADER)
    assert nbtools.update_md(md) is False


def test_pre_commit_config_is_valid_and_runs_the_project_checks():
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    run = subprocess.run(
        [pre_commit, "validate-config", ".pre-commit-config.yaml"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: (repo["repo"], repo.get("rev"), h) for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "trailing-whitespace", "check-added-large-files", "jupytext-pairs"} <= set(
        hooks
    )
    pins = dict(
        line.split("==")
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert hooks["ruff-check"][1] == "v" + pins["ruff"], "the ruff hook runs the pinned ruff"
    assert hooks["jupytext-pairs"][2]["entry"].endswith("book/tools/notebooks.py check")
