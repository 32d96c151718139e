"""The public entry point: ``reconstruct(seed) -> (cohort, regimens)``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .assemble import TENTH, assemble, era_allowed
from .score import build_targets
from .search import anneal
from .structure import initial_structure
from helpers.published import load as load_published
from .targets import load_spec

DEFAULT_SEED = 2022
DEFAULT_ITERATIONS = 200_000


def crude_times(s, spec, rng):
    """Plausible but unsearched times (the v1 placeholder): exponential by subset, exact range and deaths."""
    n, nc = s.n, s.n_cur
    cur = np.arange(n) < nc
    big = s.codes["size"] == 1
    med = np.where(cur, 90.0, 20.0) * np.where(big, 0.6, 1.2)
    t = rng.exponential(med / np.log(2))
    lo, hi = int(round(spec["followup"]["min"] * TENTH)), int(round(spec["followup"]["max"] * TENTH))
    t = np.clip(np.round(t * TENTH).astype(int), lo + 1, hi - 1)
    order = np.argsort(t)
    t[order[0]], t[order[-1]] = lo, hi
    w = np.where(cur, 0.3, 0.8)
    death = np.zeros(n, np.int8)
    death[rng.choice(n, spec["deaths"], replace=False, p=w / w.sum())] = 1
    s.codes["era"] = np.where(era_allowed(t), s.codes["era"], 0).astype(np.int8)
    return t, death


def reconstruct(seed: int = DEFAULT_SEED, iterations: int | None = None, spec: dict | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic cohort and its regimen lines; a pure function of ``seed`` and ``iterations``."""
    spec = load_spec() if spec is None else spec
    rng = np.random.default_rng(seed)
    s = initial_structure(spec, rng)
    t, death = crude_times(s, spec, rng)
    if iterations is None:
        iterations = DEFAULT_ITERATIONS
    if iterations > 0:
        targets = build_targets(load_published())
        mags = magnets(targets)
        lo, hi = int(round(spec["followup"]["min"] * TENTH)), int(round(spec["followup"]["max"] * TENTH))
        s, t, death, energy, hits = anneal(s, t, death, targets, rng, iterations, magnets=mags, lo=lo, hi=hi)
        death = death.astype(np.int8)
    return assemble(s, t, death, spec, rng)


def magnets(targets) -> np.ndarray:
    """Times (tenths) worth jumping to: every printed median and the follow-up figures."""
    vals = [(lo + hi) / 2 for lo, hi in targets.tmed[:, 2:4] if np.isfinite(lo)]
    vals += [(lo + hi) / 2 for lo, hi in targets.tscal[:, 1:3]]
    return np.unique(np.round(np.array(vals) * TENTH).astype(np.int64))
