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

One module per concern: ``claims`` (the paper's conclusions and what the paper concluded on each), ``cohort``
(one cohort: its claims, its fidelity, ``run_one``), ``run`` (the seeds, ``run_ensemble``), ``summary`` (the
summary file: its columns, writing and reading it), ``reading`` (shares, verdicts, selection counts, the
per-seed overview, the page banner), ``cli`` (``--ensemble N``).
"""

from .. import factors  # tests read ensemble.factors.COX_COVARIATES
from .claims import ALPHA, CLAIM_KEYS, CLAIMS, EVENT, TIME, Claim, paper_significant
from .cli import add_arguments, main
from .cohort import CohortResult, fidelity, fidelity_bar, meets, run_one, summarise
from .reading import (
    DECIDED,
    FAILS,
    HOLDS,
    MIN_COHORTS,
    banner,
    claim_shares,
    held_text,
    judged_on_bar,
    seed_overview,
    selection_counts,
    verdict,
    verdict_table,
)
from .run import DEFAULT_N, ensemble_seeds, run_ensemble
from .summary import (
    FLOAT_FORMAT,
    SUMMARY_COLUMNS,
    SUMMARY_PATH,
    load_summary,
    summary_csv,
    summary_frame,
    write_results,
)

__all__ = [
    "factors",
    "ALPHA",
    "CLAIM_KEYS",
    "CLAIMS",
    "EVENT",
    "TIME",
    "Claim",
    "paper_significant",
    "add_arguments",
    "main",
    "CohortResult",
    "fidelity",
    "fidelity_bar",
    "meets",
    "run_one",
    "summarise",
    "DECIDED",
    "FAILS",
    "HOLDS",
    "MIN_COHORTS",
    "banner",
    "claim_shares",
    "held_text",
    "judged_on_bar",
    "seed_overview",
    "selection_counts",
    "verdict",
    "verdict_table",
    "DEFAULT_N",
    "ensemble_seeds",
    "run_ensemble",
    "FLOAT_FORMAT",
    "SUMMARY_COLUMNS",
    "SUMMARY_PATH",
    "load_summary",
    "summary_csv",
    "summary_frame",
    "write_results",
]
