"""Seeded simulations of what an observational cohort like this one can and cannot show.

The code lives in ``guarantee_time`` for now; every name is importable from here.
"""

from .guarantee_time import (  # noqa: F401
    ALPHA,
    RESPONSE,
    RESULT_COLUMNS,
    SELECTION_MODELS,
    EPVSetup,
    GuaranteeTime,
    Selection,
    epv_analyses,
    epv_cohort,
    epv_setup,
    epv_summary,
    guarantee_time_analyses,
    guarantee_time_cohort,
    guarantee_time_params,
    replicate,
    selection_analyses,
    selection_cohort,
    selection_params,
    summarise,
)

__all__ = [
    "GuaranteeTime",
    "guarantee_time_params",
    "guarantee_time_cohort",
    "guarantee_time_analyses",
    "Selection",
    "selection_params",
    "selection_cohort",
    "selection_analyses",
    "EPVSetup",
    "epv_setup",
    "epv_cohort",
    "epv_analyses",
    "epv_summary",
    "replicate",
    "summarise",
    "RESPONSE",
]
