"""Which files the book is built from: provenance and the "built from" banner."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import paths
from . import readers
from .api import check, mapping_in_use
from .companions import companion_or_none, is_synthetic_default
from .problems import display
from .specs import KINDS, REFERS_TO_COHORT, ROW_NOUN


def provenance(path: Path | str, kind: str | None = None, mapping=None) -> dict:
    """``{"path", "sha256", "rows"}`` of a data file: the path as shown to readers, the SHA-256 of its bytes, and its
    number of data rows (``None`` when it cannot be read).  ``kind`` picks the sheet of a workbook (or the object of
    an .RData file) that holds that kind of file; ``mapping`` as for :func:`helpers.data.validate`."""
    p = Path(path)
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    mp, problems = mapping_in_use(p, mapping)
    section = mp.section(kind) if mp else None
    fmt = readers.format_of(p)
    part = None if section is None else section.sheet if fmt == "excel" else section.object if fmt == "r" else None
    table, _ = readers.read(p, display(p), None, [kind] if kind else KINDS, part)
    rows = None if table is None else len(table.rows)
    return {"path": display(p), "sha256": digest, "rows": rows}


BANNER_NOTES = 4  # notes shown in the banner; the command line lists them all


def _banner_line(label: str, path: Path, kind: str, cohort: Path | None = None) -> str:
    info = provenance(path, kind)
    noun = ROW_NOUN[kind] + ("s" if info["rows"] != 1 else "")
    what = (
        "**synthetic reconstruction, not patient data**"
        if is_synthetic_default(path, kind)
        else "a user-supplied file (not the project's synthetic data)"
    )
    line = f"{label} `{info['path']}` — {what}; {info['rows']} {noun}; SHA-256 `{info['sha256']}`"
    found = check(path, kind, cohort if kind in REFERS_TO_COHORT else None)
    read = [readers.FORMAT_NAMES[found.format]] if found.format != "csv" else []
    read += [found.source] if found.source else []
    if read:
        line += f"; read as {', '.join(read)}"
    section = found.mapping.section(kind) if found.mapping else None
    if section is not None:
        counts = [
            (len(section.renamed()), "renamed"),
            (sum(bool(c.codes) for c in section.columns.values()), "recoded"),
            (len(section.ignore), "not read"),
        ]
        done = ", ".join(f"{n} column{'s' if n != 1 else ''} {what}" for n, what in counts if n)
        line += f"; **mapped** by `{found.mapping.shown}`" + (f" ({done})" if done else "")
    normalised = [n for n in found.notes if n.kind == "normalised"]
    if normalised:
        n = len(normalised)
        shown = "; ".join("`" + str(note).replace("`", "'") + "`" for note in normalised[:BANNER_NOTES])
        more = (
            f"; and {n - BANNER_NOTES} more (`python -m helpers.data validate {info['path']}` lists them all)"
            if n > BANNER_NOTES
            else ""
        )
        line += f". **Normalised on reading** ({n} change{'s' if n != 1 else ''}): {shown}{more}"
    derived = [n.column for n in found.notes if n.kind == "derived"]
    if derived:
        line += f". **Derived from dates**: {', '.join(f'`{c}`' for c in derived)} (months = days / 30.4375)"
    return line


def cohort_banner(
    cohort: Path | str | None = None, regimens: Path | str | None = None, primary: Path | str | None = None
) -> str:
    """The Markdown "built from" banner for the top of every page: cohort file (and regimen and primary-treatment
    files, if any), with SHA-256, row count, whether it is the synthetic default, how it was read (format, sheet)
    and what reading it normalised or derived; and the mapping file, if one renamed the user's columns.
    Display with ``IPython.display.Markdown``."""
    cpath = Path(cohort) if cohort is not None else paths.cohort_path()
    lines = [_banner_line("**Data.** Built from cohort file", cpath, "cohort")]
    rpath = Path(regimens) if regimens is not None else companion_or_none("REGIMENS", paths.regimens_path, cpath)
    if rpath is not None and rpath.is_file():
        lines.append(_banner_line("Regimens from", rpath, "regimens", cpath))
    else:
        lines.append("No regimen file: sections on chemotherapy regimens (Table 2) are skipped.")
    ppath = (
        Path(primary)
        if primary is not None
        else companion_or_none("PRIMARY_TREATMENT", paths.primary_treatment_path, cpath)
    )
    if ppath is not None and ppath.is_file():
        lines.append(_banner_line("Primary-tumour treatment from", ppath, "primary_treatment", cpath))
    mp, _ = mapping_in_use(cpath)
    if mp is not None:
        lines.append(f"Columns and codes mapped by `{mp.shown}`; SHA-256 `{mp.sha256}`")
    return "\n>\n".join("> " + line for line in lines)
