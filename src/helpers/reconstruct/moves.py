"""The moves of the search on the factor codes and the order, compiled with numba.

A factor swap trades one factor's values between two patients of one subset, which keeps every printed count:
:func:`swap_ok` refuses a swap that would break an identity of the structure (``structure.swap_allowed``) and
:func:`do_swap` makes one; ``CUR_SWAPS``/``NON_SWAPS`` are the factors swapped within each subset.
:func:`refresh` recomputes a patient's column of the grouping matrix and Cox design after a change, and
:func:`apply_move` applies one move ``(kind, a, b, c)`` of the finisher (``finish``) in place; the annealing
loop (``kernel.anneal_chunk``) makes the same moves inline, with their undo.
"""

from __future__ import annotations

import numba as nb
import numpy as np

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
SWAPPED = tuple(sorted(set(CUR_SWAPS.tolist()) | set(NON_SWAPS.tolist())))  # swapped in either subset


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
def refresh(dz, C, i):
    """Recompute patient ``i``'s column of the grouping matrix and row of the Cox design of ``dz`` (an
    ``arrays.Design``) from the factor codes ``C``."""
    G, X, row_sub, row_fac, n_cur = dz.G, dz.X, dz.row_sub, dz.row_fac, dz.n_cur
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
        X[i, a] = 1.0 if C[dz.cox_fac[a], i] == dz.cox_bad[a] else 0.0


@nb.njit(cache=True)
def insert_at(order, rank, a, q):
    """Move patient ``a`` to rank ``q`` of the order, the patients between shifting by one rank."""
    p0 = rank[a]
    if q > p0:
        for z in range(p0, q):
            order[z] = order[z + 1]
    else:
        for z in range(p0, q, -1):
            order[z] = order[z - 1]
    order[q] = a
    for z in range(min(p0, q), max(p0, q) + 1):
        rank[order[z]] = z


@nb.njit(cache=True)
def apply_move(move, st, dz):
    """Apply one move ``(kind, a, b, c)`` in place to a state (``st``: ``arrays.Ranked``, ``dz``: its
    ``arrays.Design``): kind 0 swaps patients ``a`` and ``b`` in the order, 1 moves patient ``a`` to rank
    ``b``, 2 swaps the outcomes of ``a`` and ``b``, 3 swaps factor ``c`` between them, 4 flips the era of ``a``."""
    kind, a, b, c = move[0], move[1], move[2], move[3]
    order, rank, death, C = st.order, st.rank, st.death, st.C
    if kind == 0:
        ra = rank[a]
        rb = rank[b]
        rank[a] = rb
        rank[b] = ra
        order[rb] = a
        order[ra] = b
    elif kind == 1:
        insert_at(order, rank, a, b)
    elif kind == 2:
        t = death[a]
        death[a] = death[b]
        death[b] = t
    elif kind == 3:
        do_swap(C, c, a, b, dz.n_cur)
        refresh(dz, C, a)
        refresh(dz, C, b)
    else:
        C[ERA, a] = 1 - C[ERA, a]
        refresh(dz, C, a)


def every_swap(s, n_cur: int) -> np.ndarray:
    """Every factor swap the printed counts allow (:func:`swap_ok`) in a state ``s`` (its factor codes ``s.C``),
    as moves ``(3, i, j, f)`` of :func:`apply_move` with ``i < j``, by factor, then patient: about 4,500, where
    the finisher's fine moves hold only each patient's swap with the nearest patient in the order."""
    C, n = s.C, s.C.shape[1]
    mv = [
        (3, i, j, f)
        for f in SWAPPED
        for i in range(n)
        if f in (CUR_SWAPS if i < n_cur else NON_SWAPS)
        for j in range(i + 1, n)
        if swap_ok(C, f, i, j, n_cur)
    ]
    return np.array(mv, np.int64).reshape(-1, 4)
