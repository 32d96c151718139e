"""Tables for the book: printed vs reproduced, the paper's univariate layout, and the scorecard summary.

Every number shown is either read from ``data/published/`` (the *Printed* column, rendered as the paper
printed it) or computed by :mod:`helpers.survival` / :mod:`helpers.scorecard` (the *Reproduced* column).
Nothing here computes a statistic of its own.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from . import factors as _factors
from . import survival
from .scorecard import MEDIAN_STATS, judged_decimals

class Table(pd.DataFrame):
    """A DataFrame that a notebook shows without its index column (HTML); ``.loc`` by index still works."""

    @property
    def _constructor(self):
        return Table

    def _repr_html_(self) -> str:
        return self.to_html(index=False, classes="dataframe book-table", border=0, na_rep="")


MATCH_MARKS = {True: "✓", False: "✗"}
NOT_COMPUTED = "–"
COMPARE_COLUMNS = ["Factor", "Level", "Statistic", "Printed", "Reproduced", "Match"]
STATISTIC_NAMES = {
    "n": "N", "percent": "%", "median_os": "Median OS (months)", "p": "p", "hr": "HR", "ci_low": "95% CI low",
    "ci_high": "95% CI high", "os_5y": "5-year OS (%)", "median_pfs": "Median PFS (months)",
}


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, str) and not x)


def _decimals(row) -> int:
    d = row.get("decimals")
    return 0 if _missing(d) else int(d)


def format_printed(row) -> str:
    """A published number as the paper printed it: ``"N.A."``, ``"<0.001"``, ``"76.05"``, ``"41"``."""
    if bool(row.get("not_reached")):
        return "N.A."
    value = row["value"]
    if _missing(value):
        return NOT_COMPUTED
    bound = row.get("bound")
    prefix = "" if _missing(bound) or not bound else str(bound)
    return f"{prefix}{value:.{_decimals(row)}f}"


def format_reproduced(row) -> str:
    """A reproduced number at the printed precision.

    A bounded row (``<0.001``) shows ``<0.001`` when the reproduced value is below the bound, else the value
    to the bound's decimals; a median not reached (missing, but judged by the scorecard) shows ``N.A.``;
    anything not reproduced ``–``.
    """
    value = row["reproduced"]
    if _missing(value) or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        reached_test = not _missing(row.get("match"))  # the scorecard judged it: a median not reached
        return "N.A." if reached_test and str(row.get("statistic", "")).startswith("median") else NOT_COMPUTED
    value = float(value)
    bound = row.get("bound")
    if not _missing(bound) and bound == "<" and value < float(row["value"]):
        return f"<{float(row['value']):.{_decimals(row)}f}"
    return f"{value:.{reproduced_decimals(row, value)}f}"


def reproduced_decimals(row, value: float) -> int:
    """The decimals a reproduced number is shown with: those it was judged at
    (:func:`helpers.scorecard.judged_decimals`; a median printed "83" is judged, and shown, as 83.0), or two
    for a median that is the midpoint of two times (76.05), which R prints with both."""
    statistic = str(row.get("statistic", ""))
    printed_na = _missing(row.get("decimals"))  # printed "N.A.": no printed precision
    d = 1 if printed_na else judged_decimals(statistic, _decimals(row))
    if statistic in MEDIAN_STATS and d < 2 and abs(round(value, 2) - round(value, d)) > 1e-9:
        return 2
    return d


def _effective_match(card: pd.DataFrame) -> pd.Series:
    """``match`` with NA where the scorecard could not compute the number (``computed`` False)."""
    match = card["match"].astype(object)
    if "computed" in card.columns:
        match = match.where(card["computed"].fillna(True).astype(bool), None)
    return match.where(match.notna(), None)


def match_mark(match) -> str:
    """``✓`` for a match, ``✗`` for a miss, ``–`` when the number could not be reproduced."""
    return NOT_COMPUTED if _missing(match) else MATCH_MARKS[bool(match)]


def _factor_label(key) -> str:
    f = _factors.FACTORS.get(key) if isinstance(key, str) else None
    return f.label if f is not None else str(key).replace("_", " ")


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
    out = Table({
        "Factor": [_factor_label(f) for f in rows["factor"]],
        "Level": [("" if _missing(lv) or _missing(lab) else str(lab)) for lv, lab in zip(rows["level"], rows["label"])],
        "Statistic": [STATISTIC_NAMES.get(s, str(s)) for s in rows["statistic"]],
        "Printed": [format_printed(r) for _, r in rows.iterrows()],
        "Reproduced": [format_reproduced(r) if m is not None else NOT_COMPUTED
                       for (_, r), m in zip(rows.iterrows(), _effective_match(rows))],
        "Match": [match_mark(m) for m in _effective_match(rows)],
    }, index=pd.Index(rows["id"].to_list(), name="id"))
    return out


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """Every published number: Source and the :func:`compare` columns, then Cohort, Id (the row's key in
    ``data/published/``) and How (what was computed)."""
    out = pd.DataFrame(compare(card)).reset_index().rename(columns={"id": "Id"})
    out.insert(0, "Source", card["source"].to_list())
    out["Cohort"] = card["cohort"].to_list()
    out["Id"] = out.pop("Id")
    out["How"] = ["" if _missing(h) else str(h) for h in card.get("how", pd.Series([""] * len(card)))]
    return out


def _median_text(m: float) -> str:
    return "N.A." if not np.isfinite(m) else f"{m:.1f}"


def _p_text(p: float) -> str:
    if p is None or not np.isfinite(p):
        return NOT_COMPUTED
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def univariate(cohort: pd.DataFrame, factor_keys, subset: str = "all", *, time: str = "os_months",
               event: str = "death") -> pd.DataFrame:
    """The paper's univariate layout (Tables 1, 4, 5): per level N (%), KM median OS; log-rank p per factor.

    Percentages are of the patients with a known level (as the paper's grade row); patients with a missing
    level get an ``N.A.`` row with their count only. Medians are R's KM median (``N.A.`` when not reached);
    p is ``survival.logrank`` over the known levels (``–`` when fewer than two levels are present).
    """
    data = _factors.subset(cohort, subset)
    records = []
    for key in factor_keys:
        factor = _factors.FACTORS[key] if isinstance(key, str) else key
        lv = factor(data)
        known = lv.notna()
        n_known = int(known.sum())
        try:
            p = survival.logrank(data.loc[known, time], data.loc[known, event], lv[known]).p
        except ValueError:
            p = np.nan
        first = True
        for level in factor.levels:
            rows = data.loc[lv == level]
            n = len(rows)
            median = survival.km_median(rows[time], rows[event]) if n else np.nan
            pct = 100.0 * n / n_known if n_known else np.nan
            records.append({
                "Factor": factor.label if first else "",
                "Level": factor.label_of(level),
                "N (%)": f"{n} ({pct:.1f})" if n_known else "0",
                "Median OS (months)": _median_text(median) if n else NOT_COMPUTED,
                "p": _p_text(p) if first else "",
            })
            first = False
        if n_known < len(data):
            records.append({"Factor": "", "Level": "N.A.", "N (%)": str(len(data) - n_known),
                            "Median OS (months)": NOT_COMPUTED, "p": ""})
    return Table(pd.DataFrame.from_records(records, columns=["Factor", "Level", "N (%)", "Median OS (months)", "p"]))


def scorecard_summary(card: pd.DataFrame, by: str = "source") -> pd.DataFrame:
    """Counts of published numbers per ``by`` (default: source) that match, miss, or were not reproduced.

    Columns Numbers, Match, Miss, Not reproduced, Match (%) (of all numbers); a final row ``All``.
    """
    match = _effective_match(card)
    known = match.notna()
    flags = pd.DataFrame({
        by: card[by].astype(str),
        "Numbers": 1,
        "Match": (known & (match == True)).astype(int),  # noqa: E712  (match may be object dtype with NA)
        "Miss": (known & (match == False)).astype(int),  # noqa: E712
        "Not reproduced": (~known).astype(int),
    })
    order = list(dict.fromkeys(flags[by]))
    out = flags.groupby(by, sort=False).sum().reindex(order)
    out.loc["All"] = out.sum()
    out["Match (%)"] = (100.0 * out["Match"] / out["Numbers"]).round(1)
    out.index.name = by.capitalize()
    return out


class SortableTable:
    """A plain HTML table that sorts by a click on its header, with a tiny inline script (no external JS)."""

    def __init__(self, df: pd.DataFrame, table_id: str = "sortable"):
        self.df = df
        self.table_id = table_id

    def _repr_html_(self) -> str:
        tid = html.escape(self.table_id)
        head = "".join(f'<th scope="col" title="Click to sort">{html.escape(str(c))}</th>' for c in self.df.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
            for row in self.df.itertuples(index=False)
        )
        return (
            '<div class="sortable-wrap" style="overflow:auto;max-height:80vh">'
            f'<table id="{tid}" class="sortable-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            "<script>(function(){"
            f"var t=document.getElementById('{tid}');if(!t)return;"
            "var hs=t.tHead.rows[0].cells;"
            "function key(s){var x=s.replace(/^[<>]/,'');var v=parseFloat(x);"
            "return (x!==''&&!isNaN(v)&&isFinite(x))?[0,v]:[1,s.toLowerCase()];}"
            "Array.prototype.forEach.call(hs,function(h,i){h.style.cursor='pointer';"
            "h.addEventListener('click',function(){var asc=h.getAttribute('data-sort')!=='asc';"
            "Array.prototype.forEach.call(hs,function(o){o.removeAttribute('data-sort');});"
            "h.setAttribute('data-sort',asc?'asc':'desc');var b=t.tBodies[0];"
            "var rs=Array.prototype.slice.call(b.rows);"
            "rs.sort(function(a,c){var x=key(a.cells[i].textContent),y=key(c.cells[i].textContent);"
            "var r=x[0]-y[0]||(x[1]<y[1]?-1:x[1]>y[1]?1:0);return asc?r:-r;});"
            "rs.forEach(function(r){b.appendChild(r);});});});})();</script>"
        )

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def sortable(df: pd.DataFrame, table_id: str = "sortable") -> SortableTable:
    """Wrap ``df`` for display as a click-to-sort HTML table (works offline: the script is inline)."""
    return SortableTable(df, table_id)
