"""The two pandera stages over a frame indexed by line number: the text of each cell, then typed values,
ranges, uniqueness and the cross-field rules; pandera's failure cases become :class:`Problem` s."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .problems import Problem
from .readers import Table
from .rules import Rule, rules_for, txt
from .specs import COLUMNS, NUMBER, SPECS, WHOLE, Spec, expected_text, range_text


def _matches(pattern: str) -> Callable[[pd.Series], pd.Series]:
    def check(s: pd.Series) -> pd.Series:
        return s.isna() | s.astype(str).str.fullmatch(pattern)

    return check


def _raw_column(spec: Spec) -> pa.Column:
    expected = expected_text(spec)
    if spec.allowed:
        checks = [pa.Check.isin(list(spec.allowed), error=expected)]
    elif spec.kind == "number":
        checks = [pa.Check(_matches(NUMBER), error=expected)]
    elif spec.kind == "whole":
        checks = [pa.Check(_matches(WHOLE), error=expected)]
    else:
        checks = []
    return pa.Column(object, checks=checks, nullable=spec.nullable, required=True)


def raw_schema(kind: str) -> pa.DataFrameSchema:
    """The pandera schema of a file's text: every column present and no others, each cell well-formed."""
    return pa.DataFrameSchema({s.name: _raw_column(s) for s in SPECS[kind]}, strict=True, name=f"{kind} (text)")


def _rule_check(rule: Rule) -> pa.Check:
    def check(d: pd.DataFrame) -> pd.Series:
        if any(c not in d.columns for c in rule.uses):
            return pd.Series(True, index=d.index)
        return rule.ok(d).astype(bool)

    return pa.Check(check, name=rule.name, error=f"rule:{rule.name}")


_DTYPE = {"id": object, "category": object, "number": "float64", "whole": "Int64", "binary": "Int64"}


def _typed_column(spec: Spec) -> pa.Column:
    checks = []
    if spec.low is not None or spec.high is not None:
        text = range_text(spec)
        if spec.low is not None and spec.high is not None:
            checks.append(pa.Check.in_range(spec.low, spec.high, include_min=not spec.low_open, error=text))
        elif spec.low is not None:
            checks.append(
                (pa.Check.greater_than if spec.low_open else pa.Check.greater_than_or_equal_to)(spec.low, error=text)
            )
        else:
            checks.append(pa.Check.less_than_or_equal_to(spec.high, error=text))
    return pa.Column(_DTYPE[spec.kind], checks=checks, nullable=True, unique=spec.unique, required=False, coerce=False)


def typed_schema(kind: str, cohort: pd.DataFrame | None = None) -> pa.DataFrameSchema:
    """The pandera schema of parsed values: dtypes, ranges, unique ids, and the cross-field rules as dataframe checks.

    For ``kind="regimens"`` or ``"primary_treatment"``, pass the typed ``cohort`` to check every row against it."""
    rules = rules_for(kind, cohort)
    return pa.DataFrameSchema(
        {s.name: _typed_column(s) for s in SPECS[kind]}, checks=[_rule_check(r) for r in rules], name=f"{kind} (values)"
    )


def _rules(kind: str, cohort: pd.DataFrame | None) -> dict[str, Rule]:
    return {r.name: r for r in rules_for(kind, cohort)}


def _parse(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Typed values of a stage-1 frame; malformed cells (already reported) become missing."""
    out = {}
    for spec in SPECS[kind]:
        if spec.name not in raw:
            continue
        s = raw[spec.name]
        if spec.kind in ("id", "category"):
            out[spec.name] = s.astype(object)
            continue
        pattern = WHOLE if spec.kind in ("whole", "binary") else NUMBER
        good = s.notna() & s.astype(str).str.fullmatch(pattern).fillna(False).astype(bool)
        num = s.where(good).map(lambda x: float(x) if isinstance(x, str) else np.nan).astype("float64")
        out[spec.name] = num if spec.kind == "number" else num.round().astype("Int64")  # 15 digits: exact
    return pd.DataFrame(out, index=raw.index)


# ---------------------------------------------------------------------------------------------------------------
# pandera failures -> Problems
# ---------------------------------------------------------------------------------------------------------------


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as e:
        return e.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "failure_case", "index"])


def _line(index) -> int | None:
    try:
        return None if index is None or pd.isna(index) else int(index)
    except (TypeError, ValueError):
        return None


def _problems_from(
    fc: pd.DataFrame,
    kind: str,
    shown: str,
    header_line: int,
    raw: pd.DataFrame,
    rules: dict[str, Rule],
    typed: pd.DataFrame | None,
) -> list[tuple[Problem, tuple[str, ...]]]:
    """Problems from pandera's failure cases, each with the columns it depends on."""
    specs = {s.name: s for s in SPECS[kind]}
    problems: list[tuple[Problem, tuple[str, ...]]] = []
    done_rules: set[tuple[str, int]] = set()
    for rec in fc.itertuples(index=False):
        check, column, line = str(rec.check), rec.column, _line(rec.index)
        if check == "column_in_dataframe":
            name = str(rec.failure_case)
            problems.append(
                (
                    Problem(
                        shown,
                        header_line,
                        name,
                        None,
                        f"a column named {name} (a {kind} file has the columns: {', '.join(COLUMNS[kind])})",
                    ),
                    (name,),
                )
            )
        elif check == "column_in_schema":
            name = str(rec.failure_case)
            problems.append(
                (
                    Problem(
                        shown,
                        header_line,
                        name,
                        name,
                        f"only the columns of a {kind} file ({', '.join(COLUMNS[kind])})",
                    ),
                    (name,),
                )
            )
        elif check.startswith("rule:"):
            rule = rules[check[5:]]
            if line is None or (rule.name, line) in done_rules:
                continue
            done_rules.add((rule.name, line))
            value, expected = rule.explain(typed.loc[line])
            problems.append((Problem(shown, line, rule.column, value, expected), rule.uses))
        elif line is None:
            continue  # a whole-column failure without a row (never expected; rows are reported individually)
        elif check == "not_nullable":
            problems.append(
                (
                    Problem(shown, line, column, "", f"{expected_text(specs[column])} (this column cannot be empty)"),
                    (column,),
                )
            )
        elif check == "field_uniqueness":
            same = raw.index[raw[column] == raw.at[line, column]]
            others = ", ".join(str(i) for i in same if i != line)
            problems.append(
                (
                    Problem(
                        shown, line, column, txt(raw.at[line, column]), f"a unique {column} (also on line {others})"
                    ),
                    (column,),
                )
            )
        else:
            value = txt(raw.at[line, column]) if column in raw and line in raw.index else txt(rec.failure_case)
            problems.append((Problem(shown, line, column, value, check), (column,)))
    return problems


def check_frame(
    table: Table, kind: str, shown: str, cohort: pd.DataFrame | None, known_bad: set[tuple[int, str]] = frozenset()
) -> tuple[pd.DataFrame, list[Problem]]:
    """Both stages over a table of text; ``known_bad`` are cells already reported (while reading them), whose
    emptiness and rules are not reported again."""
    raw = table.rows
    stage1 = [
        p
        for p, _ in _problems_from(_failures(raw_schema(kind), raw), kind, shown, table.header_line, raw, {}, None)
        if (p.line, p.column) not in known_bad
    ]
    bad_cells = {(p.line, p.column) for p in stage1} | set(known_bad)
    typed = _parse(raw[[c for c in raw.columns if c in COLUMNS[kind]]], kind)
    fc = _failures(typed_schema(kind, cohort), typed)
    fc = fc[~fc["check"].astype(str).isin(["column_in_dataframe", "column_in_schema"])]
    stage2 = _problems_from(fc, kind, shown, table.header_line, raw, _rules(kind, cohort), typed)
    # a malformed cell (reported in stage 1) makes its range or rule undecidable: report the cell only
    kept = [p for p, uses in stage2 if not any((p.line, c) in bad_cells for c in uses)]
    return typed, stage1 + kept


def order(problems: list[Problem], kind: str, header: list[str] | None = None) -> list[Problem]:
    """File-level problems first, then by line, then in the order of the columns (the file's own for others)."""
    pos = {c: i for i, c in enumerate(COLUMNS[kind])}
    extra = {c: len(pos) + i for i, c in enumerate(header or [])}
    return sorted(
        problems,
        key=lambda p: (p.line is not None, p.line or 0, pos.get(p.column or "", extra.get(p.column or "", -1)), str(p)),
    )
