"""Power of a two-group survival comparison, by Schoenfeld's formula.

Schoenfeld (1981, Biometrika 68:316) gives the number of deaths D that a log-rank test (or the Wald test
of a Cox model with one binary covariate) needs to detect a hazard ratio HR with power 1 − β at two-sided
level α, when a proportion p of the patients is in one group:

    D = (z_{1−α/2} + z_{1−β})² / (p (1 − p) ln²HR)

Solved for HR it gives the smallest detectable hazard ratio, and solved for z_{1−β} the power for a
given HR.  statsmodels' power classes cover t, z, F and χ² tests but have no survival (events-based)
helper, and lifelines' ``sample_size_necessary_under_cph`` answers a different question (patients given
survival probabilities), so these three lines are written out here, with ``scipy.stats.norm`` quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from . import factors

ALPHA = 0.05
POWER = 0.80


def _check(deaths: float, proportion: float, alpha: float) -> None:
    if not deaths > 0:
        raise ValueError(f"deaths must be positive, got {deaths!r}")
    if not 0 < proportion < 1:
        raise ValueError(f"proportion must be strictly between 0 and 1, got {proportion!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")


def required_deaths(hr: float, proportion: float, power: float = POWER, alpha: float = ALPHA) -> float:
    """Deaths needed to detect ``hr`` with ``power`` at two-sided ``alpha`` (not rounded up)."""
    _check(1.0, proportion, alpha)
    if not hr > 0 or hr == 1:
        raise ValueError(f"hr must be positive and not 1, got {hr!r}")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z**2 / (proportion * (1 - proportion) * math.log(hr) ** 2))


def detectable_hr(deaths: float, proportion: float, power: float = POWER, alpha: float = ALPHA) -> float:
    """The smallest HR (> 1) detectable with ``power`` at two-sided ``alpha`` given ``deaths``; by symmetry
    1 / HR is the detectable protective effect."""
    _check(deaths, proportion, alpha)
    if not 0 < power < 1:
        raise ValueError(f"power must be strictly between 0 and 1, got {power!r}")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(math.exp(z / math.sqrt(deaths * proportion * (1 - proportion))))


def power(hr: float, deaths: float, proportion: float, alpha: float = ALPHA) -> float:
    """Power to detect ``hr`` (either direction) at two-sided ``alpha`` given ``deaths``.

    Schoenfeld's normal approximation, both tails of the two-sided test counted:
    Φ(s − z_{1−α/2}) + Φ(−s − z_{1−α/2}) with s = √(D p (1 − p)) × abs(ln HR). At HR = 1 this is α (5%), as it
    must be; away from 1 the second tail is negligible (below 10⁻⁶ once the power reaches 80%).
    """
    _check(deaths, proportion, alpha)
    if not hr > 0:
        raise ValueError(f"hr must be positive, got {hr!r}")
    shift = math.sqrt(deaths * proportion * (1 - proportion)) * abs(math.log(hr))
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def factor_power(
    cohort: pd.DataFrame,
    keys: Sequence[str],
    subset: str = "all",
    hrs: Sequence[float] = (1.5, 2.0),
    power_target: float = POWER,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Per two-level factor of ``keys`` in ``subset``: patients, deaths, the proportion in the first level,
    the smallest HR detectable with ``power_target``, and the power for each HR in ``hrs``.

    Patients with a missing level are left out (as the log-rank test leaves them out), so the deaths are
    those of the analysed patients.  Factors with more than two levels are skipped: Schoenfeld's formula
    is for two groups.
    """
    sub = factors.subset(cohort, subset)
    rows = []
    for key in keys:
        f = factors.FACTORS[key]
        if len(f.levels) != 2:
            continue
        lv = factors.levels(sub, f)
        ok = lv.notna()
        n = int(ok.sum())
        deaths = int(pd.to_numeric(sub.loc[ok, "death"]).sum())
        n_first = int((lv[ok] == f.levels[0]).sum())
        p = n_first / n if n else np.nan
        usable = deaths > 0 and 0 < p < 1  # one group empty or no deaths: nothing to detect
        row = {
            "factor": key,
            "label": f.label,
            "n": n,
            "deaths": deaths,
            "level": f.levels[0],
            "proportion": p,
            "detectable_hr": detectable_hr(deaths, p, power_target, alpha) if usable else np.nan,
        }
        for hr in hrs:
            row[f"power_hr_{hr:g}"] = power(hr, deaths, p, alpha) if usable else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
