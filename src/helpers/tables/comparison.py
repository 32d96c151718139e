"""Printed beside reproduced: the comparison tables of the chapters (``compare``; a ✗ links to its row on
the scorecard page, ``row_anchor``), and the scorecard page's own table and counts (``scorecard_table``,
``scorecard_sortable``, ``scorecard_summary``)."""

from __future__ import annotations

import pandas as pd

from .formatting import MATCH_MARKS, NOT_COMPUTED, _missing, format_printed, format_reproduced, match_mark
from .html_table import Mark, SortableTable, Table, sortable
from .labels import GROUP_NAMES, STATISTIC_NAMES, _factor_label, _level_label

SCORECARD_PAGE = "07_scorecard.html"  # where every published number's row, with its reason, lives on the site
API_PAGE = "../api.html"  # book/api.md, from a chapter: each helper's entry is anchored by its qualified name
COMPARE_COLUMNS = ["Factor", "Level", "Statistic", "Printed", "Reproduced", "Match"]


def _effective_match(card: pd.DataFrame) -> pd.Series:
    """``match`` with NA where the scorecard could not compute the number (``computed`` False)."""
    match = card["match"].astype(object)
    if "computed" in card.columns:
        match = match.where(card["computed"].fillna(True).astype(bool), None)
    return match.where(match.notna(), None)


def row_anchor(published_id: str) -> str:
    """The HTML id of a published number's row on the scorecard page (ids hold characters such as < and +)."""
    return "sc-" + "".join(c if c.isalnum() or c in "._-" else f"_{ord(c):x}" for c in str(published_id))


SLIP = "✗ slip"  # a printed number no cohort can reproduce: the paper's own slip, not a shortfall of the search
MET = {  # a ✓'s tooltip: what the match is evidence of (helpers.provenance's how_reproduced)
    "built in by construction": "printed by the paper and placed by the generator (built in by construction)",
    "found by the search": "printed by the paper and met by the search",
    "computed from the data": "printed by the paper and met by this cohort's data",
}


def _mark(match, row) -> str:
    """✓ / ✗ / ✗ slip / –. A ✗ links to its row on the scorecard, with the reason (when the card has one) as
    tooltip; a printed number no cohort can reproduce (verdict *infeasible*) is marked as the paper's slip. On a
    card that says how each number was reproduced (``helpers.provenance.explain``) a ✓ links to its row too,
    its tooltip saying what the match shows and how the number was computed."""
    text = match_mark(match)
    href = f"{SCORECARD_PAGE}#{row_anchor(row['id'])}"
    if text == MATCH_MARKS[True]:
        how = row.get("how_reproduced", "")
        if _missing(how) or how not in MET:
            return text
        what = f"{MET[how][0].upper()}{MET[how][1:]}"
        function = row.get("function", "")
        by = f"Computed by {function}: " if not _missing(function) and function else "Computed as: "
        return Mark(text, href, f"{what}. {by}{row.get('how', '')}")
    if text != MATCH_MARKS[False]:
        return text
    reason = row.get("reason", "")
    title = "" if _missing(reason) else f"Why: {reason}"
    return Mark(SLIP if row.get("verdict") == "infeasible" else text, href, title or "Why: see the scorecard")


def _select(card: pd.DataFrame, filters: dict) -> pd.DataFrame:
    mask = pd.Series(True, index=card.index)
    for column, wanted in filters.items():
        if column not in card.columns:
            raise KeyError(f"compare: no column {column!r} in the scorecard (columns: {', '.join(card.columns)})")
        if isinstance(wanted, (list, tuple, set)):
            mask &= card[column].isin(list(wanted))
        else:
            mask &= card[column] == wanted
    return card.loc[mask]


def compare(card: pd.DataFrame, **filters) -> pd.DataFrame:
    """Printed beside reproduced for the scorecard rows selected by ``filters`` (column=value or list).

    ``card`` is ``helpers.scorecard.reproduce(...)``. Returns a display DataFrame indexed by the published
    ``id`` with columns Factor, Level, Statistic, Printed, Reproduced, Match (``✓`` / ``✗`` / ``–``), in the
    order of the published rows.
    """
    rows = _select(card, filters)
    matches = _effective_match(rows)
    out = Table(
        {
            "Factor": [_factor_label(f) for f in rows["factor"]],
            "Level": [
                _level_label(f, lv, lab, s)
                for f, lv, lab, s in zip(rows["factor"], rows["level"], rows["label"], rows["source"])
            ],
            "Statistic": [STATISTIC_NAMES.get(s, str(s)) for s in rows["statistic"]],
            "Printed": [format_printed(r) for _, r in rows.iterrows()],
            "Reproduced": [
                format_reproduced(r) if m is not None else NOT_COMPUTED for (_, r), m in zip(rows.iterrows(), matches)
            ],
            "Match": [_mark(m, r) for (_, r), m in zip(rows.iterrows(), matches)],
        },
        index=pd.Index(rows["id"].to_list(), name="id"),
    )
    notes = rows["note"].fillna("") if "note" in rows.columns else pd.Series("", index=rows.index)
    if notes.ne("").any():  # a statistical note (no patients, no finite estimate) beside the number it affects
        out["Note"] = notes.to_list()
    if rows["cohort"].nunique() > 1:  # the same fact for two groups: say which group
        out.insert(0, "Group", [GROUP_NAMES.get(c, str(c)) for c in rows["cohort"]])
    if rows["source"].nunique() > 1:  # the same number printed twice (a table and the text): say where
        out.insert(0, "Source", rows["source"].to_list())
    return out


SCORECARD_COLUMNS = ["Source"] + COMPARE_COLUMNS + ["Reason", "How reproduced", "Group", "Id", "Computed as"]


def _text_column(card: pd.DataFrame, column: str) -> list[str]:
    values = card[column] if column in card.columns else pd.Series([""] * len(card))
    return ["" if _missing(v) else str(v) for v in values]


def _computed_as(card: pd.DataFrame) -> list:
    """What was computed, each linked to the API entry of the helper that computed it (``function``)."""
    functions = _text_column(card, "function")
    return [
        Mark(how, f"{API_PAGE}#{function}", f"Computed by {function}") if function else how
        for how, function in zip(_text_column(card, "how"), functions)
    ]


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """Every published number, one row each (:data:`SCORECARD_COLUMNS`): where it is printed, the
    :func:`compare` columns, how it was reproduced and the reason for a miss (from
    ``helpers.provenance.explain``; empty for a card without them), its Id in ``data/published/``, and what
    was computed, linked to the API entry of the helper that computed it."""
    base = pd.DataFrame(compare(card)).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "Source": card["source"].to_list(),
            "Group": [GROUP_NAMES.get(c, str(c)) for c in card["cohort"]],
            **{c: [str(v) for v in base[c]] for c in COMPARE_COLUMNS},
            "How reproduced": _text_column(card, "how_reproduced"),
            "Reason": _text_column(card, "reason"),
            "Id": card["id"].to_list(),
            "Computed as": _computed_as(card),
        }
    )
    out["Match"] = [match_mark(m) for m in _effective_match(card)]  # plain: the row itself says why
    return out[SCORECARD_COLUMNS]


def scorecard_summary(card: pd.DataFrame, by: str = "source") -> pd.DataFrame:
    """Counts of published numbers per ``by`` (default: source) that match, miss, or were not reproduced.

    Columns Numbers, Match, Miss, Not reproduced, Match (%) (of all numbers); a final row ``All``.
    """
    match = _effective_match(card)
    known = match.notna()
    flags = pd.DataFrame(
        {
            by: card[by].astype(str),
            "Numbers": 1,
            "Match": (known & (match == True)).astype(int),  # noqa: E712  (match may be object dtype with NA)
            "Miss": (known & (match == False)).astype(int),  # noqa: E712
            "Not reproduced": (~known).astype(int),
        }
    )
    order = list(dict.fromkeys(flags[by]))
    out = flags.groupby(by, sort=False).sum().reindex(order)
    out.loc["All"] = out.sum()
    out["Match (%)"] = (100.0 * out["Match"] / out["Numbers"]).round(1)
    out.index.name = by.replace("_", " ").capitalize()  # how_reproduced -> How reproduced
    return out


def scorecard_sortable(card: pd.DataFrame, table_id: str = "scorecard") -> SortableTable:
    """The scorecard page's table: :func:`scorecard_table`, each row anchored for the ✗ links of the chapters,
    a "misses only" filter and a CSV download."""
    table = scorecard_table(card)
    return sortable(
        table,
        table_id,
        row_ids=[row_anchor(i) for i in table["Id"]],
        only=("Show only the misses (✗)", "Match", MATCH_MARKS[False]),
        download="scorecard.csv",
    )
