"""A problem in a data file, the error that lists them, and how a file's path is shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths


@dataclass(frozen=True)
class Problem:
    """One problem in a data file.  ``line`` is the 1-based line in the file (header = 1), None for the whole file;
    ``column`` is None for problems of the whole file or line; ``value`` is the text as written."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is None:
            found = f"{self.value} — " if self.value else ""
            return f"{where}: {found}expected {self.expected}"
        if self.value is None:
            return f"{where}: column {self.column}: missing — expected {self.expected}"
        return f"{where}: column {self.column}: value '{self.value}' — expected {self.expected}"


class DataError(ValueError):
    """A data file failed validation; ``problems`` lists every problem, and ``str()`` prints them one per line."""

    def __init__(self, path: Path | str, kind: str | None, problems: list[Problem]):
        self.path = str(path)
        self.kind = kind
        self.problems = list(problems)
        what = f"a valid {kind} file" if kind else "a valid data file"
        n = len(self.problems)
        head = f"{display(path)} is not {what} ({n} problem{'s' if n != 1 else ''}):"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


def display(path: Path | str) -> str:
    """A path as shown to the reader: relative to the repository when inside it (stable across machines)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(paths.REPO))
    except ValueError:
        return str(p)
