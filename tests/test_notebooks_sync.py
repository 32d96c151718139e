"""Jupytext pairs stay in sync, carry outputs, and nbval's configuration catches a moved number."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from notebook_text import MYST_HEADER

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SOURCES = sorted(p for p in NOTEBOOKS.glob("*.md") if p.name != "README.md")
HEADER = MYST_HEADER

_spec = importlib.util.spec_from_file_location("nbtools", REPO / "book" / "tools" / "notebooks.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_pair_is_in_sync(md):
    assert nbtools.differences(md) == [], "run `make notebooks` (or book/tools/notebooks.py execute " + md.name + ")"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_source_has_the_book_header_and_no_ignored_outputs(md):
    text = md.read_text(encoding="utf-8")
    assert text.startswith(HEADER), f"{md.name}: header differs from BOOK.md"
    assert "NBVAL_IGNORE_OUTPUT" not in text
    assert "NBVAL_SKIP" not in text
    assert "user_expressions" not in text, f"{md.name} stores executed values: the .md is source only"


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_ipynb_is_committed_with_outputs(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code and all(c.execution_count is not None for c in code), f"{md.stem}.ipynb lacks outputs"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    checked = [c for c in code if "# NBVAL_CHECK_OUTPUT" in c.source]
    assert all(c.outputs for c in checked), f"{md.stem}: a checked cell has no stored output"


def test_the_checker_sees_an_edited_source(tmp_path):
    import jupytext

    md = tmp_path / "x.md"
    md.write_text(HEADER + "# T\n\n```{code-cell} ipython3\nprint(1)\n```\n", encoding="utf-8")
    nb = jupytext.read(md)
    nb.cells[1].execution_count = 1
    nbformat.write(nb, md.with_suffix(".ipynb"))
    assert nbtools.differences(md) == []
    md.write_text(md.read_text(encoding="utf-8").replace("print(1)", "print(2)"), encoding="utf-8")
    assert any("source differs" in d for d in nbtools.differences(md))
    md.with_suffix(".ipynb").unlink()
    assert any("missing" in d for d in nbtools.differences(md))


# ---- nbval configuration ----------------------------------------------------------------------


def _notebook(tmp_path: Path, stored: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    table = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint('median OS', round(29.94, 1))", execution_count=1)
    table.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    figure = nbformat.v4.new_code_cell(
        "# NBVAL_CHECK_OUTPUT\nimport matplotlib\nmatplotlib.use('agg')\nfrom matplotlib.figure import Figure\n"
        "f = Figure(figsize=(6.4, 5.2)); f.add_subplot(); print(object()); f",
        execution_count=2,
    )
    figure.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="<object object at 0x7f3a2b1c9d20>\n"),
        nbformat.v4.new_output(
            "execute_result", data={"text/plain": "<Figure size 100x50 with 7 Axes>"}, execution_count=2
        ),
    ]
    unchecked = nbformat.v4.new_code_cell("import random\nrandom.random()", execution_count=3)
    unchecked.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"}, execution_count=3)]
    nb.cells = [table, figure, unchecked]
    path = tmp_path / "check.ipynb"
    nbformat.write(nb, path)
    return path


def _nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(path.parent),
            "-c",
            "/dev/null",
            "--nbval-lax",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO / "tests" / "nbval_sanitize.cfg"),
            str(path),
        ],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_nbval_passes_sanitised_figures_and_addresses(tmp_path):
    run = _nbval(_notebook(tmp_path, "median OS 29.9\n"))
    assert run.returncode == 0, run.stdout[-2000:]


def test_nbval_fails_when_a_checked_number_moves(tmp_path):
    run = _nbval(_notebook(tmp_path, "median OS 30.0\n"))
    assert run.returncode != 0
    assert "30.0" in run.stdout and "29.9" in run.stdout


# ---- the prose's inline expressions -------------------------------------------------------------------


def test_inline_expressions_are_stored_where_jupyterlab_myst_reads_them(tmp_path):
    md = tmp_path / "x.md"
    md.write_text(
        HEADER + '# T\n\n```{code-cell} ipython3\nx = 2.5\n```\n\nx is {eval}`f"{x:.1f}"`, twice {eval}`x * 2`.\n',
        encoding="utf-8",
    )
    nbtools.execute(md, timeout=120)
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    stored = nb.cells[2].metadata["user_expressions"]
    assert [e["expression"] for e in stored] == ['f"{x:.1f}"', "x * 2"]
    assert [e["result"]["data"]["text/plain"] for e in stored] == ["'2.5'", "5.0"]
    assert nbtools.differences(md) == []
    md.write_text(md.read_text(encoding="utf-8").replace("x * 2", "x * 3"), encoding="utf-8")
    assert any("{eval}" in d for d in nbtools.differences(md))  # stale values are reported, as stale outputs
    assert nbtools.update_md(md)  # the .ipynb's cells back to the .md: the expressions, not their values
    assert "x * 2" in md.read_text(encoding="utf-8") and "user_expressions" not in md.read_text(encoding="utf-8")
    assert nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells[2].metadata["user_expressions"]


@pytest.mark.parametrize("expression, error", [("y + 1", "NameError"), ("np.float64(2.5)", "np.float64")])
def test_a_failing_or_numpy_valued_expression_stops_the_run(tmp_path, expression, error):
    md = tmp_path / "x.md"
    md.write_text(
        HEADER + f"# T\n\n```{{code-cell}} ipython3\nimport numpy as np\n```\n\nValue {{eval}}`{expression}`.\n",
        encoding="utf-8",
    )
    with pytest.raises(nbtools.ExpressionError, match=error):
        nbtools.execute(md, timeout=120)
    assert not md.with_suffix(".ipynb").exists()  # nothing half-written
