"""One cohort: the claims tested in it (``summarise``), its fidelity against the single cohort's bar
(``fidelity_bar``, ``fidelity``, ``meets``), and one seed reconstructed, scored and summarised (``run_one``)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import pandas as pd

from .. import factors, ledger, published, scorecard, survival
from .claims import ALPHA, CLAIMS, EVENT, TIME, paper_significant

# The bar used when helpers.reconstruct does not give its own (percent of all printed numbers matched).
_FALLBACK_FLOOR = 95.0


def summarise(cohort: pd.DataFrame, regimens: pd.DataFrame | None = None, pub: pd.DataFrame | None = None) -> dict:
    """The paper's claims in one cohort: ``{claim key: {hr, ci_low, ci_high, p, significant,
    paper_significant, holds, selected}}`` (hr/CI only for Cox claims, ``selected`` only for forward
    selection: the selected covariates joined by "+", "" for none).

    ``regimens`` is accepted for symmetry with ``scorecard.reproduce``; no claim needs it.
    """
    pub = published.load() if pub is None else pub
    design = ledger.table3_design(cohort)
    covariates = list(factors.COX_COVARIATES)
    fit = ledger.table3_fit(cohort)  # Breslow ties, as EZR
    forward = survival.forward_conditional(design, TIME, EVENT, covariates)
    out = {}
    for claim in CLAIMS:
        rec = {"hr": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p": math.nan, "selected": ""}
        paper = paper_significant(claim, pub)
        if claim.kind == "cox":
            row = fit.table.loc[claim.factor]
            rec.update(
                hr=float(row["hr"]), ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]), p=float(row["p"])
            )
            significant = rec["p"] < ALPHA
            holds = significant == paper
        elif claim.kind == "logrank":
            rec["p"] = ledger.factor_p(factors.subset(cohort, claim.subset), claim.factor, TIME, EVENT)
            significant = rec["p"] < ALPHA
            holds = significant == paper
        elif claim.kind == "forward":
            rec["selected"] = "+".join(forward.selected)
            significant = claim.factor in forward.selected
            holds = significant == paper
        else:  # pragma: no cover - CLAIMS is fixed above
            raise ValueError(f"unknown claim kind {claim.kind!r}")
        rec.update(significant=bool(significant), paper_significant=paper, holds=bool(holds))
        out[claim.key] = rec
    return out


def fidelity_bar() -> tuple[float, bool]:
    """The single cohort's fidelity bar, as ``helpers.reconstruct.api`` declares it and
    tests/test_reconstruct.py asserts it: (``FIDELITY_FLOOR``, the minimum percent of all printed numbers
    matched per ``scorecard.summary`` 'all'; ``COUNTS_EXACT``, whether every computable count must match)."""
    from ..reconstruct import api

    return (float(getattr(api, "FIDELITY_FLOOR", _FALLBACK_FLOOR)), bool(getattr(api, "COUNTS_EXACT", True)))


def _counts_exact(card: pd.DataFrame) -> bool:
    """Every computable count and descriptive number matches, except those no cohort can print (the
    reconstruction's own rule, ``helpers.reconstruct.report.infeasible``: a rounding slip in the paper)."""
    from ..reconstruct.report import infeasible

    counts = card[card["kind"].isin(["count", "descriptive"]) & card["computed"]]
    return all(infeasible(r, card) for _, r in counts[~counts["match"]].iterrows())


def fidelity(card: pd.DataFrame) -> dict:
    """Matched / total and percent of all printed numbers, percent of the computable counts, and whether
    the counts are exact in the reconstruction's sense (``_counts_exact``)."""
    s = scorecard.summary(card)
    counts = card[(card["kind"] == "count") & card["computed"]]
    return {
        "matched": int(s.loc[("all", "all"), "matched"]),
        "total": int(s.loc[("all", "all"), "total"]),
        "fidelity_percent": float(100.0 * s.loc[("all", "all"), "matched"] / s.loc[("all", "all"), "total"]),
        "counts_percent": float(100.0 * counts["match"].mean()) if len(counts) else math.nan,
        "counts_exact": _counts_exact(card),
    }


def meets(fid: dict, bar: tuple[float, bool]) -> bool:
    """Whether a cohort's ``fidelity`` meets ``bar`` (see ``fidelity_bar``)."""
    floor, counts_exact = bar
    return bool(fid["fidelity_percent"] >= floor and (fid["counts_exact"] or not counts_exact))


@dataclass
class CohortResult:
    """One seed's reconstruction: fidelity, whether it meets the bar, the claims, and the tables
    (``cohort``/``regimens``/``card`` are None when the reconstruction failed: see ``error``)."""

    seed: int
    iterations: int | None
    ok: bool
    error: str = ""
    fidelity: dict = field(default_factory=dict)
    bar: float = math.nan
    meets_bar: bool = False
    claims: dict = field(default_factory=dict)
    seconds: float = math.nan  #: wall time in the worker (not written to the summary: not deterministic)
    cpu_seconds: float = math.nan  #: CPU time of the worker process for this cohort
    cohort: pd.DataFrame | None = field(default=None, repr=False)
    regimens: pd.DataFrame | None = field(default=None, repr=False)
    primary: pd.DataFrame | None = field(default=None, repr=False)
    card: pd.DataFrame | None = field(default=None, repr=False)


def run_one(seed: int, iterations: int | None = None) -> CohortResult:
    """Reconstruct one cohort, score it and summarise the claims.  A reconstruction that raises is
    reported (``ok=False`` and the error), never dropped."""
    from ..reconstruct import api

    start, cpu = time.perf_counter(), time.process_time()
    iters = api.ENSEMBLE_ITERATIONS if iterations is None else int(iterations)
    floor, counts_exact = bar = fidelity_bar()
    try:
        cohort, regimens = api.reconstruct(int(seed), iters, api.ENSEMBLE_FINISH_ROUNDS)
    except Exception as exc:  # noqa: BLE001 - any failure of a seed is a result to report
        return CohortResult(
            seed=int(seed),
            iterations=iters,
            ok=False,
            error=f"{type(exc).__name__}: {exc}",
            bar=floor,
            seconds=time.perf_counter() - start,
            cpu_seconds=time.process_time() - cpu,
        )
    primary = api.primary_treatment_of(cohort)
    card = scorecard.reproduce(cohort, regimens, primary=primary)
    fid = fidelity(card)
    claims = summarise(cohort, regimens)
    matched = card.set_index("id")["match"]
    for claim in CLAIMS:  # did this cohort reproduce the printed p the claim rests on?
        claims[claim.key]["printed_matched"] = bool(matched[claim.published_id]) if claim.kind != "forward" else pd.NA
    return CohortResult(
        seed=int(seed),
        iterations=iters,
        ok=True,
        fidelity=fid,
        bar=floor,
        meets_bar=meets(fid, bar),
        claims=claims,
        seconds=time.perf_counter() - start,
        cpu_seconds=time.process_time() - cpu,
        cohort=cohort,
        regimens=regimens,
        primary=primary,
        card=card,
    )
