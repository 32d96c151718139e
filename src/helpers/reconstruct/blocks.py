"""Reconstruction by blocks: the curative block first, exactly, then the whole cohort around it.

The curative-intent metastasectomies (Table 4, and the Discussion's five-year OS after curative
metastasectomy) are a block: every statistic of Table 4 depends only on those patients' order, outcomes and
factors.  The whole-cohort search, pulled by Tables 1, 3 and 5 at once, leaves some of them missed; searched
alone, with only its own targets, the block comes closer.  So the default command
(``python -m helpers.reconstruct --out DIR``) makes the cohort in two steps:

1. :func:`search_block`: the block's targets alone (``BLOCK_COHORTS``), the needles weighted up (a median
   printed at two decimals is the midpoint of two death times where the curve sits exactly at 0.5:
   ``NEEDLE_WEIGHT``), except the row of one factor (``FREE_FACTOR``: Table 4's size p and its two medians),
   which no annealing met; that row is then completed exactly (:func:`completions`: every assignment of the
   factor's levels with the printed counts, checked against the row); seeds are tried in turn until
   ``BLOCK_SOLUTIONS`` exact solutions are found (:func:`exact_blocks`; the closest complete the list when the
   seeds run out).
2. :func:`merge_search`: the whole cohort searched from a block solution, every target of the paper scored,
   the block's targets weighted by ``BLOCK_WEIGHT``, so that no move that loses one of them is taken (it would
   cost more than the rest of the loss can gain) while the other patients, the interleaving of the two
   subsets' times and the era are free, then the finisher over the fine moves and over every factor swap
   (``SWAP_ROUNDS``); one merge per random stream (``MERGE_STREAMS``), the one a reader would choose written
   (:func:`best_of_blocks`).

Everything is counted in iterations and seeds, never in seconds, so the result is a pure function of the seed.
data/RECONSTRUCTION.md has what it reaches, what conflicts and how ``BLOCK_SEED`` was found.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import chi2

from helpers.published import load as load_published
from helpers.scorecard import row_interval

from .api import reader_choice
from .coarse import RankSearch, Schedule, anneal, start_times
from .finish import ROUNDS as FINISH_ROUNDS
from .finish import State, boxes, conflicts, finish, target_hits, target_ids
from .moves import every_swap
from .structure import initial_structure
from .targets import Targets, build_targets, interval, load_spec

# the cohorts of data/published whose statistics one block alone determines
BLOCK_COHORTS = {"curative": ("metastasectomy",), "other": ("no_metastasectomy", "palliative_chemo")}
NEEDLE_WEIGHT = 6.0  # a median printed at two decimals (a midpoint of two death times) in a block search
BLOCK_SHARE = 2  # a block search's annealing iterations, in merge searches' (10,000,000 by default)
BLOCK_ITERATIONS = 10_000_000
# The default's block seed: of the scan of 38 seeds (2022-2029, 2034-2063; data/RECONSTRUCTION.md), 2044 and
# 2062 gave exact blocks, with two exact completions each; of their 16 merges (benchmarks/blocks.py --seeds 2044
# 2062 --merges 2 --completions --streams 1 2 3 4), the one a reader would choose (all headline checks met, then
# the most printed numbers) comes from 2062's first completion; 2044's best that meets every headline check
# reproduces 3 numbers fewer.
BLOCK_SEED = 2062
BLOCK_SOLUTIONS = 1  # exact block solutions the merges start from
BLOCK_SEEDS = 16  # most seeds tried for them
FREE_FACTOR = "size"  # its Table 4 row (p, level medians) is completed exactly, not searched (completions)
BLOCK_WEIGHT = 50.0  # a block target's weight in the merge: above anything the other targets can gain
OTHER_SHARE = 0.0  # iterations of the other block's search inside the merge, in merge iterations
OTHER_WEIGHT = 1.0  # the other block's targets' weight in the merge
MERGE_T0 = 1.0  # the merge's starting temperature: from 1 it kept Table 1 better than from 0.3 (423 vs 389 of 465)
MERGE_FACTOR_SHARE = 0.05
# rounds of the finisher over every factor swap (moves.every_swap, the swaps of one factor combined) after the
# fine finisher, in each merge: on the committed merge they met one more number (Table 1's sex p), 2-3 s a round
# (data/RECONSTRUCTION.md)
SWAP_ROUNDS = 5
# the two-level factors of Tables 1, 4 and 5 that no identity ties to another column (data/RECONSTRUCTION.md, "The
# exact stage"); an unknown grade stays unknown (left out of the enumeration, as the log-rank test leaves it out)
EXACT_FACTORS = ("age", "sex", "size", "depth", "radiotherapy", "grade", "initial_metastatic_sites")
# the linked stage after the joint one: chemotherapy with the two columns an identity ties to it (linked.py)
LINKED_STAGE = True
MERGE_STREAMS = (1, 2, 3, 4)  # one merge search per random stream (block seed, stream) of each block solution
DEFAULT_MERGES = BLOCK_SOLUTIONS * len(MERGE_STREAMS)  # the merge searches the default command chooses among


def block_published(published: pd.DataFrame, block: str) -> pd.DataFrame:
    """The printed numbers of one block (``BLOCK_COHORTS``): the rows of ``published`` about its patients."""
    return published[published["cohort"].isin(BLOCK_COHORTS[block])]


def needle_ids(published: pd.DataFrame) -> set:
    """Ids of the medians printed at two decimals: midpoints of two death times, met only where the curve
    sits exactly at 0.5."""
    med = published[(published["statistic"] == "median_os") & published["decimals"].fillna(0).eq(2)]
    return set(med["id"])


def weighted(targets: Targets, ids: set, factor: float) -> Targets:
    """``targets`` with the weight of each target whose published id is in ``ids`` multiplied by ``factor``."""
    arrays = {"median_os": targets.tmed, "p": targets.tp, "cox": targets.tcox, "os_5yr": targets.ts5}
    arrays["followup"] = targets.tscal
    out = {}
    for kind, a in arrays.items():
        a = a.copy()
        hit = np.array([i in ids for i in targets.ids[kind]], bool)
        if len(a):
            a[hit, -1] *= factor
        out[kind] = a
    return Targets(
        targets.groupings,
        out["median_os"],
        out["p"],
        out["cox"],
        out["os_5yr"],
        out["followup"],
        targets.ids,
    )


def met(st: RankSearch) -> np.ndarray:
    """Whether the search state meets each of its targets (``finish.target_hits``, in ``target_ids`` order)."""
    return target_hits(st, State.of(st), boxes(st))


def factor_met(st: RankSearch, published: pd.DataFrame, factor: str) -> bool:
    """Whether the search state meets every one of its targets that ``published`` gives to ``factor``."""
    factor_of = dict(zip(published["id"], published["factor"]))
    return bool(met(st)[np.array([factor_of.get(i) == factor for i in target_ids(st.tg)])].all())


def free_ids(published: pd.DataFrame, block: str = "curative", factor: str = FREE_FACTOR) -> set:
    """Ids of the block's printed numbers that :func:`completions` meets instead of the search: the factor's p
    and level medians (its counts stay targets, met by construction)."""
    pub = block_published(published, block)
    return set(pub.loc[(pub["factor"] == factor) & pub["statistic"].isin(["p", "median_os"]), "id"])


def _two_group_p(time: np.ndarray, death: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Log-rank p (``survdiff``'s, two groups) of each row of ``members`` (0/1 per patient), vectorised: only a
    first filter of :func:`completions`, whose candidates the search's own statistics then judge."""
    dt = np.unique(time[death == 1])
    at_risk = (time[:, None] >= dt[None, :]).astype(float)
    dies = ((time[:, None] == dt[None, :]) & (death[:, None] == 1)).astype(float)
    n, d = at_risk.sum(0), dies.sum(0)
    n1 = members @ at_risk
    o_e = (members @ dies - n1 * d / n).sum(1)
    v = np.where(n > 1, n1 * (n - n1) * d * (n - d) / (n**2 * np.maximum(n - 1, 1)), 0.0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return chi2.sf(o_e**2 / v, 1)


def printed_p_range(published: pd.DataFrame, factor: str, cohorts: tuple) -> tuple:
    """The log-rank p's that print as the paper printed ``factor``'s p for ``cohorts`` (``published``'s cohort
    names, e.g. ``("all",)`` for Table 1): its interval under the printing rule."""
    rows = published[published["cohort"].isin(cohorts)]
    row = rows[(rows["factor"] == factor) & (rows["statistic"] == "p")].iloc[0]
    return interval(row["value"], row["decimals"], row["bound"], "p")


def assignments_meeting(time: np.ndarray, death: np.ndarray, k: int, p_range: tuple) -> np.ndarray:
    """Every choice of ``k`` of the patients as one group of two whose log-rank p lies in ``p_range`` (its
    bounds included): a complete enumeration, one 0/1 row per choice in the order of
    ``itertools.combinations``."""
    n = len(time)
    combos = np.array(list(itertools.combinations(range(n), k)), np.int64).reshape(-1, k)
    members = np.zeros((len(combos), n))
    np.put_along_axis(members, combos, 1.0, 1)
    p = _two_group_p(np.asarray(time, float), np.asarray(death, float), members)
    return members[(p >= p_range[0]) & (p <= p_range[1])]


def completions(st: RankSearch, targets: Targets, published: pd.DataFrame, factor: str = FREE_FACTOR) -> list:
    """Every assignment of ``factor``'s two levels to the curative patients, with the printed counts, under
    which ``st`` (its order, outcomes and other factors kept) meets every target of ``targets``: a complete
    enumeration (42,504 assignments of Table 4's size), first filtered by the printed p's interval, each
    survivor judged by :func:`met`. Returns the exact states (``RankSearch`` over ``targets``), in the order
    of the enumeration."""
    n = st.s.n_cur
    codes = st.s.codes[factor][:n]
    low, high = int(codes.min()), int(codes.max())
    k = int((codes == high).sum())
    p_range = printed_p_range(published, factor, BLOCK_COHORTS["curative"])
    time, death = np.asarray(st.times())[:n], np.asarray(st.death)[:n]
    exact = []
    for members in assignments_meeting(time, death, k, p_range):
        s = st.s.copy()
        s.codes[factor][:n] = np.where(members == 1, high, low)
        out = RankSearch(s, st.order, st.death, targets)
        if met(out).all():
            exact.append(out)
    return exact


TABLE_COHORTS = (("metastasectomy",), ("no_metastasectomy",), ("all",))  # Tables 4, 5 and 1: blocks 0, 1, both


def factor_tables(published: pd.DataFrame, factor: str) -> list:
    """A two-level factor's printed p and level medians in Tables 4, 5 and 1 as ``bound.Printed``: the
    curative patients are block 0, the others block 1, and the group is the factor's second level (code 1)."""
    from helpers.factors import FACTORS

    from .bound import Printed

    levels = FACTORS[factor].levels
    out = []
    for blocks_, cohorts in zip(((0,), (1,), (0, 1)), TABLE_COHORTS):
        rows = published[published["cohort"].isin(cohorts) & (published["factor"] == factor)]
        p = rows[rows["statistic"] == "p"]
        medians = []
        for level in (levels[1], levels[0]):
            m = rows[(rows["statistic"] == "median_os") & (rows["level"] == level)]
            medians.append(None if m.empty else "NR" if m.iloc[0]["not_reached"] else row_interval(m.iloc[0]))
        out.append(Printed(blocks_, None if p.empty else row_interval(p.iloc[0]), *medians))
    return out


class ExactInputs(NamedTuple):
    """What ``bound.meeting`` takes for one factor on a state's order: the patients with a known level only."""

    time: np.ndarray  #: follow-up in months
    death: np.ndarray  #: 0/1
    block: np.ndarray  #: 0: curative, 1: the others
    k: list  #: members (code 1) to choose in each block
    known: np.ndarray  #: which of the state's patients these are (an unknown grade is left out)


def exact_inputs(st: RankSearch, factor: str) -> ExactInputs:
    """:class:`ExactInputs` of ``factor`` on ``st``'s order."""
    from .assemble import TENTH

    codes = st.s.codes[factor]
    known = codes >= 0
    time, death = np.asarray(st.times(), float)[known] / TENTH, np.asarray(st.death, float)[known]
    block = (np.arange(st.s.n) >= st.s.n_cur).astype(np.int64)[known]
    return ExactInputs(time, death, block, [int((codes[known][block == b] == 1).sum()) for b in (0, 1)], known)


def with_codes(st: RankSearch, factor: str, row: np.ndarray, known: np.ndarray | None = None) -> RankSearch:
    """``st`` with ``factor``'s codes of the patients ``known`` (all by default) replaced by ``row`` (its order,
    outcomes, targets, other factors and other patients kept)."""
    s = st.s.copy()
    s.codes[factor][slice(None) if known is None else known] = row
    return RankSearch(s, st.order, st.death, st.tg)


def exact_factors(st: RankSearch, published: pd.DataFrame, factors: tuple | None = None) -> RankSearch:
    """The last stage of a merge: for each factor of ``factors`` whose printed numbers ``st`` does not all
    meet, every assignment of its two levels with the printed counts that meets all its p's and medians in
    Tables 1, 4 and 5 on ``st``'s order (``bound.meeting``, a complete enumeration), each scored by the
    finisher's exact score; the best is kept where it scores higher (a patient of unknown grade stays unknown).
    Returns the state (``st`` when nothing gains). ``factors``: ``EXACT_FACTORS`` by default."""
    from .bound import meeting, meets

    best = st.hits_with({})
    for factor in EXACT_FACTORS if factors is None else factors:
        if factor_met(st, published, factor):
            continue
        time, death, block, k, known = exact_inputs(st, factor)
        tables = factor_tables(published, factor)
        try:
            rows, _ = meeting(time, death, block, k, tables, recheck=False)
        except ValueError:  # more assignments meet its printed numbers than are worth enumerating
            continue
        full = st.s.codes[factor].copy()
        for row in rows:
            full[known] = row
            hits = st.hits_with({factor: full})
            if hits > best and meets(time, death, block, row, tables):
                st, best = with_codes(st, factor, row, known), hits
    return st


def joint_factors() -> tuple:
    """The factors the joint stage pairs (``joint.JOINT_FACTORS``), when both are in ``EXACT_FACTORS``; else
    none."""
    from .joint import JOINT_FACTORS

    return JOINT_FACTORS if set(JOINT_FACTORS) <= set(EXACT_FACTORS) else ()


class Block(NamedTuple):
    """One block search: its seed, its end state and whether every block target is met; ``others``: the
    other exact completions of the same search (:func:`completions`), each a distinct exact solution."""

    seed: int
    state: RankSearch
    exact: bool
    others: tuple = ()

    def solutions(self) -> list:
        """Each exact completion as a block of its own (the first is this one)."""
        return [self] + [Block(self.seed, s, True) for s in self.others]


def search_block(
    seed: int,
    block: str = "curative",
    iterations: int = BLOCK_ITERATIONS,
    finish_rounds: int = FINISH_ROUNDS,
    published: pd.DataFrame | None = None,
) -> Block:
    """One block searched alone: the structure and start of :func:`api.search` from ``seed``, only the block's
    printed numbers as targets (its needles weighted by ``NEEDLE_WEIGHT``), the coarse search, the finisher.
    In the curative block the row of ``FREE_FACTOR`` is left out of the search and completed exactly
    (:func:`completions`); the block's state is then the first exact completion, scored on every target."""
    from .api import FACTOR_SHARE, T_END, T_START

    published = load_published() if published is None else published
    spec = load_spec()
    pub = block_published(published, block)
    targets = weighted(build_targets(pub), needle_ids(pub), NEEDLE_WEIGHT)
    free = free_ids(published, block) if block == "curative" else set()
    searched = weighted(build_targets(pub[~pub["id"].isin(free)]), needle_ids(pub), NEEDLE_WEIGHT) if free else targets
    rng = np.random.default_rng(seed)
    s = initial_structure(spec, rng)
    t, death = start_times(s, spec, searched, rng)
    factor_iterations = int(iterations * FACTOR_SHARE)
    st = anneal(s, t, death, searched, rng, Schedule(iterations, factor_iterations, T_START, T_END))
    if finish_rounds > 0:
        finish(st, finish_rounds)
    exact = []
    if free:
        exact = completions(st, targets, published) if met(st).all() else []
        st = exact[0] if exact else RankSearch(st.s, st.order, st.death, targets)
    return Block(seed, st, bool(met(st).all()), tuple(exact[1:]))


def exact_blocks(
    seed: int,
    block: str = "curative",
    iterations: int = BLOCK_ITERATIONS,
    wanted: int = BLOCK_SOLUTIONS,
    n_jobs: int = -1,
    finish_rounds: int = FINISH_ROUNDS,
) -> tuple[list[Block], int]:
    """The first ``wanted`` exact solutions of a block from seeds ``seed, seed + 1, ...`` (at most
    ``BLOCK_SEEDS`` seeds, ``n_jobs`` at a time), and the number of seeds tried.  Which ones are found does not
    depend on ``n_jobs``: a batch's solutions are taken in seed order and the later ones dropped.  When the
    seeds run out first, the closest solutions (most of the block's weighted targets met) complete the list."""
    from joblib import Parallel, cpu_count, delayed

    workers = max(1, cpu_count() if n_jobs < 0 else n_jobs)
    runs: list[Block] = []
    while sum(b.exact for b in runs) < wanted and len(runs) < BLOCK_SEEDS:
        batch = range(seed + len(runs), seed + min(len(runs) + workers, BLOCK_SEEDS))
        if workers == 1:
            runs += [search_block(j, block, iterations, finish_rounds) for j in batch]
        else:
            runs += Parallel(n_jobs=workers)(delayed(search_block)(j, block, iterations, finish_rounds) for j in batch)
    exact = [b for b in runs if b.exact][:wanted]
    tried = runs.index(exact[-1]) + 1 if len(exact) == wanted else len(runs)
    closest = sorted((b for b in runs if not b.exact), key=lambda b: -b.state.energy()[1])
    return exact + closest[: wanted - len(exact)], tried


def block_ids(published: pd.DataFrame, block: str) -> set:
    """Ids of every printed number that states the same fact as one of the block's (the table's number and
    its copies in the text)."""
    pub = block_published(published, block)
    return set(pub["id"])


def swap_rounds_of(finish_rounds: int, swap_rounds: int = SWAP_ROUNDS) -> int:
    """The rounds over every factor swap that follow a merge's finisher of ``finish_rounds`` rounds: at most
    ``swap_rounds``, none without the finisher."""
    return max(0, min(finish_rounds, swap_rounds))


def merge_search(
    block: Block,
    iterations: int,
    finish_rounds: int = FINISH_ROUNDS,
    diagnose: bool = False,
    published: pd.DataFrame | None = None,
    stream: int = MERGE_STREAMS[0],
    swap_rounds: int = SWAP_ROUNDS,
    exact_stages: bool = True,
):
    """The whole cohort searched from a block solution: every printed number a target, the block's weighted by
    ``BLOCK_WEIGHT``; the block's end state (its order, outcomes, factors and era, the other patients as the
    block search left them) is the start.  Returns an ``api.Searched`` (its random stream ``(block seed,
    stream)`` goes on to ``assemble``); ``diagnose``: with what each miss conflicts with.  With ``OTHER_SHARE`` > 0,
    the other block is first searched around the curative one (only the two blocks' targets), and its targets
    then weigh ``OTHER_WEIGHT`` in the merge.  The finisher's rounds over every factor swap follow
    (:func:`swap_rounds_of`), then the exact assignments of the factors whose numbers are missed
    (:func:`exact_factors`), then the pair of Table 3's covariates among them (``joint.exact_pair``), then
    chemotherapy with the columns tied to it (``linked.exact_chemotherapy``, with ``LINKED_STAGE``); without
    ``exact_stages``, none of these three."""
    from .api import T_END, T_START
    from .joint import exact_pair
    from .linked import exact_chemotherapy

    published = load_published() if published is None else published
    cur, other = block_ids(published, "curative"), block_ids(published, "other")
    rng = np.random.default_rng((block.seed, stream))
    st = block.state
    if OTHER_SHARE > 0:  # the other block first, around the curative one
        both = published[published["id"].isin(cur | other)]
        targets = weighted(build_targets(both), cur, BLOCK_WEIGHT)
        it = int(iterations * OTHER_SHARE)
        schedule = Schedule(it, int(it * MERGE_FACTOR_SHARE), T_START, T_END)
        st = anneal(st.s, st.rank, st.death, targets, rng, schedule)
    targets = weighted(weighted(build_targets(published), cur, BLOCK_WEIGHT), other, OTHER_WEIGHT)
    factor_iterations = int(iterations * MERGE_FACTOR_SHARE)
    schedule = Schedule(iterations, factor_iterations, MERGE_T0, T_END)
    st = anneal(st.s, st.rank, st.death, targets, rng, schedule)
    if finish_rounds > 0:
        finish(st, finish_rounds)
    rounds = swap_rounds_of(finish_rounds, swap_rounds)
    if rounds > 0:
        finish(st, rounds, moves_of=every_swap, within_factor=True)
    if exact_stages:
        st = exact_factors(st, published)
        st = exact_pair(st, published, joint_factors())
    if exact_stages and LINKED_STAGE:
        st = exact_chemotherapy(st, published)
    return searched(st, rng, diagnose), st


def searched(st: RankSearch, rng: np.random.Generator, diagnose: bool = False):
    """A search state as ``api.Searched`` (what ``assemble`` and ``api.judged`` take), drawing the rest of the
    cohort from ``rng``; ``diagnose``: with what each miss conflicts with."""
    from .api import Searched

    energy, hits = st.energy()
    missed = conflicts(st) if diagnose else {}
    death = np.asarray(st.death).astype(np.int8)
    return Searched(st.s.copy(), st.times(), death, load_spec(), rng, energy, int(round(hits)), missed)


def block_kept(st: RankSearch, published: pd.DataFrame | None = None) -> bool:
    """Whether a merged state still meets every target of the curative block."""
    published = load_published() if published is None else published
    ids = block_ids(published, "curative")
    hits = met(st)
    keep = np.array([i in ids for i in target_ids(st.tg)], bool)
    return bool(hits[keep].all())


class Merges(NamedTuple):
    """How :func:`best_of_blocks` chose: the seed the block seeds start from, the seeds tried, and per merge its
    block solution's seed, whether that solution is exact, its random stream, its scores and whether it kept
    the block; ``chosen`` is the index of the merge written."""

    first_seed: int
    seeds_tried: int  #: block searches run to find the solutions
    block_seeds: list[int]  #: per merge: the block solution's seed
    exact: list[bool]  #: per merge: whether its solution is exact (the closest complete the list when none is)
    streams: list[int]  #: per merge: its random stream
    matched: list[int]  #: printed numbers reproduced by each merge
    headline: list[int]  #: headline checks met (helpers.headline)
    kept: list[bool]  #: whether each merge still meets every target of the block
    chosen: int  #: index of the merge written

    @property
    def seed(self) -> int:
        return self.block_seeds[self.chosen]

    @property
    def stream(self) -> int:
        return self.streams[self.chosen]

    @property
    def count(self) -> int:
        return len(self.block_seeds)


def merge_judged(block: Block, iterations: int, finish_rounds: int, stream: int = MERGE_STREAMS[0]):
    """One merge, judged as ``--out`` writes it: ``api.judged``'s tuple and whether the block is kept."""
    from .api import judged

    r, st = merge_search(block, iterations, finish_rounds, diagnose=True, stream=stream)
    return (*judged(r), block_kept(st))


def best_of_blocks(
    seed: int = BLOCK_SEED,
    iterations: int | None = None,
    n_jobs: int = -1,
    finish_rounds: int | None = None,
    block_iterations: int | None = None,
    streams: tuple = MERGE_STREAMS,
):
    """The cohort by blocks: the first ``BLOCK_SOLUTIONS`` exact solutions of the curative block from seeds
    ``seed, seed + 1, ...`` (:func:`exact_blocks`; the closest ones when none is exact), one merge search of
    ``iterations`` from each per random stream in ``streams`` (:func:`merge_search`), and the merge a reader
    would choose: the block kept, then the most headline checks met, then the most printed numbers
    reproduced, the first on a tie.  Returns an ``api.Best`` whose ``chains`` is a :class:`Merges`."""
    from joblib import Parallel, cpu_count, delayed

    from .api import DEFAULT_ITERATIONS, Best

    iterations = DEFAULT_ITERATIONS if iterations is None else int(iterations)
    finish_rounds = FINISH_ROUNDS if finish_rounds is None else int(finish_rounds)
    block_iterations = int(iterations * BLOCK_SHARE) if block_iterations is None else int(block_iterations)
    workers = max(1, cpu_count() if n_jobs < 0 else n_jobs)
    found, tried = exact_blocks(seed, "curative", block_iterations, BLOCK_SOLUTIONS, workers, finish_rounds)
    jobs = [(b, stream) for b in found for stream in streams]
    if workers == 1 or len(jobs) == 1:
        runs = [merge_judged(b, iterations, finish_rounds, stream) for b, stream in jobs]
    else:
        runs = Parallel(n_jobs=min(workers, len(jobs)))(
            delayed(merge_judged)(b, iterations, finish_rounds, stream) for b, stream in jobs
        )
    k = reader_choice([r[6] for r in runs], [r[5] for r in runs], [r[4] for r in runs])
    merges = Merges(
        seed,
        tried,
        [b.seed for b, _ in jobs],
        [b.exact for b, _ in jobs],
        [stream for _, stream in jobs],
        [r[4] for r in runs],
        [r[5] for r in runs],
        [r[6] for r in runs],
        k,
    )
    return Best(*runs[k][:4], merges)
