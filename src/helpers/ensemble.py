"""An ensemble of reconstructed cohorts: which of the paper's conclusions do its tables determine?

One reconstruction is one of many cohorts consistent with the printed tables.  ``run_ensemble(seeds)``
runs ``helpers.reconstruct.reconstruct`` once per seed, in parallel (joblib: loky on all cores, or a Dask
cluster through joblib's dask backend), scores each cohort against the single cohort's fidelity bar
(``helpers.scorecard``) and summarises the paper's claims in it (``summarise``, every statistic from
``helpers.survival``).  ``summary_frame`` lays the results out one row per seed x claim, the layout of
the committed cache ``data/ensemble_summary.csv`` that the book's robustness chapter reads.

CLI: ``python -m helpers.reconstruct --ensemble N --out DIR [--iterations K] [--jobs J]
[--backend loky|dask] [--scheduler ADDRESS]`` writes DIR/ensemble_summary.csv and, per seed,
DIR/seed_<seed>/{cohort,regimens,primary_treatment,fidelity}.csv (while it runs, DIR/ensemble_summary.partial.csv
holds the finished prefix of the seeds: exactly what a smaller N would write).  Dask is an optional extra
(``pip install helpers[dask]``), imported only when asked for.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import factors, paths, published, scorecard, survival

TIME, EVENT = "os_months", "death"
ALPHA = 0.05  # the paper's significance level
SUMMARY_PATH = paths.DATA / "ensemble_summary.csv"
DEFAULT_N = 100
HOLDS, FAILS = 95.0, 5.0  # verdict thresholds: share of cohorts (percent) in which a claim holds
FLOAT_FORMAT = "%.10g"  # summary CSV: immune to last-bit differences between BLAS builds

# Until helpers.reconstruct exposes its own bar, issue 3's target (percent of all printed numbers matched).
_FALLBACK_FLOOR = 95.0


# --------------------------------------------------------------------------------------------------
# the claims
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# one cohort
# --------------------------------------------------------------------------------------------------


def _cox_design(cohort: pd.DataFrame) -> pd.DataFrame:
    return cohort[[TIME, EVENT]].apply(pd.to_numeric).join(factors.cox_design(cohort))


def summarise(cohort: pd.DataFrame, regimens: pd.DataFrame | None = None, pub: pd.DataFrame | None = None) -> dict:
    """The paper's claims in one cohort: ``{claim key: {hr, ci_low, ci_high, p, significant,
    paper_significant, holds, selected}}`` (hr/CI only for Cox claims, ``selected`` only for forward
    selection: the selected covariates joined by "+", "" for none).

    ``regimens`` is accepted for symmetry with ``scorecard.reproduce``; no claim needs it.
    """
    pub = published.load() if pub is None else pub
    design = _cox_design(cohort)
    covariates = list(factors.COX_COVARIATES)
    fit = survival.cox(design, TIME, EVENT, covariates)  # Breslow ties, as EZR
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
            sub = factors.subset(cohort, claim.subset)
            group = factors.levels(sub, claim.factor)
            rec["p"] = survival.logrank(pd.to_numeric(sub[TIME]), pd.to_numeric(sub[EVENT]), group).p
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
    from .reconstruct import api

    return (float(getattr(api, "FIDELITY_FLOOR", _FALLBACK_FLOOR)), bool(getattr(api, "COUNTS_EXACT", True)))


def _counts_exact(card: pd.DataFrame) -> bool:
    """Every computable count and descriptive number matches, except those no cohort can print (the
    reconstruction's own rule, ``helpers.reconstruct.report.infeasible``: a rounding slip in the paper)."""
    from .reconstruct.report import infeasible

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
    seconds: float = math.nan  # wall time in the worker (not written to the summary: not deterministic)
    cpu_seconds: float = math.nan  # CPU time of the worker process for this cohort
    cohort: pd.DataFrame | None = field(default=None, repr=False)
    regimens: pd.DataFrame | None = field(default=None, repr=False)
    primary: pd.DataFrame | None = field(default=None, repr=False)
    card: pd.DataFrame | None = field(default=None, repr=False)


def run_one(seed: int, iterations: int | None = None) -> CohortResult:
    """Reconstruct one cohort, score it and summarise the claims.  A reconstruction that raises is
    reported (``ok=False`` and the error), never dropped."""
    from .reconstruct import api

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


# --------------------------------------------------------------------------------------------------
# many cohorts
# --------------------------------------------------------------------------------------------------


def ensemble_seeds(n: int, start: int | None = None) -> list[int]:
    """The default seeds: ``n`` consecutive integers from the reconstruction's default seed (the first
    seeds are those of the book's own cohort's chains, searched here with the ensemble's shorter budget)."""
    from .reconstruct import api

    if n < 1:
        raise ValueError(f"an ensemble needs at least one cohort, got {n}")
    start = api.DEFAULT_SEED if start is None else int(start)
    return list(range(start, start + n))


def run_ensemble(
    seeds: Iterable[int],
    iterations: int | None = None,
    n_jobs: int = -1,
    backend: str = "loky",
    scheduler=None,
    progress: bool = True,
    on_result=None,
) -> list[CohortResult]:
    """``run_one`` for every seed, in parallel, in seed order.

    ``backend="loky"``: joblib processes, ``n_jobs`` of them (-1 = all cores).  ``backend="dask"``:
    joblib's dask backend on ``dask.distributed.Client(scheduler)`` (an address such as
    ``tcp://host:8786``, a ``Client``, or None for a local cluster); needs the ``dask`` extra.
    A tqdm progress bar counts finished cohorts (``progress=False`` to hide it).  ``on_result(results)``,
    if given, is called with the results so far (a prefix of the seeds, in order) after each one.
    """
    from joblib import Parallel, delayed, parallel_config
    from tqdm.auto import tqdm

    if backend not in ("loky", "dask"):
        raise ValueError(f"backend must be 'loky' or 'dask', got {backend!r}")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct")
    tasks = (delayed(run_one)(s, iterations) for s in seeds)
    bar = tqdm(total=len(seeds), desc="cohorts", unit="cohort", disable=not progress, file=sys.stderr)
    results = []

    def collect(stream):
        for r in stream:
            results.append(r)
            bar.update()
            if on_result is not None:
                on_result(results)

    try:
        if backend == "loky":
            with parallel_config(backend="loky", n_jobs=n_jobs):
                collect(Parallel(return_as="generator")(tasks))
        else:
            client, own = _dask_client(scheduler)
            try:
                with parallel_config(backend="dask", n_jobs=n_jobs):
                    collect(Parallel(return_as="generator")(tasks))
            finally:
                if own:
                    client.close()
    finally:
        bar.close()
    return results


def _dask_client(scheduler):
    """(client, whether we created it)."""
    try:
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "the dask backend needs the optional extra: pip install 'helpers[dask]' (dask and distributed)"
        ) from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    return Client(scheduler), True


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


def banner(path: str | Path | None = None) -> str:
    """The Markdown provenance banner of a page computed from an ensemble summary: which file, its SHA-256,
    how many cohorts, and that they are synthetic (whatever ``$COHORT`` points to)."""
    from . import data as _data

    path = SUMMARY_PATH if path is None else Path(path)
    info = _data.provenance(path)
    n = load_summary(path)["seed"].nunique()
    return (
        f"> **Data.** Computed from `{info['path']}`: {n} **synthetic reconstructions** of the paper's "
        f"tables, not patient data (this holds whatever `$COHORT` points to); SHA-256 `{info['sha256']}`"
    )


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


# --------------------------------------------------------------------------------------------------
# reading the ensemble
# --------------------------------------------------------------------------------------------------


def verdict(share: float) -> str:
    """Plain verdict from the percent of cohorts in which a claim holds."""
    if share >= HOLDS:
        return "holds — determined by the tables"
    if share <= FAILS:
        return "fails — determined by the tables"
    return "not determined by the tables"


MIN_COHORTS = 10  # fewer cohorts than this meeting the bar: verdicts are read from all reconstructed cohorts


def judged_on_bar(summary: pd.DataFrame) -> bool:
    """Whether verdicts are read from the cohorts that met the fidelity bar (True when at least
    ``MIN_COHORTS`` did) or, failing that, from every reconstructed cohort (and the page must say so)."""
    return int(seed_overview(summary)["meets_bar"].sum()) >= MIN_COHORTS


def claim_shares(summary: pd.DataFrame, only_meeting_bar: bool = True) -> pd.DataFrame:
    """Per claim: cohorts, the number and percent in which it holds, the percent that reproduced the
    printed p the claim rests on (NaN for forward selection), and the verdict, in ``CLAIMS`` order.
    By default only cohorts that met the fidelity bar count (the others are not consistent with the
    tables); ``cohorts`` says how many that is."""
    use = summary[summary["ok"] & (summary["meets_bar"] if only_meeting_bar else True)]
    labels = {c.key: c.label for c in CLAIMS}
    rows = []
    for key in CLAIM_KEYS:
        sub = use[use["claim"] == key]
        n = len(sub)
        held = int(sub["holds"].sum()) if n else 0
        share = 100.0 * held / n if n else math.nan
        paper = summary.loc[summary["claim"] == key, "paper_significant"].dropna()
        printed = sub["printed_matched"].dropna()
        rows.append(
            {
                "claim": key,
                "label": labels[key],
                "paper_significant": bool(paper.iloc[0]) if len(paper) else pd.NA,
                "cohorts": n,
                "holds": held,
                "percent": share,
                "printed_matched_percent": 100.0 * printed.mean() if len(printed) else math.nan,
                "verdict": verdict(share) if n else "no cohorts",
            }
        )
    return pd.DataFrame(rows)


def selection_counts(summary: pd.DataFrame, only_meeting_bar: bool = True) -> pd.DataFrame:
    """How often forward conditional selection ends with each set of covariates (most frequent first).
    ``selected`` in the summary is in order of entry; a set is named in Table 3's covariate order."""
    use = summary[summary["ok"] & (summary["meets_bar"] if only_meeting_bar else True)]
    order = list(factors.COX_COVARIATES)

    def as_set(text: str) -> str:
        names = [n for n in text.split("+") if n]
        return "+".join(sorted(names, key=order.index)) if names else "(none)"

    sel = use.loc[use["kind"] == "forward", "selected"].map(as_set)
    counts = sel.value_counts().rename_axis("selected").reset_index(name="cohorts")
    counts["percent"] = 100.0 * counts["cohorts"] / max(len(sel), 1)
    return counts.sort_values(["cohorts", "selected"], ascending=[False, True], ignore_index=True)


def seed_overview(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per seed: ok, error, fidelity and whether it met the bar."""
    cols = [
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
    ]
    return summary[cols].drop_duplicates("seed").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# command line (called from ``python -m helpers.reconstruct --ensemble N``)
# --------------------------------------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ensemble (helpers.ensemble)")
    g.add_argument(
        "--ensemble",
        type=int,
        metavar="N",
        default=None,
        help="make N cohorts from seeds SEED, SEED+1, ... and write DIR/ensemble_summary.csv",
    )
    g.add_argument("--jobs", type=int, default=-1, help="parallel workers (default -1: all cores)")
    g.add_argument(
        "--backend",
        choices=["loky", "dask"],
        default="loky",
        help="joblib backend; dask needs the optional extra (pip install 'helpers[dask]')",
    )
    g.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask scheduler address (tcp://host:8786); default: a local cluster",
    )
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def main(args: argparse.Namespace) -> int:
    """Run the ensemble the parsed ``args`` describe and write it to ``args.out``."""
    if args.scheduler and args.backend != "dask":
        raise SystemExit("--scheduler needs --backend dask")
    seeds = ensemble_seeds(args.ensemble, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    partial = out / "ensemble_summary.partial.csv"

    def checkpoint(done):  # the first k seeds' rows: what --ensemble k would write
        tmp = partial.with_suffix(".tmp")
        tmp.write_text(summary_csv(summary_frame(done)))
        tmp.replace(partial)

    results = run_ensemble(
        seeds,
        args.iterations,
        n_jobs=args.jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=not args.no_progress,
        on_result=checkpoint,
    )
    path = write_results(results, out)
    partial.unlink(missing_ok=True)
    ok = sum(r.ok for r in results)
    met = sum(r.meets_bar for r in results)
    floor, counts_exact = fidelity_bar()
    print(
        f"{len(results)} cohorts: {ok} reconstructed, {met} met the fidelity bar "
        f"(≥ {floor:g}% of printed numbers{', counts exact' if counts_exact else ''}); summary: {path}"
    )
    for r in results:
        if not r.ok:
            print(f"  seed {r.seed}: FAILED: {r.error}")
        elif not r.meets_bar:
            print(
                f"  seed {r.seed}: below the bar ({r.fidelity['fidelity_percent']:.1f}%, "
                f"counts {'exact' if r.fidelity['counts_exact'] else 'NOT exact'})"
            )
    return 0


def verdict_table(shares: pd.DataFrame) -> pd.DataFrame:
    """``claim_shares`` laid out for reading: Claim, The paper, Holds in, %, Printed p reproduced (%), Verdict."""
    kinds = {c.key: c.kind for c in CLAIMS}

    def paper(row) -> str:
        if kinds[row["claim"]] == "forward":
            return "size significant in Table 3" if row["paper_significant"] else "size not significant in Table 3"
        return "p < 0.05" if row["paper_significant"] else "p ≥ 0.05"

    return pd.DataFrame(
        {
            "Claim": shares["label"],
            "The paper": shares.apply(paper, axis=1),
            "Holds in": [f"{h} / {n}" for h, n in zip(shares["holds"], shares["cohorts"])],
            "%": shares["percent"].round(1),
            "Printed p reproduced (%)": shares["printed_matched_percent"].round(1),
            "Verdict": shares["verdict"],
        }
    ).set_index(pd.Index(shares["claim"], name="claim"))
