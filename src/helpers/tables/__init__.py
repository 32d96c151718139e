"""Tables for the book: printed vs reproduced, the paper's univariate layout, and the scorecard summary.

Every number shown is either read from ``data/published/`` (the *Printed* column, rendered as the paper
printed it) or computed by :mod:`helpers.survival` / :mod:`helpers.scorecard` (the *Reproduced* column).
Nothing here computes a statistic of its own.

One module per concern: ``formatting`` (how a number reads: printed, reproduced, ✓ / ✗ / –), ``comparison``
(printed beside reproduced: ``compare``, the scorecard's table and counts), ``labels`` (names for a reader:
``readable``, ``cox_ties``), ``layout`` (the paper's univariate layout), ``html_table`` (the HTML table objects:
``Table``, ``Mark``, ``sortable``).
"""

from .comparison import (
    COMPARE_COLUMNS,
    SCORECARD_COLUMNS,
    SCORECARD_PAGE,
    compare,
    row_anchor,
    scorecard_sortable,
    scorecard_summary,
    scorecard_table,
)
from .formatting import MATCH_MARKS, NOT_COMPUTED, format_printed, format_reproduced, match_mark, reproduced_decimals
from .html_table import Mark, SortableTable, Table, sortable
from .labels import (
    COLUMN_NAMES,
    FACTOR_NAMES,
    GROUP_NAMES,
    LEVEL_NAMES,
    STATISTIC_NAMES,
    VALUE_NAMES,
    cox_ties,
    readable,
)
from .layout import univariate

__all__ = [
    "COMPARE_COLUMNS",
    "SCORECARD_COLUMNS",
    "SCORECARD_PAGE",
    "compare",
    "row_anchor",
    "scorecard_sortable",
    "scorecard_summary",
    "scorecard_table",
    "MATCH_MARKS",
    "NOT_COMPUTED",
    "format_printed",
    "format_reproduced",
    "match_mark",
    "reproduced_decimals",
    "Mark",
    "SortableTable",
    "Table",
    "sortable",
    "COLUMN_NAMES",
    "FACTOR_NAMES",
    "GROUP_NAMES",
    "LEVEL_NAMES",
    "STATISTIC_NAMES",
    "VALUE_NAMES",
    "cox_ties",
    "readable",
    "univariate",
]
