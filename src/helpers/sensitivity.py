"""Sensitivity to unmeasured confounding: the E-value of an observed hazard ratio (VanderWeele and Ding, 2017).

The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured confounder
would need with both the treatment and the outcome, beyond the measured covariates, to explain away an
observed association.  For a hazard ratio of a common outcome (here most patients die during follow-up) the
ratio is first turned into an approximate risk ratio, ``(1 - 0.5**sqrt(HR)) / (1 - 0.5**sqrt(1/HR))``.
R: ``EValue::evalues.HR(est, lo, hi, rare = FALSE)``.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class EValue(NamedTuple):
    """The E-value of a point estimate and of the confidence limit closer to 1 (1.0 when the CI contains 1)."""

    estimate: float
    limit: float


def risk_ratio_from_hr(hr: float, rare: bool = False) -> float:
    """The risk ratio a hazard ratio stands for: itself for a rare outcome, else VanderWeele's approximation."""
    if hr <= 0:
        raise ValueError(f"a hazard ratio must be positive, got {hr}")
    if rare:
        return hr
    return (1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr))


def e_value_rr(rr: float) -> float:
    """The E-value of a risk ratio: ``RR + sqrt(RR (RR - 1))``, after taking RR < 1 to its inverse."""
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def e_value(hr: float, ci_low: float, ci_high: float, rare: bool = False) -> EValue:
    """The E-value of a hazard ratio and of its confidence interval.

    Parameters
    ----------
    hr, ci_low, ci_high : float
        The hazard ratio and its confidence limits.
    rare : bool
        Whether the outcome is rare (under 15% by the end of follow-up); death in this cohort is not.

    Returns
    -------
    EValue
        ``estimate``: the E-value of ``hr``; ``limit``: that of the limit closer to 1, or 1.0 when the
        interval contains 1 (no confounding is needed to move it to the null).
    """
    if not ci_low <= hr <= ci_high:
        raise ValueError(f"the hazard ratio {hr} lies outside its interval [{ci_low}, {ci_high}]")
    estimate = e_value_rr(risk_ratio_from_hr(hr, rare))
    if ci_low <= 1 <= ci_high:
        return EValue(estimate, 1.0)
    near = ci_low if hr > 1 else ci_high
    return EValue(estimate, e_value_rr(risk_ratio_from_hr(near, rare)))
