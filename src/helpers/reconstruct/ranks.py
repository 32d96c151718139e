"""Kaplan-Meier and log-rank statistics of an *order*: distinct times given only by their ranks.

The search (``kernel``) holds ranks ``0 .. n-1`` instead of times; these functions compute what
``stats.km_logrank`` computes from times (tested equal), faster, and return the *ranks* a median is
made of, which ``pins`` turns into values.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .stats import MAXK, R_TOL, _chi2_sf, logrank_p


@nb.njit(cache=True)
def five_year_curves(order, death, G, rows, levels, n):
    """S(after rank k) for each 5-year target (grouping row and level) and the last rank in its group."""
    m = rows.shape[0]
    S = np.ones((m, n))
    last = np.full(m, -1, np.int64)
    for j in range(m):
        r = rows[j]
        g = levels[j]
        at_risk = 0
        for q in range(n):
            if G[r, order[q]] == g:
                at_risk += 1
        s = 1.0
        for q in range(n):
            i = order[q]
            if G[r, i] == g:
                if death[i] > 0:
                    s *= 1.0 - 1.0 / at_risk
                at_risk -= 1
                last[j] = q
            S[j, q] = s
    return S, last


@nb.njit(cache=True)
def _km2(order, death, Gr, r, n0, n1, rs):
    """:func:`km_ranks` for row ``r`` (its groups ``Gr``) with two groups of ``n0`` and ``n1`` patients, into
    ``rs`` (``arrays.RowStats``)."""
    send, pval, x1, x2 = rs.send, rs.pval, rs.x1, rs.x2
    s0 = 1.0
    s1 = 1.0
    oe = 0.0
    v = 0.0
    a0 = np.nan
    b0 = np.nan
    a1 = np.nan
    b1 = np.nan
    for q in range(order.shape[0]):
        i = order[q]
        g = Gr[i]
        if g < 0:
            continue
        if death[i] > 0:
            N = n0 + n1
            oe += (1.0 if g == 1 else 0.0) - n1 / N
            if N > 1:
                v += n0 * n1 / (N * N)
            if g == 0:
                s0 *= 1.0 - 1.0 / n0
                if np.isnan(a0) and 1.0 - s0 + R_TOL >= 0.5:
                    a0 = q
                if np.isnan(b0) and 1.0 - s0 - R_TOL >= 0.5:
                    b0 = q
            else:
                s1 *= 1.0 - 1.0 / n1
                if np.isnan(a1) and 1.0 - s1 + R_TOL >= 0.5:
                    a1 = q
                if np.isnan(b1) and 1.0 - s1 - R_TOL >= 0.5:
                    b1 = q
        if g == 0:
            n0 -= 1.0
        else:
            n1 -= 1.0
    x1[r, 0] = a0
    x2[r, 0] = a0 if np.isnan(b0) else b0
    x1[r, 1] = a1
    x2[r, 1] = a1 if np.isnan(b1) else b1
    send[r, 0] = s0
    send[r, 1] = s1
    pval[r] = _chi2_sf(oe * oe / v, 1) if v > 0 else 1.0


@nb.njit(cache=True)
def km_ranks(order, death, G, K, rows, nr, rs, recount):
    """``stats.km_logrank`` for distinct times given by their order (rank ``q`` holds patient
    ``order[q]``), for the first ``nr`` of ``rows``, written into ``rs`` (``arrays.RowStats``): the ranks the
    median is made of (``x1``, ``x2``), the final S and the log-rank p.  ``ncount[r, g]``: the size of each
    group, counted afresh when ``recount`` (moves in the order keep it; factor swaps and era flips may not)."""
    send, pval, x1, x2, ncount = rs.send, rs.pval, rs.x1, rs.x2, rs.ncount
    n = order.shape[0]
    nrisk = np.zeros(MAXK)
    S = np.ones(MAXK)
    O = np.zeros(MAXK)
    E = np.zeros(MAXK)
    V = np.zeros((MAXK, MAXK))
    for z in range(nr):
        r = rows[z]
        k = K[r]
        for g in range(MAXK):
            nrisk[g] = 0.0
            S[g] = 1.0
            O[g] = 0.0
            E[g] = 0.0
            x1[r, g] = np.nan
            x2[r, g] = np.nan
            send[r, g] = np.nan
            for h in range(MAXK):
                V[g, h] = 0.0
        if recount:
            for q in range(n):
                g = G[r, order[q]]
                if g >= 0:
                    nrisk[g] += 1
            for g in range(MAXK):
                ncount[r, g] = nrisk[g]
        else:
            for g in range(MAXK):
                nrisk[g] = ncount[r, g]
        if k == 2:  # the common case, in scalars: O - E and V of the second group
            _km2(order, death, G[r], r, nrisk[0], nrisk[1], rs)
            continue
        for q in range(n):
            i = order[q]
            g = G[r, i]
            if g < 0:
                continue
            if death[i] > 0:
                N = 0.0
                for h in range(k):
                    N += nrisk[h]
                for h in range(k):
                    E[h] += nrisk[h] / N
                O[g] += 1.0
                if N > 1 and k > 1:
                    f = 1.0 / (N * N)
                    for a in range(k):
                        V[a, a] += f * nrisk[a] * N
                        for c in range(k):
                            V[a, c] -= f * nrisk[a] * nrisk[c]
                S[g] *= 1.0 - 1.0 / nrisk[g]
                y = 1.0 - S[g]
                if np.isnan(x1[r, g]) and y + R_TOL >= 0.5:
                    x1[r, g] = q
                if np.isnan(x2[r, g]) and y - R_TOL >= 0.5:
                    x2[r, g] = q
            nrisk[g] -= 1.0
        for g in range(k):
            send[r, g] = S[g]
            if np.isnan(x2[r, g]):
                x2[r, g] = x1[r, g]
        pval[r] = logrank_p(O, E, V, k)
