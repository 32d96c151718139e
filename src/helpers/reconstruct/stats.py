"""The statistics of a candidate cohort's times, compiled with numba, which every stage of the search shares.

They compute exactly what ``helpers.survival`` computes (R ``survival`` conventions), only faster:

- Kaplan-Meier medians as ``print.survfit`` (EZR) and ``helpers.survival.km_median``: the first time
  S <= 0.5 (within sqrt(eps)), or the midpoint up to the next drop where S equals 0.5; S(60 months) as
  ``summary(survfit, times=60)`` (NaN beyond the last time);
- log-rank chi-square of ``survdiff`` (hypergeometric variance; groups with zero expected dropped)
  and its p-value (closed forms of the chi-square tail for 1, 2 and 3 df);
- Breslow Cox fit by R's ``coxfit6`` Newton recipe (start at 0, step-halving, stop when
  ``|1 - loglik_old / loglik_new| <= 1e-9``, at most 20 iterations), Wald p and 95% CI.

The targets they are scored against are ``targets.build_targets``'s; the rank-space statistics of ``ranks``
and the search's loss (``loss``) build on them.  ``tests/test_reconstruct.py`` checks that these values equal
``helpers.survival``'s, and that the rank-space statistics of ``ranks`` equal these.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

R_TOL = math.sqrt(np.finfo(float).eps)
Z975 = 1.959963984540054  # qnorm(0.975)
MAXK = 4  # most levels of a factor
FIVE_YEARS = 60.0


@nb.njit(cache=True)
def _chi2_sf(x, df):
    if df <= 0:
        return 1.0
    if x <= 0:
        return 1.0
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    if df == 2:
        return math.exp(-x / 2)
    if df == 3:
        return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    return np.nan


@nb.njit(cache=True)
def _solve_small(A, b, m):
    """Solve A[:m,:m] x = b[:m] by Gaussian elimination with partial pivoting (m <= 3)."""
    M = np.zeros((m, m + 1))
    for i in range(m):
        for j in range(m):
            M[i, j] = A[i, j]
        M[i, m] = b[i]
    for c in range(m):
        piv = c
        for r in range(c + 1, m):
            if abs(M[r, c]) > abs(M[piv, c]):
                piv = r
        if M[piv, c] == 0.0:
            return np.full(m, np.nan)
        if piv != c:
            for j in range(m + 1):
                tmp = M[c, j]
                M[c, j] = M[piv, j]
                M[piv, j] = tmp
        for r in range(c + 1, m):
            f = M[r, c] / M[c, c]
            for j in range(c, m + 1):
                M[r, j] -= f * M[c, j]
    x = np.zeros(m)
    for i in range(m - 1, -1, -1):
        s = M[i, m]
        for j in range(i + 1, m):
            s -= M[i, j] * x[j]
        x[i] = s / M[i, i]
    return x


@nb.njit(cache=True)
def logrank_p(O, E, V, k):
    """``survdiff``'s p from observed and expected deaths and the variance matrix of ``k`` groups: groups
    with no expected death are dropped; NaN for one group, 1 when only one group has any."""
    if k < 2:
        return np.nan
    use = np.zeros(MAXK, np.int64)
    nu = 0
    for g in range(k):
        if E[g] > 0:
            use[nu] = g
            nu += 1
    if nu < 2:
        return 1.0
    m = nu - 1
    A = np.zeros((m, m))
    bb = np.zeros(m)
    for a in range(m):
        ga = use[a + 1]
        bb[a] = O[ga] - E[ga]
        for c in range(m):
            A[a, c] = V[ga, use[c + 1]]
    xs = _solve_small(A, bb, m)
    chi2 = 0.0
    for a in range(m):
        chi2 += bb[a] * xs[a]
    return _chi2_sf(chi2, m)


@nb.njit(cache=True)
def km_logrank(time, death, order, G, K, tol):
    """For each grouping row of ``G`` (codes per patient, -1 = left out): per-level KM median, S(60),
    final S, and the log-rank p over the levels."""
    R = G.shape[0]
    med = np.full((R, MAXK), np.nan)
    s60 = np.full((R, MAXK), np.nan)
    send = np.full((R, MAXK), np.nan)
    pval = np.full(R, np.nan)
    n = G.shape[1]
    # blocks of tied times (shared by every row), and sorted copies for contiguous access
    ts = np.empty(n)
    ds = np.empty(n)
    for q in range(n):
        ts[q] = time[order[q]]
        ds[q] = death[order[q]]
    bstart = np.empty(n + 1, np.int64)
    bdeath = np.zeros(n)
    nb_ = 0
    for q in range(n):
        if q == 0 or ts[q] != ts[q - 1]:
            bstart[nb_] = q
            nb_ += 1
        bdeath[nb_ - 1] += ds[q]
    bstart[nb_] = n
    Gs = np.empty(n, np.int8)
    nrisk = np.zeros(MAXK)
    S = np.zeros(MAXK)
    x1 = np.zeros(MAXK)
    x2 = np.zeros(MAXK)
    xmax = np.zeros(MAXK)
    O = np.zeros(MAXK)
    E = np.zeros(MAXK)
    V = np.zeros((MAXK, MAXK))
    s60r = np.zeros(MAXK)
    d = np.zeros(MAXK)
    rem = np.zeros(MAXK)
    for r in range(R):
        k = K[r]
        for g in range(MAXK):
            med[r, g] = np.nan
            s60[r, g] = np.nan
            send[r, g] = np.nan
        pval[r] = np.nan
        for g in range(MAXK):
            nrisk[g] = 0.0
            S[g] = 1.0
            x1[g] = np.nan
            x2[g] = np.nan
            xmax[g] = 0.0
            O[g] = 0.0
            E[g] = 0.0
            s60r[g] = 1.0
            for h in range(MAXK):
                V[g, h] = 0.0
        for q in range(n):
            g = G[r, order[q]]
            Gs[q] = g
            if g >= 0:
                nrisk[g] += 1
        for b in range(nb_):
            t = ts[bstart[b]]
            if bdeath[b] == 0:  # censorings only: remove from the risk sets
                for q in range(bstart[b], bstart[b + 1]):
                    g = Gs[q]
                    if g >= 0:
                        nrisk[g] -= 1
                        xmax[g] = t
                continue
            for g in range(k):
                d[g] = 0.0
                rem[g] = 0.0
            D = 0.0
            for q in range(bstart[b], bstart[b + 1]):
                g = Gs[q]
                if g >= 0:
                    rem[g] += 1
                    d[g] += ds[q]
                    D += ds[q]
                    xmax[g] = t
            if D > 0:
                N = 0.0
                for g in range(k):
                    N += nrisk[g]
                for g in range(k):
                    E[g] += nrisk[g] * D / N
                    O[g] += d[g]
                if N > 1 and k > 1:
                    f = D * (N - D) / (N * N * (N - 1))
                    for a in range(k):
                        V[a, a] += f * nrisk[a] * N
                        for c in range(k):
                            V[a, c] -= f * nrisk[a] * nrisk[c]
                for g in range(k):
                    if d[g] > 0:
                        S[g] *= 1.0 - d[g] / nrisk[g]
                        y = 1.0 - S[g]
                        if np.isnan(x1[g]) and y + tol >= 0.5:
                            x1[g] = t
                        if np.isnan(x2[g]) and y - tol >= 0.5:
                            x2[g] = t
            if t <= FIVE_YEARS:
                for g in range(k):
                    s60r[g] = S[g]
            for g in range(k):
                nrisk[g] -= rem[g]
        for g in range(k):
            send[r, g] = S[g]
            s60[r, g] = s60r[g] if xmax[g] >= FIVE_YEARS else np.nan  # R: nothing beyond the last time
            if np.isnan(x1[g]):
                med[r, g] = np.nan  # never reached 0.5
            elif np.isnan(x2[g]):
                med[r, g] = x1[g]  # ends at exactly 0.5: print.survfit takes the time it got there
            else:
                med[r, g] = (x1[g] + x2[g]) / 2  # x1 == x2 unless S sat at exactly 0.5 in between
        if k >= 2:
            pval[r] = logrank_p(O, E, V, k)
    return med, s60, send, pval


@nb.njit(cache=True)
def _cox_eval(time, death, order, pats, p, beta, work, U, I):
    """Breslow log partial likelihood (returned), score ``U`` and information ``I`` (as coxfit6), written
    into the caller's arrays.  The covariates are 0/1 (``cox_matrix``): patient ``i`` has the bit pattern
    ``pats[i]``, so a risk score is one of ``2**p`` values, computed once per pattern; ``work`` has
    ``2 * 2**p + 2*p + p*p`` slots."""
    n = order.shape[0]
    npat = 1 << p
    for pat in range(npat):
        z = 0.0
        for a in range(p):
            z += ((pat >> a) & 1) * beta[a]
        work[npat + pat] = z
        work[pat] = math.exp(z)
    s1 = work[2 * npat : 2 * npat + p]
    s2 = work[2 * npat + p : 2 * npat + p + p * p].reshape((p, p))
    xd = work[2 * npat + p + p * p : 2 * npat + 2 * p + p * p]  # covariate sums of the deaths at one time
    lik = 0.0
    s0 = 0.0
    for a in range(p):
        s1[a] = 0.0
        U[a] = 0.0
        for b in range(p):
            s2[a, b] = 0.0
            I[a, b] = 0.0
    # walk from the largest time down, accumulating risk sets; tied times enter the risk set together
    pos = n - 1
    while pos >= 0:
        t = time[order[pos]]
        q = pos
        while q >= 0 and time[order[q]] == t:
            pat = pats[order[q]]
            w = work[pat]
            s0 += w
            for a in range(p):
                if (pat >> a) & 1:
                    s1[a] += w
                    for b in range(a + 1):
                        if (pat >> b) & 1:
                            s2[a, b] += w
            q -= 1
        nd = 0.0
        zsum = 0.0
        for a in range(p):
            xd[a] = 0.0
        for z in range(pos, q, -1):
            i = order[z]
            if death[i] > 0:
                nd += 1.0
                zsum += work[npat + pats[i]]
                for a in range(p):
                    xd[a] += (pats[i] >> a) & 1
        if nd > 0:
            lik += zsum - nd * math.log(s0)
            inv = 1.0 / s0
            for a in range(p):
                m1 = s1[a] * inv
                U[a] += xd[a] - nd * m1
                for b in range(a + 1):
                    I[a, b] += nd * (s2[a, b] * inv - m1 * s1[b] * inv)
        pos = q
    for a in range(p):  # the information is symmetric: only its lower triangle was summed
        for b in range(a):
            I[b, a] = I[a, b]
    return lik


@nb.njit(cache=True)
def _chol(I, L):
    """Lower Cholesky factor of ``I`` into ``L``; whether ``I`` is positive definite."""
    p = I.shape[0]
    L[:, :] = 0.0
    for i in range(p):
        for j in range(i + 1):
            s = I[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                if s <= 0:
                    return False
                L[i, i] = math.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    return True


@nb.njit(cache=True)
def _chol_back(L, U, x, y):
    """Solve ``L L' x = U`` into ``x`` (``y``: room for the forward step)."""
    p = L.shape[0]
    for i in range(p):
        s = U[i]
        for k in range(i):
            s -= L[i, k] * y[k]
        y[i] = s / L[i, i]
    for i in range(p - 1, -1, -1):
        s = y[i]
        for k in range(i + 1, p):
            s -= L[k, i] * x[k]
        x[i] = s / L[i, i]


@nb.njit(cache=True)
def _chol_solve(I, U, L, x, y):
    """Solve ``I x = U`` into ``x`` by the Cholesky factor ``L`` of ``I``; whether ``I`` is positive definite."""
    if not _chol(I, L):
        return False
    _chol_back(L, U, x, y)
    return True


@nb.njit(cache=True)
def _inv(I, L, out, e, x, y):
    """The inverse of ``I`` into ``out``; whether ``I`` is positive definite."""
    p = I.shape[0]
    if not _chol(I, L):
        return False
    for c in range(p):
        e[:] = 0.0
        e[c] = 1.0
        _chol_back(L, e, x, y)
        for r in range(p):
            out[r, c] = x[r]
    return True


@nb.njit(cache=True)
def cox_breslow(time, death, order, X):
    """R's coxfit6 Newton-Raphson; returns (hr, ci_low, ci_high, p) per covariate (4 x p) and ok."""
    out, ok, _ = cox_fit(time, death, order, X, np.zeros(X.shape[1]))
    return out, ok


@nb.njit(cache=True)
def cox_fit(time, death, order, X, beta0):
    """:func:`cox_breslow` started from ``beta0`` (R starts from 0; the search warm-starts from the last
    fit, which reaches the same maximum); also returns the coefficients."""
    n, p = X.shape
    out = np.full((4, p), np.nan)
    pats = np.zeros(n, np.int64)
    for i in range(n):
        for a in range(p):
            if X[i, a] == 1.0:
                pats[i] |= 1 << a
            elif X[i, a] != 0.0:
                return out, False, beta0.copy()  # _cox_eval takes 0/1 covariates only
    work = np.empty(2 * (1 << p) + 2 * p + p * p)  # _cox_eval's
    mats = np.empty((3, p, p))  # the information, its Cholesky factor, its inverse
    vecs = np.empty((5, p))  # the score, the Newton step, the next coefficients, room for the solves
    I, L, var = mats[0], mats[1], mats[2]
    U, step, newbeta, e, y = vecs[0], vecs[1], vecs[2], vecs[3], vecs[4]
    beta = beta0.copy()
    lik0 = _cox_eval(time, death, order, pats, p, beta, work, U, I)
    if not _chol_solve(I, U, L, step, y):
        return out, False, beta
    best = lik0
    for a in range(p):
        newbeta[a] = beta[a] + step[a]
    halving = 0
    converged = False
    for it in range(1, 21):
        newlk = _cox_eval(time, death, order, pats, p, newbeta, work, U, I)
        finite = np.isfinite(newlk)
        if finite and abs(1 - best / newlk) <= 1e-9:
            best = newlk
            beta[:] = newbeta
            converged = True
            break
        if it == 20:
            break
        if (not finite) or newlk < best:
            halving += 1
            for a in range(p):
                newbeta[a] = (newbeta[a] + halving * beta[a]) / (halving + 1.0)
        else:
            halving = 0
            best = newlk
            if not _chol_solve(I, U, L, step, y):
                return out, False, beta
            beta[:] = newbeta
            for a in range(p):
                newbeta[a] = newbeta[a] + step[a]
    if not converged:
        best = _cox_eval(time, death, order, pats, p, beta, work, U, I)
    if not _inv(I, L, var, e, step, y):
        return out, False, beta
    for a in range(p):
        se = math.sqrt((var[a, a] + var[a, a]) / 2)
        out[0, a] = math.exp(beta[a])
        out[1, a] = math.exp(beta[a] - Z975 * se)
        out[2, a] = math.exp(beta[a] + Z975 * se)
        z = beta[a] / se
        out[3, a] = math.erfc(abs(z) / math.sqrt(2.0))
    return out, converged, beta
