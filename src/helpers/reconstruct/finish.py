"""Stage 3, the finisher: combinations of fine moves, each combination verified exactly.

The coarse search (``coarse``) ends where no single move it makes gains, yet many of its misses lie within a
few dozen rounding widths of their boxes.  The finisher works in the space of the statistics themselves:

1. From the state, it lists the *fine moves* (:func:`fine_moves`): swaps of neighbours in the order, moves of
   a patient by two or three ranks, a death trading outcomes with the nearest censoring, a factor swapped
   with the nearest patient in the order who can take the other value, an era flip.  About 1,300 of them.
2. It applies each alone and records its exact effect on every order-dependent statistic: each log-rank
   test (as the square root of its chi-square, which moves nearly linearly), each Cox coefficient and
   standard error, and the weighted hits of the value targets (medians, rates, follow-up: the pins).
3. Effects of moves that touch different ranks nearly add up.  So it predicts every pair of compatible moves
   exhaustively and the best triples and quadruples by a beam over the best pairs, scoring each prediction
   by the weighted hits it would make, less ``LAMBDA`` per rounding width still to go (capped at ``CAP``
   per target).
4. The best predicted combinations are applied and scored exactly (``loss.evaluate_state``); the best one
   that raises that score is kept, and the round repeats until none does.

The same rounds run over any list of moves: ``finish(st, moves_of=moves.every_swap, within_factor=True)``
combines the swaps of one factor among every swap the counts allow, not only the nearest one (the default
design's merges end so, ``blocks.SWAP_ROUNDS``).

Everything is deterministic: moves are enumerated in a fixed order and ties are broken by it.  The budget is
counted in rounds.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba as nb
import numpy as np
from scipy.special import chdtri

from .arrays import Ranked, row_stats
from .loss import evaluate_state
from .moves import CUR_SWAPS, NON_SWAPS, SWAPPED, apply_move, swap_ok
from .stats import Z975

ROUNDS = 40  # most rounds; a round that finds no better combination ends the stage
LAMBDA = 0.002  # score per rounding width of distance: a hit is worth 500 widths
CAP = 30.0  # widths counted per missed target
INSERT = 3  # a patient moves by up to this many ranks
BEAM = (3000, 800, 2000, 400, 1000)  # pairs kept; pairs extended; triples kept; triples extended; quadruples kept
VERIFY = 60  # best predicted combinations scored exactly per round


class Boxes(NamedTuple):
    """The continuous targets: ``T`` rows (type, index, low, high, weight); type 0 is a log-rank p of
    ``tp[index]`` as sqrt(chi-square), types 1-4 the hr, ci_low, ci_high (log scale) and p (as |z|) of Cox
    covariate ``index``; ``n_p`` log-rank entries precede the coefficients and standard errors in ``y``."""

    T: np.ndarray
    n_p: int
    df: np.ndarray  #: degrees of freedom of each log-rank target's test


def _p_to_y(p, df):
    return np.sqrt(chdtri(df, np.clip(p, 1e-300, 1.0)))


def boxes(st) -> Boxes:
    """The continuous targets of a search state (``coarse.RankSearch``)."""
    tg = st.tg
    df = np.array([max(int(st.K[int(r)]) - 1, 1) for r in tg.tp[:, 0]], np.int64)
    T = []
    for j, (_, lo, hi, w) in enumerate(tg.tp):
        T.append((0, j, _p_to_y(hi, df[j]), _p_to_y(lo, df[j]) if lo > 0 else np.inf, w))
    for s, a, lo, hi, w in tg.tcox:
        if int(s) == 3:
            T.append((4, int(a), _p_to_y(hi, 1), _p_to_y(lo, 1) if lo > 0 else np.inf, w))
        else:
            T.append((1 + int(s), int(a), math.log(lo), math.log(hi), w))
    return Boxes(np.array(T, float).reshape(-1, 5), len(tg.tp), df)


def statistics(pval: np.ndarray, cx: np.ndarray, st, bx: Boxes) -> np.ndarray:
    """``y``: each log-rank target's sqrt(chi-square), then the Cox coefficients, then their standard errors."""
    p = pval[st.tg.tp[:, 0].astype(np.int64)]
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.log(cx[0])
        se = (np.log(cx[2]) - np.log(cx[1])) / (2 * Z975)
    return np.concatenate([_p_to_y(p, bx.df), beta, se])


@nb.njit(cache=True)
def box_hits(y, T, n_p, cap):
    """(weighted hits, weighted distance in rounding widths, each capped at ``cap``) of the statistics ``y``."""
    h = 0.0
    dist = 0.0
    p = (y.shape[0] - n_p) // 2
    for t in range(T.shape[0]):
        typ = int(T[t, 0])
        a = int(T[t, 1])
        lo, hi, w = T[t, 2], T[t, 3], T[t, 4]
        if typ == 0:
            f = y[a]
        else:
            b = y[n_p + a]
            se = y[n_p + p + a]
            if typ == 1:
                f = b
            elif typ == 2:
                f = b - 1.959963984540054 * se
            elif typ == 3:
                f = b + 1.959963984540054 * se
            else:
                f = abs(b) / se
        if not np.isfinite(f):
            dist += w * cap
        elif f >= lo and f <= hi:
            h += w
        else:
            width = hi - lo if np.isfinite(hi) else max(0.01 * lo, 1e-6)
            dist += w * min(((lo - f) if f < lo else (f - hi)) / width, cap)
    return h, dist


class State:
    """A copy of a search state's order, outcomes and factors, with the matrices derived from them."""

    def __init__(self, order, death, C, G, X):
        self.order, self.death, self.C, self.G, self.X = order, death, C, G, X
        self.rank = np.empty_like(order)
        self.rank[order] = np.arange(len(order))

    @classmethod
    def of(cls, st) -> State:
        return cls(st.order.copy(), st.death.copy(), st.s.C.copy(), st.G.copy(), st.X.copy())

    def copy(self) -> State:
        return State(self.order.copy(), self.death.copy(), self.C.copy(), self.G.copy(), self.X.copy())

    def apply(self, st, moves) -> State:
        out = self.copy()
        for mv in moves:
            apply_move(mv, Ranked(out.order, out.rank, out.death, out.C), st.design(out.G, out.X))
        return out


class Score(NamedTuple):
    objective: float  #: hits - LAMBDA * distance
    hits: float  #: the search's weighted hits (every target)
    pins: float  #: of which the value targets (medians, rates, follow-up)
    distance: float
    y: np.ndarray


def _evaluate(st, s: State):
    """``loss.evaluate_state`` of a state with the search's targets: (loss, hits, log-rank p, Cox table, ok)."""
    return evaluate_state(s.order, s.death, s.C, st.design(s.G, s.X), st.ta, st.params)


def score(st, bx: Boxes, s: State) -> Score:
    """The exact score of a state."""
    _, hits, pval, cx, _ = _evaluate(st, s)
    y = statistics(pval, cx, st, bx)
    h, dist = box_hits(y, bx.T, bx.n_p, CAP)
    return Score(hits - LAMBDA * dist, hits, hits - h, dist, y)


def fine_moves(s: State, n_cur: int, insert: int = INSERT) -> np.ndarray:
    """The fine moves of a state as rows ``(kind, a, b, c)`` (``moves.apply_move``), sorted and distinct."""
    order, death, C = s.order, s.death, s.C
    n = len(order)
    mv = set()
    for q in range(n - 1):
        a, b = int(order[q]), int(order[q + 1])
        if death[a] or death[b]:  # two censorings side by side: no statistic changes
            mv.add((0, min(a, b), max(a, b), 0))
    for q in range(n):
        for d in range(2, insert + 1):
            for r in (q - d, q + d):
                if 0 <= r < n:
                    mv.add((1, int(order[q]), r, 0))
    for q in range(n):
        i = int(order[q])
        if not death[i]:
            continue
        for step in (-1, 1):
            r = q + step
            while 0 <= r < n and death[order[r]] == death[i]:
                r += step
            if 0 <= r < n:
                j = int(order[r])
                mv.add((2, min(i, j), max(i, j), 0))
    for f in SWAPPED:
        for q in range(n):
            i = int(order[q])
            cur = i < n_cur
            if f not in (CUR_SWAPS if cur else NON_SWAPS):
                continue
            for step in (-1, 1):
                r = q + step
                while 0 <= r < n:
                    z = int(order[r])
                    if (z < n_cur) == cur and swap_ok(C, f, i, z, n_cur):
                        mv.add((3, min(i, z), max(i, z), f))
                        break
                    r += step
    mv.update((4, i, 0, 0) for i in range(n))
    return np.array(sorted(mv), np.int64).reshape(-1, 4)


def footprints(moves: np.ndarray, s: State) -> np.ndarray:
    """Per move the ranks it touches: ``(low, high, span)``; span 1 for a stretch of the order (swaps and
    moves of a patient), 0 for just the two ends (outcome and factor swaps, era flips)."""
    r = s.rank
    a, b, kind = moves[:, 1], moves[:, 2], moves[:, 0]
    ra = r[a]
    rb = np.where(kind == 1, b, np.where(kind == 4, ra, r[np.where(kind == 4, a, b)]))
    return np.column_stack([np.minimum(ra, rb), np.maximum(ra, rb), (kind <= 1).astype(np.int64)])


@nb.njit(cache=True)
def _compatible(F, a, b):
    la, ha, sa = F[a, 0], F[a, 1], F[a, 2]
    lb, hb, sb = F[b, 0], F[b, 1], F[b, 2]
    if sa == 1 and sb == 1:
        return ha < lb or hb < la
    if sa == 1:
        return not ((la <= lb <= ha) or (la <= hb <= ha))
    if sb == 1:
        return not ((lb <= la <= hb) or (lb <= ha <= hb))
    return la != lb and la != hb and ha != lb and ha != hb


class Linear(NamedTuple):
    """The finisher's linear model of the fine moves: the statistics and the pins' weight now (``y0``,
    ``pins0``), each move's change of them (``dY``, ``dpins``), which moves combine (``F``, :func:`footprints`),
    the boxes (``T``, ``n_p``: :class:`Boxes`), the score's cap and distance weight (``CAP``, ``LAMBDA``), and
    per move the index past the last move it may be combined with (``upto``: the moves are listed so)."""

    y0: np.ndarray
    pins0: float
    dY: np.ndarray
    dpins: np.ndarray
    F: np.ndarray
    T: np.ndarray
    n_p: int
    cap: float
    lam: float
    upto: np.ndarray


@nb.njit(cache=True)
def _predict(lin, idx, m):
    """The predicted score of the first ``m`` moves of ``idx`` together: their changes added."""
    y = lin.y0.copy()
    pins = lin.pins0
    for z in range(m):
        k = idx[z]
        for d in range(y.shape[0]):
            y[d] += lin.dY[k, d]
        pins += lin.dpins[k]
    h, dist = box_hits(y, lin.T, lin.n_p, lin.cap)
    return h + pins - lin.lam * dist


@nb.njit(cache=True)
def _keep(out_s, out_i, idx, m, s):
    """Put ``(s, idx)`` in the kept list if it beats its worst entry (the first worst on a tie)."""
    worst = 0
    for q in range(out_s.shape[0]):
        if out_s[q] < out_s[worst]:
            worst = q
    if s > out_s[worst]:
        out_s[worst] = s
        for z in range(m):
            out_i[worst, z] = idx[z]


@nb.njit(cache=True)
def best_pairs(lin, keep):
    """The ``keep`` best predicted pairs of compatible moves (every pair is predicted by ``lin``, a
    :class:`Linear`)."""
    F = lin.F
    K = lin.dY.shape[0]
    out_s = np.full(keep, -1e18)
    out_i = np.zeros((keep, 2), np.int64)
    idx = np.zeros(2, np.int64)
    for a in range(K):
        idx[0] = a
        for b in range(a + 1, lin.upto[a]):
            if _compatible(F, a, b):
                idx[1] = b
                _keep(out_s, out_i, idx, 2, _predict(lin, idx, 2))
    return out_s, out_i


@nb.njit(cache=True)
def extend(lin, base, keep):
    """The ``keep`` best predicted extensions of the combinations ``base`` (rows of increasing move indices) by
    one more compatible move of a higher index (predicted by ``lin``, a :class:`Linear`)."""
    F = lin.F
    B, m = base.shape
    out_s = np.full(keep, -1e18)
    out_i = np.zeros((keep, m + 1), np.int64)
    idx = np.zeros(m + 1, np.int64)
    for r in range(B):
        for z in range(m):
            idx[z] = base[r, z]
        for c in range(base[r, m - 1] + 1, lin.upto[base[r, m - 1]]):
            ok = True
            for z in range(m):
                if not _compatible(F, base[r, z], c):
                    ok = False
                    break
            if ok:
                idx[m] = c
                _keep(out_s, out_i, idx, m + 1, _predict(lin, idx, m + 1))
    return out_s, out_i


def _ranked(scores: np.ndarray, combos: np.ndarray, k: int) -> np.ndarray:
    keep = scores > -1e17
    scores, combos = scores[keep], combos[keep]
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    return combos[order]


def candidates(st, bx: Boxes, s: State, now: Score, moves_of=fine_moves, within_factor: bool = False):
    """The moves of a state (``moves_of(s, n_cur)``, the fine moves by default) and their combinations worth
    scoring exactly, best predicted first; ``within_factor``: only moves of one factor combined (factor swaps
    listed by factor, as ``moves.every_swap`` lists them)."""
    moves = moves_of(s, st.s.n_cur)
    effects = [score(st, bx, s.apply(st, [mv])) for mv in moves]
    dY = np.array([e.y for e in effects]) - now.y
    dY[~np.isfinite(dY)] = 0.0
    dpins = np.array([e.pins for e in effects]) - now.pins
    acts = (np.abs(dY).max(axis=1) > 1e-12) | (dpins != 0)  # moves that change nothing are left out
    moves, effects, dY, dpins = moves[acts], [e for e, a in zip(effects, acts) if a], dY[acts], dpins[acts]
    F = footprints(moves, s)
    upto = np.searchsorted(moves[:, 3], moves[:, 3], "right") if within_factor else np.full(len(moves), len(moves))
    lin = Linear(now.y, float(now.pins), dY, dpins, F, bx.T, int(bx.n_p), float(CAP), float(LAMBDA), upto)
    pairs_keep, pairs_ext, triples_keep, triples_ext, quads_keep = BEAM
    singles = np.array([e.objective for e in effects])
    ps, pi = best_pairs(lin, pairs_keep)
    ts, ti = extend(lin, _ranked(ps, pi, pairs_ext), triples_keep)
    qs, qi = extend(lin, _ranked(ts, ti, triples_ext), quads_keep)
    pool = [(float(v), (k,)) for k, v in enumerate(singles)]
    for sc, co in ((ps, pi), (ts, ti), (qs, qi)):
        pool += [(float(v), tuple(int(x) for x in c)) for v, c in zip(sc, co) if v > -1e17]
    pool.sort(key=lambda x: (-x[0], len(x[1]), x[1]))
    seen, out = set(), []
    for _, combo in pool:
        if combo not in seen:
            seen.add(combo)
            out.append(moves[list(combo)])
    return out


def finish(
    st, rounds: int = ROUNDS, verify: int = VERIFY, moves_of=fine_moves, within_factor: bool = False
) -> list[Score]:
    """Finish a search state in place (``coarse.RankSearch``): rounds of the best exactly verified
    combination of moves (``moves_of(s, n_cur)``: the fine moves, or ``moves.every_swap`` with
    ``within_factor``, :func:`candidates`), while the score rises.  Returns the score after each round (the
    start first)."""
    bx = boxes(st)
    s = State.of(st)
    now = score(st, bx, s)
    trail = [now]
    for _ in range(rounds):
        best, best_state = now, None
        for combo in candidates(st, bx, s, now, moves_of, within_factor)[:verify]:
            new = s.apply(st, combo)
            sc = score(st, bx, new)
            if sc.objective > best.objective + 1e-9:
                best, best_state = sc, new
        if best_state is None:
            break
        s, now = best_state, best
        trail.append(now)
    st.order[:], st.rank[:], st.death[:], st.s.C[:, :] = s.order, s.rank, s.death, s.C
    st.rebuild()
    return trail


# --------------------------------------------------------------------------------------------------
# what each miss conflicts with
# --------------------------------------------------------------------------------------------------


class Conflict(NamedTuple):
    """The nearest fine change that reaches a missed target: its moves, and the targets it would lose."""

    moves: int  #: 1 or 2 fine moves (0: none of those reaches it)
    loses: tuple  #: published ids of the targets (one per fact) it would lose


def target_hits(st, s: State, bx: Boxes) -> np.ndarray:
    """Whether the state meets each target, in the order of :func:`target_ids`: the medians, the log-rank p
    values, the Cox numbers, the 5-year rates and the follow-up.  A value target is met when the heaviest
    chain of pins (``pins.pin_chain``), the one the placed times meet, holds it."""
    from .coarse import ERA_MAX_T
    from .loss import state_pins
    from .pins import ITEM_COLS, pin_chain
    from .ranks import five_year_curves, km_ranks

    tg = st.tg
    n, R = len(s.order), s.G.shape[0]
    rs = row_stats(R, 0)
    km_ranks(s.order, s.death, s.G, st.K, np.arange(R), R, rs, True)
    items = np.zeros((len(tg.tmed) + len(tg.tscal) + n + 1, ITEM_COLS))
    m, _, _ = state_pins(s.order, s.death, s.C, s.G, rs, st.ta, ERA_MAX_T, items)
    _, pred, _, q = pin_chain(items, m, 1.0)
    keys = [tuple(items[z, :5]) for z in range(m)]  # identical pins are one item of the chain
    held = set()
    while q >= 0:
        held.add(keys[q])
        q = int(pred[q])
    chain = {int(items[z, 6]) for z in range(m) if keys[z] in held}
    med = np.array(
        [(np.isnan(rs.x1[int(r), int(g)]) if nr else (j in chain)) for j, (r, g, _, _, nr, _) in enumerate(tg.tmed)],
        bool,
    )
    S5, last5 = five_year_curves(s.order, s.death, s.G, st.ta.rows5, st.ta.lev5, n)
    five = np.zeros(len(tg.ts5), bool)
    for code in chain:
        k = code - 2000
        if 0 <= k < n:
            five |= (k < last5) & (100 * S5[:, k] >= tg.ts5[:, 2]) & (100 * S5[:, k] <= tg.ts5[:, 3])
    scal = np.array([1000 + j in chain for j in range(len(tg.tscal))], bool)
    _, _, pv, cx, _ = _evaluate(st, s)
    y = statistics(pv, cx, st, bx)
    cont = np.array([box_hits(y, bx.T[t : t + 1], bx.n_p, CAP)[0] > 0 for t in range(len(bx.T))], bool)
    return np.concatenate([med, cont, five, scal])


def target_ids(tg) -> list:
    """The published id of each target (one per fact), in the order of :func:`target_hits`."""
    return tg.ids["median_os"] + tg.ids["p"] + tg.ids["cox"] + tg.ids["os_5yr"] + tg.ids["followup"]


def conflicts(st) -> dict:
    """For each target the state misses, the nearest change of one or two fine moves that meets it and what
    that change loses (fewest lost first, then by the exact loss of the search); ``Conflict(0, ())`` when
    no such change exists.  Pairs are proposed by the linear prediction and checked exactly."""
    bx = boxes(st)
    s = State.of(st)
    now = score(st, bx, s)
    keys = target_ids(st.tg)
    b = target_hits(st, s, bx)
    moves = fine_moves(s, st.s.n_cur)
    singles = [s.apply(st, [mv]) for mv in moves]
    H = np.array([target_hits(st, x, bx) for x in singles], bool).reshape(len(moves), len(keys))
    effects = np.array([score(st, bx, x).y for x in singles]) - now.y
    effects[~np.isfinite(effects)] = 0.0
    F = footprints(moves, s)
    first_cont = len(st.tg.ids["median_os"])
    out = {}
    for j in np.flatnonzero(~b):
        lost = [np.flatnonzero(b & ~H[k]) for k in np.flatnonzero(H[:, j])]
        if lost:
            fewest = min(lost, key=len)
            out[keys[j]] = Conflict(1, tuple(keys[i] for i in fewest))
    cont = np.array(
        [j - first_cont for j in np.flatnonzero(~b) if keys[j] not in out and 0 <= j - first_cont < len(bx.T)], np.int64
    )
    pairs = _nearest_pairs(now.y, effects, bx.T, bx.n_p, cont, F, CAP) if len(cont) else np.zeros((0, 2), np.int64)
    for t, (a, c) in zip(cont, pairs):
        j = first_cont + int(t)
        if a >= 0:
            h2 = target_hits(st, s.apply(st, moves[[a, c]]), bx)
            if h2[j]:
                out[keys[j]] = Conflict(2, tuple(keys[i] for i in np.flatnonzero(b & ~h2)))
    return {keys[j]: out.get(keys[j], Conflict(0, ())) for j in np.flatnonzero(~b)}


@nb.njit(cache=True)
def _nearest_pairs(y0, dY, T, n_p, wanted, F, cap):
    """For each continuous target in ``wanted``, the compatible pair of moves whose predicted sum puts it in its
    box and keeps the most weighted hits of all the continuous targets ((-1, -1) when no pair does)."""
    K = dY.shape[0]
    m = wanted.shape[0]
    best = np.full((m, 2), -1, np.int64)
    best_s = np.full(m, -1.0)
    y = y0.copy()
    for a in range(K):
        for c in range(a + 1, K):
            if not _compatible(F, a, c):
                continue
            for d in range(y.shape[0]):
                y[d] = y0[d] + dY[a, d] + dY[c, d]
            s = -1.0
            for q in range(m):
                t = wanted[q]
                if box_hits(y, T[t : t + 1], n_p, cap)[0] <= 0:
                    continue
                if s < 0:
                    s = box_hits(y, T, n_p, cap)[0]
                if s > best_s[q]:
                    best_s[q] = s
                    best[q, 0] = a
                    best[q, 1] = c
    return best
