"""A problem in a data file, the error that lists them, a note on what reading changed, and how a path is shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths


@dataclass(frozen=True)
class Problem:
    """One problem in a data file.  ``line`` is the 1-based line in the file (header = 1), None for the whole file;
    ``column`` is None for problems of the whole file or line; ``value`` is the text as written.

    Files that are not CSV say where the problem is in their own terms: ``place`` (``"sheet cohort, cell G14"``,
    ``"row 12"``) replaces ``:line``.  ``label`` names the column as the user's file does (``"Gender (sex)"``,
    or how a derived column was derived), and ``written`` is the cell as written where reading changed it
    (``'M'`` read as ``male``)."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    place: str | None = None
    label: str | None = None
    written: str | None = None

    def __str__(self) -> str:
        if self.place is not None:
            where = f"{self.file}, {self.place}"
        else:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is None:
            found = f"{self.value} — " if self.value else ""
            return f"{where}: {found}expected {self.expected}"
        column = self.label or self.column
        if self.written is not None:
            read = f"'{self.value}'" if self.value else "empty"
            return f"{where}: column {column}: value '{self.written}' (read as {read}) — expected {self.expected}"
        if self.value is None:
            return f"{where}: column {column}: missing — expected {self.expected}"
        return f"{where}: column {column}: value '{self.value}' — expected {self.expected}"


@dataclass(frozen=True)
class Note:
    """Something reading a file changed or derived, reported (never silent): ``what`` reading did to ``column``
    (as the user's file names it); ``kind`` is ``"normalised"``, ``"mapped"`` or ``"derived"``."""

    kind: str
    column: str | None
    what: str

    def __str__(self) -> str:
        return self.what if self.column is None else f"column {self.column}: {self.what}"


SHOWN = 25  # problems listed in full; the rest are counted (a file read wrong as a whole has one per cell)


def listing(problems: list[Problem], limit: int = SHOWN) -> list[str]:
    """The first ``limit`` problems, one line each, and a line counting the others."""
    lines = [str(p) for p in problems[:limit]]
    rest = len(problems) - limit
    if rest > 0:
        lines.append(f"... and {rest} more problem{'s' if rest != 1 else ''} (the first {limit} are listed)")
    return lines


class DataError(ValueError):
    """A data file failed validation; ``problems`` lists every problem, and ``str()`` prints them one per line."""

    def __init__(self, path: Path | str, kind: str | None, problems: list[Problem]):
        self.path = str(path)
        self.kind = kind
        self.problems = list(problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        n = len(self.problems)
        head = f"{display(path)} is not {what} ({n} problem{'s' if n != 1 else ''}):"
        super().__init__("\n".join([head, *(f"  {line}" for line in listing(self.problems))]))


def display(path: Path | str) -> str:
    """A path as shown to the reader: relative to the repository when inside it (stable across machines)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(paths.REPO))
    except ValueError:
        return str(p)
