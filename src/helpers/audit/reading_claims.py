"""What the paper concludes and reports, read against its own numbers: text against text, conclusions against
the evidence, and analyses implied but not reported.

Each rule takes a :class:`.reading.Paper` and returns its findings (none when the statements or numbers it
reads are absent). Numbers come from the paper's files by id; the quoted words are evidence only.
"""

from __future__ import annotations

import re

from .. import multiplicity
from .base import ALPHA, CONSISTENT, INCONSISTENT, NOT_REPORTED, UNSTATED, UNSUPPORTED
from .reading import Finding, Paper

LARGE_RATIO = 1.5  # a ratio of medians a reader would not call "no effect"
RESPONSE_REGIMENS = ("DXR+IFM", "GEM+DOC", "DXR", "PAZ", "ERB", "TRB")
FIRST_LINE = "text.3_3.palliative_chemo.palliative_first_line_regimen.{}.count"
SECOND_LINE_DRUGS = ("PAZ", "TRB", "ERB")  # approved in Japan for the second line or later (Discussion)
DRUG_NAMES = {"PAZ": "pazopanib", "TRB": "trabectedin", "ERB": "eribulin"}  # Table 2's abbreviations
APPROVAL = "text.discussion.approval_year.{}"


def _not_significant(paper: Paper, ids) -> bool:
    """Every cited p is at least ALPHA (its smallest true value, by the printing rule)."""
    return all(paper.p_range(i)[0] >= ALPHA for i in ids)


# ----------------------------------------------------------------------------------------- text against text
def os_against_literature(paper: Paper) -> list[Finding]:
    med, lo, hi = "text.3_2.os.median_os", "text.introduction.os_literature.min", "text.introduction.os_literature.max"
    if not paper.has(med, lo, hi):
        return []
    open_above = "more than" in paper.rows[hi]["label"]
    above = paper.value(med) > paper.value(hi)
    verdict = CONSISTENT if above and not open_above else INCONSISTENT
    gap = paper.value(med) - paper.value(hi)
    return [
        Finding(
            "reading.os_vs_literature",
            "text_vs_text",
            verdict,
            ("introduction.os_range", "discussion.os_higher"),
            (med, lo, hi),
            f"{paper.printed(med)} against the cited range {paper.printed(lo)} to "
            f"{'more than ' if open_above else ''}{paper.printed(hi)} months",
            f"The Introduction summarises the same references [4–10] as median OS from {paper.printed(lo)} to "
            f"{'more than ' if open_above else ''}{paper.printed(hi)} months; the cohort's {paper.printed(med)} "
            f"months is {gap:.1f} months above the printed figure of a range "
            + (
                "that is open above, so it lies among the data reported by others, not above them."
                if open_above
                else "that it exceeds."
                if above
                else "that it does not exceed."
            ),
        )
    ]


def conclusion_strength(paper: Paper) -> list[Finding]:
    keys = ("abstract.conclusions", "conclusions.metastasectomy", "discussion.selection")
    if not paper.quoted(*keys):
        return []
    return [
        Finding(
            "reading.conclusion_strength",
            "text_vs_text",
            INCONSISTENT,
            keys,
            (),
            "three sentences on the same recommendation",
            "The Abstract concludes that complete metastasectomy 'should be considered', the Conclusions that it "
            "'should be performed'; the Discussion, just before, that the finding 'could be the result of the "
            "patient selection process' and that its benefit 'would require further randomized clinical trials'. "
            "They recommend three different things.",
        )
    ]


# ----------------------------------------------------------------------------------- conclusions and evidence
def metastasectomy_should(paper: Paper) -> list[Finding]:
    t3 = [f"t3.no_metastasectomy.{s}" for s in ("hr", "ci_low", "ci_high", "p")]
    ids = (*t3, "t1.metastasectomy_curative.p", "t3.size_gt10.p")
    if not paper.has(*ids) or not paper.quoted("conclusions.metastasectomy", "abstract.conclusions"):
        return []
    hr, lo, hi, p = (paper.printed(i) for i in t3)
    verdict = UNSUPPORTED if _not_significant(paper, [t3[3]]) else CONSISTENT
    return [
        Finding(
            "reading.metastasectomy_should",
            "conclusions",
            verdict,
            ("conclusions.metastasectomy", "abstract.conclusions", "discussion.selection"),
            ids,
            f"adjusted HR of no metastasectomy {hr} (95% CI {lo}–{hi}), p {p}: the interval "
            + ("includes 1" if paper.value(t3[1]) <= 1 <= paper.value(t3[2]) else "excludes 1"),
            "The Conclusions' 'Therefore' derives the recommendation from tumour size (Table 3 p "
            f"{paper.printed('t3.size_gt10.p')}), which is not a treatment. On metastasectomy itself the "
            f"univariate p {paper.printed('t1.metastasectomy_curative.p')} does not survive adjustment for size, "
            f"presentation and number of sites: HR {hr}, 95% CI {lo}–{hi}, p {p}, compatible with no effect as with "
            "a large one. The patients it was offered to were selected (a single site, one or two lesions, almost "
            "all metachronous), which the Discussion itself names.",
        )
    ]


def actively_treated(paper: Paper) -> list[Finding]:
    ids = ("t1.primary_resection.p", "t3.no_metastasectomy.p")
    keys = ("discussion.primary_resection", "discussion.actively_treated")
    if not paper.has(*ids) or not paper.quoted(*keys):
        return []
    verdict = UNSUPPORTED if _not_significant(paper, ids) else CONSISTENT
    return [
        Finding(
            "reading.actively_treated",
            "conclusions",
            verdict,
            keys,
            ids,
            f"resection of the primary p {paper.printed(ids[0])}; metastasectomy, adjusted, p {paper.printed(ids[1])}",
            "The same paragraph reports that resection of the primary tumour 'did not significantly prolong' "
            f"survival (Table 1 p {paper.printed(ids[0])}), and metastasectomy's adjusted p is "
            f"{paper.printed(ids[1])} (Table 3): neither half of 'primary and metastatic lesions should be actively "
            "treated' is shown by the study.",
        )
    ]


def chemotherapy_prolongs(paper: Paper) -> list[Finding]:
    ids = (
        "t5.chemotherapy.p",
        "t5.chemotherapy.yes.median_os",
        "t5.chemotherapy.no.n",
        "t5.chemotherapy.no.median_os",
        "t1.chemotherapy.p",
    )
    keys = ("discussion.chemotherapy", "conclusions.chemotherapy", "discussion.limitation_bias")
    if not paper.has(*ids) or not paper.quoted(*keys):
        return []
    verdict = UNSUPPORTED if _not_significant(paper, ["t1.chemotherapy.p"]) else CONSISTENT
    return [
        Finding(
            "reading.chemotherapy_prolongs",
            "conclusions",
            verdict,
            keys,
            ids,
            f"without metastasectomy: median {paper.printed(ids[1])} vs {paper.printed(ids[3])} months, p "
            f"{paper.printed(ids[0])}; all patients: p {paper.printed(ids[4])}",
            "Treated and untreated patients are compared from the diagnosis of metastasis, but a patient counts as "
            "treated only by living long enough to start chemotherapy: the time before the first cycle is immortal "
            f"time credited to the treated. The {paper.printed(ids[2])} untreated (median "
            f"{paper.printed(ids[3])} months) include those too frail to treat, the selection bias the limitations "
            f"name. Among all patients chemotherapy shows no association (Table 1 p {paper.printed(ids[4])}). An "
            "association under these biases does not show that chemotherapy prolongs survival.",
        )
    ]


def grade_no_effect(paper: Paper) -> list[Finding]:
    ids = ("t1.grade.2.n", "t1.grade.3.n", "t1.grade.2.median_os", "t1.grade.3.median_os", "t1.grade.p")
    if not paper.has(*ids) or not paper.quoted("discussion.grade"):
        return []
    m2, m3 = paper.value(ids[2]), paper.value(ids[3])
    ratio = max(m2, m3) / min(m2, m3)
    if not _not_significant(paper, [ids[4]]):
        verdict = INCONSISTENT
    else:
        verdict = UNSUPPORTED if ratio >= LARGE_RATIO else CONSISTENT
    return [
        Finding(
            "reading.grade_no_effect",
            "conclusions",
            verdict,
            ("discussion.grade",),
            ids,
            f"median OS grade 2 {paper.printed(ids[2])}, grade 3 {paper.printed(ids[3])} months: ratio {ratio:.2f}; "
            f"p {paper.printed(ids[4])}",
            f"A p of {paper.printed(ids[4])} is an absence of evidence, not evidence of absence: grade 2 patients "
            f"lived a median {paper.printed(ids[2])} months, grade 3 {paper.printed(ids[3])}, {ratio:.2f} times as "
            f"long. With {paper.printed(ids[0])} and {paper.printed(ids[1])} patients that difference is not "
            "significant, but it is the best estimate the data give, and 'did not affect OS' does not follow.",
        )
    ]


def efficacy(paper: Paper) -> list[Finding]:
    ids = ("t1.chemotherapy.p", "t1.primary_resection.p", "t3.no_metastasectomy.p")
    if not paper.has(*ids) or not paper.quoted("discussion.efficacy"):
        return []
    verdict = UNSUPPORTED if _not_significant(paper, ids) else CONSISTENT
    return [
        Finding(
            "reading.efficacy",
            "conclusions",
            verdict,
            ("discussion.efficacy",),
            ids,
            "whole cohort: chemotherapy p {}, resection of the primary p {}, metastasectomy (adjusted) p {}".format(
                *(paper.printed(i) for i in ids)
            ),
            "Efficacy is a causal claim, which a retrospective comparison of treated and untreated patients cannot "
            "carry on its own; and in the whole cohort none of the treatments shows even an association that "
            "survives the paper's own threshold or adjustment.",
        )
    ]


def _multiplicity(paper: Paper, source: str, quote: str, fid: str) -> list[Finding]:
    """The factors a table calls significant, after Holm's correction for all of the table's tests (a bound
    "<0.001" taken at 0.001, the largest value it allows)."""
    table = paper.select(source=source, statistic="p")
    if table.empty or not paper.quoted(quote):
        return []
    claimed = [i for i in table["id"] if paper.p_range(i)[1] < ALPHA]
    if not claimed:
        return []
    adjusted = multiplicity.adjust(table["value"].to_numpy(), alpha=ALPHA)
    holm = dict(zip(table["id"], adjusted["p_holm"]))
    lost = [i for i in claimed if holm[i] >= ALPHA]
    chance = multiplicity.chance(len(table), alpha=ALPHA)
    name = {i: paper.rows[i]["label"] for i in claimed}
    return [
        Finding(
            fid,
            "conclusions",
            UNSUPPORTED if lost else CONSISTENT,
            (quote,),
            tuple(table["id"]),
            f"{len(table)} tests in {source}; Holm-adjusted: "
            + ", ".join(f"{name[i]} {paper.printed(i)} → {holm[i]:.3f}" for i in claimed),
            f"{source} tests {len(table)} factors; if none had any effect, at least one p below {ALPHA} would still "
            f"turn up {chance['at_least_one']:.0%} of the time. Corrected for the {len(table)} tests (Holm), "
            + (
                f"{' and '.join(name[i] for i in lost)} no longer "
                f"{'reaches' if len(lost) == 1 else 'reach'} {ALPHA}; the Abstract reports "
                f"{'it as a finding' if len(lost) == 1 else 'them as findings'} without that caution."
                if lost
                else f"every factor the text calls significant stays below {ALPHA}."
            ),
        )
    ]


def univariate_multiplicity(paper: Paper) -> list[Finding]:
    return _multiplicity(paper, "Table 1", "abstract.univariate", "reading.multiplicity.table1")


def interval_multiplicity(paper: Paper) -> list[Finding]:
    return _multiplicity(paper, "Table 4", "abstract.interval", "reading.multiplicity.table4")


def patient_flow(paper: Paper) -> list[Finding]:
    ids = ("text.methods.patients.count", "text.methods.metastasis_year.min", "text.methods.metastasis_year.max")
    if not paper.has(*ids) or not paper.quoted("methods.included"):
        return []
    return [
        Finding(
            "reading.patient_flow",
            "unreported",
            NOT_REPORTED,
            ("methods.included",),
            ids,
            f"{paper.printed(ids[0])} included from {paper.printed(ids[1])}–{paper.printed(ids[2])}; patients "
            "screened and excluded: not printed",
            "The paper gives the patients included but not how many with metastatic extrauterine LMS the two "
            "institutions treated in those years, nor how many were left out and why (missing records, treatment "
            "elsewhere): the flow of patients a retrospective cohort reports so that its selection can be judged.",
        )
    ]


def proportional_hazards(paper: Paper) -> list[Finding]:
    ids = tuple(paper.select(source="Table 3", statistic="p")["id"])
    if not ids or not paper.quoted("methods.cox"):
        return []
    return [
        Finding(
            "reading.proportional_hazards",
            "unreported",
            NOT_REPORTED,
            ("methods.cox",),
            ids,
            f"{len(ids)} covariates in the Cox model; no test or plot of proportional hazards",
            "A Cox model assumes each covariate's hazard ratio constant over follow-up; the paper reports no "
            "check of it (Schoenfeld residuals, log-minus-log curves), though its Kaplan–Meier curves of "
            "metastasectomy and tumour size span more than ten years of follow-up.",
        )
    ]


def therefore_lesions(paper: Paper) -> list[Finding]:
    ids = (
        "t5.primary_resection.yes.n",
        "t5.initial_metastatic_sites.>1.n",
        "text.3_3.no_metastasectomy.patients.count",
    )
    if not paper.has(*ids) or not paper.quoted("results.therefore_lesions"):
        return []
    both = int(paper.value(ids[0]) + paper.value(ids[1]) - paper.value(ids[2]))
    reading = "'Therefore' stands for 'moreover': the lesion and site counts are a second fact, not a consequence"
    verdict = UNSUPPORTED if both > 0 else UNSTATED
    return [
        Finding(
            "reading.therefore_lesions",
            "conclusions",
            verdict,
            ("results.therefore_lesions",),
            ids,
            f"in Table 5, at least {paper.printed(ids[0])} + {paper.printed(ids[1])} − {paper.printed(ids[2])} = "
            f"{both} patients had both a resected primary and more than one metastatic site",
            "Resection of the primary does not imply one or two lesions at a single site"
            + (
                f": Table 5 alone holds at least {both} patients with a resected primary and several sites. The lesion "
                "and site counts are how patients were selected for metastasectomy, not a consequence of the "
                "primary's resection."
                if both > 0
                else "; the tables hold no counter-example, so the sentence stands only as two separate facts."
            ),
            reading if verdict == UNSTATED else "",
        )
    ]


# ----------------------------------------------------------------------------- analyses implied, not reported
def cutoff_twelve_months(paper: Paper) -> list[Finding]:
    ids = ("t4.interval.<=6.n", "t4.interval.>6.n", "t4.interval.p")
    keys = ("discussion.best_12_months", "discussion.not_12_months")
    if not paper.has(*ids) or not paper.quoted(*keys):
        return []
    return [
        Finding(
            "reading.cutoff_12_months",
            "unreported",
            NOT_REPORTED,
            keys,
            ids,
            f"printed: the ≤6-month split only ({paper.printed(ids[0])} vs {paper.printed(ids[1])} patients, p "
            f"{paper.printed(ids[2])}); the 12-month split: no n, no medians, no p",
            "'But not 12 months' says a second cut-off was tested; its group sizes, medians and p value are not "
            "printed. The Methods name no cut-off for the interval, and a cut-off kept after trying others makes "
            f"the printed p {paper.printed(ids[2])} smaller than a cut-off fixed in advance would give.",
        )
    ]


def regardless_of_regimen(paper: Paper) -> list[Finding]:
    regimens = [FIRST_LINE.format(r) for r in RESPONSE_REGIMENS if paper.has(FIRST_LINE.format(r))]
    ids = ("text.3_3.palliative_chemo.first_line_response.p", "text.3_3.palliative_chemo.patients.count", *regimens)
    keys = ("discussion.regardless", "results.non_pd", "results.first_line")
    if not regimens or not paper.has(*ids) or not paper.quoted(*keys):
        return []
    sizes = [int(paper.value(i)) for i in regimens]
    return [
        Finding(
            "reading.regardless_of_regimen",
            "unreported",
            NOT_REPORTED,
            keys,
            ids,
            f"one log-rank test over all {paper.printed(ids[1])} patients (p {paper.printed(ids[0])}); "
            f"{len(regimens)} first-line regimens of {min(sizes)} to {max(sizes)} patients each",
            "No analysis by regimen is reported: the Results give one test of non-PD against PD over all patients "
            f"given palliative chemotherapy. With {len(regimens)} regimens of {min(sizes)} to {max(sizes)} patients, "
            "no test within or across regimens would have had the power to show it; 'regardless of the type of "
            "chemotherapy used' is not a finding of this study.",
        )
    ]


def avoided_doxorubicin(paper: Paper) -> list[Finding]:
    dox = [FIRST_LINE.format(r) for r in ("DXR+IFM", "DXR")]
    ids = ("text.3_3.palliative_chemo.patients.count", *dox)
    if not paper.has(*ids) or not paper.quoted("discussion.avoid_doxorubicin", "results.first_line"):
        return []
    without = int(paper.value(ids[0]) - sum(paper.value(i) for i in dox))
    return [
        Finding(
            "reading.avoided_doxorubicin",
            "unreported",
            NOT_REPORTED,
            ("discussion.avoid_doxorubicin", "results.first_line"),
            ids,
            f"{paper.printed(ids[0])} − ({paper.printed(dox[0])} + {paper.printed(dox[1])}) = {without} first-line "
            "palliative regimens without doxorubicin",
            f"The Discussion gives the reasons doxorubicin was avoided, but not for how many of the {without} "
            "patients whose first palliative regimen had none, nor their ages or cardiac findings; the tables hold "
            "no cardiac data.",
        )
    ]


def era_comparison(paper: Paper) -> list[Finding]:
    eras = paper.select(factor="era", statistic="median_os")
    ids = (*eras["id"], "text.3_3.era.p", *(APPROVAL.format(d) for d in SECOND_LINE_DRUGS))
    if len(eras) != 2 or not paper.has(*ids) or not paper.quoted("results.era"):
        return []
    later = max(int(re.findall(r"\d{4}", lv)[0]) for lv in eras["level"])  # "2014-2020": the later era's start
    years = {d: int(paper.value(APPROVAL.format(d))) for d in SECOND_LINE_DRUGS}
    first = [DRUG_NAMES[d] for d, y in years.items() if y < later]
    second = [DRUG_NAMES[d] for d, y in years.items() if y >= later]
    return [
        Finding(
            "reading.era_comparison",
            "unreported",
            NOT_REPORTED,
            ("results.era", "discussion.approval_years"),
            ids,
            "medians and p printed; group sizes and deaths not; the later era begins "
            f"{later}, approvals {', '.join(f'{d} {y}' for d, y in years.items())}",
            "The two eras' sizes and deaths are not printed, nor which diagnosis (of the primary or of the "
            f"metastasis) dates a patient's era. The split at {later} does not follow the drugs' availability: "
            f"{' and '.join(first) or 'none'} became available in the earlier era, {' and '.join(second) or 'none'} "
            "in the later, so the comparison cannot speak to the newer drugs either.",
        )
    ]


def response_landmark(paper: Paper) -> list[Finding]:
    ids = tuple(f"text.3_3.palliative_chemo.first_line_response.{s}" for s in ("non-PD.count", "PD.count", "p"))
    if not paper.has(*ids) or not paper.quoted("results.non_pd", "methods.os"):
        return []
    return [
        Finding(
            "reading.response_landmark",
            "unreported",
            NOT_REPORTED,
            ("results.non_pd", "methods.os"),
            ids,
            f"{paper.printed(ids[0])} non-PD vs {paper.printed(ids[1])} PD, p {paper.printed(ids[2])}, OS counted "
            "from the diagnosis of metastasis",
            "Response is known only at the first assessment, but OS is counted from the diagnosis of metastasis: a "
            "patient must survive to the assessment to be classed non-PD, which favours the responders "
            "(guarantee-time bias). The landmark analysis from the assessment that the comparison needs is not "
            "reported.",
        )
    ]


CLAIM_FINDINGS = (
    os_against_literature,
    conclusion_strength,
    metastasectomy_should,
    actively_treated,
    chemotherapy_prolongs,
    grade_no_effect,
    efficacy,
    univariate_multiplicity,
    interval_multiplicity,
    therefore_lesions,
    cutoff_twelve_months,
    regardless_of_regimen,
    avoided_doxorubicin,
    era_comparison,
    response_landmark,
    patient_flow,
    proportional_hazards,
)
