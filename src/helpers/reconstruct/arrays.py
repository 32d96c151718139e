"""The structures the compiled search passes between its functions: NamedTuples of arrays, which numba takes
as arguments and builds inside compiled code, so that no compiled function needs a long list of arrays.

- :class:`Ranked`: a state in rank space (the order, each patient's rank, the deaths, the factor codes);
- :class:`Design`: the grouping and Cox matrices of a state and how factor codes map onto them;
- :class:`TargetArrays`: the target arrays the loss reads (``targets.Targets``, with the 5-year rows split);
- :class:`RowStats`: per grouping row, the rank statistics (``ranks.km_ranks``) and the Cox table;
- :class:`Draws` and :class:`MoveMix`: the random numbers of a chunk of annealing and the mix of its moves.
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np


class Ranked(NamedTuple):
    """A state in rank space: the patient at each rank, each patient's rank, deaths (1.0/0.0), factor codes."""

    order: np.ndarray
    rank: np.ndarray
    death: np.ndarray
    C: np.ndarray


class Design(NamedTuple):
    """Grouping rows (``G``: each patient's group per row, -1 outside; ``K``: groups per row), Cox covariates
    (``X``), and how factor codes map onto them (``moves.refresh``): each row's factor and subset, each Cox
    covariate's factor and its reference level, the number of curative patients (the first ``n_cur``)."""

    G: np.ndarray
    K: np.ndarray
    X: np.ndarray
    row_fac: np.ndarray
    row_sub: np.ndarray
    cox_fac: np.ndarray
    cox_bad: np.ndarray
    n_cur: int


class TargetArrays(NamedTuple):
    """The arrays of a ``targets.Targets`` that the loss reads; ``rows5``/``lev5``: the grouping row and level
    of each 5-year target (``ts5``'s first two columns as integers)."""

    tmed: np.ndarray
    tp: np.ndarray
    tcox: np.ndarray
    ts5: np.ndarray
    rows5: np.ndarray
    lev5: np.ndarray
    tscal: np.ndarray


class RowStats(NamedTuple):
    """Per grouping row and group: the final S (``send``), the ranks the median is made of (``x1``, ``x2``),
    the group sizes (``ncount``); per row the log-rank p (``pval``); the Cox table (``cx``: hr, ci_low,
    ci_high, p per covariate) and the last fitted coefficients (``beta``, the next fit's warm start)."""

    send: np.ndarray
    pval: np.ndarray
    x1: np.ndarray
    x2: np.ndarray
    ncount: np.ndarray
    cx: np.ndarray
    beta: np.ndarray


class Draws(NamedTuple):
    """A chunk of annealing's random numbers: 5 uniforms (``U``) and 3 integers (``IJ``) per iteration, and its
    temperatures."""

    U: np.ndarray
    IJ: np.ndarray
    temps: np.ndarray


class MoveMix(NamedTuple):
    """``mix``: cumulative probabilities of the moves, then the shares of near death and factor swaps
    (``coarse.MIX``); the factors swapped within the curative subset and within the others."""

    mix: np.ndarray
    cur_swaps: np.ndarray
    non_swaps: np.ndarray


@nb.njit(cache=True)
def row_stats(R, p):
    """Empty :class:`RowStats` for ``R`` grouping rows and ``p`` Cox covariates (NaN, sizes 0, beta 0)."""
    return RowStats(
        np.full((R, 4), np.nan),
        np.full(R, np.nan),
        np.full((R, 4), np.nan),
        np.full((R, 4), np.nan),
        np.zeros((R, 4)),
        np.full((4, p), np.nan),
        np.zeros(p),
    )


def target_arrays(targets) -> TargetArrays:
    """The :class:`TargetArrays` of a ``targets.Targets``."""
    t = targets
    rows5, lev5 = t.ts5[:, 0].astype(np.int64), t.ts5[:, 1].astype(np.int64)
    return TargetArrays(t.tmed, t.tp, t.tcox, t.ts5, rows5, lev5, t.tscal)
