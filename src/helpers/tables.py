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

SCORECARD_PAGE = "07_scorecard.html"  # where every published number's row, with its reason, lives on the site


class Mark(str):
    """A table cell's text with an optional link and tooltip (a ✗ that links to its reason)."""

    def __new__(cls, text: str, href: str = "", title: str = ""):
        self = super().__new__(cls, text)
        self.href, self.title = href, title
        return self


def _cell_html(value) -> str:
    if isinstance(value, Mark) and value.href:
        title = f' title="{html.escape(value.title)}"' if value.title else ""
        return f'<a href="{html.escape(value.href)}"{title}>{html.escape(str(value))}</a>'
    if isinstance(value, str):
        return html.escape(value)  # an empty text stays empty
    if _missing(value):
        return NOT_COMPUTED  # a missing number shows as "–", never as NaN
    return html.escape(str(value))


def _colgroup(df: pd.DataFrame) -> tuple[str, str]:
    """Fixed column widths (``df.attrs["widths"]``, in em, one per column): the first columns stay in view and
    the rest scroll inside the table's box, never the page."""
    widths = df.attrs.get("widths")
    if not widths or len(widths) != len(df.columns):
        return "", ""
    cols = "".join(f'<col style="width:{w}em">' for w in widths)
    return f"<colgroup>{cols}</colgroup>", f' style="table-layout:fixed;width:{sum(widths)}em"'


class Table(pd.DataFrame):
    """A DataFrame that a notebook shows without its index column (HTML), every cell in full (long text wraps,
    nothing is cut off with "…"); ``.loc`` by index still works. A :class:`Mark` cell is shown as its link."""

    @property
    def _constructor(self):
        return Table

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell_html(v)}</td>" for v in row) + "</tr>" for row in self.itertuples(index=False)
        )
        classes = " ".join(["dataframe", "book-table"] + self.attrs.get("classes", []))
        cols, style = _colgroup(self)
        return f'<table class="{classes}"{style}>{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


MATCH_MARKS = {True: "✓", False: "✗"}
NOT_COMPUTED = "–"
COMPARE_COLUMNS = ["Factor", "Level", "Statistic", "Printed", "Reproduced", "Match"]
STATISTIC_NAMES = {
    "n": "N",
    "count": "N",
    "percent": "%",
    "median_os": "Median OS (months)",
    "p": "p",
    "hr": "HR",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "os_5yr": "5-year OS (%)",
    "median_pfs": "Median PFS (months)",
    "cr": "CR (courses)",
    "pr": "PR (courses)",
    "sd": "SD (courses)",
    "pd": "PD (courses)",
    "orr": "ORR (%)",
    "dcr": "DCR (%)",
    "median": "Median",
    "min": "Minimum",
    "max": "Maximum",
    "median_followup": "Median follow-up (months)",
}
# the scorecard's factors that are not a factor of helpers.factors.FACTORS, named for a reader
FACTOR_NAMES = {
    "os": "Overall survival",
    "os_months": "Follow-up (months)",
    "patients": "Patients",
    "age_years": "Age (years)",
    "size_cm": "Tumour size (cm)",
    "metastasis_year": "Year of metastasis",
    "interval_to_metastasis_months": "Interval to metastasis (months)",
    "status": "Status at last follow-up",
    "site_lung": "Lung metastases",
    "site_liver": "Liver metastases",
    "site_muscle": "Muscle metastases",
    "site_lymph_node": "Lymph-node metastases",
    "site_bone": "Bone metastases",
    "site_other": "Other metastatic site",
    "metastasectomy_any": "Any metastasectomy",
    "local_recurrence": "Local recurrence",
    "local_recurrence_resection": "Local recurrence resected",
    "metachronous_with_primary_resection": "Metachronous, primary resected",
    "perioperative_chemo_primary": "Chemotherapy around the primary's resection",
    "perioperative_chemo_primary_regimen": "Chemotherapy around the primary's resection",
    "palliative_first_line_regimen": "First-line palliative regimen",
    "regimen_lines": "Regimens per patient",
    "regimen": "Regimen",
    **_factors.COX_LABELS,
}
LEVEL_NAMES = {
    "NA": "not recorded",
    "NED": "No evidence of disease (NED)",
    "AWD": "Alive with disease (AWD)",
    "DOD": "Died of disease (DOD)",
}
GROUP_NAMES = {**_factors.SUBSETS, "regimens": "Regimen courses"}


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
    if f is not None:
        return f.label
    return FACTOR_NAMES.get(key, str(key).replace("_", " "))


def _level_label(factor, level, label, source) -> str:
    """A level as a reader names it: the factor's own label, Table 2's regimen label, or the level's name."""
    if _missing(level):
        return ""
    f = _factors.FACTORS.get(factor) if isinstance(factor, str) else None
    if f is not None:
        return "not recorded" if level == "NA" else f.label_of(level)
    if str(source).startswith("Table") and not _missing(label):
        return str(label)
    return LEVEL_NAMES.get(level, str(level))


def row_anchor(published_id: str) -> str:
    """The HTML id of a published number's row on the scorecard page (ids hold characters such as < and +)."""
    return "sc-" + "".join(c if c.isalnum() or c in "._-" else f"_{ord(c):x}" for c in str(published_id))


def _mark(match, row) -> str:
    """✓ / ✗ / –; a ✗ links to its row on the scorecard, with the reason (when the card has one) as tooltip."""
    text = match_mark(match)
    if text != MATCH_MARKS[False]:
        return text
    reason = row.get("reason", "")
    title = "" if _missing(reason) else f"Why: {reason}"
    return Mark(text, f"{SCORECARD_PAGE}#{row_anchor(row['id'])}", title or "Why: see the scorecard")


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
    if rows["cohort"].nunique() > 1:  # the same fact for two groups: say which group
        out.insert(0, "Group", [GROUP_NAMES.get(c, str(c)) for c in rows["cohort"]])
    if rows["source"].nunique() > 1:  # the same number printed twice (a table and the text): say where
        out.insert(0, "Source", rows["source"].to_list())
    return out


SCORECARD_COLUMNS = ["Source"] + COMPARE_COLUMNS + ["Reason", "How reproduced", "Group", "Id", "Computed as"]


def _text_column(card: pd.DataFrame, column: str) -> list[str]:
    values = card[column] if column in card.columns else pd.Series([""] * len(card))
    return ["" if _missing(v) else str(v) for v in values]


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """Every published number, one row each (:data:`SCORECARD_COLUMNS`): where it is printed, the
    :func:`compare` columns, how it was reproduced and the reason for a miss (from
    ``helpers.provenance.explain``; empty for a card without them), its Id in ``data/published/``, and what
    was computed."""
    base = pd.DataFrame(compare(card)).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "Source": card["source"].to_list(),
            "Group": [GROUP_NAMES.get(c, str(c)) for c in card["cohort"]],
            **{c: [str(v) for v in base[c]] for c in COMPARE_COLUMNS},
            "How reproduced": _text_column(card, "how_reproduced"),
            "Reason": _text_column(card, "reason"),
            "Id": card["id"].to_list(),
            "Computed as": _text_column(card, "how"),
        }
    )
    return out[SCORECARD_COLUMNS]


# column names and values of the helpers' DataFrames, named for a reader (see :func:`readable`)
COLUMN_NAMES = {
    "label": "",
    "n": "N",
    "percent": "%",
    "deaths": "Deaths",
    "median": "Median OS (months)",
    "surv": "Survival (%)",
    "lower (log-log)": "95% CI low (log-log, EZR)",
    "upper (log-log)": "95% CI high (log-log, EZR)",
    "lower (log)": "95% CI low (log, R's default)",
    "upper (log)": "95% CI high (log, R's default)",
    "n_evaluable": "Evaluable",
    "cr": "CR",
    "pr": "PR",
    "sd": "SD",
    "pd": "PD",
    "orr_pct": "ORR (%)",
    "orr_low_pct": "ORR 95% CI low",
    "orr_high_pct": "ORR 95% CI high",
    "dcr_pct": "DCR (%)",
    "dcr_low_pct": "DCR 95% CI low",
    "dcr_high_pct": "DCR 95% CI high",
    "median_pfs": "Median PFS (months)",
    "hr": "HR",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "coef": "β",
    "se": "SE",
    "p": "p",
    "chisq": "χ²",
    "df": "df",
    "step": "Step",
    "action": "Action",
    "covariate": "Covariate",
    "statistic": "Statistic",
    "months": "Months",
    "regimen": "Regimen",
    # the study-design chapter's simulations (helpers.simulate, helpers.timedep, helpers.multiplicity)
    "os_months": "OS (months)",
    "death": "Death",
    "chemotherapy": "Chemotherapy",
    "chemo_start": "Chemotherapy starts (months)",
    "start": "Start (months)",
    "stop": "Stop (months)",
    "event": "Event",
    "comparison": "Comparison",
    "analysis": "Analysis",
    "true_hr": "True HR",
    "median_hr": "Median HR",
    "median_hr_if_selected": "Median HR when selected",
    "bias_log_hr": "Bias of log HR",
    "sd_log_hr": "SD of log HR",
    "p_below_0.05": "Share with p < 0.05",
    "p_holm": "p, Holm",
    "p_bh": "p, Benjamini–Hochberg",
    "selected": "Share selected",
    "cohort": "Subset",
    "factor": "Factor",
    "hr_2.5%": "HR, 2.5th percentile",
    "hr_97.5%": "HR, 97.5th percentile",
    "coverage": "CI coverage",
    "power": "Power",
    "infinite": "Infinite estimates",
}
VALUE_NAMES = {
    **_factors.COX_LABELS,
    "GLOBAL": "All covariates (global test)",
    "metastasectomy": _factors.SUBSETS["metastasectomy"],
    "palliative_chemo": _factors.SUBSETS["palliative_chemo"],
}


def readable(df: pd.DataFrame, first: str | None = None) -> Table:
    """A helper's DataFrame as a reader sees it: the index (or, where there is one, the ``label`` column) becomes
    the first column, named ``first``; column names and covariate keys are spelled out (:data:`COLUMN_NAMES`,
    :data:`VALUE_NAMES`); a missing value shows as "–". Round before calling."""
    out = pd.DataFrame(df)
    if "label" in out.columns:
        out = out.set_index("label")
    if isinstance(out.index, pd.MultiIndex):  # each level becomes a column, named as its level is
        names = [" " * (k + 1) if n is None else COLUMN_NAMES.get(n, str(n)) for k, n in enumerate(out.index.names)]
        out = out.reset_index()
        out.columns = names + list(out.columns[len(names) :])
        lead = len(names)
    else:
        name = first if first is not None else COLUMN_NAMES.get(out.index.name, str(out.index.name or ""))
        out = out.rename(index=lambda v: VALUE_NAMES.get(v, v)).reset_index(names=name or " ")
        lead = 1
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: VALUE_NAMES.get(v, v))
    out.columns = list(out.columns[:lead]) + [COLUMN_NAMES.get(c, c) for c in out.columns[lead:]]
    return Table(out)


def cox_ties(breslow, efron, decimals: int = 3) -> Table:
    """Two fits of one Cox model side by side (``survival.cox`` results), Breslow's and Efron's handling of
    tied death times: HR and p of each covariate."""
    both = pd.DataFrame(
        {
            "HR, Breslow (EZR)": breslow.table["hr"],
            "p, Breslow": breslow.table["p"],
            "HR, Efron (R's default)": efron.table["hr"],
            "p, Efron": efron.table["p"],
        }
    )
    both.index.name = "covariate"
    return readable(both.round(decimals))


def _median_text(m: float) -> str:
    return "N.A." if not np.isfinite(m) else f"{m:.1f}"


def _p_text(p: float) -> str:
    if p is None or not np.isfinite(p):
        return NOT_COMPUTED
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def univariate(
    cohort: pd.DataFrame, factor_keys, subset: str = "all", *, time: str = "os_months", event: str = "death"
) -> pd.DataFrame:
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
            records.append(
                {
                    "Factor": factor.label if first else "",
                    "Level": factor.label_of(level),
                    "N (%)": f"{n} ({pct:.1f})" if n_known else "0",
                    "Median OS (months)": _median_text(median) if n else NOT_COMPUTED,
                    "p": _p_text(p) if first else "",
                }
            )
            first = False
        if n_known < len(data):
            records.append(
                {
                    "Factor": "",
                    "Level": "N.A.",
                    "N (%)": str(len(data) - n_known),
                    "Median OS (months)": NOT_COMPUTED,
                    "p": "",
                }
            )
    return Table(pd.DataFrame.from_records(records, columns=["Factor", "Level", "N (%)", "Median OS (months)", "p"]))


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
    out.index.name = by.capitalize()
    return out


_SORT_JS = (
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
    "rs.forEach(function(r){b.appendChild(r);});});});"
)
# "show only the rows whose column reads ...": a checkbox that hides the other rows
_FILTER_JS = (
    "var f=document.getElementById(tid+'-only');if(f){var col=+f.getAttribute('data-column'),"
    "want=f.getAttribute('data-value');f.addEventListener('change',function(){"
    "Array.prototype.forEach.call(t.tBodies[0].rows,function(r){"
    "r.hidden=f.checked&&r.cells[col].textContent!==want;});});}"
)
# "download as CSV": every row (shown or not) and column, as the table holds them
_CSV_JS = (
    "var d=document.getElementById(tid+'-csv');if(d){d.addEventListener('click',function(){"
    "function q(s){return /[\",\\n\\r]/.test(s)?'\"'+s.replace(/\"/g,'\"\"')+'\"':s;}"
    "var lines=Array.prototype.map.call(t.rows,function(r){"
    "return Array.prototype.map.call(r.cells,function(c){return q(c.textContent);}).join(',');});"
    "d.href=URL.createObjectURL(new Blob([lines.join('\\n')+'\\n'],{type:'text/csv'}));});}"
)


class SortableTable:
    """A plain HTML table that sorts by a click on its header, with a tiny inline script (no external JS).

    ``row_ids`` gives each row an HTML id (a link can point at it); ``only=(label, column, value)`` adds a
    checkbox that shows only the rows whose ``column`` reads ``value``; ``download="name.csv"`` adds a link
    that saves the whole table as CSV.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        table_id: str = "sortable",
        *,
        row_ids=None,
        only: tuple[str, str, str] | None = None,
        download: str | None = None,
    ):
        self.df = df
        self.table_id = table_id
        self.row_ids = None if row_ids is None else list(row_ids)
        self.only = only
        self.download = download

    def _controls(self, tid: str) -> str:
        parts = []
        if self.only:
            label, column, value = self.only
            col = list(self.df.columns).index(column)
            parts.append(
                f'<label class="sortable-only"><input type="checkbox" id="{tid}-only" data-column="{col}" '
                f'data-value="{html.escape(value)}"> {html.escape(label)}</label>'
            )
        if self.download:
            parts.append(
                f'<a class="sortable-csv" id="{tid}-csv" href="#" download="{html.escape(self.download)}">'
                f"Download the table as CSV</a>"
            )
        return f'<p class="sortable-controls">{" · ".join(parts)}</p>' if parts else ""

    def _repr_html_(self) -> str:
        tid = html.escape(self.table_id)
        head = "".join(f'<th scope="col" title="Click to sort">{html.escape(str(c))}</th>' for c in self.df.columns)
        ids = self.row_ids or [None] * len(self.df)
        body = "".join(
            (f'<tr id="{html.escape(rid)}">' if rid else "<tr>")
            + "".join(f"<td>{_cell_html(v)}</td>" for v in row)
            + "</tr>"
            for rid, row in zip(ids, self.df.itertuples(index=False))
        )
        cols, style = _colgroup(self.df)
        return (
            self._controls(tid) + '<div class="sortable-wrap" style="overflow:auto;max-height:80vh">'
            f'<table id="{tid}" class="sortable-table"{style}>{cols}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            f"<script>(function(){{var tid='{tid}';var t=document.getElementById(tid);if(!t)return;"
            + _SORT_JS
            + _FILTER_JS
            + _CSV_JS
            + "})();</script>"
        )

    def __repr__(self) -> str:
        return self.df.to_string(index=False)


def sortable(df: pd.DataFrame, table_id: str = "sortable", **options) -> SortableTable:
    """Wrap ``df`` for display as a click-to-sort HTML table (works offline: the script is inline); options:
    see :class:`SortableTable`."""
    return SortableTable(df, table_id, **options)


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
