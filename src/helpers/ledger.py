"""Results the pages share, computed in one place: the log-rank test of a factor within a population.

The paper's univariate analyses test one factor at a time within a population (all patients, Table 4's and
Table 5's subsets): R's ``survdiff`` over the patients whose level is known. The scorecard, the chapter tables
(``helpers.tables.univariate``), the Kaplan–Meier figures (``helpers.plots.km_plot``), ``helpers.describe``, the
permutation test of ``helpers.multiplicity`` and the ensemble's claims all show that p; each reads it from
:func:`factor_test` (or :func:`levels_test` on arrays), so it is computed by one function in one way. Only
``helpers.survival`` itself, and the reconstruction's compiled search, compute log-rank tests otherwise.
"""

from __future__ import annotations

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
