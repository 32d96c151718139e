"""A mapping file: the user's own column names and codes, renamed and recoded to the project's.

YAML (``.yaml``/``.yml``, read with PyYAML's ``BaseLoader`` so that every value stays the text the user wrote:
``M``, ``yes``, ``1`` and ``01`` are four different codes, not a letter, a boolean and two numbers) or TOML
(``.toml``, read with the standard library's ``tomllib``).  One section per kind of file, or, for a cohort
alone, the cohort's entries at the top level::

    cohort:
      sheet: Patients                  # Excel: the sheet to read (R .RData: object: NAME)
      date_format: "%d.%m.%Y"          # dates written as text, if not YYYY-MM-DD
      ignore: [MRN, Comments]          # the file's columns that are not read
      header_row: 3                    # the header's row (line), when a title is above it
      encoding: cp932                  # a CSV file's encoding, when not UTF-8
      patient_id: Study ID             # our column: the user's column
      sex: {column: Gender, codes: {M: male, F: female}}
      grade: {column: FNCLCC, codes: {G2: 2, G3: 3}, missing: [unknown]}
      site_lung: {column: Lung, codes: {○: 1}, empty: 0}
      os_months: {column: OS (days), unit: days}

``codes`` must cover every value of the column (any other value is an error naming the user's column);
``missing`` lists the user's codes for "not known"; ``empty`` is the value of an empty cell (else missing);
``unit`` the unit of a time in months written in days, weeks or years.  See ``data/README.md``.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .problems import DataError, Problem, display
from .specs import COLUMNS, DATE_COLUMNS, KINDS, NUMBER, UNIT_DAYS, WHOLE, spec_of

OPTIONS = ("sheet", "object", "date_format", "ignore", "header_row", "encoding")
ENTRY_KEYS = ("column", "codes", "missing", "empty", "unit")


@dataclass(frozen=True)
class ColumnMap:
    """Our column ``target`` is read from the user's column ``source``; ``codes`` recodes the user's values (text
    as written -> ours); ``missing`` lists the user's codes for a missing value; ``empty`` is our value for an
    empty cell (None: an empty cell is missing); ``unit`` the unit the user's times are in (None: months)."""

    target: str
    source: str
    codes: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    empty: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Section:
    """The mapping of one kind of file."""

    kind: str
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    sheet: str | None = None
    object: str | None = None
    date_format: str | None = None
    ignore: tuple[str, ...] = ()
    header_row: int | None = None
    encoding: str | None = None

    def renamed(self) -> dict[str, str]:
        """Our column -> the user's, for the columns whose names differ."""
        return {t: c.source for t, c in self.columns.items() if c.source != t}


@dataclass(frozen=True)
class Mapping:
    """A loaded mapping file: ``shown`` is its path as shown to readers."""

    path: Path
    shown: str
    sha256: str
    sections: dict[str, Section]

    def section(self, kind: str | None) -> Section | None:
        return self.sections.get(kind) if kind else None

    def option(self, kind: str | None, name: str):
        """A layout option (``header_row``, ``encoding``) for a file of ``kind``; for a file of unknown kind, the
        value every section that gives it agrees on (None if they differ)."""
        sections = [self.sections[kind]] if kind in self.sections else [] if kind else list(self.sections.values())
        values = {getattr(s, name) for s in sections} - {None}
        return values.pop() if len(values) == 1 else None

    def names(self) -> set[str]:
        """Every column name of the user's that the mapping reads or ignores."""
        return {c.source for s in self.sections.values() for c in s.columns.values()} | {
            n for s in self.sections.values() for n in s.ignore
        }


def _text(value) -> str:
    """A TOML value as the text it stands for (YAML values are text already)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _scalars(value):
    """A TOML document with every scalar as text, like YAML's BaseLoader gives."""
    if isinstance(value, dict):
        return {str(k): _scalars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scalars(v) for v in value]
    return _text(value)


def _parse(path: Path, shown: str) -> tuple[object, list[Problem]]:
    def whole(found: str, expected: str):
        return None, [Problem(shown, None, None, found, expected)]

    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".toml"):
        return whole(f"a {suffix or 'extensionless'} file", "a mapping file ending in .yaml, .yml or .toml")
    if not path.is_file():
        return whole("file not found", "an existing mapping file (.yaml, .yml or .toml)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return whole(f"cannot be read ({e})", "a UTF-8 text file")
    if suffix == ".toml":
        try:
            return _scalars(tomllib.loads(text)), []
        except tomllib.TOMLDecodeError as e:
            return whole(f"not TOML ({e})", "a TOML mapping file, as in data/README.md")
    import yaml

    try:
        return yaml.load(text, Loader=yaml.BaseLoader), []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        return None, [
            Problem(
                shown,
                line,
                None,
                f"not YAML ({getattr(e, 'problem', None) or e})",
                "a YAML mapping file, as in data/README.md",
            )
        ]


def _allowed_target(kind: str, column: str, value: str) -> str | None:
    """Why ``value`` cannot be a code's target in our ``column``, or None when it can."""
    spec = spec_of(kind, column)
    if spec.kind == "date":
        return "no codes for a date column (give date_format for dates written as text)"
    if spec.allowed:
        return None if value in spec.allowed else "one of " + ", ".join(spec.allowed)
    if spec.kind == "whole":
        return None if re.fullmatch(WHOLE, value) else "a whole number"
    if spec.kind == "number":
        return None if re.fullmatch(NUMBER, value) else "a number"
    return None if value.strip() else "a non-empty text"


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _texts(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _section(kind: str, body, prefix: str, shown: str) -> tuple[Section, list[Problem]]:
    problems: list[Problem] = []

    def bad(key: str, found: str, expected: str) -> None:
        problems.append(Problem(shown, None, None, f"{prefix}{key}{found}", expected))

    if not isinstance(body, dict):
        bad("", " is not a table of entries", f"our column names of a {kind} file, each with the user's column")
        return Section(kind), problems
    options: dict = {}
    columns: dict[str, ColumnMap] = {}
    ours = COLUMNS[kind] + (DATE_COLUMNS if kind == "cohort" else [])
    for key, value in body.items():
        key = str(key)
        if key in OPTIONS:
            if key == "ignore":
                names = _texts(value)
                if names is None:
                    bad(key, " is not a list of column names", "ignore: [a column, another column]")
                else:
                    options["ignore"] = tuple(n.strip() for n in names)
            elif not isinstance(value, str) or not value.strip():
                bad(key, " is not a text", f"{key}: NAME")
            elif key == "date_format" and "%" not in value:
                bad(key, f" is '{value}'", "a date format with % codes, such as %d.%m.%Y (see Python's strptime)")
            elif key == "header_row":
                if not re.fullmatch(r"[1-9][0-9]{0,5}", value.strip()):
                    bad(key, f" is '{value}'", "the number of the header's row (line), 1 for the first")
                else:
                    options[key] = int(value)
            elif key == "encoding" and not _known_encoding(value.strip()):
                bad(key, f" is '{value}'", "a text encoding Python knows, such as cp932 (Shift-JIS) or cp1252")
            else:
                options[key] = value.strip()
            continue
        if key not in ours:
            bad(
                key,
                " is not a column of a " + kind.replace("_", "-") + " file",
                f"one of our columns ({', '.join(ours)}) or an option ({', '.join(OPTIONS)})",
            )
            continue
        if isinstance(value, str):
            value = {"column": value}
        if not isinstance(value, dict):
            bad(
                key,
                " is neither a column name nor a table",
                f"{key}: THEIR_COLUMN, or {key}: {{column: THEIR_COLUMN, codes: {{THEIRS: OURS}}}}",
            )
            continue
        for extra in sorted(set(map(str, value)) - set(ENTRY_KEYS)):
            bad(f"{key}.{extra}", " is not a setting of a column", f"only {', '.join(ENTRY_KEYS)}")
        source = value.get("column", key)
        if not isinstance(source, str) or not source.strip():
            bad(f"{key}.column", " is not a column name", "the name of a column of the user's file")
            continue
        codes: dict[str, str] = {}
        raw_codes = value.get("codes", {})
        if not isinstance(raw_codes, dict):
            bad(f"{key}.codes", " is not a table", "codes: {THEIRS: OURS, ...}")
            raw_codes = {}
        for theirs, target in raw_codes.items():
            if not isinstance(target, str):
                bad(f"{key}.codes.{theirs}", " is not a value", "a value of our column")
                continue
            why = _allowed_target(kind, key, target.strip())
            if why is not None:
                bad(f"{key}.codes.{theirs}", f" is '{target}'", why)
                continue
            codes[str(theirs).strip()] = target.strip()
        missing = _texts(value.get("missing", []))
        if missing is None:
            bad(f"{key}.missing", " is not a list of codes", "missing: [a code, another code]")
            missing = []
        missing = [m.strip() for m in missing]
        for m in missing:
            if m in codes:
                bad(f"{key}.missing", f" lists '{m}', which codes also recodes", "each code either recoded or missing")
        empty = value.get("empty")
        if empty is not None:
            why = "a value of our column" if not isinstance(empty, str) else _allowed_target(kind, key, empty.strip())
            if why is not None:
                bad(f"{key}.empty", f" is '{empty}'", why)
                empty = None
            else:
                empty = empty.strip()
        unit = value.get("unit")
        if unit is not None:
            if not key.endswith("_months"):
                bad(f"{key}.unit", " is given", "a unit only for a time in months (os_months, pfs_months, ...)")
                unit = None
            elif not isinstance(unit, str) or unit.strip() not in UNIT_DAYS:
                bad(f"{key}.unit", f" is '{unit}'", "one of " + ", ".join(UNIT_DAYS))
                unit = None
            else:
                unit = None if unit.strip() == "months" else unit.strip()
        columns[key] = ColumnMap(key, source.strip(), codes, tuple(missing), empty, unit)
    for name in options.get("ignore", ()):
        users = [c.target for c in columns.values() if c.source == name]
        if users:
            bad("ignore", f" lists {name}, which {prefix}{users[0]} reads", "only columns that are not read")
    return Section(kind, columns, **options), problems


def load_mapping(path: Path | str) -> tuple[Mapping | None, list[Problem]]:
    """The mapping in a YAML or TOML file, and every problem of it (a mapping is only returned without any)."""
    path = Path(path)
    shown = display(path)
    data, problems = _parse(path, shown)
    if problems:
        return None, problems
    if not isinstance(data, dict) or not data:
        return None, [Problem(shown, None, None, "no entries", "a table of entries, as in data/README.md")]
    keys = [str(k) for k in data]
    if all(k in KINDS for k in keys):
        bodies = {k: (data[k], f"{k}.") for k in keys}
    elif not any(k in KINDS for k in keys):
        bodies = {"cohort": (data, "")}
    else:
        return None, [
            Problem(
                shown,
                None,
                None,
                f"top-level entries {', '.join(k for k in keys if k not in KINDS)} "
                f"beside sections {', '.join(k for k in keys if k in KINDS)}",
                f"either sections only ({', '.join(KINDS)}) or a cohort's entries only",
            )
        ]
    sections = {}
    for kind, (body, prefix) in bodies.items():
        sections[kind], found = _section(kind, body, prefix, shown)
        problems += found
    if problems:
        return None, problems
    return Mapping(path.resolve(), shown, hashlib.sha256(path.read_bytes()).hexdigest(), sections), []


def read_mapping(path: Path | str) -> Mapping:
    """The mapping in ``path``; raises :class:`DataError` listing every problem of the file."""
    mapping, problems = load_mapping(path)
    if problems:
        raise DataError(path, "mapping", problems)
    return mapping
