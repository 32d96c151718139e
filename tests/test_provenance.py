"""helpers.provenance: how each printed number was reproduced and why a miss missed, on and off the synthetic cohort."""

from __future__ import annotations

import pytest

from helpers import data, paths, provenance
from helpers.reconstruct import report


@pytest.fixture(scope="module")
def files():
    cohort = data.load_cohort(paths.DEFAULT_COHORT)
    return (
        cohort,
        data.load_regimens(paths.DEFAULT_REGIMENS, cohort=cohort),
        data.load_primary_treatment(paths.DEFAULT_PRIMARY_TREATMENT, cohort=cohort),
    )


def test_on_the_synthetic_cohort_counts_are_built_in_and_times_are_searched(files):
    card = provenance.explain(*files, synthetic=True)
    constructed = card["kind"].isin(["count", "descriptive"])
    assert (card.loc[constructed, "how_reproduced"] == provenance.BY_CONSTRUCTION).all()
    assert (card.loc[~constructed, "how_reproduced"] == provenance.BY_SEARCH).all()
    fidelity = report.fidelity(*files)
    assert card["verdict"].tolist() == fidelity["verdict"].tolist()  # the fidelity report's verdicts and reasons
    assert card["reason"].tolist() == fidelity["explanation"].fillna("").tolist()
    assert (card.loc[~card["match"], "reason"] != "").all() and (card.loc[card["match"], "reason"] == "").all()


def test_the_headline_splits_what_was_built_in_from_what_was_found(files):
    card = provenance.explain(*files, synthetic=True)
    t = provenance.tally(card)
    time = card["kind"] == "time"
    assert t["time"] == (int(card.loc[time, "match"].sum()), int(time.sum()))
    assert t["constructed"] == (int(card.loc[~time, "match"].sum()), int((~time).sum()))
    assert t["infeasible"] == int((card["verdict"] == report.INFEASIBLE).sum())
    text = provenance.headline(card)
    assert f"{t['constructed'][0]}/{t['constructed'][1]} built in by construction" in text
    assert f"{t['time'][0]}/{t['time'][1]} found by the search" in text


def test_on_another_cohort_everything_is_computed_from_the_data(files):
    card = provenance.explain(*files, synthetic=False)
    assert set(card["how_reproduced"]) == {provenance.FROM_DATA}
    assert report.NOT_REACHED not in set(card["verdict"])  # no search was involved
    misses = card[card["verdict"] == provenance.MISSED]
    assert len(misses) and not misses["reason"].str.contains("search").any()
    assert misses["reason"].str.contains("does not print as|not reached").all()
    assert "reproduced from the data" in provenance.headline(card)


def test_what_the_files_lack_is_not_reproduced(files):
    cohort, _, _ = files
    card = provenance.explain(cohort, None, None, synthetic=True)
    lacking = ~card["computed"]
    assert lacking.any() and (card.loc[lacking, "how_reproduced"] == provenance.NOT_REPRODUCED).all()
    assert provenance.tally(card)["not_reproduced"] == int(lacking.sum())
    assert "could not be computed from the files given" in provenance.headline(card)


def test_the_infeasible_verdict_is_the_fidelity_reports():
    assert provenance.INFEASIBLE == report.INFEASIBLE


def test_not_printed_is_one_label_on_the_synthetic_cohort_and_nothing_on_another():
    from helpers import survival

    label = provenance.not_printed("the proportional-hazards test", survival.ph_test, synthetic=True)
    assert label.startswith(":::{admonition} Not printed by the paper\n:class: not-printed\n")
    assert "The proportional-hazards test: **not printed by the paper**" in label
    assert "{py:func}`helpers.survival.ph.ph_test`" in label  # the function, linked to its API page
    assert provenance.not_printed("the proportional-hazards test", survival.ph_test, synthetic=False) == ""


def test_qualified_name_is_where_the_function_is_documented():
    from helpers import describe, survival

    assert provenance.qualified_name(survival.followup) == "helpers.survival.km.followup"
    assert provenance.qualified_name(describe.by_group) == "helpers.describe.by_group"


def test_a_page_reads_a_printed_numbers_reproduction_from_the_scorecard(toy_cohort):
    import math

    from helpers import scorecard, survival

    card = scorecard.reproduce(toy_cohort)
    median = provenance.reproduced(card, "text.3_2.os.median_os")
    assert median == survival.km_median(toy_cohort["os_months"], toy_cohort["death"]) or math.isnan(median)
    with pytest.raises(KeyError, match="no printed number 'text.nothing'"):
        provenance.reproduced(card, "text.nothing")
