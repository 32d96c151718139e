"""Pins: the printed numbers that need a time to have a *value*, and one placement of values meeting them.

The search (``kernel``) holds only the order of the times and the censoring, which fix every log-rank test
and the Cox model.  A Kaplan-Meier median is the time of one patient (or the midpoint of two) whose *rank*
the order fixes; the follow-up median and range are the times at fixed ranks; a 5-year rate is fixed once
we know how many times fall at or before 60 months; the later era caps its patients' follow-up.  Each
becomes a *pin*: "the patient at rank r has a value in [lo, hi]".

Times are integers (tenths of a month), distinct and increasing along the ranks, so with ``w = v - r`` a
set of pins can be met by one placement iff ``w`` is non-decreasing along the ranks (and equal on one
rank).  :func:`pin_chain` finds the heaviest such set (a longest-chain dynamic programme), so the search
counts exactly the value targets that *some* placement meets, and :func:`place` builds that placement.

Pins (``items``, one row each): ``[start, end, w_lo, w_hi, w_step, weight, target]``, positions doubled
(rank ``r`` is ``2r``; the 5-year cut between ranks ``k`` and ``k+1`` is ``2k+1``):

- a median at one patient: ``start == end``, ``w`` anywhere in ``[w_lo, w_hi]``;
- a median at the midpoint of two patients (S sits at exactly 0.5 between them, as the paper's 76.05):
  ``w`` fixed at the start, ``w + w_step`` at the end, the two values as close as the ranks allow;
- the 5-year cut (ranks up to ``k`` at most 60 months, the rest above): ``w = 600 - k``.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

NONE = -1
FIVE_YEARS_T = 600  # tenths of a month
ITEM_COLS = 7


@nb.njit(cache=True)
def _med_tenths(lo, hi):
    """Smallest and largest time (tenths) that print as a median in [lo, hi] (months)."""
    return int(math.ceil(lo * 10 - 1e-6)), int(math.floor(hi * 10 + 1e-6))


@nb.njit(cache=True)
def _put(items, m, start, end, w_lo, w_hi, w_step, weight, target):
    items[m, 0] = start
    items[m, 1] = end
    items[m, 2] = w_lo
    items[m, 3] = w_hi
    items[m, 4] = w_step
    items[m, 5] = weight
    items[m, 6] = target


@nb.njit(cache=True)
def build_items(rs, tg, S5, last5, n, era_rank, era_cap, items):
    """Fill ``items`` with every pin the current order of ``n`` patients asks for; returns (number of items,
    weight of all the targets they serve).

    ``rs``: the order's ``arrays.RowStats`` (``x1``/``x2``: ranks the medians are made of, NaN: not reached);
    ``tg``: an ``arrays.TargetArrays``; ``S5``/``last5``: the 5-year targets' curves after each rank
    (``ranks.five_year_curves``); ``era_rank``: highest rank of a later-era patient (-1: none), whose value
    may not exceed ``era_cap`` tenths."""
    x1, x2, tmed, tscal, ts5 = rs.x1, rs.x2, tg.tmed, tg.tscal, tg.ts5
    m = 0
    total = 0.0
    for j in range(tmed.shape[0]):
        r = int(tmed[j, 0])
        g = int(tmed[j, 1])
        w = tmed[j, 5]
        a = x1[r, g]
        if tmed[j, 4] > 0 or np.isnan(a):  # not-reached targets and unreachable medians: rank-determined
            continue
        total += w
        b = x2[r, g]
        vlo, vhi = _med_tenths(tmed[j, 2], tmed[j, 3])
        ra = int(a)
        rb = int(b)
        if ra == rb:
            _put(items, m, 2 * ra, 2 * ra, vlo - ra, vhi - ra, 0.0, w, j)
        else:  # midpoint: va + vb = 2 x the printed value, vb - va >= rb - ra, as tight as possible
            s = int(round((tmed[j, 2] + tmed[j, 3]) * 10))
            va = (s - (rb - ra)) // 2
            vb = s - va
            _put(items, m, 2 * ra, 2 * rb, va - ra, va - ra, (vb - rb) - (va - ra), w, j)
        m += 1
    # follow-up: median (rank (n-1)/2, or the midpoint of the two middle ranks), min (rank 0), max (rank n-1)
    for j in range(tscal.shape[0]):
        kind = int(tscal[j, 0])
        w = tscal[j, 3]
        total += w
        vlo, vhi = _med_tenths(tscal[j, 1], tscal[j, 2])
        if kind == 0 and n % 2 == 0:
            ra = n // 2 - 1
            s = int(round((tscal[j, 1] + tscal[j, 2]) * 10))
            va = (s - 1) // 2
            _put(items, m, 2 * ra, 2 * ra + 2, va - ra, va - ra, (s - va - ra - 1) - (va - ra), w, 1000 + j)
        else:
            ra = (n - 1) // 2 if kind == 0 else (0 if kind == 1 else n - 1)
            _put(items, m, 2 * ra, 2 * ra, vlo - ra, vhi - ra, 0.0, w, 1000 + j)
        m += 1
    # 5-year rates: one cut item per rank k, weighing the targets it meets
    for j in range(ts5.shape[0]):
        total += ts5[j, 4]
    for k in range(n - 1):
        w = 0.0
        for j in range(ts5.shape[0]):
            x = 100.0 * S5[j, k]
            if k < last5[j] and x >= ts5[j, 2] and x <= ts5[j, 3]:
                w += ts5[j, 4]
        if w > 0:
            _put(items, m, 2 * k + 1, 2 * k + 1, FIVE_YEARS_T - k, FIVE_YEARS_T - k, 0.0, w, 2000 + k)
            m += 1
    # the era cap: every pin up to the last later-era patient's rank has w <= cap
    if era_rank >= 0:
        cap = era_cap - era_rank
        for q in range(m):
            if items[q, 0] <= 2 * era_rank:
                items[q, 3] = min(items[q, 3], cap)
            if items[q, 1] <= 2 * era_rank and items[q, 2] + items[q, 4] > cap:
                items[q, 3] = -1e9  # infeasible
    return m, total


@nb.njit(cache=True)
def pin_chain(items, m, lo_w):
    """Heaviest set of pins one strictly increasing placement meets (see the module docstring).

    Returns (weight, pred, w_end, best_end): ``pred`` links each item to the previous one on its best
    chain, ``w_end`` is its ``w`` at its end position; ``best_end`` is the last item of the best chain."""
    key = np.empty(m)
    for q in range(m):
        wh = items[q, 3] if items[q, 3] > -1.0 else -1.0
        key[q] = (((items[q, 0] * 256.0 + items[q, 1]) * 4096.0 + items[q, 2] + 1.0) * 4096.0 + wh + 1.0) * 4.0 + items[
            q, 4
        ]
    srt = np.argsort(key)
    # identical pins (one patient is the median of several groups) merge into one, weights summed
    idx = np.empty(m, np.int64)
    wt = np.zeros(m)
    u = 0
    for z in range(m):
        q = srt[z]
        if u > 0 and key[q] == key[idx[u - 1]]:
            wt[idx[u - 1]] += items[q, 5]
        else:
            idx[u] = q
            wt[q] = items[q, 5]
            u += 1
    best = np.full(m, -1.0)
    w_end = np.zeros(m)
    wh_run = np.zeros(m)  # how far the w of a run of same-rank pins may still rise
    pred = np.full(m, NONE, np.int64)
    top = 0.0
    top_i = NONE
    for ii in range(u):
        i = idx[ii]
        wl = max(items[i, 2], lo_w)
        wh = items[i, 3]
        if wl > wh:
            continue
        bw = wt[i]
        bws = wl
        bh = wh
        bp = NONE
        for jj in range(ii):
            j = idx[jj]
            if best[j] < 0:
                continue
            if items[j, 1] < items[i, 0]:
                w = max(wl, w_end[j])
                if w > wh:
                    continue
                h = wh
            elif items[j, 1] == items[i, 0]:
                w = max(wl, w_end[j])
                h = min(wh, wh_run[j])
                if w > h:
                    continue
            else:
                continue
            cand = best[j] + wt[i]
            if cand > bw or (cand == bw and w < bws):
                bw = cand
                bws = w
                bh = h
                bp = j
        best[i] = bw
        pred[i] = bp
        w_end[i] = bws + items[i, 4]
        wh_run[i] = bh if items[i, 4] == 0.0 and items[i, 0] == items[i, 1] else w_end[i]
        if bw > top:
            top = bw
            top_i = i
    return top, pred, w_end, top_i


def place(
    items: np.ndarray,
    m: int,
    pred: np.ndarray,
    w_end: np.ndarray,
    top_i: int,
    n: int,
    era_rank: int,
    era_cap: int,
    lo_w: int,
) -> np.ndarray:
    """Times (tenths) for ranks ``0 .. n-1`` that meet every pin of the chain ending at ``top_i``:
    ``w`` interpolated linearly between the pins (so the free times spread evenly between them)."""
    knots = []
    i = top_i
    run_w = None
    prev_start = None
    while i != NONE:
        start, end, step = items[i, 0], items[i, 1], items[i, 4]
        we = w_end[i] if (run_w is None or prev_start != end) else run_w
        ws = we - step
        knots.append((end, we))
        if end != start:
            knots.append((start, ws))
        run_w, prev_start = ws, start
        i = pred[i]
    knots.sort()
    pos = np.array([k[0] for k in knots], float)
    ws = np.array([k[1] for k in knots], float)
    if len(pos) == 0:
        pos, ws = np.array([0.0]), np.array([float(lo_w)])
    w = np.floor(np.interp(2.0 * np.arange(n), pos, ws) + 0.5)
    if era_rank >= 0:
        w[: era_rank + 1] = np.minimum(w[: era_rank + 1], era_cap - era_rank)
    w = np.maximum.accumulate(np.maximum(w, lo_w))
    return (w + np.arange(n)).astype(np.int64)
