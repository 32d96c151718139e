"""helpers.narrative: the sentences built from computed results say what the results say, in each case."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from helpers import narrative


def _selection(rows):
    sel = pd.DataFrame(rows, columns=["selected", "cohorts"])
    sel["percent"] = 100.0 * sel["cohorts"] / sel["cohorts"].sum()
    return sel


SELECTION = _selection([("size_gt10+no_metastasectomy", 6), ("size_gt10", 3), ("synchronous", 1)])


def test_selection_shares_split_the_cohorts_by_what_forward_selection_keeps():
    share = narrative.selection_shares(SELECTION)
    assert share == {"size_alone": 3, "size_and_metastasectomy": 6, "not_size_alone": 7, "of": 10}


def _forward(selected, p=0.2):
    table = pd.DataFrame({"hr": [2.5, 2.0], "p": [0.01, p]}, index=["size_gt10", "no_metastasectomy"])
    return SimpleNamespace(selected=selected, model=SimpleNamespace(table=table.loc[selected]) if selected else None)


def test_forward_meaning_depends_on_what_was_kept_and_on_the_printed_p():
    printed = pd.Series({"t3.no_metastasectomy.p": 0.138})
    both = narrative.forward_meaning(_forward(["size_gt10", "no_metastasectomy"]), printed)
    assert "does **not** end with size alone" in both and "no curative metastasectomy, HR 2.00" in both
    assert "printed p ≥ 0.05" in both
    significant = narrative.forward_meaning(
        _forward(["size_gt10", "no_metastasectomy"]), pd.Series({"t3.no_metastasectomy.p": 0.01})
    )
    assert "does not follow" in significant
    assert "ends with size alone" in narrative.forward_meaning(_forward(["size_gt10"]), printed)
    assert "selects no covariate at all" in narrative.forward_meaning(_forward([]), printed)
    alone = narrative.forward_meaning(_forward(["no_metastasectomy"]), printed)  # the other branch: no size
    assert "does **not** keep size at all" in alone and "keeps no curative metastasectomy, HR 2.00" in alone
    assert "also" not in alone


def test_forward_meaning_never_prints_an_infinite_hazard_ratio():
    forward = _forward(["size_gt10", "no_metastasectomy"])
    forward.model.table.loc["no_metastasectomy", "hr"] = 1.9e9
    forward.model.infinite = ["no_metastasectomy"]
    text = narrative.forward_meaning(forward, pd.Series({"t3.no_metastasectomy.p": 0.138}))
    assert "no curative metastasectomy, no finite HR" in text and "1900000000" not in text


def test_fit_notes_name_the_covariate_without_a_finite_estimate_and_are_empty_otherwise():
    fit = SimpleNamespace(infinite=["no_metastasectomy"], notes=["Loglik converged before variable ..."])
    note = narrative.fit_notes(fit, None, what="the hazard ratios above")
    assert note.startswith(":::{admonition} Statistical note about the hazard ratios above\n:class: note\n")
    assert "**No curative metastasectomy** has no finite estimate" in note
    assert narrative.fit_notes(SimpleNamespace(infinite=[], notes=[])) == ""
    stuck = narrative.fit_notes(SimpleNamespace(infinite=[], notes=["Cox fit ran out of iterations"]))
    assert "- Cox fit ran out of iterations" in stuck


def test_the_ensemble_verdict_turns_on_a_majority_keeping_metastasectomy():
    met_p = pd.Series({"value": 0.138, "decimals": 3})
    most = narrative.ensemble_selection_meaning(SELECTION, met_p)
    assert "size alone in 3 of 10 reconstructions" in most and "metastasectomy in 6 of 10" in most
    assert "not a sample of every cohort" in most and "%" not in most
    assert 'do not show that "size alone"' in most and "printed p is 0.138" in most
    few = narrative.ensemble_selection_meaning(
        _selection([("size_gt10", 9), ("size_gt10+no_metastasectomy", 1)]), met_p
    )
    assert "agrees with the paper's conclusion" in few and "do not show" not in few
    # a p printed "0.2" is shown as R's printing rule reads it: 0.200
    assert "printed p is 0.200" in narrative.ensemble_selection_meaning(
        SELECTION, pd.Series({"value": 0.2, "decimals": 1})
    )


def test_reviewer_sentences_differ_on_and_off_the_synthetic_cohort():
    count = {"time": (120, 151), "matched": 433, "total": 465, "not_reproduced": 0}
    assert "123" not in narrative.what_matches_show(count, True)
    assert "120 of the 151" in narrative.what_matches_show(count, True)
    assert "433 of 465" in narrative.what_matches_show(count, False)
    assert "only if this file is the study's own data" in narrative.what_matches_show(count, False)
    assert "every ✓ is a check of the paper" not in narrative.what_matches_show(count, False)
    assert "the other 31" in narrative.unverifiable(count, True)
    assert "reproduces 120 of them" in narrative.unverifiable(count, False)
    assert "cannot even be recomputed" not in narrative.unverifiable(count, True)
    assert "**4 printed numbers**" in narrative.unverifiable({**count, "not_reproduced": 4}, False)


def test_audit_findings_list_only_what_is_not_consistent():
    checks = pd.DataFrame(
        {
            "claim": ["a", "b"],
            "verdict": ["consistent", "inconsistent"],
            "explanation": ["fine", "77.7 is not 7/9 (see the reading)"],
            "reading": ["", "DXR counts"],
        }
    )
    text = narrative.audit_findings(checks, "consistent")
    assert text == "- **b** — *inconsistent*. 77.7 is not 7/9 The reading it needs: DXR counts. ({doc}`08_audit`)"
    assert narrative.audit_findings(checks.iloc[:1], "consistent").startswith("Every check is consistent")


def test_robustness_never_calls_a_printed_p_undetermined():
    from helpers.ensemble import DECIDED

    shares = pd.DataFrame(
        {
            "verdict": [DECIDED, DECIDED, "open: holds in 5 of 10 reconstructions"],
            "label": ["Size", "Sex", "Forward"],
            "holds": [10, 8, 5],
            "cohorts": [10, 10, 10],
            "printed_matched": [9, 4, 0],
        }
    )
    text = narrative.robustness(shares, SELECTION)
    assert "**2 conclusions rest on a p the paper prints**" in text and "that p decides each of them" in text
    assert "on 1 of them" in text and "Sex (same conclusion in 8 of 10, printed p reproduced in 4)" in text
    assert "not determined" not in text and "%" not in text
    assert "most often keeps size > 10 cm and no curative metastasectomy (6 of 10 reconstructions)" in text
    assert "7 of 10 keep something other than size alone" in text and "not how likely" in text


def test_ph_verdict_follows_the_global_p():
    def zph(p):
        return SimpleNamespace(table=pd.DataFrame({"p": [p]}, index=["GLOBAL"]))

    calm = narrative.ph_verdict(zph(0.784), 34)
    assert "weak reassurance" in calm and "34 deaths" in calm
    alarmed = narrative.ph_verdict(zph(0.01), 25)
    assert "evidence against proportional hazards" in alarmed and "weak reassurance" not in alarmed


def test_shown_displays_nothing_for_an_empty_text():
    assert narrative.shown("") is None
    assert narrative.shown(":::{note}\nx\n:::\n").data.startswith(":::{note}")
