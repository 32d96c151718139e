"""The annealing loop in rank space, compiled with numba: moves, constraint checks, incremental scoring, undo.

The state is an order of the patients (``rank``/``order``), the deaths and the factor codes.  The loss
(:func:`rank_loss`) scores the rank-determined targets (log-rank p, the Cox model, medians not reached)
by their distance to the printed rounding interval, and the value targets by the heaviest chain of pins
(``pins.pin_chain``).  :func:`anneal_chunk` runs a *chunk* of iterations on random numbers drawn by the
caller from a seeded ``numpy.random.Generator``, so the run stays a pure function of the seed.  Only the
grouping rows a move changes are recomputed (a factor swap its factor's rows; two neighbours in the
order only the rows that hold both in different groups or with different outcomes), and the Cox model
(warm-started from the last fit) only when its inputs change.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .pins import ITEM_COLS, build_items, pin_chain
from .ranks import five_year_curves, km_ranks
from .stats import cox_fit
from .structure import CODED

AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, SITES, RES, CHEMO, RT, INTERVAL, LESIONS, PERI, FLR, ERA, CUR = (
    CODED.index(k) for k in CODED
)
SYNC = 1  # presenting: metachronous 0, synchronous 1
NO = 1  # yes/no factors: yes 0, no 1
YES = 0

# factors swapped within each subset
CUR_SWAPS = np.array([AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, CHEMO, RT, INTERVAL, LESIONS, PERI], np.int64)
NON_SWAPS = np.array([AGE, SEX, SITE, SIZE, DEPTH, GRADE, PRES, SITES, RES, CHEMO, RT, FLR], np.int64)


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
        inside = (
            sub == 0
            or (sub == 1 and i < n_cur)
            or (sub == 2 and i >= n_cur)
            or (sub == 3 and i >= n_cur and C[CHEMO, i] == YES)
        )
        if not inside:
            G[r, i] = -1
        elif row_fac[r] < 0:
            G[r, i] = 0
        else:
            G[r, i] = C[row_fac[r], i]
    for a in range(X.shape[1]):
        X[i, a] = 1.0 if C[cox_fac[a], i] == cox_bad[a] else 0.0


@nb.njit(cache=True)
def _log(x, base10):
    return math.log10(max(x, 1e-300)) if base10 else math.log(max(x, 1e-300))


@nb.njit(cache=True)
def _interval_cost(x, lo, hi, w, base10, scale, alpha, cap):
    """(hits, loss) of a positive statistic ``x`` against its interval ``[lo, hi]``: ``w`` hits, or a miss
    costing ``w * (1 + alpha * min(d / scale, cap))``, ``d`` the distance in log10 (or natural log) units."""
    if x >= lo and x <= hi:
        return w, 0.0
    lx, llo, lhi = _log(x, base10), _log(lo, base10), _log(hi, base10)
    d = llo - lx if lx < llo else (lx - lhi if lx > lhi else 0.0)
    return 0.0, w * (1.0 + alpha * min(d / scale, cap))


@nb.njit(cache=True)
def state_pins(order, death, C, era_row, G, x1, x2, tmed, tscal, ts5, rows5, lev5, era_cap, items):
    """Every pin of a state (``pins.build_items``): its median ranks ``x1``/``x2``, its 5-year curves and
    the rank of its last later-era patient.  Returns (number of pins, their targets' weight, that rank)."""
    n = order.shape[0]
    era_rank = -1
    for q in range(n):
        if C[era_row, order[q]] == 1:
            era_rank = q
    S5, last5 = five_year_curves(order, death, G, rows5, lev5, n)
    m, total = build_items(x1, x2, tmed, tscal, S5, last5, ts5, n, era_rank, era_cap, items)
    return m, total, era_rank


@nb.njit(cache=True)
def rank_loss(
    order,
    death,
    C,
    era_row,
    G,
    x1,
    x2,
    send,
    pval,
    cx,
    ok,
    tmed,
    tp,
    tcox,
    tguide,
    ts5,
    rows5,
    lev5,
    tscal,
    alpha,
    era_cap,
    items,
    memo,
    cap,
    pin_miss,
    p_scale,
    cox_scale,
):
    """Loss and hits of a state.  A missed rank-determined target costs ``1 + alpha * min(d / scale, cap)``
    (``d``: distance to its interval, log10 units for p, natural-log units for the Cox HR and limits);
    a missed value target ``pin_miss``.  A *guide* (``tguide`` rows: kind 0 = beta, 1 = SE of a Cox
    covariate, its box, weight and scale) adds ``w * min(d / scale, cap)`` and no hits."""
    loss = 0.0
    hits = 0.0
    for j in range(tguide.shape[0]):
        a = int(tguide[j, 1])
        if not ok or np.isnan(cx[1, a]):
            loss += tguide[j, 4] * cap
            continue
        lb = math.log(cx[1, a])
        ub = math.log(cx[2, a])
        x = (lb + ub) / 2.0 if tguide[j, 0] == 0 else (ub - lb) / (2.0 * 1.959963984540054)
        d = tguide[j, 2] - x if x < tguide[j, 2] else (x - tguide[j, 3] if x > tguide[j, 3] else 0.0)
        loss += tguide[j, 4] * min(d / tguide[j, 5], cap)
    for j in range(tmed.shape[0]):
        r = int(tmed[j, 0])
        g = int(tmed[j, 1])
        w = tmed[j, 5]
        if tmed[j, 4] > 0:  # not reached
            if np.isnan(x1[r, g]):
                hits += w
            else:
                loss += w * (1.0 + alpha * min(10.0 * (0.5 - send[r, g] + 0.05), cap))
        elif np.isnan(x1[r, g]):
            loss += w * (1.0 + alpha * cap)
    for j in range(tp.shape[0]):
        h, c = _interval_cost(pval[int(tp[j, 0])], tp[j, 1], tp[j, 2], tp[j, 3], True, p_scale, alpha, cap)
        hits += h
        loss += c
    for j in range(tcox.shape[0]):
        x = cx[int(tcox[j, 0]), int(tcox[j, 1])]
        if not ok or np.isnan(x):
            loss += tcox[j, 4] * (1.0 + alpha * cap)
            continue
        h, c = _interval_cost(x, tcox[j, 2], tcox[j, 3], tcox[j, 4], False, cox_scale, alpha, cap)
        hits += h
        loss += c
    m, total, _ = state_pins(order, death, C, era_row, G, x1, x2, tmed, tscal, ts5, rows5, lev5, era_cap, items)
    # ``memo``: the last pins and their chain's weight (row 0: m, weight); the same pins need no new chain
    same = int(memo[0, 0]) == m
    for q in range(m):
        if not same:
            break
        for z in range(ITEM_COLS):
            if memo[q + 1, z] != items[q, z]:
                same = False
                break
    if same:
        top = memo[0, 1]
    else:
        top, _, _, _ = pin_chain(items, m, 1.0)
        memo[0, 0] = m
        memo[0, 1] = top
        memo[1 : m + 1, :] = items[:m, :]
    hits += top
    loss += (total - top) * pin_miss
    return loss, hits


@nb.njit(cache=True)
def _stats_rows(rank, order, death, G, K, X, rows, nr, send, pval, x1, x2, ncount, recount, cx, cox, beta):
    km_ranks(order, death, G, K, rows, nr, send, pval, x1, x2, ncount, recount)
    ok = True
    if cox:
        warm = True
        for a in range(beta.shape[0]):
            if not abs(beta[a]) < 5.0:
                warm = False
        if not warm:
            beta[:] = 0.0
        c, ok, b = cox_fit(rank.astype(np.float64), death, order, X, beta)
        cx[:, :] = c
        if ok:
            beta[:] = b
    return ok


@nb.njit(cache=True)
def anneal_chunk(
    U,
    IJ,
    temps,
    rank,
    order,
    death,
    C,
    G,
    K,
    X,
    row_fac,
    row_sub,
    cox_fac,
    cox_bad,
    n_cur,
    tmed,
    tp,
    tcox,
    tguide,
    ts5,
    rows5,
    lev5,
    tscal,
    params,
    state,
    best_rank,
    best_death,
    best_C,
    mix,
    cur_swaps,
    non_swaps,
):
    """Run ``len(U)`` annealing iterations in place.  ``state`` = [energy, hits, best_energy, best_hits,
    cox_ok, accepted]; ``params`` = [alpha, era_cap, cap, pin_miss, p_scale, cox_scale]; ``mix``:
    cumulative probabilities of the moves (swap with a neighbour in rank, swap with anyone, move to a new
    rank, swap death with censoring, swap a factor; the rest flips an era), then the shares of death swaps
    and of factor swaps with the nearest patient in the order.  ``cur_swaps``/``non_swaps``: the factors
    swapped within each subset.  ``U`` has 5 uniform numbers per iteration, ``IJ`` 3 integers."""
    alpha, era_cap, cap, pin_miss, p_scale, cox_scale = (
        params[0],
        params[1],
        params[2],
        params[3],
        params[4],
        params[5],
    )
    n = rank.shape[0]
    R = G.shape[0]
    has_cox = tcox.shape[0] > 0
    send = np.full((R, 4), np.nan)
    pval = np.full(R, np.nan)
    x1 = np.full((R, 4), np.nan)
    x2 = np.full((R, 4), np.nan)
    cx = np.full((4, X.shape[1]), np.nan)
    items = np.zeros((tmed.shape[0] + tscal.shape[0] + n + 1, ITEM_COLS))
    memo = np.full((items.shape[0] + 1, ITEM_COLS), -1.0)
    all_rows = np.arange(R)
    beta = np.zeros(X.shape[1])
    beta0 = beta.copy()
    ncount = np.zeros((R, 4))  # group sizes per row: order and death moves keep them
    ok = _stats_rows(rank, order, death, G, K, X, all_rows, R, send, pval, x1, x2, ncount, True, cx, has_cox, beta)
    energy, hits = rank_loss(
        order,
        death,
        C,
        ERA,
        G,
        x1,
        x2,
        send,
        pval,
        cx,
        ok,
        tmed,
        tp,
        tcox,
        tguide,
        ts5,
        rows5,
        lev5,
        tscal,
        alpha,
        era_cap,
        items,
        memo,
        cap,
        pin_miss,
        p_scale,
        cox_scale,
    )
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
                if q > p0:
                    for z in range(p0, q):
                        order[z] = order[z + 1]
                else:
                    for z in range(p0, q, -1):
                        order[z] = order[z - 1]
                order[q] = i
                for z in range(min(p0, q), max(p0, q) + 1):
                    rank[order[z]] = z
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
            refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, pts[z])
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
            ok_new = _stats_rows(
                rank,
                order,
                death,
                G,
                K,
                X,
                rows,
                nr,
                send,
                pval,
                x1,
                x2,
                ncount,
                recount,
                cx,
                cox_dirty and has_cox,
                beta,
            )
            if not (cox_dirty and has_cox):
                ok_new = ok
        e, h = rank_loss(
            order,
            death,
            C,
            ERA,
            G,
            x1,
            x2,
            send,
            pval,
            cx,
            ok_new,
            tmed,
            tp,
            tcox,
            tguide,
            ts5,
            rows5,
            lev5,
            tscal,
            alpha,
            era_cap,
            items,
            memo,
            cap,
            pin_miss,
            p_scale,
            cox_scale,
        )
        de = e - energy
        if de <= 0 or U[it, 3] < math.exp(-de / temps[it]):
            energy = e
            hits = h
            ok = ok_new
            accepted += 1
            if e < state[2]:
                state[2] = e
                state[3] = h
                best_rank[:] = rank
                best_death[:] = death
                best_C[:, :] = C
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


@nb.njit(cache=True)
def evaluate_state(order, death, C, G, K, X, tmed, tp, tcox, tguide, ts5, rows5, lev5, tscal, params):
    """Every rank statistic of a state computed afresh (the Cox fit from 0, as R): (loss, hits, log-rank p per
    grouping row, Cox table (hr, ci_low, ci_high, p per covariate), whether the fit converged)."""
    n = order.shape[0]
    rank = np.empty(n, np.int64)
    for q in range(n):
        rank[order[q]] = q
    R = G.shape[0]
    send = np.full((R, 4), np.nan)
    pval = np.full(R, np.nan)
    x1 = np.full((R, 4), np.nan)
    x2 = np.full((R, 4), np.nan)
    cx = np.full((4, X.shape[1]), np.nan)
    beta = np.zeros(X.shape[1])
    ok = _stats_rows(
        rank,
        order,
        death,
        G,
        K,
        X,
        np.arange(R),
        R,
        send,
        pval,
        x1,
        x2,
        np.zeros((R, 4)),
        True,
        cx,
        tcox.shape[0] > 0,
        beta,
    )
    items = np.zeros((tmed.shape[0] + tscal.shape[0] + n + 1, ITEM_COLS))
    memo = np.full((items.shape[0] + 1, ITEM_COLS), -1.0)
    loss, hits = rank_loss(
        order,
        death,
        C,
        ERA,
        G,
        x1,
        x2,
        send,
        pval,
        cx,
        ok,
        tmed,
        tp,
        tcox,
        tguide,
        ts5,
        rows5,
        lev5,
        tscal,
        params[0],
        params[1],
        items,
        memo,
        params[2],
        params[3],
        params[4],
        params[5],
    )
    return loss, hits, pval, cx, ok


@nb.njit(cache=True)
def apply_move(move, order, rank, death, C, G, X, row_fac, row_sub, cox_fac, cox_bad, n_cur):
    """Apply one move ``(kind, a, b, c)`` in place: kind 0 swaps patients ``a`` and ``b`` in the order, 1 moves
    patient ``a`` to rank ``b``, 2 swaps the outcomes of ``a`` and ``b``, 3 swaps factor ``c`` between them,
    4 flips the era of ``a``."""
    kind, a, b, c = move[0], move[1], move[2], move[3]
    if kind == 0:
        ra = rank[a]
        rb = rank[b]
        rank[a] = rb
        rank[b] = ra
        order[rb] = a
        order[ra] = b
    elif kind == 1:
        p0 = rank[a]
        if b > p0:
            for z in range(p0, b):
                order[z] = order[z + 1]
        else:
            for z in range(p0, b, -1):
                order[z] = order[z - 1]
        order[b] = a
        for z in range(min(p0, b), max(p0, b) + 1):
            rank[order[z]] = z
    elif kind == 2:
        t = death[a]
        death[a] = death[b]
        death[b] = t
    elif kind == 3:
        do_swap(C, c, a, b, n_cur)
        refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, a)
        refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, b)
    else:
        C[ERA, a] = 1 - C[ERA, a]
        refresh(G, X, C, row_fac, row_sub, cox_fac, cox_bad, n_cur, a)
