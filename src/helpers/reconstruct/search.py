"""Stage 2: simulated annealing over event times, censoring and the joint assignment of the factors.

State: integer times in tenths of a month (the paper's medians are all x.x or midpoints of two such),
the death indicator (the number of deaths is fixed) and the factor codes of ``structure``.  Moves:

- *time*: a new value between the neighbouring times (keeps the order, so log-rank and Cox are
  unchanged, and moves medians only), preferably onto a printed median; a small step; a jump onto a
  printed median (so a death can sit exactly where many groups' medians are); or a uniform draw within
  the printed follow-up range;
- *swap times* of two patients, mostly neighbours in time (changes the order only);
- *swap death*: a death and a censoring trade places, mostly neighbours (keeps the number of deaths);
- *swap a factor* between two patients of the same subset (keeps every count; ``swap_allowed``);
- *flip era* (the era split has no printed count).

Energy = ``score.evaluate``'s loss.  The temperature falls geometrically over a fixed number of
iterations, then a polish of small moves starts from the best state; the loop runs in numba
(``kernel.anneal_chunk``) on random numbers drawn from one seeded ``numpy`` Generator, so the result is a
pure function of the seed and the iteration budget.
"""

from __future__ import annotations

import numpy as np

from helpers.factors import COX_COVARIATES, FACTORS

from .assemble import TENTH, era_allowed
from .kernel import MIX_ANNEAL, MIX_POLISH, anneal_chunk, refresh
from .score import Targets, cox_matrix, evaluate, grouping_matrix
from .structure import CODED, Structure

_GRID = np.arange(0, 20001)
ERA_MAX_T = int(_GRID[era_allowed(_GRID)].max())  # longest follow-up (tenths) compatible with the later era


class Search:
    """Mutable search state with cheap incremental updates of the grouping and Cox matrices."""

    def __init__(self, s: Structure, t: np.ndarray, death: np.ndarray, targets: Targets, alpha: float = 1.0):
        self.s = s.copy()
        s = self.s
        self.t = t.astype(np.int64).copy()
        self.death = death.astype(np.float64).copy()
        self.tg = targets
        self.alpha = alpha
        self.G, self.K = grouping_matrix(s.codes, s.n_cur, targets.groupings)
        self.X = cox_matrix(s.codes)
        self.row_fac = np.array([-1 if f == "os" else CODED.index(f) for _, f in targets.groupings], np.int64)
        self.row_sub = np.array([SUBSET_CODE[sb] for sb, _ in targets.groupings], np.int64)
        self.cox_fac = np.array([CODED.index(k) for k, _ in COX_COVARIATES.values()], np.int64)
        self.cox_bad = np.array([FACTORS[k].levels.index(b) for k, b in COX_COVARIATES.values()], np.int8)
        self.energy, self.hits = self.evaluate()

    def evaluate(self):
        tg = self.tg
        return evaluate(self.t / TENTH, self.death, self.G, self.K, self.X, tg.tmed, tg.tp, tg.tcox, tg.ts5,
                        tg.tscal, self.alpha)

    def refresh(self, i: int, j: int) -> None:
        """Recompute the grouping and Cox columns of patients ``i`` and ``j`` after a factor swap."""
        refresh(self.G, self.X, self.s.C, self.row_fac, self.row_sub, self.cox_fac, self.cox_bad, self.s.n_cur, i)
        refresh(self.G, self.X, self.s.C, self.row_fac, self.row_sub, self.cox_fac, self.cox_bad, self.s.n_cur, j)


SUBSET_CODE = {"all": 0, "metastasectomy": 1, "no_metastasectomy": 2, "palliative_chemo": 3}
CHEMO = CODED.index("chemotherapy")


def anneal(s: Structure, t: np.ndarray, death: np.ndarray, targets: Targets, rng: np.random.Generator,
           iterations: int, t0: float = 1.0, t1: float = 0.01, magnets: np.ndarray | None = None,
           lo: int = 18, hi: int = 1588, alpha: float = 0.5, chunk: int = 8192, polish: int = 0,
           cycles: int = 1, reheat: float = 0.5):
    """Annealing in ``cycles`` (geometric cooling ``t0 -> t1``; each later cycle restarts from the best
    state so far at ``reheat`` times the previous starting temperature), then ``polish`` iterations of
    small moves at the final temperature; returns the best (structure, times, deaths, energy, hits)."""
    st = Search(s, t, death, targets, alpha)
    s = st.s
    magnets = np.array([], np.int64) if magnets is None else np.asarray(magnets, np.int64)
    best_t, best_d, best_C = st.t.copy(), st.death.copy(), s.C.copy()
    state = np.array([st.energy, st.hits, np.inf, 0.0, 1.0, 0.0])
    tg = targets
    done = 0
    total = iterations + polish
    per = max(iterations // cycles, 1)
    bounds = [min(c * per, iterations) for c in range(cycles)] + [iterations]
    while done < total:
        if done in bounds[1:] and np.isfinite(state[2]):  # a new cycle / the polish: restart from the best
            st.t[:], st.death[:], s.C[:, :] = best_t, best_d, best_C
            st.G, st.K = grouping_matrix(s.codes, s.n_cur, tg.groupings)
            st.X = cox_matrix(s.codes)
        cyc = min(done // per, cycles - 1) if done < iterations else cycles
        end = min(bounds[cyc + 1], iterations) if done < iterations else total
        m = min(chunk, end - done)
        U = rng.random((m, 6))
        IJ = rng.integers(0, 1 << 30, (m, 3))
        k = np.arange(done, done + m)
        if done < iterations:
            c0 = t0 * reheat ** cyc
            k0, k1 = bounds[cyc], bounds[cyc + 1]
            temps = c0 * (t1 / c0) ** ((k - k0) / max(k1 - k0 - 1, 1))
            mix = MIX_ANNEAL
        else:
            temps = np.full(m, t1)
            mix = MIX_POLISH
        anneal_chunk(U, IJ, temps, st.t, st.death, s.C, st.G, st.K, st.X, st.row_fac, st.row_sub, st.cox_fac,
                     st.cox_bad, s.n_cur, tg.tmed, tg.tp, tg.tcox, tg.ts5, tg.tscal, alpha, magnets, lo, hi,
                     ERA_MAX_T, state, best_t, best_d, best_C, mix)
        done += m
    out = Structure(s.n_cur, s.n, {k: best_C[i].copy() for i, k in enumerate(CODED)})
    if not np.isfinite(state[2]):  # nothing accepted improved on the start
        return s.copy(), st.t.copy(), st.death.copy(), state[0], int(state[1])
    return out, best_t, best_d, float(state[2]), int(state[3])
