"""What the paper's words and labels mean, read against its own numbers: definitions, labels against counts,
and quantities that cannot exist as printed.

Each rule takes a :class:`.reading.Paper` and returns its findings (none when the statements or numbers it
reads are absent). Numbers come from the paper's files by id; the quoted words are evidence only.
"""

from __future__ import annotations

from .base import CONSISTENT, DEFINITION, INCONSISTENT, NOT_REPORTED, UNSTATED
from .reading import Finding, Paper

UNIVARIATE = ("Table 1", "Table 4", "Table 5")
P_GRID = 1000  # p values printed to three decimals: a thousand possible values
SHARED_BY = 3  # a median shared by this many factors' groups is worth a reader's note


# ------------------------------------------------------------------------------------------------ definitions
def pfs_is_time_to_treatment_failure(paper: Paper) -> list[Finding]:
    ids = tuple(paper.select(source="Table 2", statistic="median_pfs")["id"])
    if not ids or not paper.quoted("methods.pfs", "methods.os"):
        return []
    return [
        Finding(
            "reading.pfs_definition",
            "definitions",
            DEFINITION,
            ("methods.pfs", "methods.os"),
            ids,
            f"{len(ids)} median 'PFS' in Table 2: " + ", ".join(paper.printed(i) for i in ids),
            "Counting a stop for adverse events as an event makes this time to treatment failure, not "
            "progression-free survival, and shortens it: toxicity is not progression. Both definitions also list "
            "'the last follow-up visit' among the end points, where it can only be a censoring. Table 2's medians "
            "are medians of time to treatment failure, not comparable with the trials' PFS the Discussion cites.",
        )
    ]


def non_pd_leaves_out_cr(paper: Paper) -> list[Finding]:
    base = "text.3_3.palliative_chemo."
    ids = (f"{base}first_line_response.non-PD.count", f"{base}first_line_response.PD.count", f"{base}patients.count")
    if not paper.has(*ids) or not paper.quoted("results.non_pd", "methods.dcr"):
        return []
    cr = paper.select(source="Table 2", statistic="cr")
    with_cr = cr[cr["value"] > 0]
    together = int(paper.value(ids[0]) + paper.value(ids[1]))
    verdict = DEFINITION if len(with_cr) else CONSISTENT
    return [
        Finding(
            "reading.non_pd_without_cr",
            "definitions",
            verdict,
            ("results.non_pd", "methods.dcr"),
            (*ids, *with_cr["id"]),
            f"non-PD + PD = {paper.printed(ids[0])} + {paper.printed(ids[1])} = {together} of "
            f"{paper.printed(ids[2])}; complete responses in Table 2: {int(cr['value'].sum())}",
            (
                "'non-PD (PR or SD)' leaves out complete response, yet non-PD and PD account for every patient and "
                f"Table 2 prints {_responses(int(with_cr['value'].sum()))} "
                f"({', '.join(with_cr['level'])}): either a complete responder is counted as non-PD against the "
                "parenthesis, or none was a first-line palliative response. Non-PD should read CR, PR or SD, as the "
                "Methods' disease control does."
            )
            if len(with_cr)
            else "No complete response is printed, so leaving CR out of non-PD loses no patient.",
        )
    ]


def treatments_as_prognostic_factors(paper: Paper) -> list[Finding]:
    ids = ("t1.metastasectomy_curative.p", "t1.chemotherapy.p", "t3.no_metastasectomy.hr", "t5.chemotherapy.p")
    if not paper.has(*ids) or not paper.quoted("results.prognostic_factors", "methods.os"):
        return []
    return [
        Finding(
            "reading.treatments_as_prognostic_factors",
            "definitions",
            DEFINITION,
            ("results.prognostic_factors", "methods.os"),
            ids,
            "treatments given after the diagnosis of metastasis tested as factors known at it: metastasectomy "
            f"(Table 1 p {paper.printed(ids[0])}, Table 3 HR {paper.printed(ids[2])}), chemotherapy (Table 1 p "
            f"{paper.printed(ids[1])}, Table 5 p {paper.printed(ids[3])})",
            "A prognostic factor is known at the start of follow-up, the diagnosis of metastasis. Metastasectomy, "
            "chemotherapy and radiotherapy come later, and a patient must live to receive them: compared from the "
            "diagnosis as fixed groups (log-rank, and a fixed covariate in the Cox model), the treated are credited "
            "with the time they had to survive to be treated. A time-dependent covariate or a landmark analysis "
            "measures them; the study-design chapter shows how much the difference can be.",
        )
    ]


def interval_origin(paper: Paper) -> list[Finding]:
    ids = (
        "t4.interval.<=6.n",
        "text.3_3.metastasectomy.patients.count",
        "text.3_3.metastasectomy.presenting.metachronous.count",
    )
    keys = ("table4.interval", "discussion.disease_free_interval", "discussion.best_12_months")
    if not paper.has(*ids) or not paper.quoted(*keys):
        return []
    synchronous = int(paper.value(ids[1]) - paper.value(ids[2]))
    return [
        Finding(
            "reading.interval_origin",
            "definitions",
            DEFINITION if synchronous > 0 else CONSISTENT,
            keys,
            ids,
            f"{paper.printed(ids[1])} − {paper.printed(ids[2])} = {synchronous} synchronous patient(s) among the "
            f"{paper.printed(ids[0])} with an interval ≤6 months",
            "Table 4's interval runs from the initial diagnosis; the disease-free interval the Discussion compares it "
            "with runs from the resection of the primary to the metastasis. They differ by the time to surgery, and "
            f"the {synchronous} synchronous patient(s) of the metastasectomy group, metastatic at diagnosis, have an "
            "interval of zero and no disease-free interval at all, yet sit in the ≤6-month group.",
        )
    ]


def _responses(k: int) -> str:
    return f"{k} complete response{'' if k == 1 else 's'}"


def presenting_gap(paper: Paper) -> list[Finding]:
    base = "text.3_1."
    ids = (
        f"{base}presenting.metachronous.count",
        f"{base}presenting.synchronous.count",
        f"{base}patients.count",
        f"{base}interval_to_metastasis_months.min",
    )
    if not paper.has(*ids) or not paper.quoted("methods.presenting", "introduction.metastasis_timing"):
        return []
    total = int(paper.value(ids[0]) + paper.value(ids[1]))
    verdict = DEFINITION if total == paper.value(ids[2]) else INCONSISTENT
    return [
        Finding(
            "reading.presenting_gap",
            "definitions",
            verdict,
            ("methods.presenting", "introduction.metastasis_timing"),
            ids,
            f"{paper.printed(ids[0])} + {paper.printed(ids[1])} = {total} of {paper.printed(ids[2])} classed; "
            f"shortest metachronous interval {paper.printed(ids[3])} months",
            "Synchronous is 'at diagnosis', metachronous 'after completion of the initial curative treatment'; a "
            "metastasis found during the initial treatment, which the Introduction says happens, is neither. Yet "
            "every patient is classed, and the shortest metachronous interval, "
            f"{paper.printed(ids[3])} months from diagnosis, leaves little time for a completed curative treatment: "
            "metastases found during treatment were presumably counted as metachronous.",
        )
    ]


def curative_is_complete(paper: Paper) -> list[Finding]:
    ids = ("text.3_1.metastasectomy_any.count", "text.3_1.metastasectomy_curative.yes.count")
    if not paper.has(*ids) or not paper.quoted("results.metastasectomy_any"):
        return []
    other = int(paper.value(ids[0]) - paper.value(ids[1]))
    return [
        Finding(
            "reading.curative_is_complete",
            "definitions",
            DEFINITION if other > 0 else CONSISTENT,
            ("results.metastasectomy_any",),
            ids,
            f"{paper.printed(ids[0])} − {paper.printed(ids[1])} = {other} metastasectomies not complete",
            "'Curative intent' is an intention before surgery, 'complete resection' an outcome after it. Defining "
            f"one by the other puts the {other} patients operated on without a complete resection in the comparison "
            "group and makes the metastasectomy group one selected by a good surgical result.",
        )
    ]


def followup_undefined(paper: Paper) -> list[Finding]:
    ids = ("text.methods.os_months.median_followup", "text.3_2.os.median_os")
    if not paper.has(*ids) or not paper.quoted("methods.followup", "results.median_os"):
        return []
    below = paper.value(ids[0]) < paper.value(ids[1])
    return [
        Finding(
            "reading.followup_definition",
            "definitions",
            DEFINITION,
            ("methods.followup", "results.median_os"),
            ids,
            f"median follow-up {paper.printed(ids[0])} {'<' if below else '≥'} median OS "
            f"{paper.printed(ids[1])} months",
            "The Methods do not say how follow-up was measured."
            + (
                " A median follow-up below the median survival points to the median of all observed times, deaths "
                "included, which measures survival as much as follow-up; the usual measure is the reverse "
                "Kaplan–Meier median, the follow-up of the patients still alive."
                if below
                else ""
            ),
        )
    ]


def na_two_meanings(paper: Paper) -> list[Finding]:
    reached = paper.select(source=list(UNIVARIATE), statistic="median_os")
    not_reached = reached[reached["not_reached"]]
    unknown = paper.select(source="Table 1", factor="grade", level="NA", statistic="n")
    if not_reached.empty or unknown.empty or not paper.quoted("table1.na", "table1.superficial"):
        return []
    return [
        Finding(
            "reading.na_two_meanings",
            "definitions",
            DEFINITION,
            ("table1.na", "table1.superficial"),
            (*unknown["id"], *not_reached["id"]),
            f"'N.A.' for {paper.printed(unknown['id'].iloc[0])} patients of unknown grade and for "
            f"{len(not_reached)} medians in Tables 1, 4 and 5",
            "The tables define N.A. as 'not available' and use it both for patients whose grade is unknown and for "
            f"{len(not_reached)} medians that are not missing but not reached: more than half of the group was "
            "alive at its last follow-up.",
        )
    ]


def dcr_stable_disease(paper: Paper) -> list[Finding]:
    t2 = paper.select(source="Table 2")
    sd = t2[t2["statistic"] == "sd"]
    controlled = t2[t2["statistic"].isin(["cr", "pr", "sd"])]
    if sd.empty or not paper.quoted("methods.dcr"):
        return []
    share = sd["value"].sum() / controlled["value"].sum()
    return [
        Finding(
            "reading.dcr_stable_disease",
            "definitions",
            DEFINITION,
            ("methods.dcr",),
            tuple(sd["id"]),
            f"stable disease in {int(sd['value'].sum())} of {int(controlled['value'].sum())} controlled courses "
            f"({share:.0%})",
            "RECIST 1.1 does not 'confirm' stable disease; it requires it to last a minimum time from the start of "
            "treatment, which the paper does not give. Stable disease makes up "
            f"{share:.0%} of the courses Table 2 counts as controlled, so its disease control rates depend on that "
            "unstated minimum.",
        )
    ]


def five_year_origin(paper: Paper) -> list[Finding]:
    ids = (
        "text.discussion.metastasectomy.os.os_5yr",
        "text.discussion.os_5yr_pulmonary_metastasectomy.min",
        "text.discussion.os_5yr_pulmonary_metastasectomy.max",
        "text.3_1.metastasectomy.site_lung.count",
        "abs.metastasectomy.patients.count",
    )
    if not paper.has(*ids) or not paper.quoted("discussion.five_year", "methods.os"):
        return []
    return [
        Finding(
            "reading.five_year_origin",
            "definitions",
            DEFINITION,
            ("discussion.five_year", "methods.os"),
            ids,
            f"{paper.printed(ids[0])}% from the diagnosis of metastasis, {paper.printed(ids[3])} of "
            f"{paper.printed(ids[4])} pulmonary, against {paper.printed(ids[1])}–{paper.printed(ids[2])}% from "
            "pulmonary metastasectomy",
            "The cited rates count from the pulmonary metastasectomy; the paper's counts from the diagnosis of "
            "metastasis (Methods), which adds the time to surgery, and covers every curative metastasectomy, of "
            f"which {paper.printed(ids[3])} of {paper.printed(ids[4])} were pulmonary. The two rates measure "
            "different things; the comparison does not show better results.",
        )
    ]


# -------------------------------------------------------------------------------------- labels against counts
def no_metastasectomy_label(paper: Paper) -> list[Finding]:
    ids = (
        "text.3_1.metastasectomy_any.count",
        "text.3_1.metastasectomy_curative.yes.count",
        "abs.no_metastasectomy.patients.count",
    )
    keys = ("abstract.metastasectomy_cohort", "results.table3_label", "results.table5_title")
    if not paper.has(*ids) or not paper.quoted(*keys):
        return []
    operated = int(paper.value(ids[0]) - paper.value(ids[1]))
    return [
        Finding(
            "reading.no_metastasectomy_label",
            "labels",
            INCONSISTENT if operated > 0 else CONSISTENT,
            keys,
            ids,
            f"{paper.printed(ids[0])} − {paper.printed(ids[1])} = {operated} of the {paper.printed(ids[2])} had a "
            "metastasectomy",
            f"{paper.printed(ids[0])} patients underwent metastasectomy and {paper.printed(ids[1])} had a complete "
            f"one, so {operated} of the {paper.printed(ids[2])} called 'patients who did not receive metastasectomy' "
            "(Abstract) and 'No metastasectomy' (Table 3) did receive one, and were not 'ineligible' for it "
            "(Table 5) either: the group is everyone without a complete resection.",
        )
    ]


def table2_counts_courses(paper: Paper) -> list[Finding]:
    ns = paper.select(source="Table 2", statistic="n")
    treated = "t1.chemotherapy.yes.n"
    if ns.empty or not paper.has(treated) or not paper.quoted("results.table2"):
        return []
    total = int(ns["value"].sum())
    over = total > paper.value(treated)
    reading = "Table 2's N counts regimens given, a patient once for each regimen, not patients"
    return [
        Finding(
            "reading.table2_counts_courses",
            "labels",
            UNSTATED if over else CONSISTENT,
            ("results.table2",),
            (*ns["id"], treated),
            f"Table 2 N sums to {total}; {paper.printed(treated)} patients were given chemotherapy",
            (
                f"The text introduces Table 2 as 'the patients evaluable for response', but its N adds up to {total}, "
                f"more than the {paper.printed(treated)} patients treated at all."
                if over
                else "Table 2's N can count patients."
            ),
            reading if over else "",
        )
    ]


def table3_footnote_mark(paper: Paper) -> list[Finding]:
    ids = tuple(paper.select(source="Table 3", statistic="hr")["id"])
    if not ids or not paper.quoted("results.table3_mark", "results.table3_label"):
        return []
    return [
        Finding(
            "reading.table3_footnote_mark",
            "labels",
            NOT_REPORTED,
            ("results.table3_mark", "results.table3_label"),
            ids,
            f"all {len(ids)} hazard ratios followed by a mark '1'; no footnote printed",
            "Every hazard ratio in Table 3 carries the mark '1', but the table has no footnote: what it marks (the "
            "reference level, the coding, the model's selection) is not printed.",
        )
    ]


def perioperative_nine(paper: Paper) -> list[Finding]:
    ids = ("text.3_1.perioperative_chemo_primary.count", "text.3_1.perioperative_chemo_primary_regimen.DXR+IFM.count")
    if not paper.has(*ids) or not paper.quoted("results.perioperative"):
        return []
    within = paper.value(ids[1]) <= paper.value(ids[0])
    return [
        Finding(
            "reading.perioperative_nine",
            "text_vs_text",
            UNSTATED if within else INCONSISTENT,
            ("results.perioperative",),
            ids,
            f"{paper.printed(ids[1])} {'≤' if within else '>'} {paper.printed(ids[0])}",
            "'In addition, nine patients' can be nine more patients or nine of the ten just named; the numbers allow "
            "both, and the data files read it as nine of the ten.",
            "the nine given doxorubicin plus ifosfamide are nine of the ten given perioperative chemotherapy"
            if within
            else "",
        )
    ]


# ---------------------------------------------------------------------------- quantities that cannot exist
def os_range(paper: Paper) -> list[Finding]:
    ids = (
        "text.3_2.os_months.min",
        "text.3_2.os_months.max",
        "text.methods.os_months.min",
        "text.methods.os_months.max",
        "text.3_2.status.NED.count",
        "text.3_2.status.AWD.count",
    )
    if not paper.has(*ids) or not paper.quoted("results.median_os", "results.status", "methods.followup"):
        return []
    alive = int(paper.value(ids[4]) + paper.value(ids[5]))
    same = paper.value(ids[0]) == paper.value(ids[2]) and paper.value(ids[1]) == paper.value(ids[3])
    verdict = UNSTATED if alive > 0 else CONSISTENT
    return [
        Finding(
            "reading.os_range",
            "cannot_exist",
            verdict,
            ("results.median_os", "results.status", "methods.followup"),
            ids,
            f"{alive} patients alive at last follow-up; OS range "
            f"{'equals' if same else 'differs from'} the follow-up range",
            (
                f"A range of overall survival cannot be known while {alive} patients are alive: their survival "
                "times are censored. "
                + (
                    "The printed range is the Methods' follow-up range, number for number."
                    if same
                    else "The printed range differs even from the follow-up range."
                )
            )
            if alive
            else "Every patient died, so the range is one of survival times.",
            "the range is of observed times, deaths and censorings together (the follow-up), not of survival"
            if verdict == UNSTATED
            else "",
        )
    ]


TERM_FINDINGS = (
    pfs_is_time_to_treatment_failure,
    interval_origin,
    treatments_as_prognostic_factors,
    non_pd_leaves_out_cr,
    presenting_gap,
    curative_is_complete,
    followup_undefined,
    na_two_meanings,
    dcr_stable_disease,
    five_year_origin,
    no_metastasectomy_label,
    table2_counts_courses,
    table3_footnote_mark,
    perioperative_nine,
    os_range,
)
