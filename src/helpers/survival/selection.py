"""Variable selection on the Cox engine: :func:`forward_conditional` (SPSS ``FSTEP(COND)``) and
:func:`backward_wald` (EZR's backward elimination on Wald p).

Why hand-written: neither lifelines nor statsmodels has SPSS's FSTEP(COND); both procedures sit on the engine
of :mod:`helpers.survival.coxph` and are re-implemented independently in R (``r/reference.R``) for the parity
tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._common import _chi2_sf
from .coxph import CoxResult, _CoxData, _design, _newton, cox


@dataclass
class Selection:
    """Result of a selection procedure: ``selected`` covariates, ``steps`` (step, action, covariate,
    statistic, p: one row per entry/removal), ``considered`` (every statistic examined: check, phase,
    covariate, statistic, p; ``check`` counts the decisions taken) and the final ``model`` (None when
    nothing is selected). Unpacks as (selected, steps)."""

    selected: list
    steps: pd.DataFrame
    model: CoxResult | None
    considered: pd.DataFrame = field(default=None, repr=False)

    def __iter__(self):
        return iter((self.selected, self.steps))


def _fit_subset(cd_full: _CoxData, cols: list[int], eps, iter_max):
    """Fit on a column subset of a prepared data set (shares sorting)."""
    sub = _CoxData.__new__(_CoxData)
    sub.__dict__.update(cd_full.__dict__)
    sub.X = cd_full.X[:, cols]
    return _newton(sub, eps=eps, iter_max=iter_max), sub


def _score_stat(cd: _CoxData, in_cols: list[int], beta_in: np.ndarray, cand: int) -> float:
    """Efficient score statistic for adding column ``cand`` at (beta_in, 0)."""
    cols = in_cols + [cand]
    sub = _CoxData.__new__(_CoxData)
    sub.__dict__.update(cd.__dict__)
    sub.X = cd.X[:, cols]
    _, U, I = sub.evaluate(np.concatenate([beta_in, [0.0]]))
    return float(U @ np.linalg.solve(I, U))  # U is ~0 in the fitted block, so this is the efficient score


def _loglik_at(cd: _CoxData, cols: list[int], beta: np.ndarray) -> float:
    sub = _CoxData.__new__(_CoxData)
    sub.__dict__.update(cd.__dict__)
    sub.X = cd.X[:, cols]
    return float(sub.evaluate(np.asarray(beta, float), second=False)[0])


def _selection_data(data, duration, event, candidates, ties):
    candidates = list(candidates)
    t, e, X = _design(data, duration, event, candidates)  # complete cases on all candidates (SPSS)
    return _CoxData(t, e, X, ties), candidates


def forward_conditional(
    data: pd.DataFrame,
    duration: str,
    event: str,
    candidates: Sequence[str],
    p_enter: float = 0.05,
    p_remove: float = 0.10,
    ties: str = "breslow",
    eps: float = 1e-9,
    iter_max: int = 20,
) -> Selection:
    """SPSS COXREG ``/METHOD=FSTEP(COND)``: forward stepwise, entry on the score test, removal on the
    conditional likelihood-ratio statistic.

    - Cases: complete cases on all candidates (SPSS's listwise deletion over the analysis variables).
    - Entry: among covariates not in the model, the score statistic (1 df) for adding it at the current
      model's estimates; the one with the smallest p enters if p < ``p_enter``.
    - Removal (checked after every entry, repeatedly): for each covariate in the model, the reduced model's
      coefficients are the *conditional estimates* of Lawless & Singhal (1978), beta_r = beta_(-i) -
      V_(-i,i) beta_i / V_(i,i) (no refit), and the statistic is 2 (loglik(full) - loglik(beta_r)). The one
      with the largest p is removed if p > ``p_remove``.
    - Stops when nothing enters, or when a model would recur (SPSS's guard against cycling).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    duration, event : str
        Columns of follow-up time and the 0/1 event.
    candidates : sequence of str
        The covariates to choose from.
    p_enter, p_remove : float
        Entry and removal thresholds (SPSS's defaults).
    ties : {"breslow", "efron"}
        Handling of tied death times.
    eps, iter_max : float, int
        Convergence settings of each Cox fit.

    Returns
    -------
    Selection
        ``selected`` covariates and ``steps`` (one row per entry or removal).
    """
    cd, names = _selection_data(data, duration, event, candidates, ties)
    in_cols: list[int] = []
    beta = np.zeros(0)
    var = np.zeros((0, 0))
    lik = _loglik_at(cd, [], np.zeros(0))
    steps = []
    seen = {frozenset()}
    step = check = 0
    considered: list = []
    while True:
        out = [j for j in range(len(names)) if j not in in_cols]
        if not out:
            break
        scores = []
        for j in out:
            try:
                s = _score_stat(cd, in_cols, beta, j)
            except np.linalg.LinAlgError:
                s = np.nan
            scores.append(s)
        pvals = _chi2_sf(scores, 1)
        check += 1
        considered += [(check, "entry", names[j], float(sc), float(pv)) for j, sc, pv in zip(out, scores, pvals)]
        if np.all(np.isnan(pvals)):
            break
        best = int(np.nanargmin(pvals))
        if not pvals[best] < p_enter:
            break
        new_cols = in_cols + [out[best]]
        if frozenset(new_cols) in seen:
            break
        step += 1
        in_cols = new_cols
        seen.add(frozenset(in_cols))
        steps.append((step, "enter", names[out[best]], float(scores[best]), float(pvals[best])))
        (beta, var, (_, lik), *_), _ = _fit_subset(cd, in_cols, eps, iter_max)
        # removal loop
        while len(in_cols) > 0:
            stats_ = []
            for i in range(len(in_cols)):
                rest = [q for q in range(len(in_cols)) if q != i]
                b_r = beta[rest] - var[rest, i] * beta[i] / var[i, i]
                l_r = _loglik_at(cd, [in_cols[q] for q in rest], b_r)
                stats_.append(2 * (lik - l_r))
            pv = _chi2_sf(stats_, 1)
            check += 1
            considered += [(check, "removal", names[c], float(st), float(q)) for c, st, q in zip(in_cols, stats_, pv)]
            worst = int(np.argmax(pv))
            if not pv[worst] > p_remove:
                break
            new_cols = [c for q, c in enumerate(in_cols) if q != worst]
            if frozenset(new_cols) in seen and len(new_cols) > 0:
                break
            step += 1
            steps.append((step, "remove", names[in_cols[worst]], float(stats_[worst]), float(pv[worst])))
            in_cols = new_cols
            seen.add(frozenset(in_cols))
            if in_cols:
                (beta, var, (_, lik), *_), _ = _fit_subset(cd, in_cols, eps, iter_max)
            else:
                beta, var, lik = np.zeros(0), np.zeros((0, 0)), _loglik_at(cd, [], np.zeros(0))
    selected = [names[j] for j in in_cols]
    return _selection_result(data, duration, event, candidates, selected, steps, considered, ties, eps, iter_max)


def _selection_result(data, duration, event, candidates, selected, steps, considered, ties, eps, iter_max):
    steps_df = pd.DataFrame(steps, columns=["step", "action", "covariate", "statistic", "p"])
    considered_df = pd.DataFrame(considered, columns=["check", "phase", "covariate", "statistic", "p"])
    model = None
    if selected:
        frame = data.dropna(subset=[duration, event, *candidates])
        model = cox(frame, duration, event, selected, ties=ties, eps=eps, iter_max=iter_max)
    return Selection(selected=selected, steps=steps_df, model=model, considered=considered_df)


def backward_wald(
    data: pd.DataFrame,
    duration: str,
    event: str,
    candidates: Sequence[str],
    p_remove: float = 0.05,
    ties: str = "breslow",
    eps: float = 1e-9,
    iter_max: int = 20,
) -> Selection:
    """EZR's p-value backward elimination: fit all candidates, drop the covariate with the largest Wald
    p while that p >= ``p_remove``, refit, repeat. Complete cases on all candidates throughout.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    duration, event : str
        Columns of follow-up time and the 0/1 event.
    candidates : sequence of str
        The covariates to choose from.
    p_remove : float
        A covariate whose Wald p is at least this leaves the model.
    ties : {"breslow", "efron"}
        Handling of tied death times.
    eps, iter_max : float, int
        Convergence settings of each Cox fit.

    Returns
    -------
    Selection
        ``selected`` covariates and ``steps`` (one row per removal).
    """
    cd, names = _selection_data(data, duration, event, candidates, ties)
    in_cols = list(range(len(names)))
    steps, considered = [], []
    step = 0
    while in_cols:
        (beta, var, *_), _ = _fit_subset(cd, in_cols, eps, iter_max)
        z2 = beta**2 / np.diag(var)
        pv = _chi2_sf(z2, 1)
        considered += [(step + 1, "removal", names[c], float(a), float(b)) for c, a, b in zip(in_cols, z2, pv)]
        worst = int(np.argmax(pv))
        if not pv[worst] >= p_remove:
            break
        step += 1
        steps.append((step, "remove", names[in_cols[worst]], float(z2[worst]), float(pv[worst])))
        in_cols = [c for q, c in enumerate(in_cols) if q != worst]
    selected = [names[j] for j in in_cols]
    return _selection_result(data, duration, event, candidates, selected, steps, considered, ties, eps, iter_max)
