"""From the cells as a file holds them to the project's text, one column at a time, reporting every change.

What is read the same whatever wrote it (each change counted and reported as a :class:`Note`):

- surrounding spaces are removed;
- full-width characters (``１２``, ``Ｍ``, as a Japanese input method types them) are their ASCII forms;
- ``NA`` (R's missing value) and an empty cell are missing (or the mapping's ``empty`` value);
- in a whole-number or 0/1 column, a whole number written with decimals (``3.0``, as pandas and Excel write an
  integer column with a missing value) is that whole number;
- in a 0/1 column, ``TRUE``/``FALSE`` (R, Excel; also ``True``/``False``, ``true``/``false``) are 1/0;
- SPSS and Stata value labels stand for their codes in category columns, and SPSS user-missing codes are missing;
- a Stata single-precision number is its shortest decimal (``14.699999809265137`` stored for ``14.7``);
- a date with a time of day is its date, a Japanese era date (``H28.7.30``, ``平成28年7月30日``) its date;
- the mapping's ``codes`` and ``missing`` recode the user's values, and must cover every value;
- the mapping's ``unit`` turns times in days, weeks or years into months (days / 30.4375).

Anything else stays as written, for the validation stages to accept or reject with the cell named; a decimal
comma, a date written as text in another layout, and a column of months that looks like days get a hint.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .mapping import ColumnMap, Section
from .problems import Note, Problem
from .readers import Table, Unreadable
from .specs import MONTH_DAYS, NUMBER, UNIT_DAYS, Spec, expected_text, fmt, spec_of

TRUE_FALSE = {"TRUE": "1", "FALSE": "0", "True": "1", "False": "0", "true": "1", "false": "0"}
DECIMAL_WHOLE = re.compile(r"([+-]?[0-9]{1,15})\.0*")
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
ISO_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?))?")
# full-width ASCII (U+FF01-FF5E) and the ideographic space, as a Japanese input method types them
FULL_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}
# Japanese era dates: H28.7.30, H28/7/30, 平成28年7月30日, 令和元年5月1日 (an era's first year is 元)
ERAS = {
    "M": 1868,
    "T": 1912,
    "S": 1926,
    "H": 1989,
    "R": 2019,
    "明治": 1868,
    "大正": 1912,
    "昭和": 1926,
    "平成": 1989,
    "令和": 2019,
}
ERA_DATE = re.compile(
    r"(?P<era>[MTSHRmtshr]|明治|大正|昭和|平成|令和)\s*(?P<y>[0-9]{1,2}|元)\s*[.\-/年]\s*(?P<m>[0-9]{1,2})\s*[.\-/月]"
    r"\s*(?P<d>[0-9]{1,2})\s*日?"
)
# layouts of a date written as text, offered as the mapping's date_format when one reads a cell
DATE_FORMATS = (
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y.%m.%d",
    "%d-%m-%Y",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%d %b %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
)


@dataclass
class Normalised:
    """A file's cells as the project's text (str, NaN for missing) under our column names, in the file's order
    (a column the file has beyond ours keeps its own name); ``user_of`` maps our column to the user's where they
    differ, ``written`` holds a cell as written where reading changed it, ``bad`` the cells already reported."""

    rows: pd.DataFrame
    user_of: dict[str, str] = field(default_factory=dict)
    written: dict[tuple[int, str], str] = field(default_factory=dict)
    bad: set[tuple[int, str]] = field(default_factory=set)
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and math.isnan(v)


def as_text(v, single: bool = False) -> str | None:
    """A cell as text, the way a reader sees it written: whole numbers without decimals, dates as YYYY-MM-DD."""
    if is_missing(v):
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return np.format_float_positional(np.float32(f), unique=True, trim="-") if single else repr(f)
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


class _Tally:
    """Counts of each change, by our column and kind of change: the notes."""

    PHRASES = {
        "stripped": ("normalised", "{n} written with spaces around them, read without"),
        "written": ("normalised", "{n} written as {froms} read as {tos}"),
        "na": ("normalised", "{n} written as NA read as empty"),
        "single": (
            "normalised",
            "{n} stored as single-precision numbers ({froms}) read as their shortest decimals ({tos})",
        ),
        "labels": ("normalised", "{n} read by their value labels: {pairs}"),
        "user_missing": ("normalised", "{n} read as missing, as the file's user-missing codes ({froms})"),
        "full_width": ("normalised", "{n} written with full-width characters ({froms}) read as {tos}"),
        "era": ("normalised", "{n} written as Japanese era dates ({froms}) read as {tos}"),
        "codes": ("mapped", "{n} recoded by {mapping}: {pairs}"),
        "missing": ("mapped", "{n} recoded by {mapping} as missing ({froms})"),
        "empty": ("mapped", "{n} left empty read as {tos} ({mapping}'s empty)"),
        "unit:days": ("mapped", "{n} in days read as months (days / 30.4375, {mapping}'s unit): {pairs}"),
        "unit:weeks": ("mapped", "{n} in weeks read as months (weeks * 7 / 30.4375, {mapping}'s unit): {pairs}"),
        "unit:years": ("mapped", "{n} in years read as months (years * 12, {mapping}'s unit): {pairs}"),
    }

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], Counter] = defaultdict(Counter)

    def add(self, column: str, what: str, before: str, after: str | None) -> None:
        self.counts[(column, what)][(before, "empty" if after is None else after)] += 1

    def notes(self, order: list[str], labels: dict[str, str], mapping: str) -> list[Note]:
        out = []
        rank = {c: i for i, c in enumerate(order)}
        for column, what in sorted(
            self.counts, key=lambda k: (rank.get(k[0], len(rank)), list(self.PHRASES).index(k[1]))
        ):
            pairs = sorted(self.counts[(column, what)].items(), key=lambda kv: (-kv[1], kv[0]))
            n = sum(c for _, c in pairs)
            shown = pairs[:4]
            more = ", ..." if len(pairs) > 4 else ""
            kind, phrase = self.PHRASES[what]
            text = phrase.format(
                n=f"{n} value{'s' if n != 1 else ''}",
                mapping=mapping,
                froms=", ".join(a for (a, _), _ in shown) + more,
                tos=", ".join(b for (_, b), _ in shown) + more,
                pairs=", ".join(f"{a} as {b}" for (a, b), _ in shown) + more,
            )
            out.append(Note(kind, labels.get(column, column), text))
        return out


def _date(text: str, date_format: str | None) -> tuple[str | None, bool]:
    """ISO text of a date written as text, and whether a time of day was dropped; ``(None, False)`` if it is not a
    date in YYYY-MM-DD (or ``date_format``)."""
    m = ISO_DATE.fullmatch(text)
    if m:
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            return None, False
        return day.isoformat(), m.group(2) is not None
    if date_format:
        try:
            when = dt.datetime.strptime(text, date_format)
        except ValueError:
            return None, False
        return when.date().isoformat(), False
    return None, False


def _date_expected(section: Section | None) -> str:
    fmt = f" or {section.date_format} (the mapping's date_format)" if section and section.date_format else ""
    return f"a date written YYYY-MM-DD{fmt}, or a date cell"


class _Column:
    """Converts the cells of one column to our text, tallying every change."""

    def __init__(
        self,
        spec: Spec | None,
        target: str,
        cm: ColumnMap | None,
        labels: dict,
        missing_code,
        single: bool,
        section: Section | None,
        tally: _Tally,
        codes_owner: str,
    ):
        self.spec, self.target, self.cm, self.labels = spec, target, cm, labels
        self.missing_code, self.single, self.section, self.tally = missing_code, single, section, tally
        self.codes_owner = codes_owner

    def convert(self, v) -> tuple[str | None, str | None]:
        """``(text, problem)``: our text for a cell (None for missing), or why it cannot be read."""
        tally, target, spec, cm = self.tally, self.target, self.spec, self.cm
        if isinstance(v, Unreadable):
            return None, v.why
        text = as_text(v, self.single)
        if self.single and isinstance(v, (float, np.floating)) and text != as_text(v):
            tally.add(target, "single", as_text(v), text)
        stripped = None if text is None else text.strip()
        if isinstance(v, str) and stripped != text and stripped:
            tally.add(target, "stripped", text, stripped)
        if not stripped:
            if cm is not None and cm.empty is not None:
                tally.add(target, "empty", "", cm.empty)
                return cm.empty, None
            return None, None
        if isinstance(v, str):
            narrow = stripped.translate(FULL_WIDTH).strip()
            if narrow != stripped:
                tally.add(target, "full_width", stripped, narrow)
                stripped = narrow
        if isinstance(v, str) and stripped == "NA":
            tally.add(target, "na", "NA", None)
            return None, None
        label = self.labels.get(v) if self.labels and not isinstance(v, str) else None
        label = None if label is None else str(label).strip()
        if cm is not None and (stripped in cm.missing or (label is not None and label in cm.missing)):
            tally.add(target, "missing", stripped if label is None else f"{stripped} ({label})", None)
            return None, None
        if self.missing_code is not None and not isinstance(v, str) and self.missing_code(v):
            tally.add(target, "user_missing", stripped, None)
            return None, None
        if cm is not None and cm.codes:
            return self._recode(v, stripped, label)
        if spec is None:
            return stripped, None
        if label is not None and spec.kind == "category":
            tally.add(target, "labels", stripped, label)
            stripped = label
        if spec.kind == "date":
            return self._date(v, stripped)
        if spec.kind == "binary" and isinstance(v, (bool, np.bool_)):
            tally.add(target, "written", text, TRUE_FALSE[text])
            return TRUE_FALSE[text], None
        if spec.kind == "binary" and isinstance(v, str) and stripped in TRUE_FALSE:
            tally.add(target, "written", stripped, TRUE_FALSE[stripped])
            return TRUE_FALSE[stripped], None
        if spec.kind in ("number", "whole", "binary") and DECIMAL_COMMA.fullmatch(stripped):
            return None, (
                f"{expected_text(spec)} written with a decimal point (8.5): this one has a comma "
                "(a decimal comma, or a thousands separator?)"
            )
        if spec.kind in ("whole", "binary") and isinstance(v, str):
            m = DECIMAL_WHOLE.fullmatch(stripped)
            if m:
                whole = str(int(m.group(1)))
                tally.add(target, "written", stripped, whole)
                return whole, None
        if cm is not None and cm.unit is not None and re.fullmatch(NUMBER, stripped):
            months = float(stripped) * UNIT_DAYS[cm.unit] / MONTH_DAYS
            tally.add(target, f"unit:{cm.unit}", stripped, f"{months:.2f}")
            return repr(months), None
        return stripped, None

    def _recode(self, v, stripped: str, label: str | None) -> tuple[str | None, str | None]:
        codes = self.cm.codes
        keys = [stripped]
        m = DECIMAL_WHOLE.fullmatch(stripped) if isinstance(v, str) else None
        if m:
            keys.append(str(int(m.group(1))))
        if label is not None:
            keys.append(label)
        hits = {codes[k] for k in keys if k in codes}
        if len(hits) == 1:
            ours = hits.pop()
            self.tally.add(self.target, "codes", stripped if label is None else f"{stripped} ({label})", ours)
            return ours, None
        listed = ", ".join(codes)
        extra = f"; missing: {', '.join(self.cm.missing)}" if self.cm.missing else ""
        if hits:
            return None, (
                f"one code of the mapping, but {stripped} and its label {label} are recoded differently "
                f"({' and '.join(sorted(hits))})"
            )
        return None, f"one of the codes {self.codes_owner} gives for {self.cm.source}: {listed}{extra}"

    def _date(self, v, stripped: str) -> tuple[str | None, str | None]:
        if isinstance(v, (dt.datetime, pd.Timestamp)):
            day = v.date().isoformat()
            if stripped != day:
                self.tally.add(self.target, "written", stripped, day)
            return day, None
        if isinstance(v, dt.date):
            return v.isoformat(), None
        if isinstance(v, str):
            day, timed = _date(stripped, self.section.date_format if self.section else None)
            if day is not None:
                if timed or day != stripped:
                    self.tally.add(self.target, "written", stripped, day)
                return day, None
            era = ERA_DATE.fullmatch(stripped)
            if era:
                day = _era_date(era)
                if day is None:
                    return None, f"{_date_expected(self.section)} (this Japanese era date does not exist)"
                self.tally.add(self.target, "era", stripped, day)
                return day, None
            return None, f"{_date_expected(self.section)} ({_date_hint(stripped)})"
        return None, (
            f"{_date_expected(self.section)} (this is a number: a date stored as a number? "
            "give the column a date format in the file)"
        )


def _era_date(m: re.Match) -> str | None:
    """The ISO date of a Japanese era date, or None when there is no such day."""
    era = m.group("era")
    base = ERAS[era.upper() if len(era) == 1 else era]
    year = base + (1 if m.group("y") == "元" else int(m.group("y"))) - 1
    try:
        return dt.date(year, int(m.group("m")), int(m.group("d"))).isoformat()
    except ValueError:
        return None


def _date_hint(text: str) -> str:
    """What a date written as text needs: the mapping's date_format that reads it, or that it is not a date."""
    fits = []
    for layout in DATE_FORMATS:
        try:
            dt.datetime.strptime(text, layout)
        except ValueError:
            continue
        fits.append(f'"{layout}"')
    if not fits:
        return "this is not a date"
    if len(fits) == 1:
        return f"this is text: date_format: {fits[0]} in the mapping reads it"
    return f"this is text: date_format: {' or '.join(fits)} in the mapping, whichever the file uses"


def _looks_like_days(values: pd.Series, spec: Spec | None, shown_as: str):
    """``(found, expected)`` when a column of months holds times over its bound (600 months, 50 years): days, most
    likely, and every time of the column in days, those under the bound too.  None otherwise."""
    if spec is None or not spec.name.endswith("_months") or spec.high is None:
        return None
    numbers = pd.to_numeric(values.where(values.astype(str).str.fullmatch(NUMBER).fillna(False)), errors="coerce")
    over = numbers[numbers > spec.high]
    if over.empty:
        return None
    name = shown_as if shown_as == spec.name else f"{shown_as} ({spec.name})"
    return (
        f"column {name}: {len(over)} of {int(numbers.notna().sum())} times over {fmt(spec.high)} months "
        f"(up to {fmt(float(over.max()))}): days rather than months?",
        f"times in months, or their unit in the mapping ({spec.name}: {{column: {shown_as}, unit: days}}, "
        "read as days / 30.4375)",
    )


def normalise(
    table: Table, kind: str, section: Section | None, shown: str, mapping_name: str = "the mapping"
) -> Normalised:
    """The table's cells as our text, under our column names (see the module docstring)."""
    out = Normalised(pd.DataFrame(index=table.rows.index))
    tally = _Tally()
    columns = section.columns if section else {}
    targets_of: dict[str, list[str]] = defaultdict(list)
    for cm in columns.values():
        targets_of[cm.source].append(cm.target)
    ignored = set(section.ignore) if section else set()
    routes: list[tuple[str, str]] = []
    for c in table.header:
        if c in ignored:
            continue
        if c in targets_of:
            routes += [(t, c) for t in targets_of[c]]
        elif c in columns:
            out.problems.append(
                Problem(
                    shown,
                    table.header_line,
                    c,
                    c,
                    f"no column {c} beside {columns[c].source}, which {mapping_name} reads as {c} "
                    "(remove one, or list this one under ignore)",
                    table.locate(table.header_line, None),
                )
            )
        else:
            routes.append((c, c))
    renamed = [f"{s} as {t}" for t, s in routes if s != t]
    if renamed:
        out.notes.append(
            Note(
                "mapped",
                None,
                f"{len(renamed)} column{'s' if len(renamed) != 1 else ''} renamed by "
                f"{mapping_name}: {', '.join(renamed)}",
            )
        )
    not_read = [c for c in table.header if c in ignored]
    if not_read:
        out.notes.append(
            Note("mapped", None, f"columns not read ({mapping_name}'s ignore list): {', '.join(not_read)}")
        )
    data = {}
    for target, source in routes:
        if source != target:
            out.user_of[target] = source
        cm = columns.get(target)
        conv = _Column(
            spec_of(kind, target),
            target,
            cm,
            table.labels.get(source, {}),
            table.missing_codes.get(source),
            source in table.single,
            section,
            tally,
            mapping_name,
        )
        values = []
        for line, v in table.rows[source].items():
            text, problem = conv.convert(v)
            original = as_text(v)
            original = None if original is None else original.strip()
            if problem is not None:
                out.problems.append(Problem(shown, line, target, original, problem))
                out.bad.add((line, target))
            elif original and original != text:
                out.written[(line, target)] = original
            values.append(np.nan if text is None else text)
        data[target] = pd.Series(values, index=table.rows.index, dtype=object)
        if cm is None or cm.unit is None:
            days = _looks_like_days(data[target], conv.spec, source)
            if days is not None:
                out.problems.append(
                    Problem(shown, table.header_line, None, *days, table.locate(table.header_line, None))
                )
    out.rows = pd.DataFrame(data, index=table.rows.index)
    labels = {t: f"{s} ({t})" for t, s in out.user_of.items()}
    out.notes = table.notes + out.notes + tally.notes([t for t, _ in routes], labels, mapping_name)
    return out
