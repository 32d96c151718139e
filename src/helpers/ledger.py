"""Results the pages share, computed in one place: the log-rank test and the Kaplan–Meier medians of a factor
within a population, and Table 3's Cox model.

The paper's univariate analyses test one factor at a time within a population (all patients, Table 4's and
Table 5's subsets): R's ``survdiff`` over the patients whose level is known. The scorecard, the chapter tables
(``helpers.tables.univariate``), the Kaplan–Meier figures (``helpers.plots.km_plot``), ``helpers.describe``, the
permutation test of ``helpers.multiplicity`` and the ensemble's claims all show that p; each reads it from
:func:`factor_test` (or :func:`levels_test` on arrays), so it is computed by one function in one way. Only
``helpers.survival`` itself, and the reconstruction's compiled search, compute log-rank tests otherwise.

Table 3's model (the four covariates of ``helpers.factors.COX_COVARIATES`` on all patients, Breslow ties as
EZR) is fitted by :func:`table3_fit`, once per cohort: the scorecard, chapter 4, the methods workshop and the
ensemble's claims read that one fit.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd

from . import factors, survival


def levels_test(time, event, levels) -> survival.LogRankResult | None:
    """The log-rank test (:func:`helpers.survival.logrank`) of ``levels`` (one per patient; missing = unknown,
    left out as R's ``na.omit``), or None when fewer than two levels have patients: there is nothing to test."""
    group = pd.Series(np.asarray(levels, dtype=object))
    known = group.notna().to_numpy()
    if group[known].nunique() < 2:
        return None
    return survival.logrank(np.asarray(time, float)[known], np.asarray(event, float)[known], group[known].to_numpy())


def factor_test(
    data: pd.DataFrame, factor: str | factors.Factor, time: str = "os_months", event: str = "death"
) -> survival.LogRankResult | None:
    """The log-rank test of ``factor`` (a key of ``helpers.factors.FACTORS`` or a ``Factor``) within ``data``
    (a population: ``helpers.factors.subset``), over the known levels; None when fewer than two occur."""
    return levels_test(
        pd.to_numeric(data[time]).to_numpy(float),
        pd.to_numeric(data[event]).to_numpy(float),
        factors.levels(data, factor),
    )


def factor_p(data: pd.DataFrame, factor, time: str = "os_months", event: str = "death") -> float:
    """:func:`factor_test`'s p, NaN when there is nothing to test."""
    test = factor_test(data, factor, time, event)
    return np.nan if test is None else float(test.p)


def factor_groups(
    data: pd.DataFrame, factor: str | factors.Factor, time: str = "os_months", event: str = "death"
) -> pd.DataFrame:
    """Survival per level of ``factor`` within ``data`` (a population): ``label``, ``n``, ``deaths`` and the
    Kaplan–Meier ``median`` (:func:`helpers.survival.km_median`, R's rule; NaN when not reached or when the
    level has no patients), indexed by level key in the factor's order. ``.attrs["test"]`` is
    :func:`factor_test` (None when fewer than two levels occur) and ``.attrs["p"]`` its p (NaN then).

    The chapter tables (``helpers.tables.univariate``), ``helpers.describe.by_group`` and the scorecard's
    medians of a level all read this table: one grouped Kaplan–Meier and one log-rank per population and factor.
    """
    f = factors.FACTORS[factor] if isinstance(factor, str) else factor
    lv = f(data)
    rows = []
    for level in f.levels:
        sub = data.loc[lv == level]
        rows.append(
            {
                "level": level,
                "label": f.label_of(level),
                "n": len(sub),
                "deaths": int(pd.to_numeric(sub[event]).sum()) if len(sub) else 0,
                "median": survival.km_median(sub[time], sub[event]) if len(sub) else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=["level", "label", "n", "deaths", "median"]).set_index("level")
    test = levels_test(pd.to_numeric(data[time]).to_numpy(float), pd.to_numeric(data[event]).to_numpy(float), lv)
    out.attrs["test"] = test
    out.attrs["p"] = np.nan if test is None else float(test.p)
    return out


def table3_design(cohort: pd.DataFrame) -> pd.DataFrame:
    """``os_months``, ``death`` and Table 3's 0/1 covariates (:func:`helpers.factors.cox_design`), one row per
    patient."""
    return cohort[["os_months", "death"]].apply(pd.to_numeric).join(factors.cox_design(cohort))


_FITS: dict = {}  # (the design's digest, ties) -> CoxResult; a few cohorts at a time
_KEEP = 8


def table3_fit(cohort: pd.DataFrame, ties: str = "breslow") -> survival.CoxResult:
    """Table 3's Cox model of ``cohort`` (:func:`helpers.survival.cox` over :func:`table3_design`), fitted once
    per cohort and ``ties`` and shared by every caller.

    The fit's warnings (:class:`helpers.survival.FitWarning`: a coefficient that may be infinite, no
    convergence) are raised again at every call, as a fresh fit would raise them, and kept in the fit's
    ``notes``. The fit is shared: read it, do not modify it.
    """
    design = table3_design(cohort)
    digest = hashlib.sha256(pd.util.hash_pandas_object(design, index=False).to_numpy().tobytes()).hexdigest()
    key = (digest, tuple(design.columns), ties)
    if key not in _FITS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", survival.FitWarning)
            fit = survival.cox(design, "os_months", "death", list(factors.COX_COVARIATES), ties=ties)
        if len(_FITS) >= _KEEP:
            _FITS.pop(next(iter(_FITS)))
        _FITS[key] = fit
    fit = _FITS[key]
    for note in fit.notes:
        warnings.warn(note, survival.FitWarning, stacklevel=2)
    return fit
