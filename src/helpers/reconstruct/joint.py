"""The merges' joint exact stage: two covariates of Table 3, each assigned exactly, paired by the Cox model.

The exact stage (``blocks.exact_factors``) decides one factor at a time, which is exact for a factor whose
printed numbers are its own log-rank tests and medians: they depend on its assignment alone. Two of the
stage's factors are also covariates of Table 3's Cox model (size > 10 cm and more than one initial site), and
the model couples them: the best pair is not the pair of the best. So this stage takes, for each of the two,
every assignment with the printed counts that meets all its p's and medians in Tables 1, 4 and 5 on the
merge's order (``bound.meeting``, a complete enumeration), with the merge's own assignment, fits the Cox model
of every pair (R's ``coxfit6`` recipe, ``stats.cox_fit``, warm-started from the merge's coefficients: the
same maximum), and counts the Table 3 numbers each meets (:func:`cox_hits`). The ``JOINT_VERIFIED`` pairs that
meet most are scored with the finisher's exact score, and the best is kept where it scores higher, each
changed assignment re-checked with ``helpers.survival``'s R-exact statistics (``bound.meets``).
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np
import pandas as pd

from helpers.factors import COX_COVARIATES

from .coarse import RankSearch
from .stats import cox_fit
from .structure import code

JOINT_FACTORS = ("size", "initial_metastatic_sites")  # the covariates of Table 3 among blocks.EXACT_FACTORS
JOINT_VERIFIED = 200  # pairs scored exactly, those meeting most of Table 3 first
JOINT_LIMIT = 20_000_000  # most pairs fitted; a merge with more keeps its assignments


class CoxFit(NamedTuple):
    """A Cox model to refit with two columns replaced: the order of the times, the outcomes, the 0/1 design
    (``targets.cox_matrix``) and the coefficients to start from."""

    time: np.ndarray
    death: np.ndarray
    order: np.ndarray
    X: np.ndarray
    beta: np.ndarray


@nb.njit(cache=True)
def table_hits(table, ok, tcox):
    """Weighted hits of the Cox targets ``tcox`` (``Targets.tcox`` rows: statistic, covariate, lo, hi, weight)
    by a fit's table (``stats.cox_fit``'s); a fit that failed (``ok`` false) meets nothing."""
    h = 0.0
    if ok:
        for m in range(tcox.shape[0]):
            v = table[int(tcox[m, 0]), int(tcox[m, 1])]
            if v >= tcox[m, 2] and v <= tcox[m, 3]:
                h += tcox[m, 4]
    return h


@nb.njit(cache=True)
def cox_hits(fit, cols, A, B, tcox):
    """Weighted hits of the Cox targets ``tcox`` (``Targets.tcox`` rows: statistic, covariate, lo, hi,
    weight) for every pair of a row of ``A`` as column ``cols[0]`` of the design and a row of ``B`` as column
    ``cols[1]`` (0/1 per patient); ``len(A) * len(B)`` values, row ``i`` of ``A`` first. A fit that fails
    meets nothing."""
    nb_ = B.shape[0]
    out = np.zeros(A.shape[0] * nb_)
    X = fit.X.copy()
    for i in range(A.shape[0]):
        X[:, cols[0]] = A[i]
        for j in range(nb_):
            X[:, cols[1]] = B[j]
            table, ok, _ = cox_fit(fit.time, fit.death, fit.order, X, fit.beta)
            out[i * nb_ + j] = table_hits(table, ok, tcox)
    return out


def covariate_column(factor: str) -> tuple[int, int]:
    """The column of ``factor`` in Table 3's design (``COX_COVARIATES`` order) and the code of its level that
    the column marks."""
    for col, (key, level) in enumerate(COX_COVARIATES.values()):
        if key == factor:
            return col, code(key, level)
    raise ValueError(f"{factor!r} is not a covariate of Table 3")


def candidates(st: RankSearch, published: pd.DataFrame, factor: str) -> np.ndarray | None:
    """``st``'s assignment of ``factor``, then every assignment meeting all its printed p's and medians on
    ``st``'s order; ``None`` when a patient's level is unknown (R would leave them out of the model) or more
    meet them than ``bound.meeting`` enumerates."""
    from .blocks import exact_inputs, factor_tables
    from .bound import meeting

    time, death, block, k, known = exact_inputs(st, factor)
    if not known.all():
        return None
    try:
        rows, _ = meeting(time, death, block, k, factor_tables(published, factor), recheck=False)
    except ValueError:
        return None
    return np.vstack([st.s.codes[factor][None, :], rows]).astype(np.int8)


def cox_start(st: RankSearch) -> tuple[CoxFit, float]:
    """``st``'s Cox model as a :class:`CoxFit` (its coefficients the start: zero when the fit fails) and the
    weighted Table 3 hits of its own fit."""
    time = np.asarray(st.times(), float)
    death = np.asarray(st.death, float)
    order = np.argsort(time, kind="mergesort")
    X = np.ascontiguousarray(st.X, float)
    table, ok, beta = cox_fit(time, death, order, X, np.zeros(X.shape[1]))
    fit = CoxFit(time, death, order, X, beta if ok else np.zeros(X.shape[1]))
    return fit, table_hits(table, ok, np.asarray(st.tg.tcox, float))


def pair_hits(st: RankSearch, factors: tuple, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """:func:`cox_hits` of ``st`` for the assignments ``A`` of ``factors[0]`` and ``B`` of ``factors[1]``."""
    fit, _ = cox_start(st)
    (ca, la), (cb, lb) = (covariate_column(f) for f in factors)
    cols = np.array([ca, cb], np.int64)
    return cox_hits(fit, cols, (A == la).astype(float), (B == lb).astype(float), np.asarray(st.tg.tcox, float))


def exact_pair(
    st: RankSearch, published: pd.DataFrame, factors: tuple = JOINT_FACTORS, verified: int = JOINT_VERIFIED
) -> RankSearch:
    """The joint stage on ``st`` (module docstring); returns the state (``st`` when no pair gains, or when
    ``factors`` is empty)."""
    if not factors:
        return st
    A, B = (candidates(st, published, f) for f in factors)
    if A is None or B is None or len(A) * len(B) > JOINT_LIMIT or len(A) * len(B) == 1:
        return st
    return best_pair(st, published, factors, (A, B), pair_hits(st, factors, A, B), verified)


def best_pair(st: RankSearch, published: pd.DataFrame, factors: tuple, rows: tuple, hits, verified: int) -> RankSearch:
    """Of the pairs of ``rows`` (:func:`candidates` of each factor) whose Cox ``hits`` (:func:`pair_hits`) are
    the ``verified`` highest, the one with the best exact score where it scores above ``st``, each changed
    assignment re-checked by the R-exact statistics (``bound.meets``); else ``st``."""
    from .blocks import exact_inputs, factor_tables, with_codes
    from .bound import meets

    (fa, fb), (A, B) = factors, rows
    checks = {f: (exact_inputs(st, f)[:3], factor_tables(published, f)) for f in factors}
    best, keep = st.hits_with({}), st
    for flat in np.argsort(-hits, kind="stable")[:verified]:
        i, j = divmod(int(flat), len(B))
        total = st.hits_with({fa: A[i], fb: B[j]})
        if total > best and all(
            row == 0 or meets(*checks[f][0], assignments[row], checks[f][1])
            for f, assignments, row in ((fa, A, i), (fb, B, j))
        ):
            keep, best = with_codes(with_codes(st, fa, A[i]), fb, B[j]), total
    return keep
