"""The sentences the pages weave from computed results: what a selection, an audit or an ensemble means for the
paper's conclusions, in words.

Each function takes results computed elsewhere (``survival``, ``audit``, ``ensemble``, ``provenance``) and
returns Markdown; none computes a statistic.  Links are MyST doc roles relative to ``notebooks/``.
"""

from __future__ import annotations

import pandas as pd

from . import factors, plots
from .ensemble.reading import DECIDED
from .published import judged_decimals

SIZE = "size_gt10"
METASTASECTOMY = "no_metastasectomy"


def covariate_names(covariates, sep: str = ", ", empty: str = "nothing") -> str:
    """Table 3's labels of ``covariates``, joined (``empty`` when there are none)."""
    return sep.join(factors.COX_LABELS[c] for c in covariates) or empty


def selection_shares(selection: pd.DataFrame) -> dict:
    """How many reconstructions' forward selection (``ensemble.selection_counts``) keeps size alone, size with
    curative metastasectomy, and anything other than size alone; ``of``: how many were selected from."""
    sets = selection["selected"]
    with_met = sets.str.split("+").map(lambda s: SIZE in s and METASTASECTOMY in s)
    return {
        "size_alone": int(selection.loc[sets == SIZE, "cohorts"].sum()),
        "size_and_metastasectomy": int(selection.loc[with_met, "cohorts"].sum()),
        "not_size_alone": int(selection.loc[sets != SIZE, "cohorts"].sum()),
        "of": int(selection["cohorts"].sum()),
    }


def _kept_text(model, covariates) -> str:
    """Per covariate of a fitted model: its label, HR and p ("no finite HR" where the fit has none)."""
    table, infinite = model.table, getattr(model, "infinite", ())
    return "; ".join(
        f"{factors.COX_LABELS[c].lower()}, "
        + ("no finite HR" if c in infinite else f"HR {table.loc[c, 'hr']:.2f} ({plots.format_p(table.loc[c, 'p'])})")
        for c in covariates
    )


def forward_meaning(forward, printed: pd.Series) -> str:
    """What one cohort's forward conditional selection (``survival.forward_conditional``) means for "only size
    is an independent prognostic factor"; ``printed``: the published values by id. Every outcome has its
    sentence: size alone, size with others, others without size, nothing."""
    others = [c for c in forward.selected if c != SIZE]
    if not forward.selected or forward.model is None:
        return "On this cohort the procedure the Methods name selects no covariate at all, not even size."
    if not others:
        return "On this cohort the procedure the Methods name ends with size alone, as the paper's conclusion says."
    kept = _kept_text(forward.model, others)
    names = covariate_names(others, sep=" and ").lower()
    if SIZE not in forward.selected:
        return (
            f"On this cohort the procedure the Methods name does **not** keep size at all: its final model keeps "
            f"{kept}. The paper's conclusion that only size is an independent prognostic factor does not hold here."
        )
    if all(printed[f"t3.{c}.p"] >= 0.05 for c in others):
        why = (
            f"The paper's conclusion that only size is an independent prognostic factor rests on the full "
            f"model of Table 3, where {names} has a printed p ≥ 0.05, not on the selection the Methods "
            f"describe: read as the Methods describe it, the analysis would name {names} as well."
        )
    else:
        why = "The paper's conclusion that only size is an independent prognostic factor does not follow."
    return (
        "So on this cohort the procedure the Methods name does **not** end with size alone: its final model "
        f"keeps size and also {kept}. " + why
    )


def ph_verdict(zph, deaths: int) -> str:
    """What the Grambsch–Therneau test (``survival.ph_test``) says, in words that follow its global p: a
    non-significant result is weak reassurance with few deaths; a significant one is evidence against
    proportional hazards."""
    p = float(zph.table.loc["GLOBAL", "p"])
    if p >= 0.05:
        return (
            f"With {deaths} deaths the test has little power, so a non-significant result ({plots.format_p(p)}) is "
            "weak reassurance rather than proof."
        )
    return (
        f"The global test finds evidence against proportional hazards ({plots.format_p(p)}): at least one hazard "
        f"ratio seems to change over time, and a single HR averages over it. With {deaths} deaths the test has "
        "little power, so the evidence is strong enough to take seriously."
    )


def ensemble_selection_meaning(selection: pd.DataFrame, met_p: pd.Series) -> str:
    """What forward selection across the ensemble means for "size alone"; ``met_p``: the published row of
    Table 3's p for no curative metastasectomy (``value``, ``decimals``)."""
    share = selection_shares(selection)
    n, with_met = share["of"], share["size_and_metastasectomy"]
    text = (
        f"What this means for the paper's conclusion that only size is an independent prognostic factor: forward "
        f"selection ends with size alone in {share['size_alone']} of {n} reconstructions, and keeps size together "
        f"with curative metastasectomy in {with_met} of {n}. The reconstructions are one optimiser's solutions, "
        "not a sample of every cohort that fits the tables, so these counts show what the procedure can do on "
        "such data, not how likely it was to do it on the study's. "
    )
    if 2 * with_met <= n:
        return text + (
            "In most of them the procedure the Methods name agrees with the paper's conclusion "
            "({doc}`04_multivariate`)."
        )
    text += (
        "In most of them that procedure keeps metastasectomy as well, so the tables alone do not show that "
        '"size alone" is what the procedure the Methods name would have returned. '
    )
    if met_p["value"] >= 0.05:
        text += (
            f"The paper's conclusion does hold for the full model of Table 3, where metastasectomy's printed p is "
            f"{met_p['value']:.{judged_decimals('p', met_p['decimals'])}f} "
        )
    return text + "({doc}`04_multivariate` runs the procedure on the book's own cohort)."


# --------------------------------------------------------------------------------------------------
# the reviewer's summary (notebooks/00_reviewer_summary)
# --------------------------------------------------------------------------------------------------


def what_matches_show(count: dict, synthetic: bool) -> str:
    """What the scorecard's matches are evidence of; ``count``: ``provenance.tally``."""
    time_k, time_n = count["time"]
    if synthetic:
        return (
            f"That is evidence that data of the paper's shape can give its analysis — {time_k} of the {time_n} "
            "time-dependent numbers at once from one cohort — not that the authors' data did: the synthetic cohort "
            "was built to fit the printed tables, so its matches confirm the methods and the tables' joint "
            "feasibility, never the patients ({doc}`07_scorecard`)."
        )
    return (
        f"On this cohort, which is not the synthetic one, {count['matched']} of {count['total']} printed numbers "
        "are reproduced from the data ({doc}`07_scorecard`). A ✓ is a check of the paper only if this file is the "
        "study's own data; on any other cohort it says only that this cohort prints that number as the paper does."
    )


def audit_findings(checks: pd.DataFrame, consistent: str) -> str:
    """A bullet for every audit check (``audit.run``) whose verdict is not ``consistent``."""
    lines = []
    for _, c in checks[checks["verdict"] != consistent].iterrows():
        reading = f" The reading it needs: {c['reading']}." if c["reading"] else ""
        why = c["explanation"].replace(" (see the reading)", "")
        lines.append(f"- **{c['claim']}** — *{c['verdict']}*. {why}{reading} ({{doc}}`08_audit`)")
    return "\n".join(lines) if lines else "Every check is consistent ({doc}`08_audit`)."


def unverifiable(count: dict, synthetic: bool) -> str:
    """What cannot be checked without the patients' data, as bullets."""
    time_k, time_n = count["time"]
    if synthetic:
        reached = (
            f"The reconstruction reaches {time_k} of them; the other {time_n - time_k} it could not reach together "
            "with the rest, each with its reason in the fidelity report ({doc}`../cohort/fidelity`)."
        )
    else:
        reached = f"This cohort reproduces {time_k} of them ({{doc}}`07_scorecard`)."
    items = [
        f"- **The {time_n} time-dependent numbers** — every Kaplan–Meier median, log-rank p, hazard ratio and "
        "survival rate. They depend on each patient's survival time, which the paper does not print; a synthetic "
        "cohort built to match them cannot confirm them, and only the authors' data can. " + reached,
        "- **Which model the paper's selection procedure chose.** The Methods name forward conditional stepwise "
        "selection, but Table 3 prints the full model of four covariates; the selected model is never printed, "
        "so the claim that only size is an independent factor cannot be checked from the tables "
        "({doc}`04_multivariate` runs the procedure; {doc}`09_robustness` runs it on every cohort of the ensemble).",
    ]
    if count["not_reproduced"]:
        items.append(
            f"- **{count['not_reproduced']} printed numbers** cannot even be recomputed from the files given "
            "({doc}`07_scorecard`)."
        )
    return "\n".join(items)


def robustness(shares: pd.DataFrame, selection: pd.DataFrame) -> str:
    """What the ensemble (``ensemble.claim_shares``, ``ensemble.selection_counts``) says of each conclusion, as
    bullets: a conclusion whose p the paper prints is decided by that p, and the reconstructions show only
    whether data that fit the other tables print it too; forward selection, which the paper never prints, is
    reported as counts of reconstructions."""
    printed = shares[shares["verdict"] == DECIDED]
    everywhere = printed[printed["holds"] == printed["cohorts"]]
    others = printed[printed["holds"] < printed["cohorts"]]
    if len(others):
        rest = "; in the others: " + "; ".join(
            f"{r['label']} (same conclusion in {r['holds']} of {r['cohorts']}, printed p reproduced in "
            f"{r['printed_matched']})"
            for _, r in others.iterrows()
        )
    else:
        rest = ""
    sel = selection_shares(selection)
    top = selection.iloc[0]
    top_set = covariate_names(top["selected"].split("+"), sep=" and ").lower()
    return "\n".join(
        [
            f"- **{len(printed)} conclusions rest on a p the paper prints**, and that p decides each of them (a p "
            "printed 0.03 is 0.030: below 0.05). What the reconstructions can add is whether data that fit the "
            f"other tables print the same p: every reconstruction reaches the paper's conclusion on "
            f"{len(everywhere)} of them{rest} ({{doc}}`09_robustness`).",
            f"- **Forward conditional selection**, which the paper never prints, most often keeps {top_set} "
            f"({top['cohorts']} of {sel['of']} reconstructions); {sel['not_size_alone']} of {sel['of']} keep "
            "something other than size alone. The reconstructions are one optimiser's solutions, not a sample of "
            "every cohort that fits the tables: this shows what the Methods' procedure can return on such data, "
            "not how likely it was to ({doc}`09_robustness`, {doc}`04_multivariate`).",
        ]
    )


# --------------------------------------------------------------------------------------------------
# statistical notes beside the numbers they affect
# --------------------------------------------------------------------------------------------------


def fit_notes(*fits, what: str = "") -> str:
    """A note admonition (Markdown) with what the given Cox fits (``CoxResult``; None is skipped) warned of,
    each once, or "" when they warned of nothing. A covariate with no finite estimate is named in words; any
    other warning (no convergence) is quoted. ``what`` names the numbers the note is about."""
    notes = []
    for fit in fits:
        if fit is None:
            continue
        for c in getattr(fit, "infinite", ()):
            notes.append(
                f"**{factors.COX_LABELS.get(c, c)}** has no finite estimate: this cohort has no deaths on one side "
                "of it, so the likelihood keeps rising as its hazard ratio runs off to 0 or infinity, and the HR, "
                "CI and p shown for it are where the iterations stopped, not estimates (R's `coxph` warns: "
                f"*Loglik converged before variable {c}; coefficient may be infinite*)."
            )
        notes.extend(n for n in getattr(fit, "notes", ()) if not getattr(fit, "infinite", ()))
    return note(notes, what)


def shown(text: str):
    """``text`` as Markdown for a notebook cell to display, or None when it is empty: a cell whose label or note
    does not apply (a cohort that is not the synthetic one, a fit without warnings) shows nothing."""
    from IPython.display import Markdown

    return Markdown(text) if text else None


def note(lines, what: str = "") -> str:
    """A note admonition (Markdown) with ``lines`` as bullets (each once), or "" when there are none: the one
    form every statistical note of the book takes. ``what`` names the numbers it is about."""
    lines = list(dict.fromkeys(lines))
    if not lines:
        return ""
    about = f" about {what}" if what else ""
    body = "\n".join(f"- {n}" for n in lines)
    return f":::{{admonition}} Statistical note{about}\n:class: note\n{body}\n:::\n"
