"""The paper's conclusions that the ensemble tests: ``CLAIMS``, and what the paper concluded on each
(``paper_significant``, from the printed p in ``data/published/``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import factors, published

TIME, EVENT = "os_months", "death"
ALPHA = 0.05  # the paper's significance level


@dataclass(frozen=True)
class Claim:
    """One of the paper's conclusions, tested in a cohort.

    ``kind``: ``cox`` (Table 3's Breslow Cox of the four covariates; the Wald p of ``factor``),
    ``logrank`` (univariate log-rank of ``factor`` in ``subset``) or ``forward`` (forward conditional
    selection over Table 3's covariates keeps ``factor``).  ``published_id`` is the printed p (in
    ``data/published/``) that says what the paper concluded; the claim *holds* in a cohort when the
    cohort reaches the same conclusion (significant at 5% or not; for ``forward``: ``factor`` selected).
    """

    key: str
    label: str
    kind: str
    subset: str
    factor: str
    published_id: str
    headline: bool = False


def _claims() -> list[Claim]:
    out = [
        Claim(
            "table3.size_gt10",
            "Size > 10 cm independent (Table 3, Cox)",
            "cox",
            "all",
            "size_gt10",
            "t3.size_gt10.p",
            headline=True,
        )
    ]
    cox_labels = {
        "synchronous": "Synchronous metastasis (Table 3, Cox)",
        "sites_gt1": "Initial metastatic sites > 1 (Table 3, Cox)",
        "no_metastasectomy": "No metastasectomy (Table 3, Cox)",
    }
    out += [Claim(f"table3.{c}", cox_labels[c], "cox", "all", c, f"t3.{c}.p") for c in cox_labels]
    out += [
        Claim(
            f"table1.{k}",
            f"{factors.FACTORS[k].label} (Table 1, log-rank)",
            "logrank",
            "all",
            k,
            f"t1.{k}.p",
            headline=True,
        )
        for k in factors.TABLE1
    ]
    out += [
        Claim(
            "table4.interval",
            "Interval ≤ 6 months after curative metastasectomy (Table 4, log-rank)",
            "logrank",
            "metastasectomy",
            "interval",
            "t4.interval.p",
            headline=True,
        ),
        Claim(
            "table5.chemotherapy",
            "Palliative chemotherapy among the 37 (Table 5, log-rank)",
            "logrank",
            "no_metastasectomy",
            "chemotherapy",
            "t5.chemotherapy.p",
            headline=True,
        ),
        Claim(
            "text.first_line_response",
            "First-line non-PD vs PD among the 30 (log-rank)",
            "logrank",
            "palliative_chemo",
            "first_line_response",
            "text.3_3.palliative_chemo.first_line_response.p",
            headline=True,
        ),
        Claim(
            "forward.size_gt10",
            "Forward conditional selection keeps size > 10 cm",
            "forward",
            "all",
            "size_gt10",
            "t3.size_gt10.p",
            headline=True,
        ),
    ]
    return out


CLAIMS: list[Claim] = _claims()
CLAIM_KEYS = [c.key for c in CLAIMS]


def paper_significant(claim: Claim, pub: pd.DataFrame | None = None) -> bool:
    """Whether the paper's printed p for ``claim`` is below 5% (a "<0.001" bound counts as below)."""
    pub = published.load() if pub is None else pub
    row = pub.loc[pub["id"] == claim.published_id]
    if len(row) != 1:
        raise KeyError(f"published number {claim.published_id!r} not found in data/published/")
    row = row.iloc[0]
    return bool(row["value"] < ALPHA or (row["bound"] == "<" and row["value"] <= ALPHA))
