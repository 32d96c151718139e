"""The annealing loop in rank space, compiled with numba: moves, constraint checks, incremental scoring, undo.

The state is an order of the patients (``rank``/``order``), the deaths and the factor codes.  Each iteration
makes one move (in the order, of a death, of a factor, checked by ``moves.swap_ok``, or of an era), scores the
new state by ``loss.rank_loss`` and keeps it or undoes it.  :func:`anneal_chunk` runs a *chunk* of iterations
on random numbers drawn by the caller from a seeded ``numpy.random.Generator``, so the run stays a pure
function of the seed.  Only the grouping rows a move changes are recomputed (a factor swap its factor's rows;
two neighbours in the order only the rows that hold both in different groups or with different outcomes), and
the Cox model (warm-started from the last fit) only when its inputs change.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .arrays import row_stats
from .loss import _stats_rows, rank_loss
from .moves import ERA, do_swap, insert_at, refresh, swap_ok
from .pins import ITEM_COLS


@nb.njit(cache=True)
def anneal_chunk(draws, st, dz, tg, params, state, best, moves):
    """Run ``len(draws.U)`` annealing iterations in place on ``st`` (an ``arrays.Ranked``) and ``dz`` (its
    ``arrays.Design``), scored against ``tg`` (``arrays.TargetArrays``).  ``state`` = [energy, hits,
    best_energy, best_hits, cox_ok, accepted]; ``params`` = [alpha, era_cap, cap, pin_miss, p_scale,
    cox_scale]; ``best``: an ``arrays.Ranked`` the best state seen is copied into; ``moves``: an
    ``arrays.MoveMix`` (``mix``: cumulative probabilities of the moves (swap with a neighbour in rank, swap
    with anyone, move to a new rank, swap death with censoring, swap a factor; the rest flips an era), then the
    shares of death swaps and of factor swaps with the nearest patient in the order; ``cur_swaps``/
    ``non_swaps``: the factors swapped within each subset).  ``draws``: 5 uniform numbers and 3 integers per
    iteration and its temperature (``arrays.Draws``)."""
    U, IJ, temps = draws.U, draws.IJ, draws.temps
    rank, order, death, C = st.rank, st.order, st.death, st.C
    G, X, n_cur = dz.G, dz.X, dz.n_cur
    mix, cur_swaps, non_swaps = moves.mix, moves.cur_swaps, moves.non_swaps
    n = rank.shape[0]
    R = G.shape[0]
    has_cox = tg.tcox.shape[0] > 0
    rs = row_stats(R, X.shape[1])
    send, pval, x1, x2, ncount, cx, beta = rs.send, rs.pval, rs.x1, rs.x2, rs.ncount, rs.cx, rs.beta
    items = np.zeros((tg.tmed.shape[0] + tg.tscal.shape[0] + n + 1, ITEM_COLS))
    memo = np.full((items.shape[0] + 1, ITEM_COLS), -1.0)
    all_rows = np.arange(R)
    beta0 = beta.copy()
    ok = _stats_rows(st, dz, all_rows, R, rs, True, has_cox)
    energy, hits = rank_loss(order, death, C, G, rs, ok, tg, params, items, memo)
    send0 = send.copy()
    pval0 = pval.copy()
    ncount0 = ncount.copy()
    x10 = x1.copy()
    x20 = x2.copy()
    cx0 = cx.copy()
    order0 = order.copy()
    Gsv = np.empty((2, R), np.int8)  # grouping columns and Cox rows of the (up to 2) patients a move changes
    Xsv = np.empty((2, X.shape[1]))
    pts = np.empty(2, np.int64)
    rows = np.empty(R, np.int64)
    accepted = 0
    P_NEAR, P_ANY, P_INS, P_DEATH, P_FACTOR, P_DNEAR, P_FNEAR = mix[0], mix[1], mix[2], mix[3], mix[4], mix[5], mix[6]
    for it in range(U.shape[0]):
        u0, u1, u2 = U[it, 0], U[it, 1], U[it, 2]
        a, b, c = IJ[it, 0], IJ[it, 1], IJ[it, 2]
        i = a % n
        j = -1
        f = -1
        kind = -1
        if u0 < P_INS:  # the order
            order0[:] = order
            if u0 < P_NEAR:
                q = rank[i] + (1 if u1 < 0.5 else -1)
                if q < 0 or q >= n:
                    continue
                j = order[q]
                kind = 0
            elif u0 < P_ANY:
                j = b % n
                if j == i:
                    continue
                kind = 0
            else:
                q = b % n
                p0 = rank[i]
                if q == p0:
                    continue
                insert_at(order, rank, i, q)
                kind = 1
            if kind == 0:
                ri = rank[i]
                rank[i] = rank[j]
                rank[j] = ri
                order[rank[i]] = i
                order[rank[j]] = j
        elif u0 < P_DEATH:  # a death and a censoring trade places
            if u1 < P_DNEAR:
                step = 1 if u2 < 0.5 else -1
                q = rank[i] + step
                while q >= 0 and q < n and death[order[q]] == death[i]:
                    q += step
                if q < 0 or q >= n:
                    continue
                j = order[q]
            else:
                j = b % n
                if death[j] == death[i]:
                    continue
            tmp2 = death[i]
            death[i] = death[j]
            death[j] = tmp2
            kind = 2
        elif u0 < P_FACTOR:  # swap a factor within a subset
            if u1 < n_cur / n:
                if cur_swaps.shape[0] == 0:
                    continue
                f = cur_swaps[c % cur_swaps.shape[0]]
                i = a % n_cur
                j = b % n_cur
            else:
                if non_swaps.shape[0] == 0:
                    continue
                f = non_swaps[c % non_swaps.shape[0]]
                i = n_cur + a % (n - n_cur)
                j = n_cur + b % (n - n_cur)
            if U[it, 4] < P_FNEAR:  # with the nearest patient in the order who can take the other value
                step = 1 if u2 < 0.5 else -1
                q = rank[i] + step
                j = -1
                while q >= 0 and q < n:
                    z = order[q]
                    if (z < n_cur) == (i < n_cur) and swap_ok(C, f, i, z, n_cur):
                        j = z
                        break
                    q += step
                if j < 0:
                    continue
            elif not swap_ok(C, f, i, j, n_cur):
                continue
            do_swap(C, f, i, j, n_cur)
            kind = 3
        else:  # flip the era of one patient
            C[ERA, i] = 1 - C[ERA, i]
            kind = 4
        # --- which rows change ---------------------------------------------------------------
        npt = 0
        for p_ in (i, j):
            if p_ >= 0:
                pts[npt] = p_
                npt += 1
        for z in range(npt):
            for r in range(R):
                Gsv[z, r] = G[r, pts[z]]
            for q in range(X.shape[1]):
                Xsv[z, q] = X[pts[z], q]
            refresh(dz, C, pts[z])
        nr = 0
        cox_dirty = kind <= 2
        adjacent = kind == 0 and abs(rank[i] - rank[j]) == 1
        if adjacent and death[i] == death[j]:  # neighbours alike in covariates and outcome: same likelihood
            cox_dirty = False
            for q in range(X.shape[1]):
                if X[i, q] != X[j, q]:
                    cox_dirty = True
        for r in range(R):
            if adjacent:  # only rows holding both, in different groups or with different outcomes, change
                touched = G[r, i] >= 0 and G[r, j] >= 0 and (G[r, i] != G[r, j] or death[i] != death[j])
            else:
                touched = kind == 1
                for z in range(npt):
                    if kind <= 2:
                        touched = touched or Gsv[z, r] >= 0
                    else:
                        touched = touched or Gsv[z, r] != G[r, pts[z]]
            if touched:
                rows[nr] = r
                nr += 1
        if kind == 3:
            for z in range(npt):
                for q in range(X.shape[1]):
                    if Xsv[z, q] != X[pts[z], q]:
                        cox_dirty = True
        x10[:, :] = x1
        x20[:, :] = x2
        if adjacent:  # untouched rows keep their order, but a median patient's rank may have moved
            ri = float(rank[i])
            rj = float(rank[j])
            for r in range(R):
                if (G[r, i] >= 0) == (G[r, j] >= 0):  # both in (same place in the row's order) or both out
                    continue
                for g in range(4):
                    if x1[r, g] == ri:
                        x1[r, g] = rj
                    elif x1[r, g] == rj:
                        x1[r, g] = ri
                    if x2[r, g] == ri:
                        x2[r, g] = rj
                    elif x2[r, g] == rj:
                        x2[r, g] = ri
        send0[:, :] = send
        pval0[:] = pval
        recount = kind >= 3
        if recount:
            ncount0[:, :] = ncount
        if cox_dirty and has_cox:
            cx0[:, :] = cx
            beta0[:] = beta
        ok_new = ok
        if nr > 0 or cox_dirty:
            ok_new = _stats_rows(st, dz, rows, nr, rs, recount, cox_dirty and has_cox)
            if not (cox_dirty and has_cox):
                ok_new = ok
        e, h = rank_loss(order, death, C, G, rs, ok_new, tg, params, items, memo)
        de = e - energy
        if de <= 0 or U[it, 3] < math.exp(-de / temps[it]):
            energy = e
            hits = h
            ok = ok_new
            accepted += 1
            if e < state[2]:
                state[2] = e
                state[3] = h
                best.order[:] = order
                best.rank[:] = rank
                best.death[:] = death
                best.C[:, :] = C
        else:
            x1[:, :] = x10
            x2[:, :] = x20
            send[:, :] = send0
            pval[:] = pval0
            if recount:
                ncount[:, :] = ncount0
            if cox_dirty and has_cox:
                cx[:, :] = cx0
                beta[:] = beta0
            if kind <= 1:
                order[:] = order0
                for z in range(n):
                    rank[order[z]] = z
            elif kind == 2:
                tmp2 = death[i]
                death[i] = death[j]
                death[j] = tmp2
            elif kind == 3:
                do_swap(C, f, i, j, n_cur)
            else:
                C[ERA, i] = 1 - C[ERA, i]
            for z in range(npt):
                for r in range(R):
                    G[r, pts[z]] = Gsv[z, r]
                for q in range(X.shape[1]):
                    X[pts[z], q] = Xsv[z, q]
    state[0] = energy
    state[1] = hits
    state[4] = 1.0 if ok else 0.0
    state[5] += accepted
