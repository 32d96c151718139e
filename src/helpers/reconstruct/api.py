"""The public entry point: ``reconstruct(seed) -> (cohort, regimens)``, a pure function of its arguments.

The stages, top down: ``structure`` (every count exact by construction), ``coarse`` (the annealing in rank
space), ``finish`` (combinations of fine moves, verified exactly), ``pins`` (the values), ``assemble`` (the
tables); ``targets`` holds what they aim at, ``stats`` the statistics they share and ``report`` the fidelity
report.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.published import load as load_published

from .assemble import assemble
from .coarse import Schedule, anneal, start_times
from .finish import ROUNDS as FINISH_ROUNDS
from .finish import conflicts, finish
from .primary import primary_treatment
from .structure import initial_structure
from .targets import build_targets, load_spec

DEFAULT_SEED = 2022
# The default schedule, counted in iterations and rounds (never wall-clock): DEFAULT_ITERATIONS of annealing
# over orders, censoring and factor swaps, FACTOR_SHARE of that per factor with the order fixed, then up to
# FINISH_ROUNDS rounds of the finisher; DEFAULT_CHAINS such searches from consecutive seeds, the one a reader
# would choose written: the most headline checks met (helpers.headline: the abstract's numbers and the paper's
# verdicts of significance), then the most printed numbers reproduced (data/RECONSTRUCTION.md has the
# measurements behind each).
DEFAULT_ITERATIONS = 5_000_000
DEFAULT_CHAINS = 4
# The ensemble's budget (100 cohorts in 30 minutes on 2 cores); also that of the quick benchmarks.
ENSEMBLE_ITERATIONS = 700_000
ENSEMBLE_FINISH_ROUNDS = 5
FACTOR_SHARE = 0.05
T_START, T_END = 1.0, 0.01

# The single cohort's fidelity bar, asserted by tests/test_reconstruct.py and read by helpers.ensemble:
# percent of all printed numbers matched (helpers.scorecard.summary, 'all'), and whether every count must be
# reproduced.
FIDELITY_FLOOR = 87.5
COUNTS_EXACT = True


class Searched(NamedTuple):
    """The searched state of one reconstruction, before the tables are drawn."""

    structure: object  #: structure.Structure
    times: np.ndarray  #: tenths of a month
    death: np.ndarray
    spec: dict
    rng: np.random.Generator  #: continues the seeded stream for assemble
    energy: float
    hits: int
    conflicts: dict  #: published id -> finish.Conflict, for each search target missed (when asked for)


def search(
    seed: int = DEFAULT_SEED,
    iterations: int | None = None,
    finish_rounds: int | None = None,
    diagnose: bool = False,
    spec: dict | None = None,
    published: pd.DataFrame | None = None,
) -> Searched:
    """Stages 1-3: the structure, the coarse search and the finisher, then the placed times.  ``diagnose``:
    also say, for each search target missed, what the nearest fine change that meets it would lose."""
    published = load_published() if published is None else published
    spec = load_spec() if spec is None else spec
    iterations = DEFAULT_ITERATIONS if iterations is None else int(iterations)
    finish_rounds = FINISH_ROUNDS if finish_rounds is None else int(finish_rounds)
    rng = np.random.default_rng(seed)
    s = initial_structure(spec, rng)
    targets = build_targets(published)
    t, death = start_times(s, spec, targets, rng)
    energy, hits, missed = np.nan, -1, {}
    if iterations > 0:
        st = anneal(s, t, death, targets, rng, Schedule(iterations, int(iterations * FACTOR_SHARE), T_START, T_END))
        if finish_rounds > 0:
            finish(st, finish_rounds)
        energy, hits = st.energy()
        if diagnose:
            missed = conflicts(st)
        s, t, death = st.s.copy(), st.times(), st.death
    return Searched(s, t, np.asarray(death).astype(np.int8), spec, rng, energy, int(round(hits)), missed)


def reconstruct(
    seed: int = DEFAULT_SEED, iterations: int | None = None, finish_rounds: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A SYNTHETIC cohort and its regimen lines; a pure function of its arguments."""
    r = search(seed, iterations, finish_rounds)
    return assemble(r.structure, r.times, r.death, r.spec, r.rng)


def primary_treatment_of(cohort: pd.DataFrame) -> pd.DataFrame:
    """The primary-treatment table that goes with a reconstructed cohort (:func:`primary.primary_treatment`:
    a fixed rule, no search and no random draw)."""
    return primary_treatment(cohort, load_spec())


class Chains(NamedTuple):
    """How :func:`best_of_chains` chose: the first seed, the chosen one, and each chain's scores in seed order."""

    first_seed: int
    seed: int  #: the chosen chain's
    matched: list[int]  #: printed numbers reproduced
    headline: list[int]  #: headline checks met (helpers.headline)

    @property
    def count(self) -> int:
        return len(self.matched)


class Best(NamedTuple):
    """The chosen chain of :func:`best_of_chains`: its three tables, its fidelity card (as written, with the
    reason for each miss) and how it was chosen."""

    cohort: pd.DataFrame
    regimens: pd.DataFrame
    primary: pd.DataFrame
    card: pd.DataFrame
    chains: Chains

    @property
    def seed(self) -> int:
        return self.chains.seed


def _chain(seed: int, iterations: int | None, finish_rounds: int | None):
    """One search, judged by the fidelity report of its tables as ``--out`` writes them."""
    return judged(search(seed, iterations, finish_rounds, diagnose=True))


def judged(r: Searched):
    """The tables of a searched state and their fidelity card as ``--out`` writes them: (cohort, regimens,
    primary, card, printed numbers matched, headline checks met)."""
    from helpers import headline, scorecard

    from .report import fidelity_as_written

    cohort, regimens = assemble(r.structure, r.times, r.death, r.spec, r.rng)
    primary = primary_treatment_of(cohort)
    card = fidelity_as_written(cohort, regimens, primary, r.conflicts)
    matched = int(scorecard.summary(card).loc[("all", "all"), "matched"])
    return cohort, regimens, primary, card, matched, headline.met(card)


def reader_choice(kept: list, headline: list, matched: list) -> int:
    """Index of the search a reader would choose (of :func:`best_of_chains`' chains, or of
    ``blocks.best_of_blocks``' merges): the curative block kept (all True for chains, which hold no block), then the
    most headline checks met (``helpers.headline``), then the most printed numbers reproduced, the first on a tie."""
    return max(range(len(kept)), key=lambda k: (kept[k], headline[k], matched[k], -k))


def best_of_chains(
    seed: int = DEFAULT_SEED,
    iterations: int | None = None,
    chains: int | None = None,
    n_jobs: int = -1,
    finish_rounds: int | None = None,
) -> Best:
    """Restarts: :func:`search` from seeds ``seed .. seed + chains - 1`` (``n_jobs`` processes, -1: all
    cores), each judged by its fidelity report as a reader checks it: first the headline checks met
    (:func:`helpers.headline.met`: the abstract's numbers, the paper's verdicts of significance), then the
    printed numbers reproduced; the best is kept, the lowest seed on a tie.  Each chain is a pure function of
    its seed, so the choice is too."""
    chains = DEFAULT_CHAINS if chains is None else int(chains)
    if chains < 1:
        raise ValueError(f"chains must be at least 1, got {chains}")
    if chains == 1:
        runs = [_chain(seed, iterations, finish_rounds)]
    else:
        from joblib import Parallel, cpu_count, delayed

        workers = min(chains, cpu_count() if n_jobs < 0 else max(n_jobs, 1))
        runs = Parallel(n_jobs=workers)(delayed(_chain)(seed + k, iterations, finish_rounds) for k in range(chains))
    matched = [r[4] for r in runs]
    met = [r[5] for r in runs]
    k = reader_choice([True] * chains, met, matched)  # the lowest seed on a tie
    cohort, regimens, primary, card = runs[k][:4]
    return Best(cohort, regimens, primary, card, Chains(seed, seed + k, matched, met))
