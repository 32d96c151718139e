"""Reconstruct a SYNTHETIC cohort that reproduces the paper's printed statistics (it is not the study's data).

Read it top down; ``reconstruct(seed)`` (``api``) is a pure function of its arguments:

1. ``structure``: every printed count, exact by construction (stage 1);
2. ``coarse``: the annealing over the order of the times, the censoring and the joint assignment of the
   factors, in rank space (stage 2; its compiled loop is ``kernel``, its moves ``moves``, its loss ``loss``,
   its rank statistics ``ranks``, the NamedTuples of arrays they pass each other ``arrays``);
3. ``finish``: combinations of fine moves, each verified exactly, and what each remaining miss conflicts
   with (stage 3);
4. ``pins``: the printed medians, rates and follow-up as values, placed on the searched order;
5. ``assemble`` and ``primary``: the tables, with their decoration;
6. ``blocks``: the default design: the curative patients' block (Table 4) solved alone and exactly, then the
   whole cohort searched around it (the merges), the merge a reader would choose written; ``bound``: the
   merges' exact stage, every assignment of a two-level factor meeting its printed p's and medians on a fixed
   order, enumerated exactly by meeting in the middle; ``joint``: the pairs of two of those factors that are
   covariates of Table 3, fitted by the Cox model; ``linked``: the last stage, chemotherapy with the two columns
   an identity ties to it (chemotherapy around the metastasectomy, the first-line responses);
7. ``targets``: what every stage aims at, from ``helpers.published`` (the structural spec and the scored
   targets); ``stats``: the statistics every stage shares, equal to ``helpers.survival``'s; ``report``: the
   fidelity report, judged by ``helpers.scorecard``.

``python -m helpers.reconstruct --out DIR`` writes the three tables and the report; data/RECONSTRUCTION.md
describes the design and its measurements.
"""

from pathlib import Path

from ._cache import use_source_keyed_cache

use_source_keyed_cache(Path(__file__).parent)  # before the jitted modules are imported

from .api import (  # noqa: E402
    COUNTS_EXACT,
    DEFAULT_CHAINS,
    DEFAULT_ITERATIONS,
    DEFAULT_SEED,
    ENSEMBLE_FINISH_ROUNDS,
    ENSEMBLE_ITERATIONS,
    FIDELITY_FLOOR,
    FINISH_ROUNDS,
    best_of_chains,
    reconstruct,
)
from .blocks import BLOCK_SEED, DEFAULT_MERGES, best_of_blocks  # noqa: E402

__all__ = [
    "reconstruct",
    "best_of_chains",
    "best_of_blocks",
    "BLOCK_SEED",
    "DEFAULT_MERGES",
    "DEFAULT_CHAINS",
    "DEFAULT_SEED",
    "DEFAULT_ITERATIONS",
    "FINISH_ROUNDS",
    "ENSEMBLE_ITERATIONS",
    "ENSEMBLE_FINISH_ROUNDS",
    "FIDELITY_FLOOR",
    "COUNTS_EXACT",
]
