"""The merges' linked stage: chemotherapy decided exactly, with the two columns an identity ties to it.

Chemotherapy is not a factor of the exact stage (``blocks.EXACT_FACTORS``). Two identities of the structure
(``structure.swap_allowed``) tie it to other columns. A curative patient given chemotherapy around the
metastasectomy was given chemotherapy. A patient of the other block given (palliative) chemotherapy has a
first-line response, non-PD or PD. So an assignment of chemotherapy brings assignments of those two columns
with it. This stage enumerates, on the merge's order:

1. every assignment of chemotherapy with the printed counts meeting all its printed p's and medians in Tables
   1 and 5 (``bound.meeting``), its curative patients without chemotherapy among those without it around the
   metastasectomy in some assignment of step 2 (:func:`curative_rows`);
2. for each, every choice of the curative patients given chemotherapy around the metastasectomy, among that
   assignment's curative patients given chemotherapy, meeting Table 4's numbers for it (:func:`peri_choices`);
3. where the other block's patients given chemotherapy change, every choice of those with PD among them that
   meets the text's p of non-PD against PD (section 3.3; :func:`response_choices`). The search's targets read
   the responses only through that p (:func:`responses_alike`), so these choices score alike and the first
   stands for them all.

Each combination is scored with the finisher's exact score. The best is kept where it scores higher, with each
changed column re-checked by ``helpers.survival``'s R-exact statistics (``bound.meets``).
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import pandas as pd

from .coarse import RankSearch
from .finish import target_ids

CHEMO, PERI, RESPONSE = "chemotherapy", "chemo_peri_metastasectomy", "first_line_response"
LINKED = (CHEMO, PERI, RESPONSE)  # the columns this stage assigns
NO = 1  # code of "no" for chemotherapy and chemotherapy around the metastasectomy; of PD for the response
LIMIT = 2_000_000  # most assignments of one column enumerated; a merge with more keeps its columns


def _every(rows: np.ndarray, total: int) -> np.ndarray:
    """``bound.block_meeting``'s rows, when they are all of them (else a ``ValueError``: the stage then keeps the
    merge)."""
    if total > len(rows):
        raise ValueError(f"{total:,} assignments meet the table, more than {LIMIT:,}")
    return rows


def response_table(published: pd.DataFrame):
    """The text's printed p of overall survival by first-line response (non-PD against PD) among the patients
    given palliative chemotherapy, as a ``bound.Printed`` of one block."""
    from .blocks import printed_p_range
    from .bound import Printed

    return Printed((1,), printed_p_range(published, RESPONSE, ("palliative_chemo",)))


def peri_choices(st: RankSearch, published: pd.DataFrame) -> np.ndarray:
    """Every assignment of chemotherapy around the metastasectomy to the curative patients (rows of 0/1 codes,
    1: not given) with ``st``'s counts that meets Table 4's printed p and medians for it on ``st``'s order,
    whoever was given chemotherapy (:func:`exact_chemotherapy` keeps, for each assignment of chemotherapy, the
    rows giving it only to patients given chemotherapy)."""
    from .blocks import exact_inputs, factor_tables
    from .bound import block_meeting

    time, death, _, k, _ = exact_inputs(st, PERI)  # the curative patients
    return _every(*block_meeting(time, death, k[0], factor_tables(published, PERI)[0], LIMIT))


def curative_rows(peri: np.ndarray, k: int) -> np.ndarray:
    """Every choice of ``k`` curative patients without chemotherapy (rows of 0/1 codes, 1: not given) among
    those without chemotherapy around the metastasectomy in some row of ``peri`` (:func:`peri_choices`): the
    assignments of chemotherapy in that block that leave some such row possible, in increasing order."""
    chosen = {c for q in peri for c in itertools.combinations(np.flatnonzero(q == NO).tolist(), k)}
    rows = np.zeros((len(chosen), peri.shape[1]), np.int8)
    for r, c in enumerate(sorted(chosen)):
        rows[r, list(c)] = NO
    return rows


def responses_alike(st: RankSearch, published: pd.DataFrame) -> bool:
    """Whether the search's targets read the first-line responses only through the text's p (its only printed
    number of them besides the counts): then every choice of the responses meeting that p scores alike."""
    factor_of = dict(zip(published["id"], published["factor"]))
    statistic_of = dict(zip(published["id"], published["statistic"]))
    read = [i for i in target_ids(st.tg) if factor_of.get(i) == RESPONSE]
    return len(read) == 1 and statistic_of[read[0]] == "p"


def response_choices(st: RankSearch, published: pd.DataFrame, chemo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The other block's patients whom ``chemo`` gives chemotherapy, and every assignment of PD among them with
    ``st``'s count (rows of 0/1 codes, 1: PD) that meets the text's p (:func:`response_table`) on ``st``'s
    order."""
    from .assemble import TENTH
    from .bound import block_meeting

    given = np.flatnonzero((np.arange(st.s.n) >= st.s.n_cur) & (chemo != NO))
    k = int((st.s.codes[RESPONSE] == NO).sum())
    time = np.asarray(st.times(), float)[given] / TENTH
    death = np.asarray(st.death, float)[given]
    return given, _every(*block_meeting(time, death, k, response_table(published), LIMIT))


def with_linked(st: RankSearch, chemo: np.ndarray, peri: np.ndarray, response: tuple | None) -> RankSearch:
    """``st`` with chemotherapy ``chemo`` (every patient), chemotherapy around the metastasectomy ``peri`` (the
    curative patients) and, unless ``None``, the first-line responses ``(given, codes)`` (the other block's
    patients given chemotherapy; every other patient of that block has none)."""
    s = st.s.copy()
    for key, row in linked_rows(st, chemo, peri, response).items():
        s.codes[key][:] = row
    return RankSearch(s, st.order, st.death, st.tg)


def linked_rows(st: RankSearch, chemo: np.ndarray, peri: np.ndarray, response: tuple | None) -> dict:
    """The rows of codes :func:`with_linked` gives ``st``, by factor (for ``RankSearch.hits_with``)."""
    n_cur = st.s.n_cur
    rows = {CHEMO: chemo, PERI: np.concatenate([peri, st.s.codes[PERI][n_cur:]])}
    if response is not None:
        given, codes = response
        rows[RESPONSE] = np.concatenate([st.s.codes[RESPONSE][:n_cur], np.full(st.s.n - n_cur, -1, np.int8)])
        rows[RESPONSE][given] = codes
    return rows


class Found(NamedTuple):
    """What the linked stage enumerates on a merge's order (:func:`enumerated`)."""

    peri: np.ndarray  #: every assignment of chemotherapy around the metastasectomy (:func:`peri_choices`)
    curative: np.ndarray  #: the curative assignments of chemotherapy they leave possible (:func:`curative_rows`)
    chemo: np.ndarray  #: every assignment of chemotherapy meeting its tables (``bound.meeting``)
    counts: dict  #: how many assignments meet each of chemotherapy's tables (``bound.meeting``'s counts)


def enumerated(st: RankSearch, published: pd.DataFrame) -> Found:
    """Steps 1 and 2 of the stage (module docstring) on ``st``'s order; a ``ValueError`` when an enumeration
    has more than ``LIMIT`` rows."""
    from .blocks import exact_inputs, factor_tables
    from .bound import meeting

    time, death, block, k, _ = exact_inputs(st, CHEMO)
    peri = peri_choices(st, published)  # the curative patients without chemotherapy: among those without it
    curative = curative_rows(peri, k[0])  # around the metastasectomy
    tables = factor_tables(published, CHEMO)
    rows, counts = meeting(time, death, block, k, tables, limit=LIMIT, recheck=False, candidates={0: curative})
    return Found(peri, curative, rows, counts)


def exact_chemotherapy(st: RankSearch, published: pd.DataFrame, found: Found | None = None) -> RankSearch:
    """The linked stage on ``st`` (module docstring): returns the state (``st`` when nothing gains, or when
    chemotherapy's printed numbers are all met). ``found``: :func:`enumerated` of ``st``, when the caller has
    it."""
    from .blocks import exact_inputs, factor_met, factor_tables
    from .bound import meets

    if factor_met(st, published, CHEMO):
        return st
    time, death, block, _, _ = exact_inputs(st, CHEMO)
    tables = factor_tables(published, CHEMO)
    try:
        all_peri, _, rows, _ = enumerated(st, published) if found is None else found
    except ValueError:
        return st
    best, keep = st.hits_with({}), st
    n_cur, codes = st.s.n_cur, st.s.codes
    peri_inputs, peri_table = exact_inputs(st, PERI)[:3], factor_tables(published, PERI)[:1]
    alike, response_check = responses_alike(st, published), [response_table(published)]
    for chemo in rows:
        peris = all_peri[(all_peri[:, chemo[:n_cur] == NO] == NO).all(axis=1)]
        if not len(peris):
            continue
        given, responses = None, [None]  # the other block's chemotherapy kept: its responses too
        if not np.array_equal(chemo[n_cur:] == NO, codes[CHEMO][n_cur:] == NO):
            try:
                given, responses = response_choices(st, published, chemo)
            except ValueError:
                continue
        for peri in peris:
            for response in responses[:1] if alike else responses:
                linked = (chemo, peri, None if response is None else (given, response))
                total = st.hits_with(linked_rows(st, *linked))
                if total <= best or not meets(time, death, block, chemo, tables):
                    continue
                if not meets(*peri_inputs, peri, peri_table):
                    continue
                o = with_linked(st, *linked)
                if response is not None and not meets(*exact_inputs(o, RESPONSE)[:3], response, response_check):
                    continue
                keep, best = o, total
    return keep
