"""Seeded simulations of what an observational cohort like this one can and cannot show.

Every simulated cohort is drawn "like this one": its size, death rate, follow-up and treatment shares are read
from a cohort file (:func:`guarantee_time_params`, :func:`selection_params`, :func:`epv_setup`); the rest
(how long chemotherapy takes to start, how strongly surgeons select fit patients, ...) are named, documented
parameters. Randomness comes only from ``numpy.random.default_rng(seed)``; replicates use independent streams
spawned from one ``SeedSequence``, so the same seed gives the same numbers on every machine.

- **Guarantee-time bias** (:func:`guarantee_time_cohort`, :func:`guarantee_time_analyses`): chemotherapy and
  the response to it have *no* effect on survival, but a patient must live until chemotherapy starts to be
  counted as treated, and until the first assessment to be counted as a responder. The naive comparison
  (treatment as a baseline 0/1 factor, as Figure 3a-b) against a landmark analysis and a Cox model with a
  time-dependent covariate (:mod:`helpers.timedep`).
- **Selection into surgery** (:func:`selection_cohort`, :func:`selection_analyses`): metastasectomy has no
  effect, but surgeons operate on fitter patients with a single metastatic site; what adjusting for the
  measured burden can and cannot remove.
- **Events per variable** (:func:`epv_cohort`, :func:`epv_analyses`, :func:`epv_summary`): the four-covariate
  Cox model of Table 3 refitted on cohorts of the same size and number of deaths drawn from a known model.
- :func:`replicate` runs a simulation many times; :func:`summarise` reduces the hazard ratios and p values.

One module per simulation: ``guarantee_time`` (:class:`GuaranteeTime`, :data:`RESPONSE`), ``surgery_selection``
(:class:`Selection`, ``SELECTION_MODELS``, the calibration of its logistic models), ``events_per_variable``
(:class:`EPVSetup`); ``replication`` (:func:`replicate`, :func:`summarise`); ``_common`` (the death rate, censoring,
the result row of a Cox fit and its p values, ``ALPHA``, ``RESULT_COLUMNS``). Every name is importable from here:
``from helpers import simulate; simulate.guarantee_time_cohort(...)``.
"""

# The constants ALPHA, RESULT_COLUMNS and SELECTION_MODELS are importable from here too; __all__ lists the rest.
from ._common import ALPHA, RESULT_COLUMNS  # noqa: F401
from .events_per_variable import EPVSetup, epv_analyses, epv_cohort, epv_setup, epv_summary
from .guarantee_time import (
    RESPONSE,
    GuaranteeTime,
    guarantee_time_analyses,
    guarantee_time_cohort,
    guarantee_time_params,
)
from .replication import replicate, summarise
from .surgery_selection import (
    SELECTION_MODELS,  # noqa: F401
    Selection,
    selection_analyses,
    selection_cohort,
    selection_params,
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
