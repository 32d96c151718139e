"""Every assignment of a two-level factor that meets its printed log-rank p's and level medians on a fixed
order, by meeting in the middle.

The log-rank statistic of a group ``G`` within a table (a set of blocks) is ``(O - E)^2 / V``. ``O - E`` is the
sum over ``G`` of ``death_i - H(t_i)``, with ``H`` the table's pooled Nelson-Aalen hazard, which no assignment
changes: it is linear in membership. ``V`` sums ``c_j n1_j (n_j - n1_j)`` over the death times, ``n1_j`` the
members at risk. Within one block, with the group's size fixed, split the patients by time into an early half
``A`` and a late half ``B``: at an early death time, ``n1_j`` is the members of ``A`` at risk plus every member
of ``B``, which is the fixed size less ``A``'s; at a late one, ``B``'s members at risk. So for each split of the
size, ``O - E`` and ``V`` are each a sum of a term of ``A`` and a term of ``B``. Every subset of each half is
enumerated once; the pairs whose ``O - E`` lies in the band the printed p allows are found by binary search
in ``B``'s sorted sums, and each is checked exactly (the statistic, then both levels' Kaplan-Meier medians).
A table over two blocks then joins the blocks' survivors the same way. :func:`meeting` re-checks every
assignment it returns with the R-exact :func:`helpers.survival.logrank` and :func:`helpers.survival.km_median`.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
from scipy.stats import chi2

NONE, INTERVAL, NOT_REACHED = 0, 1, 2  # what a level's median must be
EPS = 1e-9  # relative slack of the band: the band only ever errs on keeping
TOL = np.sqrt(np.finfo(float).eps)  # R's tolerance for a curve at exactly 0.5 (helpers.survival.km)
MAX_HALF = 22  # a half of at most this many patients is enumerated (2^22 subsets)
BINS = 32  # groups of the late half's subsets of one size, by their share of V


class Printed(NamedTuple):
    """One table's printed numbers for the factor: the blocks it covers, its p interval (``None``: no p) and
    each level's median interval, members first (``None``: no median; ``"NR"``: not reached)."""

    blocks: tuple
    p: tuple | None = None
    median_in: tuple | str | None = None
    median_out: tuple | str | None = None


class Spec(NamedTuple):
    """A table's numbers as arrays: the statistic's interval and the two medians' kinds and intervals."""

    chi: np.ndarray  #: (2,) (-1, inf) for no p
    kind: np.ndarray  #: (2,) NONE, INTERVAL or NOT_REACHED, members first
    median: np.ndarray  #: (2, 2)


class Curves(NamedTuple):
    """One table's patients in increasing order of time, with its log-rank weights."""

    time: np.ndarray
    death: np.ndarray
    a: np.ndarray  #: each patient's share of O - E, death - H(t)
    first: np.ndarray  #: first position of the patient's tie group
    last: np.ndarray  #: last position of the patient's tie group
    at_risk: np.ndarray  #: patients at or after the tie group
    deaths: np.ndarray  #: deaths in the tie group (at its last position, else 0)
    c: np.ndarray  #: d (n - d) / (n^2 (n - 1)) at the tie group's last position, else 0


def curves(time, death) -> Curves:
    """:class:`Curves` of patients already sorted by time."""
    t, d = np.asarray(time, float), np.asarray(death, float)
    n = len(t)
    first, last = np.zeros(n, np.int64), np.zeros(n, np.int64)
    for p in range(n):
        first[p] = first[p - 1] if p and t[p] == t[p - 1] else p
    for p in range(n - 1, -1, -1):
        last[p] = last[p + 1] if p < n - 1 and t[p] == t[p + 1] else p
    at_risk, deaths, c, a = (np.zeros(n) for _ in range(4))
    hazard = 0.0
    for p in range(n):
        if last[p] == p:
            g = slice(first[p], p + 1)
            nj, dj = n - first[p], d[g].sum()
            at_risk[g] = nj
            if dj > 0:
                hazard += dj / nj
                deaths[p] = dj
                c[p] = dj * (nj - dj) / (nj**2 * (nj - 1)) if nj > 1 else 0.0
            a[g] = d[g] - hazard
    return Curves(t, d, a, first, last, at_risk, deaths, c)


def spec(tab: Printed) -> Spec:
    """The arrays of one table's printed numbers."""
    chi_range = np.array([-1.0, np.inf])
    if tab.p is not None:
        lo, hi = tab.p
        chi_range[:] = chi2.isf(min(hi, 1.0), 1) * (1 - EPS), chi2.isf(max(lo, 0.0), 1) * (1 + EPS)
    kind, median = np.zeros(2, np.int64), np.zeros((2, 2))
    for s, m in enumerate((tab.median_in, tab.median_out)):
        if isinstance(m, str):
            kind[s] = NOT_REACHED
        elif m is not None:
            kind[s] = INTERVAL
            median[s] = m
    return Spec(chi_range, kind, median)


@numba.njit(cache=True)
def _median(cv, x, level):
    """The print rule's Kaplan-Meier median of the patients with ``x == level`` (``km_median``'s, NaN when not
    reached)."""
    n = x.shape[0]
    s, at, t1, y0 = 1.0, 0, np.nan, -1.0
    for p in range(n):
        if x[p] == level:
            at += 1
    p = 0
    while p < n:
        q = cv.last[p]
        dj, nj = 0.0, 0
        for i in range(p, q + 1):
            if x[i] == level:
                nj += 1
                dj += cv.death[i]
        if dj > 0:
            s *= 1.0 - dj / at
            if np.isnan(t1):
                if s < 0.5 + TOL:
                    t1, y0 = cv.time[p], s
                    if abs(s - 0.5) >= TOL:
                        return t1
            elif s < y0:
                return (t1 + cv.time[p]) / 2.0
        at -= nj
        p = q + 1
    return t1


@numba.njit(cache=True)
def _medians_ok(cv, sp, x):
    """Whether both levels' medians of ``x`` are as ``sp`` prints them."""
    for s in range(2):
        if sp.kind[s] == NONE:
            continue
        m = _median(cv, x, 1 - s)
        if sp.kind[s] == NOT_REACHED:
            if not np.isnan(m):
                return False
        elif np.isnan(m) or m < sp.median[s, 0] or m > sp.median[s, 1]:
            return False
    return True


@numba.njit(cache=True)
def _early_ok(cv, sp, mask, split, k):
    """Whether the early half's subset ``mask`` leaves both medians possible: each level's curve is known up to
    the split (its number at risk is the level's size less those before), and a curve below 0.5 before its
    interval, or above 0.5 after it, decides the median (a sound cut, as ``_median``'s rule)."""
    n = cv.time.shape[0]
    at = np.array([k, n - k])
    s, dj, nj = np.ones(2), np.zeros(2), np.zeros(2, np.int64)
    p = 0
    while p < split:
        q = cv.last[p]
        dj[:] = 0.0
        nj[:] = 0
        for i in range(p, q + 1):
            lv = 1 - (mask >> i & 1)  # 0: members, 1: the others
            nj[lv] += 1
            dj[lv] += cv.death[i]
        for lv in range(2):
            if dj[lv] > 0:
                s[lv] *= 1.0 - dj[lv] / at[lv]
            at[lv] -= nj[lv]
            if sp.kind[lv] == NOT_REACHED and s[lv] < 0.5 - TOL:
                return False
            if sp.kind[lv] == INTERVAL:
                if s[lv] < 0.5 - TOL and cv.time[p] < sp.median[lv, 0]:
                    return False
                if s[lv] > 0.5 + TOL and cv.time[p] > sp.median[lv, 1]:
                    return False
        p = q + 1
    if split < n:
        for lv in range(2):  # every later drop comes at or after the late half's first time
            if sp.kind[lv] == INTERVAL and s[lv] > 0.5 + TOL and cv.time[split] > sp.median[lv, 1]:
                return False
    return True


@numba.njit(cache=True)
def _chi(cv, x):
    """The log-rank statistic of the members of ``x`` (0 when its variance is 0)."""
    n = x.shape[0]
    k = 0
    for p in range(n):
        k += x[p]
    oe, v, before, p = 0.0, 0.0, 0, 0
    while p < n:
        q = cv.last[p]
        for i in range(p, q + 1):
            oe += x[i] * cv.a[i]
        if cv.deaths[q] > 0:
            n1 = k - before
            v += cv.c[q] * n1 * (cv.at_risk[q] - n1)
        for i in range(p, q + 1):
            before += x[i]
        p = q + 1
    return oe * oe / v if v > 0 else 0.0


@numba.njit(cache=True)
def _half(cv, lo, hi, k):
    """Every subset (a bit mask) of positions ``lo..hi-1``: its size and its shares of ``O - E`` and of ``V``.
    An early half (``lo == 0``) counts ``k`` less its size as members at risk after it; a late half, none."""
    m = hi - lo
    size = np.zeros(1 << m, np.int64)
    oe, v = np.zeros(1 << m), np.zeros(1 << m)
    suffix = np.zeros(m + 1, np.int64)
    for mask in range(1 << m):
        o = 0.0
        suffix[m] = 0
        for i in range(m - 1, -1, -1):
            bit = mask >> i & 1
            suffix[i] = suffix[i + 1] + bit
            o += bit * cv.a[lo + i]
        size[mask], oe[mask] = suffix[0], o
        extra = k - suffix[0] if lo == 0 else 0
        acc = 0.0
        for i in range(m):
            p = lo + i
            if cv.last[p] == p and cv.deaths[p] > 0:
                at_group = extra + suffix[cv.first[p] - lo]
                acc += cv.c[p] * at_group * (cv.at_risk[p] - at_group)
        v[mask] = acc
    return size, oe, v


@numba.njit(cache=True)
def _join(cv, sp, k, split, limit):
    """Every subset of ``k`` of the table's patients (positions ``0..split-1`` the early half, at a tie group's
    start) whose statistic lies in ``sp.chi`` and whose medians are as printed: up to ``limit`` of them as 0/1
    rows, and how many there are. The late half's subsets are grouped by size and by ``V`` share (``BINS``
    groups of equal count), each group sorted by ``O - E`` with its own range of ``V``, so that the band of
    ``O - E`` searched for each early subset is narrow."""
    n = cv.time.shape[0]
    sa, oa, va = _half(cv, 0, split, k)
    sb, ob, vb = _half(cv, split, n, k)
    nbin = BINS
    # group of each late subset: size, then the rank of its V among those of its size, in nbin equal parts
    by_v = np.argsort(vb)
    by_v = by_v[np.argsort(sb[by_v], kind="mergesort")]
    per_size = np.zeros(n + 2, np.int64)
    for mb in range(sb.shape[0]):
        per_size[sb[mb] + 1] += 1
    first = np.cumsum(per_size)
    group = np.zeros(sb.shape[0], np.int64)
    for j in range(sb.shape[0]):
        mb = by_v[j]
        size = sb[mb]
        group[mb] = size * nbin + (j - first[size]) * nbin // max(first[size + 1] - first[size], 1)
    order = np.argsort(ob)
    order = order[np.argsort(group[order], kind="mergesort")]  # by group, then by O - E
    ob_sorted = ob[order]
    start = np.zeros((n + 1) * nbin + 1, np.int64)
    for mb in range(sb.shape[0]):
        start[group[mb] + 1] += 1
    start = np.cumsum(start)
    vmax, vmin = np.zeros((n + 1) * nbin), np.full((n + 1) * nbin, np.inf)
    for mb in range(sb.shape[0]):
        vmax[group[mb]] = max(vmax[group[mb]], vb[mb])
        vmin[group[mb]] = min(vmin[group[mb]], vb[mb])
    out = np.zeros((limit, n), np.int8)
    x = np.zeros(n, np.int8)
    found = 0
    lo_chi, hi_chi = max(sp.chi[0], 0.0), sp.chi[1]
    bands = np.zeros((2, 2))
    for ma in range(sa.shape[0]):
        kb = k - sa[ma]
        if kb < 0 or kb > n - split or not _early_ok(cv, sp, ma, split, k):
            continue
        for g in range(kb * nbin, (kb + 1) * nbin):
            if start[g] == start[g + 1]:
                continue
            # |O - E| lies in [r_lo, r_hi] whatever the variance of the group's subsets
            r_lo = np.sqrt(lo_chi * max(va[ma] + vmin[g], 0.0)) * (1 - EPS)
            r_hi = np.sqrt(hi_chi * (va[ma] + vmax[g])) * (1 + EPS) + EPS if hi_chi < np.inf else np.inf
            if r_lo <= 0.0:
                nb = 1
                bands[0, 0], bands[0, 1] = -r_hi - oa[ma], r_hi - oa[ma]
            else:
                nb = 2
                bands[0, 0], bands[0, 1] = -r_hi - oa[ma], -r_lo - oa[ma]
                bands[1, 0], bands[1, 1] = r_lo - oa[ma], r_hi - oa[ma]
            for q in range(nb):
                i = start[g] + np.searchsorted(ob_sorted[start[g] : start[g + 1]], bands[q, 0])
                while i < start[g + 1] and ob_sorted[i] <= bands[q, 1]:
                    mb = order[i]
                    i += 1
                    o, v = oa[ma] + ob[mb], va[ma] + vb[mb]
                    stat = o * o / v if v > 0 else 0.0
                    if stat < sp.chi[0] or stat > sp.chi[1]:
                        continue
                    for j in range(split):
                        x[j] = ma >> j & 1
                    for j in range(n - split):
                        x[split + j] = mb >> j & 1
                    if not _medians_ok(cv, sp, x):
                        continue
                    if found < limit:
                        out[found] = x
                    found += 1
    return out[: min(found, limit)], found


@numba.njit(cache=True)
def _pairs(cv, sp, rows_a, rows_b, pos_a, pos_b, limit):
    """Every pair of a row of ``rows_a`` and one of ``rows_b`` (two blocks' assignments; ``pos_a``, ``pos_b``:
    their patients' positions in ``cv``) meeting the pooled table ``sp``: up to ``limit`` pairs as indices,
    and how many there are. Pairs are found in a band of the pooled ``O - E``, whose variance is at most
    ``sum c n^2 / 4``, then checked exactly."""
    n = cv.time.shape[0]
    oa, ob = np.zeros(rows_a.shape[0]), np.zeros(rows_b.shape[0])
    for r in range(rows_a.shape[0]):
        for j in range(pos_a.shape[0]):
            oa[r] += rows_a[r, j] * cv.a[pos_a[j]]
    for r in range(rows_b.shape[0]):
        for j in range(pos_b.shape[0]):
            ob[r] += rows_b[r, j] * cv.a[pos_b[j]]
    vmax = 0.0
    for p in range(n):
        vmax += cv.c[p] * cv.at_risk[p] ** 2 / 4.0
    r_hi = np.sqrt(sp.chi[1] * vmax) * (1 + EPS) + EPS if sp.chi[1] < np.inf else np.inf
    order = np.argsort(ob)
    ob_sorted = ob[order]
    out = np.zeros((limit, 2), np.int64)
    x = np.zeros(n, np.int8)
    found = 0
    for ra in range(rows_a.shape[0]):
        i = np.searchsorted(ob_sorted, -r_hi - oa[ra])
        while i < ob_sorted.shape[0] and ob_sorted[i] <= r_hi - oa[ra]:
            rb = order[i]
            i += 1
            for j in range(pos_a.shape[0]):
                x[pos_a[j]] = rows_a[ra, j]
            for j in range(pos_b.shape[0]):
                x[pos_b[j]] = rows_b[rb, j]
            stat = _chi(cv, x)
            if stat < sp.chi[0] or stat > sp.chi[1] or not _medians_ok(cv, sp, x):
                continue
            if found < limit:
                out[found, 0], out[found, 1] = ra, rb
            found += 1
    return out[: min(found, limit)], found


def _meets(time, death, members, tab: Printed, block) -> bool:
    """The R-exact check of one table for one assignment (``members`` 0/1 per patient)."""
    from helpers.survival import km_median, logrank

    inside = np.isin(block, tab.blocks)
    t, d, g = time[inside], death[inside], members[inside]
    if tab.p is not None and not (tab.p[0] <= logrank(t, d, g).p <= tab.p[1]):
        return False
    for level, want in ((1, tab.median_in), (0, tab.median_out)):
        if want is None:
            continue
        med = km_median(t[g == level], d[g == level])
        if (want == "NR") != np.isnan(med) or (want != "NR" and not want[0] <= med <= want[1]):
            return False
    return True


def _sorted_curves(time, death):
    """The patients' order by time (``idx[p]``: the patient at position ``p``) and their :class:`Curves`."""
    idx = np.argsort(time, kind="stable")
    return idx, curves(time[idx], death[idx])


def _split(cv: Curves, sp: Spec) -> int:
    """Where the early half ends: past every median interval when the halves allow it (the early half then
    decides the medians, ``_early_ok``), else the middle; always at the start of a tie group."""
    n = len(cv.time)
    ends = [sp.median[lv, 1] for lv in range(2) if sp.kind[lv] == INTERVAL]
    split = int(np.searchsorted(cv.time, max(ends), side="right")) if ends else n // 2
    if not n - MAX_HALF <= split <= MAX_HALF:
        split = n // 2
    while 0 < split < n and cv.first[split] != split:  # a half ends with a tie group
        split -= 1
    if max(split, n - split) > MAX_HALF:
        raise ValueError(f"{n} patients: a half of more than {MAX_HALF} is not enumerated")
    return split


def block_meeting(time, death, k: int, tab: Printed, limit: int) -> tuple[np.ndarray, int]:
    """Every choice of ``k`` members among these patients meeting one table's numbers, in patient order (up to
    ``limit``), and how many there are."""
    idx, cv = _sorted_curves(time, death)
    n = len(idx)
    sp = spec(tab)
    found, total = _join(cv, sp, k, _split(cv, sp), limit)
    rows = np.zeros((len(found), n), np.int8)
    rows[:, idx] = found
    return rows, int(total)


def meeting(
    time, death, block, k, tables, limit: int = 2_000_000, recheck: bool = True, candidates: dict | None = None
) -> tuple[np.ndarray, dict]:
    """Every assignment of ``k[b]`` members in each block ``b`` meeting every table's printed numbers.

    Parameters
    ----------
    time, death : array-like
        Follow-up and 0/1 death of each patient.
    block : array-like of int
        Each patient's block, 0 or 1.
    k : sequence of int
        Members to choose in each block.
    tables : sequence of Printed
        One table per block (``blocks=(b,)``), then at most one over both (``blocks=(0, 1)``), each with the
        intervals of ``scorecard.interval``.

    limit : int
        Most assignments of a block, or of both, that are kept; more is a ``ValueError``.
    recheck : bool
        Re-check each assignment with the R-exact statistics (:func:`meets`); without, a caller re-checks the
        ones it uses.
    candidates : dict, optional
        For a block ``b``, the assignments of its patients (0/1 rows in patient order) to pair instead of every
        one meeting its own table: a caller's narrower set (an identity with another column), which must meet
        that table.

    Returns
    -------
    (rows, counts)
        One 0/1 row per assignment in patient order and how many met each block's table, then the pooled one.
    """
    time, death, block = np.asarray(time, float), np.asarray(death, float), np.asarray(block, np.int64)
    own = sorted((tab for tab in tables if len(tab.blocks) == 1), key=lambda t: int((block == t.blocks[0]).sum()))
    if sorted(tab.blocks[0] for tab in own) != [0, 1]:
        raise ValueError("one table for each of blocks 0 and 1 is needed")
    per, counts = {}, {}
    for tab in own:  # the smaller block first; a block without a solution leaves none at all
        b = tab.blocks[0]
        inside = block == b
        if candidates is not None and b in candidates:
            rows = np.asarray(candidates[b], np.int8).reshape(-1, int(inside.sum()))
            total = len(rows)
        else:
            rows, total = block_meeting(time[inside], death[inside], int(k[b]), tab, limit)
        if total > limit:
            raise ValueError(f"block {b}: {total:,} assignments meet its table, more than limit={limit:,}")
        per[b], counts[f"block {b}"] = rows, total
        if total == 0:
            break
    if len(per) < 2:
        return np.zeros((0, len(time)), np.int8), counts
    pooled = [tab for tab in tables if len(tab.blocks) > 1]
    pos = {b: np.flatnonzero(block == b) for b in (0, 1)}
    if pooled:
        idx, cv = _sorted_curves(time, death)
        rank = np.empty(len(idx), np.int64)
        rank[idx] = np.arange(len(idx))
        pairs, total = _pairs(cv, spec(pooled[0]), per[0], per[1], rank[pos[0]], rank[pos[1]], limit)
        if total > limit:
            raise ValueError(f"{total:,} pairs meet the pooled table, more than limit={limit:,}")
        counts["pooled"] = total
    else:
        pairs = np.array([(i, j) for i in range(len(per[0])) for j in range(len(per[1]))], np.int64).reshape(-1, 2)
    rows = np.zeros((len(pairs), len(time)), np.int8)
    rows[:, pos[0]] = per[0][pairs[:, 0]]
    rows[:, pos[1]] = per[1][pairs[:, 1]]
    if recheck:
        rows = np.array([r for r in rows if meets(time, death, block, r, tables)], np.int8).reshape(-1, len(time))
    return rows, counts


def meets(time, death, block, members, tables) -> bool:
    """Whether one assignment (``members``: 0/1 per patient) meets every table, by the R-exact statistics."""
    return all(_meets(time, death, members, tab, block) for tab in tables)
