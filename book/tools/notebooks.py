"""Keep the Jupytext pairs in notebooks/ in step: the MyST ``.md`` is the source, the ``.ipynb`` its executed twin.

    python book/tools/notebooks.py execute [NOTEBOOK.md ...]   # .md -> run with nbclient -> .ipynb with outputs
    python book/tools/notebooks.py check   [NOTEBOOK.md ...]   # exit 1 when a pair is out of sync
    python book/tools/notebooks.py update-md [NOTEBOOK.md ...] # .ipynb code -> .md, where the cells differ

``execute`` runs each notebook once in a fresh ``python3`` kernel (cwd = notebooks/, as Jupyter, nbval and the
book build do), drops volatile metadata (timings, kernel versions) and writes the ``.ipynb`` atomically, so
the same inputs give byte-identical files. A failing cell stops with a non-zero exit and leaves the old
``.ipynb`` untouched. The inline ``{eval}`expression``` roles of each Markdown cell are evaluated where the
cell stands (after the code above it, as MyST-NB's inline execution does for the site) and stored in the
cell's ``user_expressions`` metadata, the format jupyterlab-myst reads: JupyterLab shows the numbers as soon
as the notebook opens. An expression that fails, or shows a numpy repr such as ``np.float64(...)``, is an
error. ``$COHORT`` / ``$REGIMENS`` are honoured (make notebooks commits the synthetic cohort's
outputs when they are unset).

``update-md`` carries code edited in the ``.ipynb`` twins back to their ``.md`` sources (``make format`` runs it
after ruff has fixed and formatted the notebooks' code, which it reads from the ``.ipynb``); a pair whose cells
already agree is not rewritten. The stored values of the expressions never enter a ``.md``: it is source only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# cell metadata that is execution state, not source: ignored when comparing a pair
VOLATILE_CELL_METADATA = {"execution", "collapsed", "scrolled", "ExecuteTime"}
# cell metadata that is output (kept in the .ipynb, ignored when comparing a pair): the values of a Markdown
# cell's {eval} expressions, as jupyterlab-myst stores them
OUTPUT_CELL_METADATA = {"user_expressions"}
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
NUMPY_REPR = re.compile(r"^np\.\w+\(")
# notebook metadata that differs run to run or machine to machine: dropped from the written .ipynb
VOLATILE_NB_METADATA = {"widgets", "varInspector", "toc"}


def sources(paths=None) -> list[Path]:
    """The notebook sources (``notebooks/*.md``, sorted), or the given ones."""
    if paths:
        return [Path(p).resolve().with_suffix(".md") for p in paths]
    return sorted(p for p in NOTEBOOKS.glob("*.md") if p.name != "README.md")


def twin(md: Path) -> Path:
    return md.with_suffix(".ipynb")


def expressions(cell) -> list[str]:
    """The inline ``{eval}`` expressions of a Markdown cell, in order (repeats kept once)."""
    if cell.get("cell_type") != "markdown":
        return []
    return list(dict.fromkeys(EVAL_ROLE.findall(cell.get("source", ""))))


def _cell_key(cell) -> tuple:
    skip = VOLATILE_CELL_METADATA | OUTPUT_CELL_METADATA
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in skip}
    return cell["cell_type"], cell["source"].strip("\n"), repr(sorted(meta.items()))


def differences(md: Path) -> list[str]:
    """How the ``.ipynb`` twin of ``md`` differs from it (cells: type, source, metadata); [] when in sync."""
    ipynb = twin(md)
    if not ipynb.exists():
        return [f"{ipynb.name} is missing (run `make notebooks`)"]
    a = jupytext.read(md)
    b = jupytext.read(ipynb)
    ka, kb = [_cell_key(c) for c in a.cells], [_cell_key(c) for c in b.cells]
    out = []
    if a.metadata.get("kernelspec", {}).get("name") != b.metadata.get("kernelspec", {}).get("name"):
        out.append("kernelspec differs")
    if len(ka) != len(kb):
        out.append(f"{md.name} has {len(ka)} cells, {ipynb.name} has {len(kb)}")
    for i, (x, y) in enumerate(zip(ka, kb), start=1):
        if x != y:
            what = "type" if x[0] != y[0] else "source" if x[1] != y[1] else "metadata"
            out.append(f"cell {i}: {what} differs (.md: {x[1][:60]!r} / .ipynb: {y[1][:60]!r})")
    code = [c for c in b.cells if c.cell_type == "code" and c.source.strip()]
    if code and all(c.get("execution_count") is None for c in code):
        out.append(f"{ipynb.name} has no outputs (run `make notebooks`)")
    for i, cell in enumerate(b.cells, start=1):
        stored = [e.get("expression") for e in cell.get("metadata", {}).get("user_expressions", [])]
        if stored != expressions(cell):
            out.append(
                f"cell {i}: the stored values of its {{eval}} expressions are missing or stale (run `make notebooks`)"
            )
    return out


def update_md(md: Path) -> bool:
    """Rewrite ``md`` from its ``.ipynb`` twin when their cells differ; True when it did."""
    if not twin(md).exists():
        return False
    a, b = jupytext.read(md), jupytext.read(twin(md))
    if [_cell_key(c) for c in a.cells] == [_cell_key(c) for c in b.cells]:
        return False
    for cell in b.cells:  # outputs stay in the .ipynb: the .md is source only
        for key in OUTPUT_CELL_METADATA:
            cell.metadata.pop(key, None)
    jupytext.write(b, md, fmt="md:myst")
    return True


def _normalise(nb) -> None:
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    jt = nb.metadata.get("jupytext", {})
    jt.pop("text_representation", None)
    if not jt:
        nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{i:03d}"  # jupytext draws random ids: fixed ones keep the file byte-identical
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)


class ExpressionError(RuntimeError):
    """An inline {eval} expression failed, or would show a numpy repr instead of a number."""


class InlineClient(NotebookClient):
    """An nbclient that also evaluates each Markdown cell's ``{eval}`` expressions where the cell stands."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == "markdown" and expressions(cell):
            await self._evaluate(cell, cell_index)
            return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    async def _evaluate(self, cell, cell_index) -> None:
        exprs = expressions(cell)
        msg_id = self.kc.execute(
            "", silent=False, store_history=False, user_expressions={str(i): e for i, e in enumerate(exprs)}
        )
        reply = await self.async_wait_for_reply(msg_id, cell)
        results = reply["content"].get("user_expressions", {})
        stored = []
        for i, expr in enumerate(exprs):
            result = results[str(i)]
            if result.get("status") != "ok":
                raise ExpressionError(
                    f"cell {cell_index + 1}: {{eval}}`{expr}` failed: {result.get('ename')}: {result.get('evalue')}"
                )
            shown = result.get("data", {}).get("text/plain", "")
            if NUMPY_REPR.match(shown):
                raise ExpressionError(
                    f"cell {cell_index + 1}: {{eval}}`{expr}` shows {shown}: convert it with int(), float() or a format"
                )
            stored.append(
                {
                    "expression": expr,
                    "result": {
                        "status": "ok",
                        "data": dict(result["data"]),
                        "metadata": dict(result.get("metadata", {})),
                    },
                }
            )
        cell.metadata["user_expressions"] = stored


def run(md: Path, timeout: int = 600, kernel_name: str = "python3"):
    """Execute ``md`` in a fresh kernel (cwd = its folder); returns (notebook, seconds). Writes nothing."""
    nb = jupytext.read(md)
    start = time.perf_counter()
    client = InlineClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        record_timing=False,
        resources={"metadata": {"path": str(md.parent)}},
    )
    client.execute()
    return nb, time.perf_counter() - start


def execute(md: Path, timeout: int = 600, kernel_name: str = "python3") -> float:
    """Run ``md`` in a fresh kernel and write its executed ``.ipynb`` twin; returns the seconds taken."""
    nb, seconds = run(md, timeout, kernel_name)
    _normalise(nb)
    nbformat.validate(nb)
    tmp = twin(md).with_suffix(".ipynb.tmp")
    tmp.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    os.replace(tmp, twin(md))
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["execute", "check", "update-md"])
    parser.add_argument("notebooks", nargs="*", help="notebook .md (or .ipynb) files; default: notebooks/*.md")
    args = parser.parse_args(argv)
    mds = sources(args.notebooks)
    missing = [m for m in mds if not m.exists()]
    if missing:
        print("\n".join(f"{m}: no such notebook source" for m in missing), file=sys.stderr)
        return 2
    if args.command == "check":
        bad = 0
        for md in mds:
            for d in differences(md):
                print(f"{md.relative_to(REPO)}: {d}")
                bad += 1
        return 1 if bad else 0
    if args.command == "update-md":
        for md in mds:
            if update_md(md):
                print(f"{twin(md).relative_to(REPO)} -> {md.relative_to(REPO)}")
        return 0
    total = 0.0
    for md in mds:
        try:
            seconds = execute(md)
        except (CellExecutionError, ExpressionError) as err:
            print(f"{md.relative_to(REPO)}: a cell failed; {twin(md).name} left unchanged\n{err}", file=sys.stderr)
            return 1
        total += seconds
        print(f"{md.relative_to(REPO)} -> {twin(md).name} ({seconds:.1f} s)")
    print(f"executed {len(mds)} notebooks in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
