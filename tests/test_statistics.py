"""helpers.statistics: one vocabulary of the published statistics, read by the scorecard, the fidelity report,
the provenance labels and the audit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import published, scorecard, statistics
from helpers.audit.plausibility import possible
from helpers.scorecard import rules

SRC = Path(__file__).resolve().parents[1] / "src" / "helpers"


def test_every_published_statistic_is_in_the_vocabulary():
    pub = published.load()
    assert set(pub["statistic"]) <= set(statistics.STATISTICS)
    assert {statistics.kind(s, f) for s, f in zip(pub["statistic"], pub["factor"])} == set(statistics.KINDS)
    with pytest.raises(KeyError, match="unknown statistic 'hazard'"):
        statistics.kind("hazard")


def test_kinds_and_judging_follow_the_vocabulary():
    assert statistics.kind("percent") == "count" and statistics.kind("orr") == "count"
    assert statistics.kind("median") == "descriptive" and statistics.kind("max", "os_months") == "time"
    assert statistics.kind("p") == "time" and statistics.kind("os_5yr") == "time"
    assert published.judged_decimals("p", 2) == 3 and published.judged_decimals("median_os", 0) == 1
    assert published.judged_decimals("percent", 1) == 1 and published.judged_decimals("median_os", 2) == 2
    assert statistics.RATES == {"percent", "orr", "dcr"}
    assert statistics.COUNTS == {"n", "count", "cr", "pr", "sd", "pd"}


@pytest.mark.parametrize(
    ("statistic", "value", "ok"),
    [
        ("percent", 100.0, True),
        ("percent", 100.5, False),
        ("p", 0.0, False),
        ("p", 1.0, True),
        ("n", 2.5, False),
        ("count", -1, False),
        ("hr", 0.0, False),
        ("median_os", 3.2, True),
        ("median", -4.0, True),
    ],
)
def test_the_audit_judges_possible_values_by_the_scale(statistic, value, ok):
    assert possible(statistic, value) is ok


def test_no_module_keeps_its_own_list_of_statistics():
    listing = re.compile(r"\(\s*\"(n|percent|count)\",\s*\"(count|orr|cr|percent)\"")
    owners = [
        str(p.relative_to(SRC))
        for p in sorted(SRC.rglob("*.py"))
        if p.name != "statistics.py" and listing.search(p.read_text())
    ]
    assert owners == [], f"statistics listed outside helpers.statistics: {owners}"


def test_every_published_row_has_one_rule_naming_an_importable_helper():
    import importlib

    pub = published.load()
    for row in pub.to_dict("records"):
        rule = rules.rule_for(row)
        assert rule is not None, row["id"]
    for rule in rules.RULES:  # each rule names a documented helper, importable where it is defined
        module, _, name = rules.qualified_name(rule.function).rpartition(".")
        assert module.startswith("helpers.") and getattr(importlib.import_module(module), name) is rule.function


def test_the_scorecard_names_the_function_of_every_number(toy_cohort):
    card = scorecard.reproduce(toy_cohort)
    computed = card[card["computed"]]
    assert computed["function"].str.len().gt(0).all()
    assert computed["function"].str.startswith("helpers.").all()
    medians = computed[computed["statistic"] == "median_os"]
    assert set(medians.loc[medians["factor"] == "os", "function"]) == {"helpers.survival.km.km_median"}
    assert set(medians.loc[medians["factor"] != "os", "function"]) == {"helpers.ledger.factor_groups"}
    assert set(computed.loc[computed["statistic"] == "p", "function"]) == {
        "helpers.ledger.factor_groups",
        "helpers.ledger.table3_fit",
    }
    assert set(computed.loc[computed["factor"] == "size_gt10", "function"]) == {"helpers.ledger.table3_fit"}
