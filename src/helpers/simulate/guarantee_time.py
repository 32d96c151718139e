"""Guarantee-time bias: chemotherapy and the response to it have no effect on survival, but a patient must live
until chemotherapy starts to be counted as treated, and until the first assessment to be counted as a
responder. The naive comparison against a landmark analysis and a time-dependent Cox model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import factors, survival, timedep
from ._common import RESULT_COLUMNS, _censor, _cox_row, _death_rate, _logrank_p, _score_p

# the simulated response to first-line chemotherapy, labelled as the paper's factor
RESPONSE = factors.Factor(
    "first_line_response", "Response to first-line chemotherapy (simulated)", ("non-PD", "PD"), lambda c: c["response"]
)


@dataclass(frozen=True)
class GuaranteeTime:
    """A cohort without a curative metastasectomy in which chemotherapy has no effect on survival.

    ``n`` patients die at a constant rate ``death_rate`` per month from the diagnosis of metastasis and are
    censored uniformly over ``(0, follow_max)``. A share ``p_chemo`` are meant for chemotherapy, which starts
    after an exponential wait with median ``wait_median`` months, *if the patient is alive and followed then*.
    The first response assessment comes ``assess_after`` months after the start: a patient alive then is
    non-PD with probability ``p_non_pd`` (independently of survival); one who died before it counts as PD.
    ``landmark_at`` (months from metastasis) is the landmark of the corrected analysis.
    """

    n: int
    death_rate: float
    p_chemo: float
    p_non_pd: float
    follow_max: float
    wait_median: float = 2.0
    assess_after: float = 2.0
    landmark_at: float = 6.0


def guarantee_time_params(cohort: pd.DataFrame, **overrides) -> GuaranteeTime:
    """Parameters read from ``cohort``: size, death rate and chemotherapy share of the patients without a
    curative metastasectomy, the non-PD share among those given palliative chemotherapy, the longest follow-up.
    Keyword arguments override any field."""
    unres = factors.subset(cohort, "no_metastasectomy")
    resp = factors.levels(factors.subset(cohort, "palliative_chemo"), "first_line_response").dropna()
    if len(unres) == 0 or len(resp) == 0:
        raise ValueError(
            "the cohort has no patients without a curative metastasectomy, or none with a known first-line response"
        )
    params = dict(
        n=len(unres),
        death_rate=_death_rate(unres),
        p_chemo=float(pd.to_numeric(unres["chemotherapy"]).mean()),
        p_non_pd=float((resp == "non-PD").mean()),
        follow_max=float(pd.to_numeric(cohort["os_months"]).max()),
    )
    params.update(overrides)
    return GuaranteeTime(**params)


def guarantee_time_cohort(params: GuaranteeTime, seed, n: int | None = None) -> pd.DataFrame:
    """One simulated cohort (``n`` patients, default ``params.n``).

    Columns: ``os_months``, ``death``, ``chemotherapy`` (1 if chemotherapy started during follow-up),
    ``chemo_start`` (months; NaN if never), ``response`` (``non-PD``/``PD``; NaN without chemotherapy or when
    censored before the assessment), ``response_time`` (when a non-PD response is recorded; NaN otherwise).
    """
    rng = np.random.default_rng(seed)
    n = params.n if n is None else int(n)
    t_death = rng.exponential(1 / params.death_rate, n)
    os_months, death = _censor(rng, t_death, params.follow_max)
    intended = rng.random(n) < params.p_chemo
    wait = rng.exponential(params.wait_median / np.log(2), n)
    treated = intended & (wait < os_months)  # must be alive (and followed) to start
    assess = wait + params.assess_after
    non_pd = rng.random(n) < params.p_non_pd
    assessed = treated & (assess < os_months)
    died_first = treated & ~assessed & (death == 1)  # died before the first assessment: counted as PD
    response = np.full(n, np.nan, dtype=object)
    response[assessed] = np.where(non_pd[assessed], "non-PD", "PD")
    response[died_first] = "PD"
    return pd.DataFrame(
        {
            "os_months": os_months,
            "death": death,
            "chemotherapy": treated.astype(int),
            "chemo_start": np.where(treated, wait, np.nan),
            "response": response,
            "response_time": np.where(assessed & non_pd, assess, np.nan),
        }
    )


def guarantee_time_analyses(sim: pd.DataFrame, landmark_at: float) -> pd.DataFrame:
    """Chemotherapy (yes vs no) and first-line response (non-PD vs PD) analysed three ways:

    - ``naive``: a baseline 0/1 factor from the diagnosis of metastasis, as Figure 3a-b (log-rank p);
    - ``landmark``: patients alive at ``landmark_at``, grouped by what had happened by then, followed from
      there (log-rank p);
    - ``time-dependent``: a Cox model in which the factor switches on when it happens (counting-process rows;
      for response, patients enter at the start of chemotherapy); p of the score test.

    HRs below 1 favour chemotherapy / non-PD. Every true HR is 1.
    """
    sim = sim.assign(chemo=sim["chemotherapy"])
    rows = [
        _cox_row(
            "chemotherapy",
            "naive",
            lambda: survival.cox(sim, "os_months", "death", ["chemo"]),
            "chemo",
            _logrank_p(sim, "chemo"),
        )
    ]
    lm = timedep.landmark(sim, landmark_at, switches={"chemo_by_landmark": "chemo_start"})
    rows.append(
        _cox_row(
            "chemotherapy",
            "landmark",
            lambda: survival.cox(lm, "os_months", "death", ["chemo_by_landmark"]),
            "chemo_by_landmark",
            _logrank_p(lm, "chemo_by_landmark"),
        )
    )
    cp = timedep.split_at(sim, "os_months", "death", "chemo_start")
    rows.append(
        _cox_row(
            "chemotherapy",
            "time-dependent",
            lambda: timedep.cox_counting(cp, "start", "stop", "event", ["treated"]),
            "treated",
            _score_p,
        )
    )

    known = sim[sim["response"].notna()].assign(non_pd=lambda d: (d["response"] == "non-PD").astype(int))
    rows.append(
        _cox_row(
            "response",
            "naive",
            lambda: survival.cox(known, "os_months", "death", ["non_pd"]),
            "non_pd",
            _logrank_p(known, "non_pd"),
        )
    )
    started = sim[sim["chemo_start"] <= landmark_at]
    lmr = timedep.landmark(started, landmark_at, switches={"non_pd_by_landmark": "response_time"})
    rows.append(
        _cox_row(
            "response",
            "landmark",
            lambda: survival.cox(lmr, "os_months", "death", ["non_pd_by_landmark"]),
            "non_pd_by_landmark",
            _logrank_p(lmr, "non_pd_by_landmark"),
        )
    )
    treated = sim[sim["chemotherapy"] == 1]
    cpr = timedep.split_at(treated, "os_months", "death", "response_time", name="non_pd", entry="chemo_start")
    rows.append(
        _cox_row(
            "response",
            "time-dependent",
            lambda: timedep.cox_counting(cpr, "start", "stop", "event", ["non_pd"]),
            "non_pd",
            _score_p,
        )
    )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
