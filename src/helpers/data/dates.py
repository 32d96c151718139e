"""Dates instead of months: ``os_months``, ``interval_to_metastasis_months``, ``metastasis_year`` and ``death``
derived from the dates a clinical record keeps, each derivation reported, impossible dates rejected by row.

A month is 365.25 / 12 = 30.4375 days (``MONTH_DAYS``): a twelfth of the average (Julian) year, the month of
R's lubridate (``dmonths(1)``, ``time_length(..., "month")``) and the usual "days / 30.44" of survival
analyses.  The paper does not say how its months were computed (EZR takes the times as given); over this
cohort's follow-up the alternatives differ by less than a day (days / 30.44 gives 0.01% shorter times), far
below the one decimal the paper prints.

- ``os_months``: ``metastasis_date`` to ``death_date``, or to ``last_followup_date`` for a patient alive;
  without a ``death_date`` column, to ``last_followup_date`` (the date of death or of the last visit).
- ``interval_to_metastasis_months``: ``primary_diagnosis_date`` to ``metastasis_date``; 0 for a synchronous
  patient (metastatic at initial diagnosis, the paper's definition), whose metastasis may be dated a few days
  after the primary tumour by the staging scans.
- ``metastasis_year``: the year of ``metastasis_date``; ``death``: 1 where ``death_date`` is given.

A column given both ways is checked against its dates (``metastasis_year``, ``death``) or rejected
(``os_months``, ``interval_to_metastasis_months``: either the months or their dates, not both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .cells import Normalised
from .problems import Note, Problem
from .specs import DATE_COLUMNS, MONTH_DAYS, expected_text, spec_of

PRIMARY, MET, LAST, DEATH = DATE_COLUMNS
INTERVAL, YEAR, OS = "interval_to_metastasis_months", "metastasis_year", "os_months"


@dataclass
class Derived:
    """The rows with derived columns added and the date columns taken out; what each derived cell came from
    (for messages), the derived cells left empty because a date they need was wrong (``suppress``)."""

    rows: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    derived_from: dict[tuple[int, str], str] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)
    suppress: set[tuple[int, str]] = field(default_factory=set)


def months(start: dt.date, end: dt.date) -> float:
    """Months from ``start`` to ``end``: days / 30.4375."""
    return (end - start).days / MONTH_DAYS


def _plural(n: int, noun: str = "patient") -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def derive(norm: Normalised, kind: str, shown: str, header_line: int, today: dt.date | None = None) -> Derived:
    """Derive the month columns a cohort file gives as dates (see the module docstring)."""
    rows = norm.rows
    present = set(rows.columns)
    dated = [c for c in DATE_COLUMNS if c in present]
    if kind != "cohort" or not dated:
        return Derived(rows)
    today = today or dt.date.today()
    out = Derived(rows.copy())
    bad = set(norm.bad)

    def problem(line: int, column: str, value: str | None, expected: str) -> None:
        out.problems.append(Problem(shown, line, column, value, expected))
        bad.add((line, column))

    do_interval = INTERVAL not in present and {PRIMARY, MET} <= present
    do_os = OS not in present and {MET, LAST} <= present
    do_year = YEAR not in present and MET in present
    do_death = "death" not in present and DEATH in present and do_os
    used = {MET} & present
    used |= {PRIMARY} if do_interval else set()
    used |= ({LAST} | ({DEATH} & present)) if do_os else set()
    for c in dated:
        if c in used:
            continue
        target, needs = (INTERVAL, (PRIMARY, MET)) if c == PRIMARY else (OS, (MET, LAST, DEATH))
        if target in present:
            why = f"either {target} or the dates it is derived from ({', '.join(needs)}), not both"
        else:
            why = (
                f"{' and '.join(n for n in needs[:2] if n not in present)} as well: {target} is derived from "
                f"{', '.join(needs)}"
            )
        problem(header_line, c, c, why)

    day = {c: rows[c].map(lambda s: dt.date.fromisoformat(s) if isinstance(s, str) else None) for c in used}
    derived: dict[str, list] = {
        c: [] for c, on in ((INTERVAL, do_interval), (OS, do_os), (YEAR, do_year), ("death", do_death)) if on
    }
    synchronous = gap = deaths = 0
    for line in rows.index:
        d = {c: (None if (line, c) in bad else day[c][line]) for c in used}
        ok = {c: (line, c) not in bad for c in used}
        for c in used:
            if ok[c] and d[c] is not None and d[c] > today:
                problem(line, c, d[c].isoformat(), "a date in the past (this one is in the future)")
                ok[c], d[c] = False, None
        for c in (MET, PRIMARY) if do_interval else (MET,):
            if c in used and ok[c] and d[c] is None:
                problem(line, c, "", f"{expected_text(spec_of('cohort', c))} (this column cannot be empty)")
                ok[c] = False
        died = d.get(DEATH)
        if do_os and ok[LAST] and d[LAST] is None and died is None and ok.get(DEATH, True):
            because = (
                "because death_date is empty (follow-up ends at the last visit)"
                if DEATH in used
                else "(this column cannot be empty)"
            )
            problem(line, LAST, "", f"a date {because}")
            ok[LAST] = False
        m = d.get(MET) if ok.get(MET) else None
        if do_interval and m and ok[PRIMARY] and d[PRIMARY] and d[PRIMARY] > m:
            problem(
                line,
                MET,
                m.isoformat(),
                f"a date on or after primary_diagnosis_date ({d[PRIMARY]}): "
                "metastasis cannot be diagnosed before the primary tumour",
            )
            ok[MET], m = False, None
        if m and died and died < m:
            problem(
                line,
                DEATH,
                died.isoformat(),
                f"a date on or after metastasis_date ({m}): a death before the diagnosis of metastasis",
            )
            ok[DEATH], died = False, None
        last = d.get(LAST) if ok.get(LAST) else None
        if m and last and last < m:
            problem(
                line,
                LAST,
                last.isoformat(),
                f"a date on or after metastasis_date ({m}): a last visit before the diagnosis of metastasis",
            )
            ok[LAST], last = False, None
        if died and last and last > died:
            problem(line, LAST, last.isoformat(), f"a date on or before death_date ({died}): a last visit after death")
            ok[LAST], last = False, None

        def put(column: str, value: str | None, source: str, line=line) -> None:
            if value is None:
                out.suppress.add((line, column))
                derived[column].append(float("nan"))
            else:
                derived[column].append(value)
                out.derived_from[(line, column)] = source

        if do_year:
            put(YEAR, str(m.year) if m else None, f"metastasis_date {m}")
        elif YEAR in present and m:
            year = rows.at[line, YEAR]
            if (line, YEAR) not in bad and isinstance(year, str) and year.isdigit() and int(year) != m.year:
                problem(line, YEAR, year, f"{m.year}, the year of metastasis_date ({m})")
        if do_interval:
            first = d[PRIMARY] if ok[PRIMARY] else None
            sync = "presenting" in present and rows.at[line, "presenting"] == "synchronous"
            if first and m and sync:
                synchronous += 1
                gap += first != m
                put(INTERVAL, "0", f"presenting synchronous (primary_diagnosis_date {first}, metastasis_date {m})")
            else:
                put(
                    INTERVAL,
                    repr(months(first, m)) if first and m else None,
                    f"primary_diagnosis_date {first} to metastasis_date {m}",
                )
        dead_ok = ok.get(DEATH, True)
        if do_os:
            end, name = (died, DEATH) if died else (last, LAST)
            good = m and dead_ok and end is not None and (died is not None or ok[LAST])
            put(OS, repr(months(m, end)) if good else None, f"metastasis_date {m} to {name} {end}")
        if do_death:
            deaths += died is not None and dead_ok
            put("death", ("1" if died else "0") if dead_ok else None, f"death_date {died or 'empty'}")
        elif DEATH in used and "death" in present and dead_ok and (line, "death") not in bad:
            given = rows.at[line, "death"]
            want = "1" if died else "0"
            if given in ("0", "1") and given != want:
                because = f"death_date is {died}" if died else "death_date is empty"
                problem(line, "death", given, f"{want} because {because} (death is 1 exactly when death_date is given)")

    for column, values in derived.items():
        out.rows[column] = pd.Series(values, index=rows.index, dtype=object)
    out.rows = out.rows.drop(columns=[c for c in dated])
    out.columns = set(derived)
    n = len(rows)
    if do_os:
        to = "to death_date, or to last_followup_date for a patient alive" if DEATH in used else "to last_followup_date"
        out.notes.append(
            Note(
                "derived",
                OS,
                f"derived for {_plural(n)}: metastasis_date {to}, in days / 30.4375 (a month is 365.25 / 12 days)",
            )
        )
    if do_interval:
        sync = (
            f"; 0 for the {_plural(synchronous, 'synchronous patient')} (metastatic at initial diagnosis)"
            if synchronous
            else ""
        )
        later = f", {gap} of them with a later metastasis_date" if gap else ""
        out.notes.append(
            Note(
                "derived",
                INTERVAL,
                f"derived for {_plural(n)}: primary_diagnosis_date to metastasis_date, in days / 30.4375{sync}{later}",
            )
        )
    if do_year:
        out.notes.append(Note("derived", YEAR, "derived from metastasis_date (its calendar year)"))
    if do_death:
        out.notes.append(
            Note(
                "derived",
                "death",
                f"derived from death_date: 1 for the {_plural(deaths)} with a date of death, 0 for the others",
            )
        )
    return out
