"""Stage 2, the coarse search: anneal the order of the times, the censoring and the joint assignment of the
factors (the finisher, ``finish``, then refines the result and ``pins`` places the values).

Log-rank tests and the Cox model depend only on the order of the times and on which are deaths, so the
search holds an *order* (ranks ``0 .. n-1``), the death indicator (the number of deaths is fixed) and
the factor codes of ``structure``.  Moves (``kernel.anneal_chunk``):

- *swap two neighbours* in the order (the fine move), or two patients anywhere;
- *move one patient* to a new rank (the others shift);
- *swap death*: a death and a censoring trade places, mostly the nearest in the order;
- *swap a factor* between two patients of the same subset (keeps every count; ``swap_allowed``);
- *flip era* (the era split has no printed count).

The loss (``loss.rank_loss``) scores each rank-determined target (log-rank p, Cox, a median not reached) by
its distance to the printed rounding interval, and the value targets (medians, 5-year rates, follow-up) by the
heaviest set of pins one placement of values can meet (``pins.pin_chain``).  The temperature falls geometrically
over a fixed number of iterations; then each factor in turn gets a short annealing of its own swaps
(the order fixed), which finishes p-values the joint search left just outside their intervals.
:func:`place_times` turns an order into times (``pins.place``).  Random numbers come from one seeded ``numpy``
Generator, so the result is a pure function of the seed and the iteration budget.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.factors import COX_COVARIATES, FACTORS

from .arrays import Design, Draws, MoveMix, Ranked, row_stats, target_arrays
from .assemble import TENTH, era_allowed
from .kernel import anneal_chunk
from .loss import evaluate_state, state_pins
from .moves import CUR_SWAPS, NON_SWAPS
from .pins import ITEM_COLS, pin_chain, place
from .ranks import km_ranks
from .structure import CODED, Structure
from .targets import Targets, cox_matrix, fed_rows, grouping_matrix

_GRID = np.arange(0, 20001)
ERA_MAX_T = int(_GRID[era_allowed(_GRID)].max())  # longest follow-up (tenths) compatible with the later era
SUBSET_CODE = {"all": 0, "metastasectomy": 1, "no_metastasectomy": 2, "palliative_chemo": 3}

# loss: a missed rank-determined target costs 1 + ALPHA * min(distance / scale, CAP); a missed value target
# PIN_MISS.  A long, gentle pull (small ALPHA, large CAP) beat a short steep one in benchmarks.
ALPHA, CAP, PIN_MISS = 0.1, 10.0, 2.0
P_SCALE, COX_SCALE = 0.05, 0.03  # log10 units (p), natural-log units (Cox HR and limits)
# move mix (cumulative): neighbour swap, any swap, move to a rank, death swap, factor swap (rest: era flip);
# then the share of death swaps with the nearest other outcome, and of factor swaps with the nearest patient
# in the order who can take the other value (a small change of the statistics: the fine tuning)
MIX = np.array([0.35, 0.40, 0.48, 0.62, 0.97, 0.7, 0.5])
FACTOR_T0, FACTOR_T1 = 0.3, 0.01  # the per-factor annealing's temperatures
FACTOR_ONLY = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.7, 0.5])
CHUNK = 8192  # annealing iterations a compiled call runs (their random numbers drawn at once)
NOT_REACHED_MONTHS = 150.0  # a median printed as not reached, for the start times only


class RankSearch:
    """Search state: the order, the deaths, the factor codes and the matrices the kernel reads."""

    def __init__(self, s: Structure, order: np.ndarray, death: np.ndarray, targets: Targets):
        self.s = s.copy()
        self.tg = targets
        self.order = np.asarray(order, np.int64).copy()
        self.rank = np.empty_like(self.order)
        self.rank[self.order] = np.arange(len(self.order))
        self.death = np.asarray(death, np.float64).copy()
        self.row_fac = np.array([-1 if f == "os" else CODED.index(f) for _, f in targets.groupings], np.int64)
        self.row_sub = np.array([SUBSET_CODE[sb] for sb, _ in targets.groupings], np.int64)
        self.cox_fac = np.array([CODED.index(k) for k, _ in COX_COVARIATES.values()], np.int64)
        self.cox_bad = np.array([FACTORS[k].levels.index(b) for k, b in COX_COVARIATES.values()], np.int8)
        self.ta = target_arrays(targets)  # the target arrays the compiled loss reads
        self.params = np.array([ALPHA, ERA_MAX_T, CAP, PIN_MISS, P_SCALE, COX_SCALE])
        self.state = np.array([np.nan, np.nan, np.inf, 0.0, 1.0, 0.0])
        self.rebuild()
        self.keep_best()

    def rebuild(self) -> None:
        """Grouping and Cox matrices from the factor codes."""
        self.G, self.K = grouping_matrix(self.s.codes, self.s.n_cur, self.tg.groupings)
        self.X = cox_matrix(self.s.codes)

    def recoded(self, rows: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The factor codes ``C`` and the grouping and Cox matrices ``G`` and ``X`` of this state with the codes of
        the factors in ``rows`` (key: a code per patient) replaced, as :meth:`rebuild` would make them; only the
        rows and columns those factors feed are computed anew."""
        C = self.s.C.copy()
        for key, row in rows.items():
            C[CODED.index(key)] = row
        codes = {k: C[i] for i, k in enumerate(CODED)}
        G, fed = self.G.copy(), fed_rows(self.tg.groupings, rows)
        if fed:
            G[fed] = grouping_matrix(codes, self.s.n_cur, [self.tg.groupings[r] for r in fed])[0]
        X = cox_matrix(codes) if any(key in rows for key, _ in COX_COVARIATES.values()) else self.X.copy()
        return C, G, X

    def hits_with(self, rows: dict) -> float:
        """The search's weighted hits of this state with the codes ``rows`` (:meth:`recoded`): ``finish.score``'s
        ``hits`` of a search state holding those codes, without building one."""
        C, G, X = self.recoded(rows)
        return evaluate_state(self.order, self.death, C, self.design(G, X), self.ta, self.params)[1]

    def keep_best(self) -> None:
        self.best = Ranked(self.order.copy(), self.rank.copy(), self.death.copy(), self.s.C.copy())

    def ranked(self) -> Ranked:
        """The current state as the kernel takes it (the same arrays, changed in place by a run)."""
        return Ranked(self.order, self.rank, self.death, self.s.C)

    def design(self, G=None, X=None) -> Design:
        """The ``arrays.Design`` of the current state, or of another state's grouping and Cox matrices."""
        G, X = self.G if G is None else G, self.X if X is None else X
        return Design(G, self.K, X, self.row_fac, self.row_sub, self.cox_fac, self.cox_bad, int(self.s.n_cur))

    def run(self, U, IJ, temps, mix, cur_swaps=CUR_SWAPS, non_swaps=NON_SWAPS) -> None:
        anneal_chunk(
            Draws(U, IJ, temps),
            self.ranked(),
            self.design(),
            self.ta,
            self.params,
            self.state,
            self.best,
            MoveMix(mix, cur_swaps, non_swaps),
        )

    def energy(self) -> tuple[float, float]:
        """(loss, hits) of the current state, computed afresh."""
        st = self.state.copy()
        self.state[2] = np.inf
        empty = np.zeros((0, 5))
        self.run(empty, np.zeros((0, 3), np.int64), np.zeros(0), MIX)
        out = float(self.state[0]), float(self.state[1])
        self.state[:] = st
        return out

    def restore_best(self) -> None:
        """Continue from the best state seen."""
        if np.isfinite(self.state[2]):
            self.order[:], self.rank[:], self.death[:], self.s.C[:, :] = self.best
            self.rebuild()

    def times(self) -> np.ndarray:
        """Times (tenths) that meet the heaviest chain of pins of the current order."""
        return place_times(self.order, self.rank, self.death, self.s.C, self.G, self.K, self.tg)


def place_times(order, rank, death, C, G, K, tg: Targets) -> np.ndarray:
    """Times (tenths) per patient that meet the heaviest chain of pins (``pins``) of an order."""
    n = len(rank)
    R = G.shape[0]
    rs = row_stats(R, 0)
    km_ranks(order, death, G, K, np.arange(R), R, rs, True)
    items = np.zeros((len(tg.tmed) + len(tg.tscal) + n + 1, ITEM_COLS))
    m, _, era_rank = state_pins(order, death, C, G, rs, target_arrays(tg), ERA_MAX_T, items)
    _, pred, w_end, top = pin_chain(items, m, 1.0)
    v = place(items, m, pred, w_end, top, n, era_rank, ERA_MAX_T, 1)
    return v[rank]


def _chunks(rng, total, chunk, t0, t1):
    done = 0
    while done < total:
        m = min(chunk, total - done)
        U = rng.random((m, 5))
        IJ = rng.integers(0, 1 << 30, (m, 3))
        k = np.arange(done, done + m)
        yield U, IJ, t0 * (t1 / t0) ** (k / max(total - 1, 1))
        done += m


class Schedule(NamedTuple):
    """How long and how hot :func:`anneal` searches: ``iterations`` of every move from temperature ``t0`` down
    to ``t1`` (geometrically), then ``factor_iterations`` of each factor's swaps alone, from ``factor_t0`` down
    to ``factor_t1``."""

    iterations: int
    factor_iterations: int = 0
    t0: float = 1.0
    t1: float = 0.01
    factor_t0: float = FACTOR_T0
    factor_t1: float = FACTOR_T1


def anneal(
    s: Structure, t: np.ndarray, death: np.ndarray, targets: Targets, rng: np.random.Generator, schedule: Schedule
):
    """Anneal from the order of the times ``t`` as ``schedule`` says (a :class:`Schedule`), the random numbers
    drawn from ``rng`` in chunks of ``CHUNK`` iterations; returns the search state at the best loss seen
    (:class:`RankSearch`)."""
    iterations, factor_iterations, t0, t1, factor_t0, factor_t1 = schedule
    st = RankSearch(s, np.argsort(t, kind="stable"), death, targets)
    for U, IJ, temps in _chunks(rng, iterations, CHUNK, t0, t1):
        st.run(U, IJ, temps, MIX)
    st.restore_best()
    if factor_iterations > 0:
        for f in sorted(set(CUR_SWAPS.tolist()) | set(NON_SWAPS.tolist())):
            cur = np.array([f] if f in CUR_SWAPS else [], np.int64)
            non = np.array([f] if f in NON_SWAPS else [], np.int64)
            st.state[2] = st.energy()[0]
            st.keep_best()
            for U, IJ, temps in _chunks(rng, factor_iterations, CHUNK, factor_t0, factor_t1):
                st.run(U, IJ, temps, FACTOR_ONLY, cur, non)
            st.restore_best()
    return st


def start_times(s, spec, targets, rng):
    """Unsearched starting times and deaths.  Each patient's median is the geometric mean of the printed
    medians of their levels in their subset's table (Table 4 or 5; 150 months for "not reached"), and the
    time an exponential draw around it, within the printed follow-up range; deaths (the printed number)
    fall more likely on short times.  A start that already ranks the patients roughly as the tables do
    searched better than a start by subset alone (data/RECONSTRUCTION.md)."""
    n = s.n
    G, _ = grouping_matrix(s.codes, s.n_cur, targets.groupings)
    logs, cnt = np.zeros(n), np.zeros(n)
    for r, g, lo, hi, not_reached, _ in targets.tmed:
        sub, fac = targets.groupings[int(r)]
        if sub == "all" or fac == "os":
            continue
        who = G[int(r)] == int(g)
        logs[who] += np.log(NOT_REACHED_MONTHS if not_reached else (lo + hi) / 2)
        cnt[who] += 1
    med = np.where(cnt > 0, np.exp(logs / np.maximum(cnt, 1)), np.exp(logs.sum() / max(cnt.sum(), 1)))
    t = rng.exponential(med / np.log(2))
    lo, hi = int(round(spec["followup"]["min"] * TENTH)), int(round(spec["followup"]["max"] * TENTH))
    t = np.clip(np.round(t * TENTH).astype(int), lo + 1, hi - 1)
    order = np.argsort(t, kind="stable")
    t[order[0]], t[order[-1]] = lo, hi
    w = 1.0 / (1.0 + t / (5 * 12 * TENTH))
    death = np.zeros(n, np.int8)
    death[rng.choice(n, spec["deaths"], replace=False, p=w / w.sum())] = 1
    s.codes["era"][:] = np.where(era_allowed(t), s.codes["era"], 0)
    return t, death
