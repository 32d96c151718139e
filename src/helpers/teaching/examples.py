"""Small data sets for the worked examples: four patients for the Cox partial likelihood, and a simulated
cohort with two causes of death for competing risks (the cohort file records one cause only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Four patients: times, 0/1 deaths and one 0/1 covariate; r/reference_methods.R fits the same four with coxph.
WORKED_COX = pd.DataFrame({"time": [2.0, 4.0, 5.0, 7.0], "death": [1, 1, 0, 1], "x": [1.0, 0.0, 1.0, 0.0]})


def competing_risks_example(n: int = 200, seed: int = 2022) -> pd.DataFrame:
    """A simulated cohort with two competing causes of death, for teaching only (no patient, no paper).

    Death of disease (cause 1) and of other causes (cause 2) have constant hazards 0.02 and 0.01 per month;
    follow-up ends uniformly between 12 and 120 months.

    Parameters
    ----------
    n : int
        Number of simulated patients.
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same cohort.

    Returns
    -------
    pandas.DataFrame
        Columns ``months`` (rounded to 0.1, at least 0.1) and ``cause`` (0 censored, 1 disease, 2 other).
    """
    rng = np.random.default_rng(seed)
    disease = rng.exponential(1 / 0.02, n)
    other = rng.exponential(1 / 0.01, n)
    end = rng.uniform(12, 120, n)
    t = np.minimum.reduce([disease, other, end])
    cause = np.select([t == disease, t == other], [1, 2], 0)
    return pd.DataFrame({"months": np.maximum(np.round(t, 1), 0.1), "cause": cause})


def smallest_group(
    cohort: pd.DataFrame, factor: str, *, time: str = "os_months", event: str = "death", min_deaths: int = 3
) -> tuple[str, pd.DataFrame]:
    """The smallest level of ``factor`` (a key of :data:`helpers.factors.FACTORS`) with at least ``min_deaths``
    deaths, and its patients: a group small enough to follow by hand.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient.
    factor : str
        A key of :data:`helpers.factors.FACTORS`.
    time, event : str
        Columns of follow-up time and the 0/1 event.
    min_deaths : int
        The fewest deaths a group may have.

    Returns
    -------
    tuple
        The level and the group's rows; a ``ValueError`` when no level has enough deaths.
    """
    from .. import factors as _factors

    levels = _factors.levels(cohort, factor)
    candidates = [
        (len(rows), level, rows)
        for level in _factors.FACTORS[factor].levels
        if (rows := cohort[levels == level])[event].sum() >= min_deaths
    ]
    if not candidates:
        raise ValueError(f"no level of {factor!r} has {min_deaths} or more deaths")
    _, level, rows = min(candidates, key=lambda c: c[0])
    return level, rows
