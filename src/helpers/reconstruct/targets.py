"""What the reconstruction aims at, read from ``helpers.published``: no published number is written in code.

- The structural numbers (counts, medians, ranges): :func:`load_spec` collects them from ``data/published/``
  into the plain dict that ``structure`` and ``assemble`` meet by construction.
- The time-dependent numbers (Kaplan-Meier medians, log-rank p-values, the Cox model, 5-year rates, the
  observed median follow-up and the range of the times): :func:`build_targets` makes each a *target* with its
  rounding interval, the arrays the search (``loss``, ``pins``) scores.  :func:`grouping_matrix` and
  :func:`cox_matrix` lay out a cohort's factor codes as the statistics of ``stats`` read them, and
  :func:`target_values` gives each target's value on a candidate cohort (diagnostics).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import scorecard
from helpers.factors import COX_COVARIATES, FACTORS, TABLE1, TABLE4, TABLE5
from helpers.published import load as load_published

from .stats import R_TOL, cox_breslow, km_logrank

SITES = ["lung", "liver", "muscle", "lymph_node", "bone", "other"]
RESPONSES = ["CR", "PR", "SD", "PD"]
SUBSETS = ("all", "metastasectomy", "no_metastasectomy", "palliative_chemo")
COX_STATS = ("hr", "ci_low", "ci_high", "p")
DUPLICATE_WEIGHT = 1.0  # a fact printed twice counts twice in the fidelity score, so in the loss


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


# --------------------------------------------------------------------------------------------------
# the time-dependent targets, scored by the search
# --------------------------------------------------------------------------------------------------


def interval(value: float, decimals: int, bound: str = "", statistic: str = "") -> tuple[float, float]:
    """The values that match ``value`` as printed: :func:`helpers.scorecard.interval`, the one match rule."""
    return scorecard.interval(value, decimals, bound, statistic)


@dataclass
class Targets:
    """Target arrays for the search (``loss.rank_loss``) and the groupings they refer to."""

    groupings: list  #: (subset, factor) per row of G; factor "os" = the whole subset
    tmed: np.ndarray
    tp: np.ndarray
    tcox: np.ndarray
    ts5: np.ndarray
    tscal: np.ndarray
    ids: dict  #: target kind -> list of published ids (deduplicated facts)

    @property
    def n_targets(self) -> int:
        return len(self.tmed) + len(self.tp) + len(self.tcox) + len(self.ts5) + len(self.tscal)


def _bound(row) -> str:
    b = row.get("bound", "")
    return b if isinstance(b, str) else ""


def build_targets(published: pd.DataFrame, weights: dict | None = None) -> Targets:
    """Every time-dependent OS number of ``helpers.published.load()`` as a scorer target.

    Duplicates of one fact (same cohort, factor, level and statistic) become one target.
    """
    w = {"median_os": 1.0, "p": 1.0, "cox": 1.0, "os_5yr": 1.0, "followup": 1.0}
    w.update(weights or {})
    pub = published.copy()
    pub["level"] = pub["level"].fillna("").astype(str)
    pub["bound"] = pub["bound"].fillna("").astype(str)
    groupings: list = []

    def row_of(subset, factor):
        key = (subset, factor)
        if key not in groupings:
            groupings.append(key)
        return groupings.index(key)

    seen = set()
    printed = pub.groupby(["cohort", "factor", "level", "statistic"]).size()
    tmed, tp, tcox, ts5, tscal = [], [], [], [], []
    ids = {"median_os": [], "p": [], "cox": [], "os_5yr": [], "followup": []}
    for _, r in pub.iterrows():
        fact = (r["cohort"], r["factor"], r["level"], r["statistic"])
        if r["cohort"] not in SUBSETS:
            continue
        st, fac = r["statistic"], r["factor"]
        if fact in seen:
            continue
        dec = int(r["decimals"]) if pd.notna(r["decimals"]) else 0
        # a fact printed twice (a table and the text) counts twice in the fidelity score
        dup = 1.0 + DUPLICATE_WEIGHT * (printed[fact] - 1)
        if st == "median_os" and (fac in FACTORS or fac == "os"):
            lv = 0 if fac == "os" else FACTORS[fac].levels.index(r["level"])
            row = row_of(r["cohort"], fac)
            if bool(r["not_reached"]):
                tmed.append((row, lv, np.nan, np.nan, 1.0, w["median_os"] * dup))
            else:
                lo, hi = interval(r["value"], dec, statistic=st)
                tmed.append((row, lv, lo, hi, 0.0, w["median_os"] * dup))
            ids["median_os"].append(r["id"])
        elif st == "p" and fac in FACTORS:
            lo, hi = interval(r["value"], dec, _bound(r), statistic=st)
            tp.append((row_of(r["cohort"], fac), max(lo, 0.0), hi, w["p"] * dup))
            ids["p"].append(r["id"])
        elif fac in COX_COVARIATES and st in COX_STATS:
            lo, hi = interval(r["value"], dec, _bound(r), statistic=st)
            tcox.append((COX_STATS.index(st), list(COX_COVARIATES).index(fac), max(lo, 0.0), hi, w["cox"] * dup))
            ids["cox"].append(r["id"])
        elif st == "os_5yr" and fac == "os":
            lo, hi = interval(r["value"], dec, statistic=st)
            ts5.append((row_of(r["cohort"], "os"), 0, lo, hi, w["os_5yr"] * dup))
            ids["os_5yr"].append(r["id"])
        elif fac == "os_months" and st in ("median_followup", "min", "max") and r["cohort"] == "all":
            lo, hi = interval(r["value"], dec, statistic=st)
            kind = {"median_followup": 0, "min": 1, "max": 2}[st]
            tscal.append((kind, lo, hi, w["followup"] * dup))
            ids["followup"].append(r["id"])
        else:
            continue
        seen.add(fact)

    def arr(x, m):
        return np.array(x, dtype=float).reshape(-1, m)

    return Targets(groupings, arr(tmed, 6), arr(tp, 4), arr(tcox, 5), arr(ts5, 5), arr(tscal, 4), ids)


SUBSET_FACTOR = {"palliative_chemo": "chemotherapy"}  # a subset whose members a factor's codes decide


def subset_mask(codes: dict, n_cur: int, subset: str) -> np.ndarray:
    n = len(codes["age"])
    idx = np.arange(n)
    if subset == "all":
        return np.ones(n, bool)
    if subset == "metastasectomy":
        return idx < n_cur
    if subset == "no_metastasectomy":
        return idx >= n_cur
    if subset == "palliative_chemo":
        return (idx >= n_cur) & (codes[SUBSET_FACTOR[subset]] == 0)
    raise KeyError(subset)


def fed_rows(groupings: list, keys) -> list[int]:
    """The rows of :func:`grouping_matrix` whose codes depend on the factors ``keys``: those of one of them, and
    those of a subset that one of them defines (:func:`subset_mask`)."""
    return [r for r, (subset, factor) in enumerate(groupings) if factor in keys or SUBSET_FACTOR.get(subset) in keys]


def grouping_matrix(codes: dict, n_cur: int, groupings: list) -> tuple[np.ndarray, np.ndarray]:
    """Codes per grouping row (-1 = not in the subset or missing) and the number of levels per row."""
    n = len(codes["age"])
    G = np.full((len(groupings), n), -1, np.int8)
    K = np.zeros(len(groupings), np.int64)
    for r, (subset, factor) in enumerate(groupings):
        m = subset_mask(codes, n_cur, subset)
        if factor == "os":
            G[r, m] = 0
            K[r] = 1
        else:
            G[r, m] = codes[factor][m]
            K[r] = len(FACTORS[factor].levels)
    return G, K


def cox_matrix(codes: dict) -> np.ndarray:
    """0/1 columns of Table 3's covariates (``COX_COVARIATES`` order) from the factor codes."""
    cols = []
    for key, bad in COX_COVARIATES.values():
        cols.append((codes[key] == FACTORS[key].levels.index(bad)).astype(float))
    return np.column_stack(cols)


def target_values(codes: dict, n_cur: int, time: np.ndarray, death: np.ndarray, targets: Targets) -> pd.DataFrame:
    """Each scorer target with its interval, the candidate's value and whether it hits (diagnostics)."""
    G, K = grouping_matrix(codes, n_cur, targets.groupings)
    X = cox_matrix(codes)
    time = np.asarray(time, float)
    death = np.asarray(death, float)
    order = np.argsort(time, kind="mergesort")
    med, s60, send, pval = km_logrank(time, death, order, G, K, R_TOL)
    cx, ok = cox_breslow(time, death, order, X)
    rows = []
    for j, (r, g, lo, hi, nr, _) in enumerate(targets.tmed):
        x = med[int(r), int(g)]
        hit = np.isnan(x) if nr else (lo <= x <= hi)
        rows.append((targets.ids["median_os"][j], "median_os", lo, hi, x, hit))
    for j, (r, lo, hi, _) in enumerate(targets.tp):
        x = pval[int(r)]
        rows.append((targets.ids["p"][j], "p", lo, hi, x, lo <= x <= hi))
    for j, (st, cv, lo, hi, _) in enumerate(targets.tcox):
        x = cx[int(st), int(cv)]
        rows.append((targets.ids["cox"][j], "cox", lo, hi, x, lo <= x <= hi))
    for j, (r, g, lo, hi, _) in enumerate(targets.ts5):
        x = 100 * s60[int(r), int(g)]
        rows.append((targets.ids["os_5yr"][j], "os_5yr", lo, hi, x, lo <= x <= hi))
    srt = np.sort(time)
    fu = float(np.median(srt))
    for j, (kind, lo, hi, _) in enumerate(targets.tscal):
        x = [fu, srt[0], srt[-1]][int(kind)]
        rows.append((targets.ids["followup"][j], "followup", lo, hi, x, lo - 1e-9 <= x <= hi + 1e-9))
    return pd.DataFrame(rows, columns=["id", "kind", "lo", "hi", "value", "hit"])
