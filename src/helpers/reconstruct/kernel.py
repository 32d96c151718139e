"""The annealing loop, compiled with numba: moves, constraint checks, incremental scoring, undo.

It runs a *chunk* of iterations on random numbers drawn by the caller from a seeded
``numpy.random.Generator``, so the run stays a pure function of the seed.  Only the grouping rows that
a move touches are recomputed (a factor swap changes its own factor's rows; a time or death move the
rows that contain the patient), and the Cox model only when its inputs change.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .score import R_TOL, cox_breslow, km_logrank_rows, loss_of
from .structure import CODED

AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, SITES, RES, CHEMO, RT, INTERVAL, LESIONS, PERI, FLR, ERA, CUR = (
    CODED.index(k) for k in CODED)
SYNC = 1  # presenting: metachronous 0, synchronous 1
NO = 1  # yes/no factors: yes 0, no 1
YES = 0

# factors swapped within each subset
CUR_SWAPS = np.array([AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, CHEMO, RT, INTERVAL, LESIONS, PERI], np.int64)
NON_SWAPS = np.array([AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, SITES, RES, CHEMO, RT, FLR], np.int64)


# move mixes (cumulative probabilities of time, swap times, swap death, swap factor; rest: flip era) and
# the share of neighbour swaps, and the share of time moves that keep the order: the main annealing, and the final polish (small moves only)
MIX_ANNEAL = np.array([0.30, 0.42, 0.54, 0.96, 0.6, 0.4])
MIX_POLISH = np.array([0.15, 0.25, 0.35, 0.97, 1.0, 1.0])


@nb.njit(cache=True)
def _neighbour(t, death, i, up, other_status):
    """The patient with the nearest larger (``up``) or smaller time than ``i`` (with the other death
    status when ``other_status``); -1 if none."""
    best = -1
    for j in range(t.shape[0]):
        if j == i or (other_status and death[j] == death[i]):
            continue
        if up:
            if t[j] > t[i] and (best < 0 or t[j] < t[best]):
                best = j
        else:
            if t[j] < t[i] and (best < 0 or t[j] > t[best]):
                best = j
    return best


@nb.njit(cache=True)
def swap_ok(C, f, i, j, n_cur):
    """May factor ``f`` swap values between patients ``i`` and ``j``? (see ``structure.swap_allowed``)"""
    if (i < n_cur) != (j < n_cur):
        return False
    a = C[f, i]
    b = C[f, j]
    if a == b:
        return False
    cur = i < n_cur
    if f == PRES:
        if cur:
            return C[INTERVAL, i] == C[INTERVAL, j]
        return not ((a == SYNC and C[RES, i] == NO) or (b == SYNC and C[RES, j] == NO))
    if f == RES:
        return (not cur) and C[PRES, i] == SYNC and C[PRES, j] == SYNC
    if f == INTERVAL:
        return cur and C[PRES, i] == C[PRES, j]
    if f == PERI:
        return cur and C[CHEMO, i] == YES and C[CHEMO, j] == YES
    if f == CHEMO:
        if cur:
            return C[PERI, i] != YES and C[PERI, j] != YES
        return True
    if f == FLR:
        return (not cur) and a >= 0 and b >= 0
    if f == SITES:
        return not cur
    if f == LESIONS:
        return cur
    return f == AGE or f == SEX or f == SITE or f == SIZE or f == DEPTH or f == GRADE or f == RT


@nb.njit(cache=True)
def do_swap(C, f, i, j, n_cur):
    tmp = C[f, i]
    C[f, i] = C[f, j]
    C[f, j] = tmp
    if f == CHEMO and i >= n_cur:  # the first-line response moves with palliative chemotherapy
        tmp = C[FLR, i]
        C[FLR, i] = C[FLR, j]
        C[FLR, j] = tmp


@nb.njit(cache=True)
def refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, i):
    """Recompute patient ``i``'s column of the grouping matrix ``G`` and Cox design ``X``."""
    for r in range(G.shape[0]):
        sub = row_sub[r]
        inside = (sub == 0 or (sub == 1 and i < n_cur) or (sub == 2 and i >= n_cur)
                  or (sub == 3 and i >= n_cur and C[CHEMO, i] == YES))
        if not inside:
            G[r, i] = -1
        elif row_fac[r] < 0:
            G[r, i] = 0
        else:
            G[r, i] = C[row_fac[r], i]
    for a in range(X.shape[1]):
        X[i, a] = 1.0 if C[cox_fac[a], i] == cox_bad[a] else 0.0


@nb.njit(cache=True)
def full_stats(t, death, G, K, X, med, s60, send, pval, cx, has_cox):
    time = t / 10.0
    order = np.argsort(time, kind="mergesort")
    km_logrank_rows(time, death, order, G, K, R_TOL, np.arange(G.shape[0]), med, s60, send, pval)
    ok = True
    if has_cox:
        c, ok = cox_breslow(time, death, order, X)
        cx[:, :] = c
    return ok


@nb.njit(cache=True)
def anneal_chunk(U, IJ, temps, t, death, C, G, K, X, row_fac, row_sub, cox_fac, cox_bad, n_cur,
                 tmed, tp, tcox, ts5, tscal, alpha, magnets, lo, hi, era_max, state,
                 best_t, best_death, best_C, mix):
    """Run ``len(U)`` annealing iterations in place.  ``state`` = [energy, hits, best_energy, best_hits,
    cox_ok, accepted].  ``mix``: cumulative probabilities of the move kinds (time, swap times, swap death,
    swap factor; the rest flips an era) and, in ``mix[4]``, the share of time/death swaps between
    neighbours in time."""
    P_TIME, P_SWAPT, P_DEATH, P_FACTOR, P_NEAR, P_VALUE = mix[0], mix[1], mix[2], mix[3], mix[4], mix[5]
    n = t.shape[0]
    R = G.shape[0]
    has_cox = tcox.shape[0] > 0
    med = np.full((R, 4), np.nan)
    s60 = np.full((R, 4), np.nan)
    send = np.full((R, 4), np.nan)
    pval = np.full(R, np.nan)
    cx = np.full((4, X.shape[1]), np.nan)
    ok = full_stats(t, death, G, K, X, med, s60, send, pval, cx, has_cox)
    energy, hits = loss_of(np.sort(t / 10.0), med, s60, send, pval, cx, ok, tmed, tp, tcox, ts5, tscal, alpha)
    # saved copies for undo
    med0 = med.copy()
    s600 = s60.copy()
    send0 = send.copy()
    pval0 = pval.copy()
    cx0 = cx.copy()
    Gi = np.empty(R, np.int8)
    Gj = np.empty(R, np.int8)
    Xi = np.empty(X.shape[1])
    Xj = np.empty(X.shape[1])
    rows = np.empty(R, np.int64)
    era_rows = np.empty(R, np.int64)
    n_era = 0
    for r in range(R):
        if row_fac[r] == ERA:
            era_rows[n_era] = r
            n_era += 1
    accepted = 0
    for it in range(U.shape[0]):
        u0, u1, u2, u3, u4, u5 = U[it, 0], U[it, 1], U[it, 2], U[it, 3], U[it, 4], U[it, 5]
        a, b, c = IJ[it, 0], IJ[it, 1], IJ[it, 2]
        kind = -1
        i = -1
        j = -1
        f = -1
        old = 0
        old_era = 0
        if u0 < P_TIME:  # time of one patient
            i = a % n
            old = t[i]
            if u4 < P_VALUE:  # keep the order: a new value between the neighbouring times
                below = lo - 1
                above = hi + 1
                for q in range(n):
                    if t[q] < old and t[q] > below:
                        below = t[q]
                    if t[q] > old and t[q] < above:
                        above = t[q]
                if above - below < 2:
                    continue
                nm = 0
                for q in range(magnets.shape[0]):
                    if magnets[q] > below and magnets[q] < above:
                        nm += 1
                if nm > 0 and u1 < 0.6:
                    pick = b % nm
                    for q in range(magnets.shape[0]):
                        if magnets[q] > below and magnets[q] < above:
                            if pick == 0:
                                new = magnets[q]
                                break
                            pick -= 1
                else:
                    new = below + 1 + int(u2 * (above - below - 1))
            elif u1 < 0.45:
                step = 1 + int(u2 * u2 * 40)
                new = old + step if u3 < 0.5 else old - step
            elif u1 < 0.8 and magnets.shape[0] > 0:
                new = magnets[b % magnets.shape[0]] + (c % 3) - 1
            else:
                new = lo + int(u2 * (hi - lo + 1))
            new = min(max(new, lo), hi)
            if new == old:
                continue
            old_era = C[ERA, i]
            t[i] = new
            if C[ERA, i] == 1 and new > era_max:
                C[ERA, i] = 0
            kind = 0
        elif u0 < P_SWAPT:  # swap two times: a neighbour in time order (fine) or anyone (coarse)
            i = a % n
            if u1 < P_NEAR:
                j = _neighbour(t, death, i, u2 < 0.5, False)
                if j < 0:
                    continue
            else:
                j = b % n
            if t[i] == t[j]:
                continue
            if (C[ERA, i] == 1 and t[j] > era_max) or (C[ERA, j] == 1 and t[i] > era_max):
                continue
            tmp = t[i]
            t[i] = t[j]
            t[j] = tmp
            kind = 1
        elif u0 < P_DEATH:  # a death and a censoring trade places (often neighbours in time)
            i = a % n
            if u1 < P_NEAR:
                j = _neighbour(t, death, i, u2 < 0.5, True)
                if j < 0:
                    continue
            else:
                j = b % n
            if death[i] == death[j]:
                continue
            tmp2 = death[i]
            death[i] = death[j]
            death[j] = tmp2
            kind = 2
        elif u0 < P_FACTOR:  # swap a factor within a subset
            if u1 < n_cur / n:
                f = CUR_SWAPS[c % CUR_SWAPS.shape[0]]
                i = a % n_cur
                j = b % n_cur
            else:
                f = NON_SWAPS[c % NON_SWAPS.shape[0]]
                i = n_cur + a % (n - n_cur)
                j = n_cur + b % (n - n_cur)
            if not swap_ok(C, f, i, j, n_cur):
                continue
            do_swap(C, f, i, j, n_cur)
            kind = 3
        else:  # flip the era of one patient
            i = a % n
            if C[ERA, i] == 0 and t[i] > era_max:
                continue
            old_era = C[ERA, i]
            C[ERA, i] = 1 - C[ERA, i]
            kind = 4
        # --- which rows change ---------------------------------------------------------------
        for r in range(R):
            Gi[r] = G[r, i]
            if j >= 0:
                Gj[r] = G[r, j]
        for q in range(X.shape[1]):
            Xi[q] = X[i, q]
            if j >= 0:
                Xj[q] = X[j, q]
        refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, i)
        if j >= 0:
            refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, j)
        nr = 0
        cox_dirty = kind <= 2
        for r in range(R):
            touched = False
            if kind <= 2:
                touched = Gi[r] >= 0 or G[r, i] >= 0 or (j >= 0 and (Gj[r] >= 0 or G[r, j] >= 0))
            else:
                touched = Gi[r] != G[r, i] or (j >= 0 and Gj[r] != G[r, j])
            if touched:
                rows[nr] = r
                nr += 1
        if kind >= 3:
            for q in range(X.shape[1]):
                if Xi[q] != X[i, q] or (j >= 0 and Xj[q] != X[j, q]):
                    cox_dirty = True
        # --- save, recompute, score -----------------------------------------------------------
        for q in range(nr):
            r = rows[q]
            for g in range(4):
                med0[r, g] = med[r, g]
                s600[r, g] = s60[r, g]
                send0[r, g] = send[r, g]
            pval0[r] = pval[r]
        time = t / 10.0
        order = np.argsort(time, kind="mergesort")
        km_logrank_rows(time, death, order, G, K, R_TOL, rows[:nr], med, s60, send, pval)
        ok_new = ok
        if cox_dirty and has_cox:
            cx0[:, :] = cx
            c2, ok_new = cox_breslow(time, death, order, X)
            cx[:, :] = c2
        e, h = loss_of(time[order], med, s60, send, pval, cx, ok_new, tmed, tp, tcox, ts5, tscal, alpha)
        de = e - energy
        if de <= 0 or u5 < math.exp(-de / temps[it]):
            energy = e
            hits = h
            ok = ok_new
            accepted += 1
            if e < state[2]:
                state[2] = e
                state[3] = h
                best_t[:] = t
                best_death[:] = death
                best_C[:, :] = C
        else:
            for q in range(nr):
                r = rows[q]
                for g in range(4):
                    med[r, g] = med0[r, g]
                    s60[r, g] = s600[r, g]
                    send[r, g] = send0[r, g]
                pval[r] = pval0[r]
            if cox_dirty and has_cox:
                cx[:, :] = cx0
            if kind == 0:
                t[i] = old
                C[ERA, i] = old_era
            elif kind == 1:
                tmp = t[i]
                t[i] = t[j]
                t[j] = tmp
            elif kind == 2:
                tmp2 = death[i]
                death[i] = death[j]
                death[j] = tmp2
            elif kind == 3:
                do_swap(C, f, i, j, n_cur)
            else:
                C[ERA, i] = old_era
            for r in range(R):
                G[r, i] = Gi[r]
                if j >= 0:
                    G[r, j] = Gj[r]
            for q in range(X.shape[1]):
                X[i, q] = Xi[q]
                if j >= 0:
                    X[j, q] = Xj[q]
    state[0] = energy
    state[1] = hits
    state[4] = 1.0 if ok else 0.0
    state[5] += accepted
