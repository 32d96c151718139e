"""The loss of a search state in rank space, compiled with numba.

The state is an order of the patients (``rank``/``order``), the deaths and the factor codes.  The loss
(:func:`rank_loss`) scores the rank-determined targets (log-rank p, the Cox model, medians not reached)
by their distance to the printed rounding interval, and the value targets by the heaviest chain of pins
(``pins.pin_chain``; :func:`state_pins` lists the pins of a state).  ``_stats_rows`` recomputes the rank
statistics (``ranks``) of the given grouping rows and, when asked, the Cox model (``stats.cox_fit``,
warm-started from the last fit); :func:`evaluate_state` computes every statistic of a state afresh, as the
finisher (``finish``) checks a state exactly.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .arrays import Ranked, row_stats
from .moves import ERA
from .pins import ITEM_COLS, build_items, pin_chain
from .ranks import five_year_curves, km_ranks
from .stats import cox_fit


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
def state_pins(order, death, C, G, rs, tg, era_cap, items):
    """Every pin of a state (``pins.build_items``): its median ranks (``rs``, an ``arrays.RowStats``), its
    5-year curves (``tg``, an ``arrays.TargetArrays``) and the rank of its last later-era patient.  Returns
    (number of pins, their targets' weight, that rank)."""
    n = order.shape[0]
    era_rank = -1
    for q in range(n):
        if C[ERA, order[q]] == 1:
            era_rank = q
    S5, last5 = five_year_curves(order, death, G, tg.rows5, tg.lev5, n)
    m, total = build_items(rs, tg, S5, last5, n, era_rank, era_cap, items)
    return m, total, era_rank


@nb.njit(cache=True)
def rank_loss(order, death, C, G, rs, ok, tg, params, items, memo):
    """Loss and hits of a state.  A missed rank-determined target costs ``1 + alpha * min(d / scale, cap)``
    (``d``: distance to its interval, log10 units for p, natural-log units for the Cox HR and limits);
    a missed value target ``pin_miss``.  ``rs``: the state's ``arrays.RowStats``, ``ok``: whether its Cox fit
    converged, ``tg``: an ``arrays.TargetArrays``, ``params``: [alpha, era_cap, cap, pin_miss, p_scale,
    cox_scale]; ``items``/``memo``: work space for the pins."""
    alpha, era_cap, cap, pin_miss, p_scale, cox_scale = params[0], params[1], params[2], params[3], params[4], params[5]
    tmed, tp, tcox = tg.tmed, tg.tp, tg.tcox
    send, pval, x1, cx = rs.send, rs.pval, rs.x1, rs.cx
    loss = 0.0
    hits = 0.0
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
    m, total, _ = state_pins(order, death, C, G, rs, tg, era_cap, items)
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
def _stats_rows(st, dz, rows, nr, rs, recount, cox):
    """The rank statistics of the first ``nr`` of ``rows`` of a state (``st``: ``arrays.Ranked``, ``dz``:
    ``arrays.Design``) into ``rs``, and with ``cox`` the Cox model, warm-started from ``rs.beta``; returns
    whether the fit converged (True without ``cox``)."""
    km_ranks(st.order, st.death, dz.G, dz.K, rows, nr, rs, recount)
    ok = True
    if cox:
        beta = rs.beta
        warm = True
        for a in range(beta.shape[0]):
            if not abs(beta[a]) < 5.0:
                warm = False
        if not warm:
            beta[:] = 0.0
        c, ok, b = cox_fit(st.rank.astype(np.float64), st.death, st.order, dz.X, beta)
        rs.cx[:, :] = c
        if ok:
            beta[:] = b
    return ok


@nb.njit(cache=True)
def evaluate_state(order, death, C, dz, tg, params):
    """Every rank statistic of a state computed afresh (the Cox fit from 0, as R): (loss, hits, log-rank p per
    grouping row, Cox table (hr, ci_low, ci_high, p per covariate), whether the fit converged).  ``dz``: an
    ``arrays.Design``, ``tg``: an ``arrays.TargetArrays``, ``params`` as :func:`rank_loss` reads them."""
    n = order.shape[0]
    rank = np.empty(n, np.int64)
    for q in range(n):
        rank[order[q]] = q
    R = dz.G.shape[0]
    rs = row_stats(R, dz.X.shape[1])
    ok = _stats_rows(Ranked(order, rank, death, C), dz, np.arange(R), R, rs, True, tg.tcox.shape[0] > 0)
    items = np.zeros((tg.tmed.shape[0] + tg.tscal.shape[0] + n + 1, ITEM_COLS))
    memo = np.full((items.shape[0] + 1, ITEM_COLS), -1.0)
    loss, hits = rank_loss(order, death, C, dz.G, rs, ok, tg, params, items, memo)
    return loss, hits, rs.pval, rs.cx, ok
