"""The summary file, one row per seed x claim (``SUMMARY_COLUMNS``): laid out from the results
(``summary_frame``), rendered (``summary_csv``), written with the per-seed tables (``write_results``) and
read back (``load_summary``; the committed cache is ``SUMMARY_PATH``, ``data/ensemble_summary.csv``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths
from .claims import CLAIMS
from .cohort import CohortResult

SUMMARY_PATH = paths.DATA / "ensemble_summary.csv"
FLOAT_FORMAT = "%.10g"  # summary CSV: immune to last-bit differences between BLAS builds


# data/ensemble_summary.csv, one row per seed x claim:
#   seed, iterations            the reconstruction's inputs (iterations: the search budget actually used)
#   ok, error                   whether the reconstruction ran; if not, the error (statistics then empty)
#   matched, total              printed numbers reproduced at printed precision / all (helpers.scorecard)
#   fidelity_percent            100 * matched / total; counts_percent: the same over computable counts
#   counts_exact                every computable count matches but those no cohort can print (paper's slips)
#   bar, meets_bar              the fidelity floor (percent) and whether this cohort met the bar (floor, and
#                               counts_exact when the reconstruction requires exact counts)
#   claim, kind, subset, factor which claim (see CLAIMS) and how it is tested
#   hr, ci_low, ci_high         Cox claims only: Breslow HR and 95% CI of ``factor`` in Table 3's model
#   p                           Cox: Wald p; logrank: log-rank p in ``subset``; forward: empty
#   significant                 p < 0.05 (forward: ``factor`` selected)
#   paper_significant           the same judged on the printed p (data/published)
#   holds                       significant == paper_significant: the cohort reaches the paper's conclusion
#   printed_matched             this cohort reproduced the printed p the claim rests on (forward: empty)
#   selected                    forward only: covariates chosen by forward conditional selection, "+"-joined
SUMMARY_COLUMNS = [
    "seed",
    "iterations",
    "ok",
    "error",
    "matched",
    "total",
    "fidelity_percent",
    "counts_percent",
    "counts_exact",
    "bar",
    "meets_bar",
    "claim",
    "kind",
    "subset",
    "factor",
    "hr",
    "ci_low",
    "ci_high",
    "p",
    "significant",
    "paper_significant",
    "holds",
    "printed_matched",
    "selected",
]


def summary_frame(results: Sequence[CohortResult]) -> pd.DataFrame:
    """One row per seed x claim (``SUMMARY_COLUMNS``), seeds in the given order, claims as ``CLAIMS``.
    A failed seed has its error and empty statistics on each of its rows."""
    rows = []
    for r in results:
        for claim in CLAIMS:
            c = r.claims.get(claim.key, {})
            rows.append(
                {
                    "seed": r.seed,
                    "iterations": r.iterations,
                    "ok": r.ok,
                    "error": r.error,
                    "matched": r.fidelity.get("matched", np.nan),
                    "total": r.fidelity.get("total", np.nan),
                    "fidelity_percent": r.fidelity.get("fidelity_percent", np.nan),
                    "counts_percent": r.fidelity.get("counts_percent", np.nan),
                    "counts_exact": r.fidelity.get("counts_exact", pd.NA),
                    "bar": r.bar,
                    "meets_bar": r.meets_bar,
                    "claim": claim.key,
                    "kind": claim.kind,
                    "subset": claim.subset,
                    "factor": claim.factor,
                    "hr": c.get("hr", np.nan),
                    "ci_low": c.get("ci_low", np.nan),
                    "ci_high": c.get("ci_high", np.nan),
                    "p": c.get("p", np.nan),
                    "significant": c.get("significant", pd.NA),
                    "paper_significant": c.get("paper_significant", pd.NA),
                    "holds": c.get("holds", pd.NA),
                    "printed_matched": c.get("printed_matched", pd.NA),
                    "selected": c.get("selected", ""),
                }
            )
    df = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for col in ("matched", "total"):
        df[col] = df[col].astype("Int64")
    for col in ("counts_exact", "significant", "paper_significant", "holds", "printed_matched"):
        df[col] = df[col].astype("boolean")
    return df


def summary_csv(frame: pd.DataFrame) -> str:
    """The summary as CSV text, exactly as written to disk (deterministic formatting)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    return buf.getvalue()


def load_summary(path: str | Path | None = None) -> pd.DataFrame:
    """Read a summary written by ``write_results`` (default: the committed ``data/ensemble_summary.csv``)."""
    path = SUMMARY_PATH if path is None else Path(path)
    df = pd.read_csv(
        path,
        keep_default_na=False,
        na_values=[""],
        dtype={"error": str, "selected": str, "claim": str, "kind": str, "subset": str, "factor": str},
    )
    missing = [c for c in SUMMARY_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: not an ensemble summary, columns missing: {missing}")
    for col in ("error", "selected"):
        df[col] = df[col].fillna("")
    for col in ("matched", "total"):
        df[col] = df[col].astype("Int64")
    for col in ("ok", "meets_bar"):
        df[col] = df[col].astype(bool)
    for col in ("counts_exact", "significant", "paper_significant", "holds", "printed_matched"):
        df[col] = df[col].astype("boolean")
    return df


def write_results(results: Sequence[CohortResult], out: str | Path) -> Path:
    """Write DIR/ensemble_summary.csv and per seed DIR/seed_<seed>/{cohort,regimens,primary_treatment,fidelity}.csv.

    Everything is rendered in memory first, so a failure leaves no half-written summary."""
    out = Path(out)
    text = summary_csv(summary_frame(results))
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        if not r.ok:
            continue
        d = out / f"seed_{r.seed}"
        d.mkdir(exist_ok=True)
        r.cohort.to_csv(d / "cohort.csv", index=False, lineterminator="\n")
        r.regimens.to_csv(d / "regimens.csv", index=False, lineterminator="\n")
        if r.primary is not None:
            r.primary.to_csv(d / "primary_treatment.csv", index=False, lineterminator="\n")
        r.card.to_csv(d / "fidelity.csv", index=False, lineterminator="\n")
    target = out / "ensemble_summary.csv"
    tmp = target.with_suffix(".csv.tmp")
    tmp.write_text(text)
    tmp.replace(target)
    return target
