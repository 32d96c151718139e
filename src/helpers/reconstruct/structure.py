"""Stage 1: the discrete structure of the cohort, with every printed count exact by construction.

Patients ``0 .. n_cur-1`` had a curative-intent metastasectomy (Table 4), the others did not (Table 5).
Each factor is held as an ``int8`` code per patient: the index of its level in
``helpers.factors.FACTORS[key].levels``, ``-1`` for missing (unknown grade) or not applicable
(first-line response without palliative chemotherapy).

Only the *marginal* counts of each factor are printed, so their joint assignment across patients is
free.  :func:`initial_structure` draws one assignment that satisfies every count and every
cross-table identity; the coarse search (``coarse.py``) then swaps values between patients of the same
subset, which preserves all counts, subject to :func:`swap_allowed`.
"""

from __future__ import annotations

import numpy as np

from helpers.factors import FACTORS

# Factors whose codes the search owns (per patient).  ``era`` is searched too but has no printed count.
CODED = [
    "age",
    "sex",
    "primary_site",
    "size",
    "depth",
    "grade",
    "presenting",
    "initial_metastatic_sites",
    "primary_resection",
    "chemotherapy",
    "radiotherapy",
    "interval",
    "initial_metastatic_lesions",
    "chemo_peri_metastasectomy",
    "first_line_response",
    "era",
    "metastasectomy_curative",
]

# Factors tabulated in both Table 4 and Table 5 with the same levels (their Table 1 row is the union).
SHARED = ["age", "sex", "primary_site", "size", "depth", "grade", "radiotherapy"]


def code(key: str, level: str) -> int:
    return FACTORS[key].levels.index(level)


class Structure:
    """Per-patient factor codes: ``C`` is an int8 matrix (rows in ``CODED`` order), ``codes[key]`` a view
    of one row."""

    def __init__(self, n_cur: int, n: int, codes: dict):
        self.n_cur, self.n = n_cur, n
        self.C = np.stack([np.asarray(codes[k], np.int8) for k in CODED])
        self.codes = {k: self.C[i] for i, k in enumerate(CODED)}

    def copy(self) -> Structure:
        return Structure(self.n_cur, self.n, {k: v.copy() for k, v in self.codes.items()})

    def __reduce__(self):
        """Pickled (joblib's workers, ``copy.deepcopy``) as its codes, so that ``codes`` stay views of ``C``."""
        return Structure, (self.n_cur, self.n, self.codes)

    @property
    def curative(self) -> np.ndarray:
        return np.arange(self.n) < self.n_cur


def _fill(counts: dict, key: str, rng: np.random.Generator, n_missing: int = 0) -> np.ndarray:
    vals = [code(key, lv) for lv, k in counts.items() for _ in range(k)] + [-1] * n_missing
    arr = np.array(vals, dtype=np.int8)
    rng.shuffle(arr)
    return arr


def _counts_check(counts: dict, n: int, what: str) -> None:
    if sum(counts.values()) > n:
        raise ValueError(f"{what}: counts {counts} exceed the {n} patients of the subset")


def initial_structure(spec: dict, rng: np.random.Generator) -> Structure:
    """One random assignment of every factor satisfying Tables 1, 4, 5 and the text's identities."""
    t1, t4, t5 = spec["table1"], spec["table4"], spec["table5"]
    n_cur, n_non = spec["n_metastasectomy"], spec["n_no_metastasectomy"]
    n = n_cur + n_non
    if n != spec["n_all"]:
        raise ValueError(f"Table 4 ({n_cur}) + Table 5 ({n_non}) != Table 1 ({spec['n_all']})")
    cur = {}
    non = {}
    for key in SHARED:
        for tab, part, m in ((t4, cur, n_cur), (t5, non, n_non)):
            _counts_check(tab[key], m, key)
            part[key] = _fill(tab[key], key, rng, m - sum(tab[key].values()))
        union = {lv: t4[key].get(lv, 0) + t5[key].get(lv, 0) for lv in t1[key]}
        if union != t1[key]:
            raise ValueError(f"{key}: Table 4 + Table 5 = {union} != Table 1 {t1[key]}")

    # --- curative subset (Table 4) -------------------------------------------------------------
    # all had the primary resected and a single initial site; the synchronous ones (Table 1 minus
    # Table 5) count in the "interval <= 6 months" row with an interval of 0.
    n_sync_cur = t1["presenting"]["synchronous"] - t5["presenting"]["synchronous"]
    cur["primary_resection"] = np.full(n_cur, code("primary_resection", "yes"), np.int8)
    cur["initial_metastatic_sites"] = np.full(n_cur, code("initial_metastatic_sites", "1"), np.int8)
    cur["interval"] = _fill(t4["interval"], "interval", rng)
    short = np.flatnonzero(cur["interval"] == code("interval", "<=6"))
    if n_sync_cur > len(short):
        raise ValueError("more synchronous curative patients than intervals <= 6 months")
    pres = np.full(n_cur, code("presenting", "metachronous"), np.int8)
    pres[rng.choice(short, n_sync_cur, replace=False)] = code("presenting", "synchronous")
    cur["presenting"] = pres
    cur["initial_metastatic_lesions"] = _fill(t4["initial_metastatic_lesions"], "initial_metastatic_lesions", rng)
    # chemotherapy around the metastasectomy is a subset of chemotherapy for metastatic disease
    n_chemo_cur = t1["chemotherapy"]["yes"] - t5["chemotherapy"]["yes"]
    peri = _fill(t4["chemo_peri_metastasectomy"], "chemo_peri_metastasectomy", rng)
    chemo = np.where(peri == code("chemo_peri_metastasectomy", "yes"), 0, 1).astype(np.int8)
    extra = n_chemo_cur - int((chemo == 0).sum())
    if extra < 0:
        raise ValueError("more curative patients with peri-metastasectomy chemotherapy than with chemotherapy")
    chemo[rng.choice(np.flatnonzero(chemo == 1), extra, replace=False)] = code("chemotherapy", "yes")
    cur["chemotherapy"] = chemo
    cur["chemo_peri_metastasectomy"] = peri
    cur["first_line_response"] = np.full(n_cur, -1, np.int8)

    # --- non-curative subset (Table 5) ---------------------------------------------------------
    non["presenting"] = _fill(t5["presenting"], "presenting", rng)
    n_unres = t5["primary_resection"]["no"]
    if t1["primary_resection"]["no"] != n_unres:
        raise ValueError("an unresected primary among the curative metastasectomies")
    sync = np.flatnonzero(non["presenting"] == code("presenting", "synchronous"))
    res = np.full(n_non, code("primary_resection", "yes"), np.int8)
    res[rng.choice(sync, n_unres, replace=False)] = code("primary_resection", "no")  # unresected => synchronous
    non["primary_resection"] = res
    non["initial_metastatic_sites"] = _fill(t5["initial_metastatic_sites"], "initial_metastatic_sites", rng)
    non["chemotherapy"] = _fill(t5["chemotherapy"], "chemotherapy", rng)
    flr = np.full(n_non, -1, np.int8)
    chemo_idx = np.flatnonzero(non["chemotherapy"] == code("chemotherapy", "yes"))
    if len(chemo_idx) != spec["n_palliative_chemo"] or sum(spec["first_line_response"].values()) != len(chemo_idx):
        raise ValueError("first-line response counts do not add up to the palliative chemotherapy patients")
    flr[chemo_idx] = _fill(spec["first_line_response"], "first_line_response", rng)
    non["first_line_response"] = flr
    # lesions are decoration in Table 5 (not tabulated): >1 site implies >1 lesion; set in assemble.
    non["initial_metastatic_lesions"] = np.full(n_non, code("initial_metastatic_lesions", ">1"), np.int8)
    non["interval"] = np.full(n_non, -1, np.int8)  # not tabulated outside Table 4
    non["chemo_peri_metastasectomy"] = np.full(n_non, -1, np.int8)

    codes = {k: np.concatenate([cur[k], non[k]]).astype(np.int8) for k in cur}
    codes["metastasectomy_curative"] = np.array([0] * n_cur + [1] * n_non, np.int8)
    codes["era"] = rng.integers(0, 2, n).astype(np.int8)
    return Structure(n_cur, n, codes)


def swap_allowed(s: Structure, key: str, i: int, j: int) -> bool:
    """May factor ``key`` swap values between patients ``i`` and ``j`` without breaking a count or an
    identity?  Only within a subset (keeps Tables 4 and 5, so Table 1); unresected primaries stay
    synchronous; the synchronous curative patient stays in the "<= 6 months" row; chemotherapy around the
    metastasectomy stays a subset of chemotherapy.  (The rule lives in ``moves.swap_ok``.)"""
    from .moves import swap_ok

    return bool(swap_ok(s.C, CODED.index(key), i, j, s.n_cur))


def do_swap(s: Structure, key: str, i: int, j: int) -> None:
    """Swap ``key`` between patients ``i`` and ``j`` (in place); palliative chemotherapy carries the
    first-line response along."""
    from .moves import do_swap as _do

    _do(s.C, CODED.index(key), i, j, s.n_cur)
