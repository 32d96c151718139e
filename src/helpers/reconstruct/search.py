"""Stage 2: simulated annealing over event times, censoring and the joint assignment of the factors.

State: integer times in tenths of a month (the paper's medians are all x.x or midpoints of two such),
the death indicator (the number of deaths is fixed) and the factor codes of ``structure``.  Moves:

- *time*: a small step, a jump onto a printed median (so a death can sit exactly where many groups'
  medians are), or a uniform draw within the printed follow-up range;
- *swap times* of two patients (changes the order only);
- *swap death*: a death and a censoring trade places (keeps 34 deaths);
- *swap a factor* between two patients of the same subset (keeps every count; ``swap_allowed``);
- *flip era* (the era split has no printed count).

Energy = ``score.evaluate``'s loss.  The temperature falls geometrically over a fixed number of
iterations, in independent restarts; everything is drawn from one seeded ``numpy`` Generator, so the
result is a pure function of the seed and the iteration budget.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from helpers.factors import COX_COVARIATES, FACTORS

from .assemble import TENTH, era_allowed, max_year
from .score import Targets, cox_matrix, evaluate, grouping_matrix
from .structure import CODED, Structure, do_swap, swap_allowed

# factors the search swaps, and how often (relative)
SWAP_FACTORS = ["age", "sex", "primary_site", "size", "depth", "grade", "presenting", "initial_metastatic_sites",
                "primary_resection", "chemotherapy", "radiotherapy", "interval", "initial_metastatic_lesions",
                "chemo_peri_metastasectomy", "first_line_response"]


_GRID = np.arange(0, 20001)
ERA_MAX_T = int(_GRID[era_allowed(_GRID)].max())  # longest follow-up (tenths) compatible with the later era


def _era_ok(t_tenths) -> bool:
    return t_tenths <= ERA_MAX_T


class Search:
    """Mutable search state with cheap incremental updates of the grouping and Cox matrices."""

    def __init__(self, s: Structure, t: np.ndarray, death: np.ndarray, targets: Targets, alpha: float = 1.0):
        self.s = s
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
        _refresh(self.G, self.X, self.s.C, self.row_fac, self.row_sub, self.cox_fac, self.cox_bad, CHEMO,
                 self.s.n_cur, i)
        _refresh(self.G, self.X, self.s.C, self.row_fac, self.row_sub, self.cox_fac, self.cox_bad, CHEMO,
                 self.s.n_cur, j)


SUBSET_CODE = {"all": 0, "metastasectomy": 1, "no_metastasectomy": 2, "palliative_chemo": 3}
CHEMO = CODED.index("chemotherapy")


@nb.njit(cache=True)
def _refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, chemo, n_cur, i):
    for r in range(G.shape[0]):
        sub = row_sub[r]
        inside = (sub == 0 or (sub == 1 and i < n_cur) or (sub == 2 and i >= n_cur)
                  or (sub == 3 and i >= n_cur and C[chemo, i] == 0))
        if not inside:
            G[r, i] = -1
        elif row_fac[r] < 0:
            G[r, i] = 0
        else:
            G[r, i] = C[row_fac[r], i]
    for a in range(X.shape[1]):
        X[i, a] = 1.0 if C[cox_fac[a], i] == cox_bad[a] else 0.0


def anneal(s: Structure, t: np.ndarray, death: np.ndarray, targets: Targets, rng: np.random.Generator,
           iterations: int, t0: float = 1.0, t1: float = 0.01, magnets: np.ndarray | None = None,
           lo: int = 18, hi: int = 1588):
    """One annealing run; returns the best (structure, times, deaths, energy, hits) seen."""
    st = Search(s, t, death, targets)
    n, nc = s.n, s.n_cur
    best = (st.s.copy(), st.t.copy(), st.death.copy(), st.energy, st.hits)
    magnets = np.array([], np.int64) if magnets is None else magnets
    codes = st.s.codes
    era = codes["era"]
    era_rows = [r for r, (_, f) in enumerate(targets.groupings) if f == "era"]
    cool = (t1 / t0) ** (1.0 / max(iterations - 1, 1))
    T = t0
    # draw random numbers in chunks (fast, and still a pure function of the Generator)
    CH = 4096
    for it in range(iterations):
        if it % CH == 0:
            U = rng.random((CH, 6))
            IJ = rng.integers(0, 1 << 30, (CH, 3))
        u = U[it % CH]
        a, b, c = IJ[it % CH]
        move = u[0]
        undo = None
        if move < 0.40:  # time of one patient
            i = a % n
            old = st.t[i]
            if u[1] < 0.45:
                step = 1 + int(u[2] * u[2] * 40)
                new = old + (step if u[3] < 0.5 else -step)
            elif u[1] < 0.8 and len(magnets):
                new = magnets[b % len(magnets)] + (c % 3) - 1
            else:
                new = lo + int(u[2] * (hi - lo + 1))
            new = min(max(new, lo), hi)
            if new == old:
                continue
            old_era = era[i]
            st.t[i] = new
            if era[i] == 1 and not _era_ok(new):
                era[i] = 0
                for r in era_rows:
                    st.G[r, i] = 0
            undo = ("t", i, old, old_era)
        elif move < 0.52:  # swap two times
            i, j = a % n, b % n
            if st.t[i] == st.t[j]:
                continue
            if (era[i] == 1 and not _era_ok(st.t[j])) or (era[j] == 1 and not _era_ok(st.t[i])):
                continue
            st.t[i], st.t[j] = st.t[j], st.t[i]
            undo = ("tt", i, j)
        elif move < 0.66:  # swap a death with a censoring
            i, j = a % n, b % n
            if st.death[i] == st.death[j]:
                continue
            st.death[i], st.death[j] = st.death[j], st.death[i]
            undo = ("d", i, j)
        elif move < 0.95:  # swap a factor within a subset
            key = SWAP_FACTORS[c % len(SWAP_FACTORS)]
            if u[1] < nc / n:
                i, j = a % nc, b % nc
            else:
                i, j = nc + a % (n - nc), nc + b % (n - nc)
            if not swap_allowed(st.s, key, i, j):
                continue
            do_swap(st.s, key, i, j)
            st.refresh(i, j)
            undo = ("f", key, i, j)
        else:  # flip the era of one patient
            i = a % n
            if era[i] == 0 and not _era_ok(st.t[i]):
                continue
            era[i] = 1 - era[i]
            for r in era_rows:
                st.G[r, i] = era[i]
            undo = ("e", i)
        e, h = st.evaluate()
        de = e - st.energy
        if de <= 0 or u[5] < math.exp(-de / T):
            st.energy, st.hits = e, h
            if e < best[3]:
                best = (st.s.copy(), st.t.copy(), st.death.copy(), e, h)
        else:  # undo
            kind = undo[0]
            if kind == "t":
                _, i, old, old_era = undo
                st.t[i] = old
                if era[i] != old_era:
                    era[i] = old_era
                    for r in era_rows:
                        st.G[r, i] = old_era
            elif kind == "tt":
                _, i, j = undo
                st.t[i], st.t[j] = st.t[j], st.t[i]
            elif kind == "d":
                _, i, j = undo
                st.death[i], st.death[j] = st.death[j], st.death[i]
            elif kind == "f":
                _, key, i, j = undo
                do_swap(st.s, key, i, j)
                st.refresh(i, j)
            else:
                _, i = undo
                era[i] = 1 - era[i]
                for r in era_rows:
                    st.G[r, i] = era[i]
        T *= cool
    return best
