"""The structural targets of the reconstruction (counts, medians, ranges), read from ``helpers.published``.

No published number is written in code: :func:`load_spec` collects them from ``data/published/`` into
the plain dict that ``structure`` and ``assemble`` consume.
"""

from __future__ import annotations

import pandas as pd

from helpers.factors import FACTORS, TABLE1, TABLE4, TABLE5
from helpers.published import load as load_published

SITES = ["lung", "liver", "muscle", "lymph_node", "bone", "other"]
RESPONSES = ["CR", "PR", "SD", "PD"]


class SpecError(ValueError):
    """A number the reconstruction needs is missing from (or ambiguous in) ``data/published``."""


def _one(pub: pd.DataFrame, **where) -> float:
    m = pd.Series(True, index=pub.index)
    for k, v in where.items():
        m &= pub[k].fillna("").astype(str) == str(v)
    vals = pub.loc[m, "value"].dropna().unique()
    if len(vals) != 1:
        raise SpecError(f"data/published: expected one value for {where}, found {list(vals)}")
    return float(vals[0])


def _int(pub, **where) -> int:
    return int(round(_one(pub, **where)))


def _table_counts(pub: pd.DataFrame, source: str, factors: list) -> dict:
    out = {}
    for key in factors:
        rows = pub[(pub["source"] == source) & (pub["factor"] == key) & (pub["statistic"] == "n")]
        counts = {lv: int(v) for lv, v in zip(rows["level"], rows["value"]) if lv in FACTORS[key].levels}
        if set(counts) != set(FACTORS[key].levels):
            raise SpecError(f"{source}: factor {key!r} has levels {sorted(counts)}, expected {FACTORS[key].levels}")
        out[key] = counts
    return out


def spec_from_published(pub: pd.DataFrame) -> dict:
    """Every structural number the reconstruction must meet, from the long published table."""
    text = pub[pub["source"] == "Text"]
    t2 = pub[pub["cohort"] == "regimens"]
    regimens = list(dict.fromkeys(t2["level"]))
    spec = {
        "n_all": _int(
            pub, source="Abstract", cohort="all", factor="patients", statistic="count", id="abs.patients.count"
        ),
        "n_metastasectomy": _int(text, cohort="metastasectomy", factor="patients", statistic="count"),
        "n_no_metastasectomy": _int(text, cohort="no_metastasectomy", factor="patients", statistic="count"),
        "n_palliative_chemo": _int(text, cohort="palliative_chemo", factor="patients", statistic="count"),
        "table1": _table_counts(pub, "Table 1", TABLE1),
        "table4": _table_counts(pub, "Table 4", TABLE4),
        "table5": _table_counts(pub, "Table 5", TABLE5),
        "status": {lv: _int(text, factor="status", level=lv, statistic="count") for lv in ("NED", "AWD", "DOD")},
        "sites": {k: _int(text, cohort="all", factor=f"site_{k}", statistic="count") for k in SITES[:-1]},
        "curative_sites": {
            k: _int(text, cohort="metastasectomy", factor=f"site_{k}", statistic="count")
            for k in SITES
            if not text[(text["cohort"] == "metastasectomy") & (text["factor"] == f"site_{k}")].empty
        },
        "single_lesion": _int(text, cohort="all", factor="initial_metastatic_lesions", level="1", statistic="count"),
        "metastasectomy_any": _int(text, factor="metastasectomy_any", statistic="count"),
        "local_recurrence": _int(text, factor="local_recurrence", statistic="count"),
        "local_recurrence_resection": _int(text, factor="local_recurrence_resection", statistic="count"),
        "perioperative_chemo_primary": _int(text, factor="perioperative_chemo_primary", statistic="count"),
        "perioperative_dxr_ifm": _int(
            text, factor="perioperative_chemo_primary_regimen", level="DXR+IFM", statistic="count"
        ),
        "first_line": {
            r: _int(text, factor="palliative_first_line_regimen", level=r, statistic="count")
            for r in regimens
            if not text[(text["factor"] == "palliative_first_line_regimen") & (text["level"] == r)].empty
        },
        "first_line_response": {
            lv: _int(text, factor="first_line_response", level=lv, statistic="count")
            for lv in FACTORS["first_line_response"].levels
        },
        "regimen_lines": sum(_int(t2, level=r, statistic="n") for r in regimens),
        "lines_median": _int(text, factor="regimen_lines", statistic="median"),
        "lines_min": _int(text, factor="regimen_lines", statistic="min"),
        "lines_max": _int(text, factor="regimen_lines", statistic="max"),
        "regimen_patients": _int(text, factor="chemotherapy", level="yes", statistic="count"),
        "table2": {r: {x: _int(t2, level=r, statistic=x.lower()) for x in RESPONSES} for r in regimens},
        "table2_pfs": {r: _one(t2, level=r, statistic="median_pfs") for r in regimens},
        "age_years": {s: _one(text, factor="age_years", statistic=s) for s in ("median", "min", "max")},
        "size_cm": {s: _one(text, factor="size_cm", statistic=s) for s in ("median", "min", "max")},
        "interval_months": {
            s: _one(text, factor="interval_to_metastasis_months", statistic=s) for s in ("median", "min", "max")
        },
        "followup": {
            "median": _one(text, factor="os_months", statistic="median_followup"),
            "min": _one(text, factor="os_months", statistic="min"),
            "max": _one(text, factor="os_months", statistic="max"),
        },
        "metastasis_year": {s: _int(text, factor="metastasis_year", statistic=s) for s in ("min", "max")},
    }
    spec["deaths"] = spec["status"]["DOD"]
    for r, cnt in spec["table2"].items():
        n = _int(t2, level=r, statistic="n")
        if sum(cnt.values()) != n:
            raise SpecError(f"Table 2 {r}: responses {cnt} do not add up to N = {n}")
    return spec


def load_spec() -> dict:
    """:func:`spec_from_published` of ``helpers.published.load()``."""
    return spec_from_published(load_published())
