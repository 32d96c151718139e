"""Turn the searched structure and times into the two CSV tables (cohort and regimens).

Everything here is *decoration*: values that no published statistic depends on beyond a printed
median, range or count (age in years, size in cm, interval in months, metastasis year, the sites of
metastasis, lesion counts, the regimen lines and their PFS).  Each is drawn so that its printed
summary holds exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data import COHORT_COLUMNS, REGIMEN_COLUMNS
from helpers.factors import AGE_CUTOFF, ERA_SPLIT, FACTORS, INTERVAL_CUTOFF, SIZE_CUTOFF

from .structure import Structure, code
from .targets import RESPONSES, SITES

# Usual place of each regimen in the sequence of lines (domain knowledge, not a published number):
# anthracyclines first, gemcitabine-docetaxel next, the drugs approved for second line later.
LINE_RANK = {"DXR": 0, "DXR+IFM": 0, "GEM+DOC": 1, "PAZ": 2, "TRB": 2, "ERB": 2}
# When each later drug became available for soft-tissue sarcoma in Japan, as a calendar year with its month
# (domain knowledge, not a published number): pazopanib September 2012, trabectedin September 2015, eribulin
# February 2016.  No patient receives a drug whose approval came after their follow-up could have ended.
APPROVAL = {"PAZ": 2012 + 8 / 12, "TRB": 2015 + 8 / 12, "ERB": 2016 + 1 / 12}
MIN_ROOM = 6  # months a patient's follow-up must reach past a later drug's approval to be given it
FOLLOWUP_END = 2022.0  # last visits before the paper was written (submitted Feb 2022): an assumption
TENTH = 10  # times are held as integers in tenths of a month


def max_year(os_tenths: np.ndarray) -> np.ndarray:
    """Latest metastasis year compatible with a follow-up of ``os`` months ending by FOLLOWUP_END."""
    return np.floor(FOLLOWUP_END - os_tenths / TENTH / 12).astype(int)


def era_allowed(os_tenths: np.ndarray) -> np.ndarray:
    """May a patient with this follow-up have metastasis in the later era (after ERA_SPLIT)?"""
    return max_year(os_tenths) >= ERA_SPLIT + 1


def spread(
    n: int, lo: float, hi: float, median: float, n_low: int, cut: float, step: float, rng: np.random.Generator
) -> np.ndarray:
    """``n`` sorted values on a ``step`` grid with exact min ``lo``, max ``hi``, median ``median`` and
    exactly ``n_low`` values ``<= cut``.

    Bounds per order position are non-decreasing, so sorting independent draws keeps every bound.
    """
    k = lambda x: int(round(x / step))  # noqa: E731 - grid index
    lo_b = np.full(n, k(lo))
    hi_b = np.full(n, k(hi))
    pos = np.arange(n)
    if n % 2 == 1:
        mids = [n // 2]
    else:  # even: the two middle values average to the median; use median -/+ one step
        mids = [n // 2 - 1, n // 2]
    hi_b[pos <= mids[0]] = np.minimum(hi_b[pos <= mids[0]], k(median))
    lo_b[pos >= mids[-1]] = np.maximum(lo_b[pos >= mids[-1]], k(median))
    hi_b[pos < n_low] = np.minimum(hi_b[pos < n_low], k(cut))
    lo_b[pos >= n_low] = np.maximum(lo_b[pos >= n_low], k(cut) + 1)
    if np.any(lo_b > hi_b):
        raise ValueError(f"no {n} values with range {lo}-{hi}, median {median} and {n_low} <= {cut}")
    v = np.sort(rng.integers(lo_b, hi_b + 1))
    v[0], v[-1] = k(lo), k(hi)
    if n % 2 == 1:
        v[n // 2] = k(median)
    else:
        v[n // 2 - 1] = v[n // 2] = k(median)
    v = np.sort(v)
    return np.round(v * step, 6)


def _pin_year_range(year, era_lo, era_hi, first_year, last_year, rng) -> None:
    """Make the printed study period's ends (first and last metastasis year) occur, in place.

    Draws only when an end is missing, so cohorts that already have both are unchanged."""
    for end, have in ((first_year, year.min()), (last_year, year.max())):
        if have == end:
            continue
        able = np.flatnonzero((era_lo <= end) & (end <= era_hi))
        # take a patient whose year is not the only one holding the other end
        able = [p for p in able if not (year[p] in (first_year, last_year) and (year == year[p]).sum() == 1)]
        if not able:
            raise ValueError(f"no patient can have metastasis in {end} (the printed study period's end)")
        year[rng.choice(able)] = end


def _place(values: np.ndarray, low_mask: np.ndarray, n_low: int, rng: np.random.Generator) -> np.ndarray:
    """Give the ``n_low`` smallest values to the patients in ``low_mask`` (random order), the rest to others."""
    out = np.empty(len(low_mask))
    lows, highs = np.flatnonzero(low_mask), np.flatnonzero(~low_mask)
    out[lows] = rng.permutation(values[:n_low])
    out[highs] = rng.permutation(values[n_low:])
    return out


def _sites(s: Structure, spec: dict, rng: np.random.Generator) -> np.ndarray:
    """0/1 matrix (n x 6) of initial metastatic sites matching the text's counts."""
    n, nc = s.n, s.n_cur
    out = np.zeros((n, len(SITES)), np.int8)
    cur_tokens = [SITES.index(k) for k, m in spec["curative_sites"].items() for _ in range(m)]
    if len(cur_tokens) != nc:
        raise ValueError("curative metastasectomy sites do not add up to the curative patients")
    out[np.arange(nc), rng.permutation(cur_tokens)] = 1
    rest = {k: spec["sites"].get(k, 0) - spec["curative_sites"].get(k, 0) for k in SITES if k != "other"}
    tokens = [SITES.index(k) for k, m in rest.items() for _ in range(m)]
    multi = np.flatnonzero((np.arange(n) >= nc) & (s.codes["initial_metastatic_sites"] == 1))
    single = np.flatnonzero((np.arange(n) >= nc) & (s.codes["initial_metastatic_sites"] == 0))
    slots = len(single) + 2 * len(multi)
    tokens += [SITES.index("other")] * max(0, slots - len(tokens))
    for _ in range(10000):
        t = rng.permutation(tokens)
        m = np.zeros((n, len(SITES)), np.int8)
        m[single, t[: len(single)]] = 1
        rest_t = list(t[len(single) :])
        ok = True
        for j, p in enumerate(multi):
            mine = rest_t[2 * j : 2 * j + 2]
            if mine[0] == mine[1]:
                ok = False
                break
            m[p, mine] = 1
        extra = rest_t[2 * len(multi) :]
        for tok in extra:  # more tokens than slots: third sites
            cand = [p for p in multi if m[p, tok] == 0]
            if not cand:
                ok = False
                break
            m[rng.choice(cand), tok] = 1
        if ok:
            m[:nc] = out[:nc]
            return m
    raise ValueError("could not distribute the metastatic sites over the patients")


def _line_counts(spec: dict, n_pat: int, rng: np.random.Generator) -> np.ndarray:
    """Candidate numbers of lines per patient (each sorted descending, in random order) with the printed
    total, median and range."""
    total, lo, hi, med = spec["regimen_lines"], spec["lines_min"], spec["lines_max"], spec["lines_median"]
    options = []
    ks = list(range(lo, hi + 1))

    def rec(i, left_n, left_t, acc):
        if i == len(ks) - 1:
            if left_n >= 0 and left_n * ks[i] == left_t:
                options.append(acc + [left_n])
            return
        for c in range(0, left_n + 1):
            if c * ks[i] > left_t:
                break
            rec(i + 1, left_n - c, left_t - c * ks[i], acc + [c])

    rec(0, n_pat, total, [])
    good = []
    for o in options:
        arr = np.repeat(ks, o)
        if o[0] > 0 and o[-1] > 0 and np.median(arr) == med:
            good.append(o)
    # a plausible shape: fewer patients on each further line
    good = [o for o in good if all(a >= b for a, b in zip(o, o[1:]))]
    if not good:
        raise ValueError("no distribution of regimen lines matches the printed total, median and range")
    return [np.sort(np.repeat(ks, good[i]))[::-1] for i in rng.permutation(len(good))]


def _pfs_values(lines: pd.DataFrame, median: float, rng: np.random.Generator) -> np.ndarray:
    """PFS per line of one regimen (all events), with KM median exactly ``median``.

    Lines with the most room (cap) and the best response take the upper ranks.
    """
    n = len(lines)
    m = int(round(median * TENTH))
    weight = lines["best_response"].map({"CR": 4, "PR": 3, "SD": 2, "PD": 1}).to_numpy()
    order = np.lexsort((lines["cap"].to_numpy(), weight))  # ascending: worst first
    n_below = (n - 1) // 2 if n % 2 == 1 else n // 2 - 1
    n_mid = 1 if n % 2 == 1 else 2
    v = np.empty(n, int)
    below = np.sort(rng.integers(max(3, m // 4), max(m, max(3, m // 4) + 1), n_below))
    above = np.sort(rng.integers(m + 1, m + 1 + max(2 * m, 10), n - n_below - n_mid))
    vals = np.concatenate([below, np.full(n_mid, m), above])
    v[order] = vals
    return _swap_into_room(v, lines["cap"].to_numpy() * TENTH, weight)


def _swap_into_room(v: np.ndarray, cap: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """A line's PFS cannot outlast its share of the follow-up (``cap``, tenths): a value past its cap trades
    places with the largest value of the same regimen that fits there and whose own line has room for it
    (the best response first among equals).  Values are only exchanged, so the regimen's KM median stays."""
    v = v.copy()
    for i in np.argsort(cap, kind="stable"):  # the tightest lines first
        if v[i] <= cap[i]:
            continue
        fits = [j for j in range(len(v)) if j != i and v[j] <= cap[i] and v[i] <= cap[j]]
        if fits:
            j = max(fits, key=lambda q: (v[q], weight[q], -q))
            v[i], v[j] = v[j], v[i]
    return v / TENTH


def assemble(
    s: Structure, os_tenths: np.ndarray, death: np.ndarray, spec: dict, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cohort and regimen tables for a structure and its event times."""
    n, nc = s.n, s.n_cur
    c = s.codes
    lev = lambda key: np.array(FACTORS[key].levels, dtype=object)[c[key]]  # noqa: E731
    cur = np.arange(n) < nc

    age_spec, size_spec, int_spec = spec["age_years"], spec["size_cm"], spec["interval_months"]
    n_young = int((c["age"] == 0).sum())
    ages = spread(n, age_spec["min"], age_spec["max"], age_spec["median"], n_young, AGE_CUTOFF, 1, rng)
    age = _place(ages, c["age"] == 0, n_young, rng).astype(int)
    n_small = int((c["size"] == 0).sum())
    sizes = spread(n, size_spec["min"], size_spec["max"], size_spec["median"], n_small, SIZE_CUTOFF, 0.1, rng)
    size = _place(sizes, c["size"] == 0, n_small, rng)
    meta = c["presenting"] == code("presenting", "metachronous")
    short = meta & cur & (c["interval"] == code("interval", "<=6"))
    n_short = int(short.sum())
    ivals = spread(
        int(meta.sum()), int_spec["min"], int_spec["max"], int_spec["median"], n_short, INTERVAL_CUTOFF, 0.1, rng
    )
    interval = np.zeros(n)
    interval[meta] = _place(ivals, short[meta], n_short, rng)

    first_year, last_year = spec["metastasis_year"]["min"], spec["metastasis_year"]["max"]
    ymax = np.minimum(max_year(os_tenths), last_year)
    era_lo = np.where(c["era"] == 0, first_year, ERA_SPLIT + 1)
    era_hi = np.minimum(np.where(c["era"] == 0, ERA_SPLIT, last_year), ymax)
    if np.any(era_hi < era_lo):
        raise ValueError("a patient's era is incompatible with their follow-up")
    regimens, first_reg, first_resp = _regimens(s, os_tenths, death, spec, rng, era_hi)
    year_lo = np.maximum(era_lo, approval_years(regimens, os_tenths, n))
    # where the PFS could not be shortened enough, the era's latest year comes closest (approval_violations
    # lists the line)
    year_lo = np.minimum(year_lo, era_hi)
    year = rng.integers(year_lo, era_hi + 1)
    _pin_year_range(year, year_lo, era_hi, first_year, last_year, rng)

    sites = _sites(s, spec, rng)
    n_sites = sites.sum(1)
    lesions = np.where(c["initial_metastatic_lesions"] == 0, 1, 2)
    non_single_site = np.flatnonzero(~cur & (n_sites == 1))
    n_single_non = spec["single_lesion"] - int((cur & (lesions == 1)).sum())
    lesions[~cur] = rng.integers(2, 9, int((~cur).sum()))
    lesions[rng.choice(non_single_site, n_single_non, replace=False)] = 1

    met_any = cur.astype(int)
    met_any[rng.choice(np.flatnonzero(~cur), spec["metastasectomy_any"] - nc, replace=False)] = 1
    resected = np.flatnonzero(c["primary_resection"] == code("primary_resection", "yes"))
    local = np.zeros(n, int)
    local[rng.choice(resected, spec["local_recurrence"], replace=False)] = 1

    status = np.where(death == 1, "DOD", "AWD").astype(object)
    alive = np.flatnonzero(death == 0)
    ned_order = alive[np.lexsort((-os_tenths[alive], ~cur[alive]))]  # curative first, longest follow-up first
    status[ned_order[: spec["status"]["NED"]]] = "NED"

    ids = [f"P{k + 1:02d}" for k in range(n)]
    perm = rng.permutation(n)  # patient ids in random order (curative patients are not listed first)
    pid = np.empty(n, object)
    pid[perm] = ids
    grade = np.where(c["grade"] < 0, "", np.array(["2", "3"], object)[np.maximum(c["grade"], 0)])
    peri = np.where(cur, np.where(c["chemo_peri_metastasectomy"] == 0, "1", "0"), "")
    cohort = pd.DataFrame(
        {
            "patient_id": pid,
            "age_years": age,
            "sex": lev("sex"),
            "primary_site": lev("primary_site"),
            "size_cm": size,
            "depth": lev("depth"),
            "grade": grade,
            "presenting": lev("presenting"),
            "interval_to_metastasis_months": np.round(interval, 1),
            "metastasis_year": year,
            "initial_metastatic_sites": n_sites,
            "initial_metastatic_lesions": lesions,
            **{f"site_{k}": sites[:, i] for i, k in enumerate(SITES)},
            "primary_resection": (c["primary_resection"] == 0).astype(int),
            "metastasectomy_any": met_any,
            "metastasectomy_curative": cur.astype(int),
            "chemo_peri_metastasectomy": peri,
            "chemotherapy": (c["chemotherapy"] == 0).astype(int),
            "first_line_regimen": first_reg,
            "first_line_response": first_resp,
            "radiotherapy": (c["radiotherapy"] == 0).astype(int),
            "local_recurrence": local,
            "os_months": os_tenths / TENTH,
            "death": death.astype(int),
            "status": status,
        }
    )[COHORT_COLUMNS]
    regimens["patient_id"] = pid[regimens["patient_id"].to_numpy()]
    cohort = cohort.sort_values("patient_id", kind="stable").reset_index(drop=True)
    regimens = regimens.sort_values(["patient_id", "line"], kind="stable").reset_index(drop=True)
    return cohort, regimens[REGIMEN_COLUMNS]


def _rooms(reg: pd.DataFrame, os_tenths: np.ndarray, era_hi: np.ndarray | None) -> dict:
    """Per patient, ``(line, room)``: the lines from ``line`` on must take at most ``room`` months of PFS.
    All lines fit in the follow-up; a later drug's line must be able to start after its approval
    (``APPROVAL``) if metastasis came late in the latest year the patient's era allows (``era_hi``; None:
    approvals ignored)."""
    rooms = {}
    for p, idx in reg.groupby("patient_id").indices.items():
        os_ = os_tenths[p] / TENTH
        lines = reg["line"].to_numpy()[idx]
        mine = [(1, os_)]
        for line, r in zip(lines, reg["regimen"].to_numpy()[idx]):
            if era_hi is not None and r in APPROVAL:
                mine.append((int(line), os_ - 12 * (APPROVAL[r] - 1 - era_hi[p]) - 0.1))
        rooms[p] = mine
    return rooms


def _fit_pfs(reg: pd.DataFrame, rooms: dict, spec: dict) -> None:
    """Shorten PFS so that each patient's lines from ``line`` on take at most ``room`` months (``_rooms``),
    without moving any value across its regimen's median (which keeps every median PFS)."""
    med = reg["regimen"].map(spec["table2_pfs"]).to_numpy()
    pfs = reg["pfs_months"].to_numpy().copy()
    line = reg["line"].to_numpy()
    for p, idx in reg.groupby("patient_id").indices.items():
        for first, room in sorted(rooms[p], key=lambda x: -x[0]):  # the shortest tails first
            tail = [i for i in idx if line[i] >= first]
            excess = round(pfs[tail].sum() - room, 6)
            for i in sorted(tail, key=lambda q: -pfs[q]):
                if excess <= 0:
                    break
                floor = med[i] + 0.1 if pfs[i] > med[i] else (med[i] if pfs[i] == med[i] else 0.1)
                cut = min(excess, round(pfs[i] - floor, 6))
                if cut > 0:
                    pfs[i] = round(pfs[i] - cut, 1)
                    excess = round(excess - cut, 6)
    reg["pfs_months"] = pfs


def _earliest_years(reg: pd.DataFrame, os_months: np.ndarray) -> np.ndarray:
    """Per line (``reg`` sorted by patient and line; ``os_months`` the patient's follow-up on each line), the
    earliest metastasis year from which it can start after its drug's approval (``APPROVAL``; NaN for the
    older drugs): metastasis at the end of that year, and the line as late as the PFS of it and of the lines
    after it allow (gaps between lines are possible; PFS ends at progression)."""
    tail = reg["pfs_months"][::-1].groupby(reg["patient_id"][::-1]).cumsum()[::-1].to_numpy()
    latest_start = os_months - tail
    return np.floor(reg["regimen"].map(APPROVAL).to_numpy(dtype=float) - 1 - latest_start / 12) + 1


def approval_years(reg: pd.DataFrame, os_tenths: np.ndarray, n: int) -> np.ndarray:
    """Per patient (index), the earliest metastasis year that lets each of their lines start after its drug's
    approval (0: no later drug)."""
    reg = reg.sort_values(["patient_id", "line"])
    years = _earliest_years(reg, os_tenths[reg["patient_id"].to_numpy()] / TENTH)
    out = np.zeros(n, int)
    for p, y in zip(reg["patient_id"].to_numpy(), years):
        if not np.isnan(y):
            out[p] = max(out[p], int(y))
    return out


def approval_violations(cohort: pd.DataFrame, regimens: pd.DataFrame) -> pd.DataFrame:
    """Regimen lines that could not have started after their drug's approval in Japan (``APPROVAL``), even with
    metastasis at the end of its year and every gap between lines as late as the follow-up allows."""
    c = cohort.set_index("patient_id")
    reg = regimens.sort_values(["patient_id", "line"])
    years = _earliest_years(reg, c.loc[reg["patient_id"], "os_months"].to_numpy())
    return reg[c.loc[reg["patient_id"], "metastasis_year"].to_numpy() < years]


def _plan_lines(chemo, k, first_reg, later, os_tenths, rng, can, tries: int = 20):
    """Later regimen lines per patient: ``k`` (descending) lines go to the longest survivors able to
    take them (distinct regimens, none repeating the first line, ``can(p, r)``), tokens from the largest
    pools first."""
    for _ in range(tries):
        noisy = os_tenths[chemo] * rng.uniform(0.6, 1.4, len(chemo))
        pats = list(chemo[np.argsort(-noisy, kind="stable")])
        cap = {p: 1 + sum(1 for r in later if later[r] > 0 and r != first_reg[p] and can(p, r)) for p in pats}
        lines = {}
        for kk in k:
            p = next((q for q in pats if q not in lines and cap[q] >= kk), None)
            if p is None:
                break
            lines[p] = kk
        if len(lines) != len(chemo):
            continue
        left = dict(later)
        plan = {}
        ok = True
        for p in sorted(lines, key=lambda q: -lines[q]):
            opts = [r for r in left if left[r] > 0 and r != first_reg[p] and can(p, r)]
            if len(opts) < lines[p] - 1:
                ok = False
                break
            jitter = rng.random(len(opts))
            opts = [opts[i] for i in np.lexsort((jitter, [-left[r] for r in opts]))]
            pick = opts[: lines[p] - 1]
            for r in pick:
                left[r] -= 1
            plan[p] = sorted(pick, key=lambda r: (LINE_RANK[r], rng.random()))
        if ok and all(v == 0 for v in left.values()):
            return plan
    return None


def _regimens(s: Structure, os_tenths, death, spec, rng, era_hi):
    """Regimen lines (patient index, line, regimen, response, PFS) and each patient's first line.  A later
    drug goes only to a patient whose follow-up can reach ``MIN_ROOM`` months past its approval
    (``APPROVAL``), with metastasis in the latest year their era allows (``era_hi``).  Should no plan
    respect the approvals, one that ignores them is made rather than none (``approval_violations``
    finds its lines; tests/test_reconstruct.py asserts there are none in the committed cohort)."""
    reach = era_hi + 1 + os_tenths / TENTH / 12  # the latest calendar time each patient can be followed to
    try:
        return _plan_regimens(
            s,
            os_tenths,
            death,
            spec,
            rng,
            era_hi,
            lambda p, r: r not in APPROVAL or reach[p] - APPROVAL[r] >= MIN_ROOM / 12,
        )
    except ValueError:
        return _plan_regimens(s, os_tenths, death, spec, rng, None, lambda p, r: True)


def _plan_regimens(s: Structure, os_tenths, death, spec, rng, era_hi, can):
    """``_regimens`` with the drugs a patient can take given by ``can(p, r)``; ``era_hi`` None: approvals
    ignored."""
    n, nc = s.n, s.n_cur
    c = s.codes
    chemo = np.flatnonzero(c["chemotherapy"] == 0)
    pall = chemo[chemo >= nc]
    cur_chemo = chemo[chemo < nc]
    pools = {r: [x for x in RESPONSES for _ in range(cnt[x])] for r, cnt in spec["table2"].items()}
    for r in pools:
        pools[r] = list(rng.permutation(pools[r]))
    first_reg = np.full(n, "", object)
    first_resp = np.full(n, "", object)
    # palliative first lines: regimens by the printed counts, responses by the searched non-PD / PD
    tokens = [r for r, m in spec["first_line"].items() for _ in range(m)]
    if len(tokens) != len(pall):
        raise ValueError("palliative first-line regimens do not add up to the palliative chemotherapy patients")
    for _ in range(10000):
        t = rng.permutation(tokens)
        need = {}
        for p, r in zip(pall, t):
            pd_ = c["first_line_response"][p] == code("first_line_response", "PD")
            need.setdefault(r, [0, 0])[1 if pd_ else 0] += 1
        ok = all(
            need[r][1] <= pools[r].count("PD") and need[r][0] <= pools[r].count("PR") + pools[r].count("SD")
            for r in need
        ) and all(can(p, r) for p, r in zip(pall, t))
        if ok:
            break
    else:
        raise ValueError(
            "first-line responses cannot be matched to Table 2's response counts and the drugs' approval years"
        )
    for p, r in zip(pall, t):
        want = ["PD"] if c["first_line_response"][p] == code("first_line_response", "PD") else ["PR", "SD"]
        k = next(i for i, x in enumerate(pools[r]) if x in want)
        first_reg[p], first_resp[p] = r, pools[r].pop(k)
    # curative patients' first lines: the remaining lines most often given first
    remaining = [r for r in pools for _ in pools[r]]
    remaining.sort(key=lambda r: (LINE_RANK[r], -len(pools[r])))
    if len(remaining) < len(cur_chemo):
        raise ValueError("fewer regimen lines than patients with chemotherapy")
    firsts = remaining[: len(cur_chemo)]
    for _ in range(10000):
        order = rng.permutation(cur_chemo)
        if all(can(p, r) for p, r in zip(order, firsts)):
            break
    else:
        raise ValueError("no curative patient's follow-up reaches the approval of their first-line drug")
    for p, r in zip(order, firsts):
        first_reg[p] = r
        first_resp[p] = pools[r].pop(int(rng.integers(len(pools[r]))))
    # lines per patient: longer survivors received more lines
    later = {r: len(pools[r]) for r in pools}
    for k in _line_counts(spec, len(chemo), rng):
        plan = _plan_lines(chemo, k, first_reg, later, os_tenths, rng, can)
        if plan is not None:
            break
    else:
        raise ValueError("could not distribute the later regimen lines over the patients")
    rows = []
    for p in chemo:
        seq = [first_reg[p]] + plan[p]
        for line, r in enumerate(seq, start=1):
            resp = first_resp[p] if line == 1 else pools[r].pop(int(rng.integers(len(pools[r]))))
            rows.append((p, line, r, resp, os_tenths[p] / TENTH / len(seq), len(seq)))
    reg = pd.DataFrame(rows, columns=["patient_id", "line", "regimen", "best_response", "cap", "n_lines"])
    reg["pfs_months"] = 0.0
    for r, target in spec["table2_pfs"].items():
        idx = reg.index[reg["regimen"] == r]
        reg.loc[idx, "pfs_months"] = _pfs_values(reg.loc[idx], target, rng)
    _fit_pfs(reg, _rooms(reg, os_tenths, era_hi), spec)
    reg["pfs_event"] = 1
    # a patient still alive is censored on the last line if it outlasted the regimen's median
    last = reg["line"] == reg["n_lines"]
    alive = death[reg["patient_id"].to_numpy()] == 0
    med = reg["regimen"].map(spec["table2_pfs"])
    reg.loc[last & alive & (reg["pfs_months"] > med + 0.05), "pfs_event"] = 0
    return reg, first_reg, first_resp
