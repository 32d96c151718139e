"""Can all the paper's printed numbers be true at once?  A consistency audit for peer reviewers.

Uses ``data/published/`` only (no cohort).  ``run()`` returns one row per check::

    id, kind, claim, numbers, recomputed, verdict, explanation, reading

with ``verdict`` one of ``VERDICTS``: consistent; consistent only under another rounding rule; consistent only
under a reading the paper does not state (``reading`` names it); inconsistent; and, for the reading of the
paper's sentences (``reading``), unsupported, not reported, definition (``VERDICT_LEGEND`` says what each
means).  Each family of checks is a
function taking the published DataFrame (``helpers.published.load()`` or a constructed one with the same
columns), so it can be tested on constructed cases.  ``python -m helpers.audit`` prints the report and exits 0
whenever it ran.  A finding is counted once: the rounding-rule summary names the exceptions that the percentage
and response checks already count.

Rounding: a printed number with ``d`` decimals stands for an interval of true values.  Under
round-half-up or round-half-even it is ``[v - h, v + h]`` with ``h = 0.5·10^-d`` (the two rules differ only
at exact ties, checked exactly with fractions); under truncation it is ``[v, v + 2h)``.

One module per family: ``rounding`` (primitives), ``counts`` (percentages, responses, sums, the rounding rule),
``subgroups``, ``text``, ``models`` (hazard ratios, coefficient boxes, the Methods' selection procedure),
``plausibility``, ``reading`` with ``reading_claims`` and ``reading_terms`` (the paper's sentences, quoted in
``data/published/statements.yaml``, against its numbers), ``report`` (run, summary, report, table).
"""

from fractions import Fraction  # noqa: F401  (notebooks/08_audit computes an exact percentage with it)

from .base import (
    ALPHA,
    COLUMNS,
    CONFIDENCE,
    CONSISTENT,
    DEFINITION,
    INCONSISTENT,
    KIND_NAMES,
    NOT_REPORTED,
    OTHER_RULE,
    PARTITIONS,
    TABLE_COHORT,
    UNSTATED,
    UNSUPPORTED,
    VERDICT_LEGEND,
    VERDICTS,
    cohort_size,
    fmt,
)
from .counts import percent_checks, response_checks, rounding_summary, rounding_tally, sum_checks
from .models import (
    METHODS_SELECTION,
    METHODS_SOFTWARE,
    SOFTWARE_SELECTION,
    SPSS_ENTRY,
    SPSS_REMOVAL,
    coefficient_box,
    coefficient_boxes,
    hazard_ratio_checks,
    methods_checks,
    wald,
)
from .plausibility import plausibility_checks
from .reading import findings, load_statements, missing_quotes, reading_checks
from .report import legend, main, report, run, summary, table
from .rounding import RULE_NAMES, RULES, exact, grim, interval, overlap, percent_rules, round_rule, rule_verdict
from .subgroups import subgroup_checks
from .text import line_sum_bounds, text_checks

__all__ = [
    "Fraction",
    "KIND_NAMES",
    "ALPHA",
    "COLUMNS",
    "CONFIDENCE",
    "CONSISTENT",
    "INCONSISTENT",
    "UNSUPPORTED",
    "NOT_REPORTED",
    "DEFINITION",
    "VERDICT_LEGEND",
    "OTHER_RULE",
    "PARTITIONS",
    "TABLE_COHORT",
    "UNSTATED",
    "VERDICTS",
    "cohort_size",
    "fmt",
    "percent_checks",
    "response_checks",
    "rounding_summary",
    "rounding_tally",
    "sum_checks",
    "METHODS_SELECTION",
    "METHODS_SOFTWARE",
    "SOFTWARE_SELECTION",
    "SPSS_ENTRY",
    "SPSS_REMOVAL",
    "coefficient_box",
    "coefficient_boxes",
    "hazard_ratio_checks",
    "methods_checks",
    "wald",
    "plausibility_checks",
    "findings",
    "load_statements",
    "missing_quotes",
    "reading_checks",
    "legend",
    "main",
    "report",
    "run",
    "summary",
    "table",
    "RULE_NAMES",
    "RULES",
    "exact",
    "grim",
    "interval",
    "overlap",
    "percent_rules",
    "round_rule",
    "rule_verdict",
    "subgroup_checks",
    "line_sum_bounds",
    "text_checks",
]
