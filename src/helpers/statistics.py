"""The statistics the paper prints, in one vocabulary.

Every published row names a ``statistic`` (``data/published/*.csv``). This module says, once, what each is:
its **kind** (``count``: counts, percentages and response rates, which the reconstruction places by
construction; ``descriptive``: the median or range of a column that is not a survival time; ``time``: anything
computed from survival or follow-up times, which the reconstruction must search for), its **scale** (what values
it can take, read by the audit's plausibility checks) and how its printed value is **judged** (R's printing
rule, :func:`helpers.published.judged_decimals`). The scorecard, the fidelity report, the provenance labels and
the audit all read these sets; none keeps a list of its own.
"""

from __future__ import annotations

from typing import NamedTuple

KINDS = ("count", "descriptive", "time")
SCALES = ("count", "percent", "p", "ratio", "months", "value")


class Statistic(NamedTuple):
    """One statistic of the published tables: its ``name`` (as in the published files' ``statistic`` column),
    its ``kind`` (one of :data:`KINDS`), its ``scale`` (one of :data:`SCALES`: ``count`` a whole number ≥ 0,
    ``percent`` in 0–100, ``p`` in (0, 1], ``ratio`` and ``months`` positive, ``value`` anything), ``judged_at``
    (the fewest decimals its printed value is judged at; 0: as printed), ``median`` (a Kaplan–Meier median: a
    death time or the midpoint of two, matched only when it prints as printed) and its ``meaning`` in words."""

    name: str
    kind: str
    scale: str
    judged_at: int
    median: bool
    meaning: str


STATISTICS: dict[str, Statistic] = {
    s.name: s
    for s in (
        Statistic("n", "count", "count", 0, False, "patients (or courses) in a group"),
        Statistic("count", "count", "count", 0, False, "patients with a characteristic"),
        Statistic("percent", "count", "percent", 0, False, "percentage of a group"),
        Statistic("cr", "count", "count", 0, False, "courses with complete response"),
        Statistic("pr", "count", "count", 0, False, "courses with partial response"),
        Statistic("sd", "count", "count", 0, False, "courses with stable disease"),
        Statistic("pd", "count", "count", 0, False, "courses with progressive disease"),
        Statistic("orr", "count", "percent", 0, False, "objective response rate, (CR + PR) / N"),
        Statistic("dcr", "count", "percent", 0, False, "disease control rate, (CR + PR + SD) / N"),
        Statistic("median", "descriptive", "value", 0, False, "median of a column"),
        Statistic("min", "descriptive", "value", 0, False, "smallest value of a column"),
        Statistic("max", "descriptive", "value", 0, False, "largest value of a column"),
        Statistic("median_os", "time", "months", 1, True, "Kaplan–Meier median overall survival"),
        Statistic("median_pfs", "time", "months", 1, True, "Kaplan–Meier median progression-free survival"),
        Statistic("median_followup", "time", "months", 0, False, "median follow-up"),
        Statistic("os_5yr", "time", "percent", 0, False, "Kaplan–Meier five-year overall survival, %"),
        Statistic("p", "time", "p", 3, False, "p-value (log-rank or Wald)"),
        Statistic("hr", "time", "ratio", 3, False, "hazard ratio (Cox, Breslow ties)"),
        Statistic("ci_low", "time", "ratio", 3, False, "lower 95% confidence limit of a hazard ratio"),
        Statistic("ci_high", "time", "ratio", 3, False, "upper 95% confidence limit of a hazard ratio"),
    )
}
SURVIVAL_TIME = "os_months"  # the descriptive statistics of this column are of kind "time"


def _names(**where) -> frozenset[str]:
    return frozenset(
        s.name for s in STATISTICS.values() if all(getattr(s, key) in value for key, value in where.items())
    )


COUNTS = _names(scale=("count",))  # whole numbers: n, count, cr, pr, sd, pd
RATES = _names(kind=("count",), scale=("percent",))  # percentages of counts: percent, orr, dcr
COUNT_KIND = _names(kind=("count",))
DESCRIPTIVE = _names(kind=("descriptive",))  # median, min, max of a column
TIME_KIND = _names(kind=("time",))
MEDIANS = _names(median=(True,))  # Kaplan–Meier medians
PERCENTS = _names(scale=("percent",))
P_VALUES = _names(scale=("p",))
POSITIVE = _names(scale=("ratio", "months"))
CONSTRUCTED_KINDS = ("count", "descriptive")  # what the reconstruction places by construction


def kind(statistic: str, factor: str = "") -> str:
    """The kind (:data:`KINDS`) of a published row's statistic: a statistic of the survival-time column itself
    (its range) is ``time``. A statistic this module does not list raises ``KeyError`` naming it."""
    if statistic not in STATISTICS:
        raise KeyError(f"unknown statistic {statistic!r}: helpers.statistics.STATISTICS lists {sorted(STATISTICS)}")
    if factor == SURVIVAL_TIME:
        return "time"
    return STATISTICS[statistic].kind


def judged_at(statistic: str) -> int:
    """The fewest decimals a printed ``statistic`` is judged at (0 for one this module does not list)."""
    s = STATISTICS.get(statistic)
    return s.judged_at if s else 0


def median_decimals(median: float) -> int:
    """The decimals R prints a Kaplan-Meier median at, the precision it has: one for a death time (``83.0``),
    two for the midpoint of two (``76.05``), where the curve sits at exactly 0.5."""
    return 2 if abs(round(float(median), 2) - round(float(median), 1)) > 1e-9 else 1
