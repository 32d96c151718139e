"""Reconstruct a synthetic cohort that reproduces the paper's printed statistics.

``reconstruct(seed)`` is a pure function of its arguments (no global state): stage 1 builds the
discrete structure with every printed count exact (``structure``); stage 2 searches the order of the
times, the censoring and the joint assignment of the factors (``search``, ``kernel``, with the rank
statistics of ``ranks``), then places the values so that the printed medians, rates and follow-up hold
(``pins``); ``assemble`` writes the tables.  ``score`` holds the targets and the time-based scorer the
tests check everything against.  The result is SYNTHETIC: it is not the study's patient data.
"""

from pathlib import Path

from ._cache import use_source_keyed_cache

use_source_keyed_cache(Path(__file__).parent)  # before the jitted modules are imported

from .api import (  # noqa: E402
    COUNTS_EXACT, DEFAULT_CHAINS, DEFAULT_ITERATIONS, DEFAULT_SEED, ENSEMBLE_ITERATIONS, FIDELITY_FLOOR, best_of_chains,
    reconstruct)

__all__ = ["reconstruct", "best_of_chains", "DEFAULT_CHAINS", "DEFAULT_SEED", "DEFAULT_ITERATIONS",
           "ENSEMBLE_ITERATIONS", "FIDELITY_FLOOR", "COUNTS_EXACT"]
