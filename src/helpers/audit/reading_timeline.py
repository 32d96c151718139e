"""The treatment timeline against the drugs' approval, and the consent statement against the ethics approvals.

Each rule takes a :class:`.reading.Paper` and returns its findings (none when the statements or numbers it
reads are absent). Numbers come from the paper's files by id; the quoted words are evidence only.
"""

from __future__ import annotations

from .base import CONSISTENT, INCONSISTENT, UNSTATED
from .reading import Finding, Paper
from .reading_claims import APPROVAL, FIRST_LINE, SECOND_LINE_DRUGS


def approval_years(paper: Paper) -> list[Finding]:
    since = APPROVAL.format("since")
    drugs = tuple(APPROVAL.format(d) for d in SECOND_LINE_DRUGS)
    period = ("text.methods.metastasis_year.min", "text.methods.metastasis_year.max")
    ids = (since, *drugs, *period)
    if not paper.has(*ids) or not paper.quoted("discussion.approved_since", "discussion.approval_years"):
        return []
    years = [paper.value(i) for i in drugs]
    inside = all(paper.value(period[0]) <= y <= paper.value(period[1]) for y in years)
    ok = min(years) == paper.value(since) and inside
    return [
        Finding(
            "reading.approval_years",
            "timeline",
            CONSISTENT if ok else INCONSISTENT,
            ("discussion.approved_since", "discussion.approval_years"),
            ids,
            f"earliest of {', '.join(paper.printed(i) for i in drugs)} = {min(years):.0f}; 'since' "
            f"{paper.printed(since)}; study period {paper.printed(period[0])}–{paper.printed(period[1])}",
            (
                "'Since 2012' is the first of three approvals the limitations date one by one; all fall inside the "
                "study period."
                if ok
                else "The two sentences date the drugs' availability differently, or outside the study period."
            ),
        )
    ]


def second_line_drugs_first(paper: Paper) -> list[Finding]:
    first = [FIRST_LINE.format(d) for d in SECOND_LINE_DRUGS if paper.has(FIRST_LINE.format(d))]
    peri = "text.3_1.perioperative_chemo_primary.count"
    keys = ("discussion.approved_since", "results.first_line", "results.perioperative")
    if not first or not paper.has(peri) or not paper.quoted(*keys):
        return []
    k = int(sum(paper.value(i) for i in first))
    reading = (
        f"'first-line' counts from the diagnosis of metastasis, and the {k} patients given these drugs first had "
        "had chemotherapy for the primary tumour (or were treated off-label or in a trial)"
    )
    verdict = CONSISTENT if k == 0 else UNSTATED if k <= paper.value(peri) else INCONSISTENT
    return [
        Finding(
            "reading.second_line_drugs_first",
            "timeline",
            verdict,
            keys,
            (*first, peri),
            f"{' + '.join(paper.printed(i) for i in first)} = {k} first-line palliative regimens of drugs approved "
            f"for the second line or later; {paper.printed(peri)} patients had perioperative chemotherapy",
            f"The Discussion says pazopanib, trabectedin and eribulin were approved for the second line or later, "
            f"yet {k} patients received one as their first palliative regimen. That fits only if they had had "
            "chemotherapy before (the perioperative chemotherapy of the primary counts), which the paper does not "
            "say.",
            reading if verdict == UNSTATED else "",
        )
    ]


def consent_timeline(paper: Paper) -> list[Finding]:
    ethics = tuple(paper.select(factor="ethics_approval_year")["id"])
    ids = ("text.methods.metastasis_year.min", *ethics, "text.3_2.status.DOD.count")
    keys = ("back.consent", "back.irb", "results.status")
    if not ethics or not paper.has(*ids) or not paper.quoted(*keys):
        return []
    first = min(paper.value(i) for i in ethics)
    before = int(first - paper.value(ids[0]))
    dead = int(paper.value(ids[-1]))
    verdict = UNSTATED if before > 0 and dead > 0 else CONSISTENT
    return [
        Finding(
            "reading.consent_timeline",
            "timeline",
            verdict,
            keys,
            ids,
            f"patients from {paper.printed(ids[0])}; first ethics approval {first:.0f}, {before} years later; "
            f"{dead} patients died",
            f"Consent 'from all subjects' of a retrospective study whose patients were treated from "
            f"{paper.printed(ids[0])}, {before} years before the first ethics approval, and of whom {dead} died: "
            "any who died before the study was approved could not consent to it. The statement holds only if "
            "consent means something the paper does not say.",
            "consent was given at treatment for later research use, or by relatives, or by an opt-out notice"
            if verdict == UNSTATED
            else "",
        )
    ]


TIMELINE_FINDINGS = (approval_years, second_line_drugs_first, consent_timeline)
