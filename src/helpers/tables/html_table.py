"""The HTML table objects a notebook shows: ``Table`` (a DataFrame without its index column, every cell in
full), ``Mark`` (a cell with a link and tooltip) and ``SortableTable`` / ``sortable`` (click-to-sort, with an
optional filter and CSV download; the script is inline)."""

from __future__ import annotations

import html

import pandas as pd

from .formatting import NOT_COMPUTED, _missing


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
