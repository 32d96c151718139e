"""Survival statistics that agree with R's ``survival`` package (3.5.x), the engine of EZR.

EZR's choices are the defaults here; R's own defaults are reachable by keyword. One module per concern, each
saying why it is hand-written rather than taken from lifelines / statsmodels:

- ``km``: Kaplan-Meier: :func:`km_curve`, :func:`km_median`, :func:`km_median_ci`, :func:`survival_at`
  (``survfit``, ``summary.survfit``, ``quantile.survfit``; Greenwood variance; log-log CIs by default as in EZR);
  follow-up: :func:`followup` (observed median and reverse Kaplan-Meier).
- ``log_rank``: :func:`logrank` (``survdiff``, 2 or more groups).
- ``coxph``: :func:`cox` (``coxph``; Breslow ties by default, as EZR hard-codes them; Efron available),
  :func:`wald_summary` (HR, CI limits and p from coefficients and standard errors).
- ``ph``: :func:`ph_test` (``cox.zph``).
- ``nelson_aalen``: :func:`nelson_aalen` (``survfit(..., ctype = 1)``'s cumulative hazard) and
  :func:`log_minus_log` (what ``plot(survfit(...), fun = "cloglog")`` draws).
- ``rmst``: :func:`rmst`, :func:`rmst_difference` (``print(survfit(...), rmean = tau)``).
- ``competing``: :func:`cumulative_incidence` (Aalen-Johansen: ``survfit`` with a multi-state status).
- ``influence``: :func:`dfbeta`, :func:`score_residuals` (``residuals(coxph(...), type = "dfbeta")``, Breslow ties).
- ``selection``: :func:`forward_conditional` (SPSS ``FSTEP(COND)``) and :func:`backward_wald` (EZR's backward
  elimination on Wald p).
- ``_common``: input checking (R's ``na.omit``, 0/1 events), the chi-square tail and R's constants.

Every name is importable from here: ``from helpers import survival; survival.cox(...)``.
Parity with R is tested on committed fixtures and on fresh random data sets (``tests/test_r_parity.py``;
``tests/test_r_parity_methods.py`` for the last four modules).
"""

# The constants, and the private _numeric, _CoxData and _fit that helpers.timedep builds its counting-process Cox
# on, are importable from here too; __all__ lists the public functions and results.
from ._common import CONF_TYPES, R_TOL, Z975, FitWarning, _numeric  # noqa: F401
from .competing import cumulative_incidence
from .coxph import CoxResult, _CoxData, _fit, cox, wald_summary  # noqa: F401
from .influence import dfbeta, score_residuals
from .km import RULES, followup, km_curve, km_median, km_median_ci, survival_at  # noqa: F401
from .log_rank import LogRankResult, logrank
from .nelson_aalen import log_minus_log, nelson_aalen
from .ph import PHTestResult, ph_test
from .rmst import RMST, rmst, rmst_difference
from .selection import Selection, backward_wald, forward_conditional

__all__ = [
    "km_curve",
    "km_median",
    "km_median_ci",
    "survival_at",
    "logrank",
    "LogRankResult",
    "cox",
    "CoxResult",
    "wald_summary",
    "ph_test",
    "PHTestResult",
    "forward_conditional",
    "backward_wald",
    "Selection",
    "followup",
    "nelson_aalen",
    "log_minus_log",
    "rmst",
    "rmst_difference",
    "RMST",
    "cumulative_incidence",
    "dfbeta",
    "score_residuals",
    "FitWarning",
]
