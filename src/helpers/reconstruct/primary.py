"""The primary-treatment table of the SYNTHETIC cohort: the treatment facts of the primary tumour that the paper
prints (Sections 3.1 and 3.2) but the cohort file's fixed columns do not hold.

- neoadjuvant or adjuvant chemotherapy of the primary, among the metachronous patients (whose primary was
  resected before metastasis), and how many of them had doxorubicin plus ifosfamide;
- surgical removal of a local recurrence, among the patients with one.

Only these counts are printed; who had what is not.  So the table is a fixed, documented rule over the cohort
(no random draw, and nothing that any survival statistic depends on): a pure function of the cohort and the
printed counts.  The rule follows clinical practice, not the paper: perioperative chemotherapy goes to the
patients most likely to be given it (grade 3, under 70, deep, large tumour), the intensive
doxorubicin-ifosfamide to the younger of them; a local recurrence is removed more often in the limbs and trunk
than in the retroperitoneum.  Nothing should be read into the joint pattern.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data import PRIMARY_TREATMENT_COLUMNS

# Order in which a local recurrence is taken to be resectable, by primary site (domain knowledge).
RESECTABLE_FIRST = ("extremity", "trunk", "others", "retroperitoneum")
FIT_BELOW = 70  # years: perioperative chemotherapy is offered first to younger patients (domain knowledge)
OTHER_REGIMEN = "other"  # perioperative chemotherapy that is not doxorubicin plus ifosfamide (not printed)


def _number(s: pd.Series) -> pd.Series:
    """A column as float64 (NaN for empty), whether as written by ``assemble`` (text) or as loaded (Int64)."""
    return pd.to_numeric(s.astype(object).where(s.notna() & (s.astype(str) != "")), errors="coerce").astype(float)


def _first(frame: pd.DataFrame, keys: list[pd.Series], k: int) -> pd.Index:
    """The index of the first ``k`` rows of ``frame`` sorted by ``keys`` (ascending), then by patient_id."""
    order = pd.DataFrame({f"k{i}": key for i, key in enumerate(keys)}, index=frame.index)
    order["patient_id"] = frame["patient_id"].astype(str)
    return order.sort_values(list(order.columns), kind="stable").index[:k]


def primary_treatment(cohort: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """One line per patient of ``cohort`` (same order): ``perioperative_chemo_primary`` (0/1 for a metachronous
    patient, empty otherwise), ``perioperative_chemo_primary_regimen`` (``DXR+IFM`` or ``other`` for those given
    it) and ``local_recurrence_resection`` (0/1 for a patient with a local recurrence, empty otherwise), with the
    counts of ``spec`` (``helpers.reconstruct.targets``) met exactly."""
    meta = cohort[cohort["presenting"] == "metachronous"]
    given = _first(
        meta,
        [
            -(_number(meta["grade"]) == 3).astype(int),
            (meta["age_years"] >= FIT_BELOW).astype(int),
            -(meta["depth"] == "deep").astype(int),
            -meta["size_cm"],
            meta["age_years"],
        ],
        spec["perioperative_chemo_primary"],
    )
    oldest_last = _first(cohort.loc[given], [cohort.loc[given, "age_years"]], spec["perioperative_dxr_ifm"])
    chemo = pd.Series(np.nan, index=cohort.index, dtype=object)
    chemo[meta.index] = "0"
    chemo[given] = "1"
    regimen = pd.Series(np.nan, index=cohort.index, dtype=object)
    regimen[given] = OTHER_REGIMEN
    regimen[oldest_last] = "DXR+IFM"

    local = cohort[_number(cohort["local_recurrence"]) == 1]
    site_rank = local["primary_site"].map({s: i for i, s in enumerate(RESECTABLE_FIRST)})
    removed = _first(local, [site_rank, (local["depth"] == "deep").astype(int)], spec["local_recurrence_resection"])
    resection = pd.Series(np.nan, index=cohort.index, dtype=object)
    resection[local.index] = "0"
    resection[removed] = "1"
    return pd.DataFrame(
        {
            "patient_id": cohort["patient_id"],
            "perioperative_chemo_primary": chemo,
            "perioperative_chemo_primary_regimen": regimen,
            "local_recurrence_resection": resection,
        }
    )[PRIMARY_TREATMENT_COLUMNS].reset_index(drop=True)
