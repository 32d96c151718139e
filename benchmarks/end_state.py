"""Is the search's end state a local optimum by matches?  Every single move from one seed's end state,
scored by the search's own weighted matches (prints counts; not a test).

    .venv/bin/python benchmarks/end_state.py [--seed 2023] [--iterations 900000] [--pairs 0] [--combos 3]
                                             [--window 7] [--window-deaths] [--decompose 0]

The moves are those of the search (``search.py``): insertions within six ranks, death swaps within eight,
every allowed swap of every factor, and every era flip, about 5,500 in all.  For each, the script counts
whether it gains, keeps or loses weighted matches (``RankSearch.energy``), and whether the moves that lose
nothing change the Cox model (Table 3).  It scores each move a second time without Table 3's targets and
counts the moves that change Table 3 but keep every match outside it: what they cost is Table 3's own
matches.  ``--pairs K`` also combines each of the K moves that lose one weighted match with every single
move, and counts the pairs that gain.  ``--combos K`` (default 3; 0 skips it) treats Table 3 as a
closest-vector problem: it adds the effects on Table 3's coefficients and standard errors of every
combination of up to K of the moves that keep every other match, predicts Table 3's matches from the sums,
and applies the ``--verify`` (2,000) best predicted combinations exactly.  ``--window L`` (default 7; 0
skips it) tries every permutation of every ``L`` consecutive patients in the order (``--window-deaths``:
and every placement of their deaths on those ranks), a neighbourhood holding every combination of swaps
and insertions within ``L`` ranks, and counts the permutations that gain.  ``--decompose R`` (default 0)
splits the targets into those that depend only on the order, the deaths, Table 3's covariates and the era,
and those of the other factors (each a function of the order and its own column; ``split_targets``), and
runs ``R`` rounds that search the order against its own side alone and then re-fit the other factors with
the order fixed (``decompose``): a compound move that no single move, pair or window holds.
data/RECONSTRUCTION.md reports the figures for the two chains of the default command (seeds 2022 and 2023 at
50,000,000 iterations): 25 minutes each to reach the end state, then about 6 s for the single moves and
10 minutes for 200 pairs, 4 to 16 s for the combinations of up to 3 or 4, and 21 s (L = 7), 146 s (L = 8)
or 7.5 minutes (L = 7 with the deaths) for the windows, and about 4 minutes for 8 rounds of --decompose.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import pandas as pd


def end_state(seed: int, iterations: int):
    """The search state ``api.search`` ends in: its times are distinct and increase along the ranks, so
    their order is the searched order."""
    from helpers.published import load as load_published
    from helpers.reconstruct import api
    from helpers.reconstruct.score import build_targets
    from helpers.reconstruct.search import RankSearch

    s, t, death, *_ = api.search(seed, iterations)
    return RankSearch(s, np.argsort(t, kind="stable"), death, build_targets(load_published()))


def moves(st, reach: int = 6, death_reach: int = 8) -> list[tuple]:
    """The search's moves from ``st``: ("insert", patient, rank), ("death", dead, censored),
    ("factor", f, i, j) and ("era", patient)."""
    from helpers.reconstruct.kernel import ERA, swap_ok

    n, out = len(st.rank), []
    for a in range(n):
        out += [("insert", a, q) for q in range(max(0, st.rank[a] - reach), min(n, st.rank[a] + reach + 1))
                if q != st.rank[a]]
    for i in np.flatnonzero(st.death == 1):
        out += [("death", int(i), int(j)) for j in np.flatnonzero(st.death == 0)
                if abs(st.rank[i] - st.rank[j]) <= death_reach]
    for f in range(st.s.C.shape[0]):
        if f != ERA:
            out += [("factor", f, i, j) for i in range(n) for j in range(i + 1, n) if swap_ok(st.s.C, f, i, j, st.s.n_cur)]
    return out + [("era", a) for a in range(n)]


def applied(st, move):
    """A new search state: ``st`` after ``move``."""
    from helpers.reconstruct.kernel import ERA, do_swap
    from helpers.reconstruct.search import RankSearch

    order, death, s = st.order.tolist(), st.death.copy(), st.s.copy()
    kind = move[0]
    if kind == "insert":
        order.remove(move[1])
        order.insert(move[2], move[1])
    elif kind == "death":
        death[[move[1], move[2]]] = death[[move[2], move[1]]]
    elif kind == "factor":
        do_swap(s.C, *move[1:], s.n_cur)
    else:
        s.C[ERA, move[1]] = 1 - s.C[ERA, move[1]]
    return RankSearch(s, np.array(order), death, st.tg)


def coefficients(st) -> np.ndarray:
    """Table 3 of a search state as β and SE of its covariates (``COX_COVARIATES`` order); SE is read back
    from the CI limits."""
    from helpers.reconstruct.score import Z975, cox_fit

    out, _, _ = cox_fit(st.rank.astype(np.float64), st.death, st.order, st.X, np.zeros(st.X.shape[1]))
    hr, lo, hi = np.asarray(out[:3])
    return np.r_[np.log(hr), (np.log(hi) - np.log(lo)) / (2 * Z975)]


def table3_matches(v: np.ndarray, tcox: np.ndarray) -> np.ndarray:
    """Weighted Table 3 matches (the search's ``tcox`` targets) of coefficient vectors ``v`` (..., 8), as
    ``coefficients`` gives them: HR, CI limits and Wald p computed from β and SE."""
    from helpers.survival import wald_summary

    stats = np.stack(wald_summary(v[..., :4], v[..., 4:]), -2)
    out = np.zeros(v.shape[:-1])
    for stat, cov, lo, hi, w in tcox:
        x = stats[..., int(stat), int(cov)]
        out += w * ((x >= lo) & (x <= hi))
    return out


def combos(st, table: pd.DataFrame, k: int, verify: int) -> tuple[int, float, int]:
    """Combinations of up to ``k`` moves that change Table 3 and keep every other match, their effects on
    ``coefficients`` added: (how many, the most Table 3 matches a sum predicts, how many of the ``verify``
    best predicted gain weighted matches when applied exactly)."""
    from helpers.reconstruct.kernel import swap_ok

    free = table3_only(table)
    v0 = coefficients(st)
    effect = np.array(list(free["coefficients"])).reshape(-1, 8) - v0
    free = list(free["move"])
    subsets = [c for size in range(1, k + 1) for c in itertools.combinations(range(len(free)), size)]
    if not subsets:
        return 0, float("nan"), 0
    predicted = table3_matches(np.array([v0 + effect[list(c)].sum(0) for c in subsets]), st.tg.tcox)
    hits0, gains = st.energy()[1], 0
    for i in np.argsort(-predicted, kind="stable")[:verify]:
        new = st
        for mv in (free[j] for j in subsets[i]):
            if mv[0] == "factor" and not swap_ok(new.s.C, *mv[1:], new.s.n_cur):
                break  # an earlier swap of the combination took this one's place
            new = applied(new, mv)
        else:
            gains += new.energy()[1] > hits0 + 1e-9
    return len(subsets), float(predicted.max()), gains


def without_cox(st):
    """The same state scored without Table 3's targets (and their repeats in the text)."""
    from dataclasses import replace

    from helpers.reconstruct.search import RankSearch

    return RankSearch(st.s, st.order, st.death, replace(st.tg, tcox=st.tg.tcox[:0]))


def survey(st) -> pd.DataFrame:
    """One row per move: its kind, the change of weighted matches (``d_hits``), the change of those outside
    Table 3 (``d_other``), Table 3 after it (``coefficients``), and whether it changed."""
    hits0, other0, cox0 = st.energy()[1], without_cox(st).energy()[1], coefficients(st)
    rows = []
    for mv in moves(st):
        new = applied(st, mv)
        coef = coefficients(new)
        rows.append((mv, mv[0], new.energy()[1] - hits0, without_cox(new).energy()[1] - other0, coef,
                     not np.allclose(coef, cox0, rtol=0, atol=1e-12)))
    return pd.DataFrame(rows, columns=["move", "kind", "d_hits", "d_other", "coefficients", "cox_changed"])


def table3_only(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``survey`` whose move changes Table 3 and keeps every match outside it."""
    return table[np.isclose(table["d_other"], 0) & table["cox_changed"]]


def pair_gains(st, table: pd.DataFrame, k: int) -> int:
    """Pairs (a move that loses one weighted match, then any single move) that gain, of the first ``k``."""
    hits0 = st.energy()[1]
    first = table[np.isclose(table["d_hits"], -1)]["move"].head(k)
    gains = 0
    for a in first:
        mid = applied(st, a)
        for b in moves(mid):
            gains += applied(mid, b).energy()[1] > hits0 + 1e-9
    return gains


def window_gains(st, length: int, deaths: bool = False) -> tuple[int, int]:
    """Every permutation of every ``length`` consecutive patients in the order of ``st`` (with ``deaths``,
    also every placement of the window's deaths on its ranks): (how many were scored, how many gain
    weighted matches)."""
    from helpers.reconstruct.search import RankSearch

    st = RankSearch(st.s, st.order, st.death, st.tg)  # a copy: the windows are tried in place
    hits0, n = st.energy()[1], len(st.order)
    tried = gains = 0
    for w in range(n - length + 1):
        ranks = np.arange(w, w + length)
        base = st.order[ranks].copy()
        dead = st.death[base].copy()
        placements = [None]  # the deaths stay with their patients
        if deaths:  # the window's deaths on each choice of its ranks
            placements = [np.isin(np.arange(length), c).astype(float)
                          for c in itertools.combinations(range(length), int(dead.sum()))]
        for perm in itertools.permutations(base):
            who = np.array(perm)
            st.order[ranks], st.rank[who] = who, ranks
            for d in placements:
                if d is not None:
                    st.death[who] = d
                tried += 1
                gains += st.energy()[1] > hits0 + 1e-9
        st.order[ranks], st.rank[base], st.death[base] = base, ranks, dead
    return tried, gains


def split_targets(tg):
    """``tg`` split by what its targets depend on: ``(order, factors)``.  ``factors`` holds the rows of the
    swapped factors that are not Table 3 covariates (age, sex, primary site, depth, grade, resection,
    chemotherapy, radiotherapy, interval, lesions, perioperative chemotherapy, first-line response, and the
    palliative-chemotherapy subset, whose membership follows chemotherapy); each of them depends on the
    order and on its own column only.  ``order`` holds the rest: Table 3, the rows of its covariates, the
    whole groups, the 5-year rates and the follow-up, all functions of the order, the deaths, Table 3's
    covariates and the era (whose flips move the placement cap of every pin)."""
    from dataclasses import replace

    from helpers.reconstruct.structure import CODED

    names = {CODED[f] for f in _factor_side()}
    side = np.array([fac in names or sub == "palliative_chemo" for sub, fac in tg.groupings])
    m, p = side[tg.tmed[:, 0].astype(int)], side[tg.tp[:, 0].astype(int)]

    def ids(keep_m, keep_p, rest):  # the published ids, kept aligned with the target rows
        return {"median_os": list(np.array(tg.ids["median_os"], object)[keep_m]),
                "p": list(np.array(tg.ids["p"], object)[keep_p]),
                **{k: (v if rest else []) for k, v in tg.ids.items() if k not in ("median_os", "p")}}

    order = replace(tg, tmed=tg.tmed[~m], tp=tg.tp[~p], ids=ids(~m, ~p, True))
    factors = replace(tg, tmed=tg.tmed[m], tp=tg.tp[p], tcox=tg.tcox[:0], ts5=tg.ts5[:0], tscal=tg.tscal[:0],
                      ids=ids(m, p, False))
    return order, factors


def matches(st, tg) -> float:
    """Weighted matches of the state ``st`` scored against the targets ``tg``."""
    from helpers.reconstruct.search import RankSearch

    return RankSearch(st.s, st.order, st.death, tg).energy()[1]


def _factor_side() -> list[int]:
    """The swapped factors that are not Table 3 covariates (``helpers.factors.COX_COVARIATES``)."""
    from helpers.factors import COX_COVARIATES
    from helpers.reconstruct.kernel import CUR_SWAPS, NON_SWAPS
    from helpers.reconstruct.structure import CODED

    cox = {CODED.index(key) for key, _ in COX_COVARIATES.values()}
    return sorted(set(CUR_SWAPS.tolist() + NON_SWAPS.tolist()) - cox)


def decompose(st, rounds: int, order_iterations: int, factor_iterations: int, seed: int = 0) -> list[tuple]:
    """Rounds of a search split along ``split_targets``.  Each round anneals the order, the deaths, Table 3's
    covariates and the era against the order-side targets alone (temperature 0.05 to 0.005), then the other
    factors, the order fixed, against every target (0.3 to 0.005: the per-factor stage's moves).  The round's
    state is kept when it matches at least as many weighted numbers as the kept one.  Returns per round
    (order-side, factor-side and all weighted matches) after each half; ``st`` is left as it was."""
    from helpers.reconstruct.kernel import CUR_SWAPS, NON_SWAPS
    from helpers.reconstruct.search import FACTOR_ONLY, MIX, RankSearch, _chunks

    side, factors = split_targets(st.tg)
    rng = np.random.default_rng(seed)
    # each subset's swapped factors: Table 3's covariates move with the order, the rest with the re-fit
    cur, non = (np.intersect1d(sw, _factor_side()) for sw in (CUR_SWAPS, NON_SWAPS))
    cur_cox, non_cox = (np.setdiff1d(sw, _factor_side()) for sw in (CUR_SWAPS, NON_SWAPS))

    def anneal(x, tg, n, t0, mix, cur, non):
        x = RankSearch(x.s, x.order, x.death, tg)
        x.state[2] = x.energy()[0]
        x.keep_best()
        for U, IJ, temps in _chunks(rng, n, 8192, t0, 0.005):
            x.run(U, IJ, temps, mix, cur, non)
        x.restore_best()
        return x

    kept, kept_hits, out = st, matches(st, st.tg), []
    for _ in range(rounds):
        a = anneal(kept, side, order_iterations, 0.05, MIX, cur_cox, non_cox)
        b = anneal(a, st.tg, factor_iterations, 0.3, FACTOR_ONLY, cur, non)
        out.append(tuple(matches(x, tg) for x in (a, b) for tg in (side, factors, st.tg)))
        if out[-1][-1] >= kept_hits - 1e-9:
            kept, kept_hits = b, out[-1][-1]
    return out


def main() -> None:
    from helpers.reconstruct import api

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=api.DEFAULT_SEED + 1)
    p.add_argument("--iterations", type=int, default=api.ENSEMBLE_ITERATIONS)
    p.add_argument("--pairs", type=int, default=0)
    p.add_argument("--combos", type=int, default=3)
    p.add_argument("--verify", type=int, default=2000)
    p.add_argument("--window", type=int, default=7)
    p.add_argument("--window-deaths", action="store_true")
    p.add_argument("--decompose", type=int, default=0)
    p.add_argument("--decompose-iterations", type=int, nargs=2, default=(1_000_000, 2_000_000))
    a = p.parse_args()
    t0 = time.perf_counter()
    st = end_state(a.seed, a.iterations)
    print(f"seed {a.seed}, {a.iterations:,} iterations: end state in {time.perf_counter() - t0:.0f} s, "
          f"{st.energy()[1]:.0f} weighted matches")
    t0 = time.perf_counter()
    table = survey(st)
    d = table["d_hits"]
    neutral = table[np.isclose(d, 0)]
    print(f"{len(table):,} single moves in {time.perf_counter() - t0:.0f} s: {int((d > 1e-9).sum())} gain, "
          f"{len(neutral)} keep every match ({int(neutral['cox_changed'].sum())} of them change Table 3), "
          f"{int((d < -1e-9).sum())} lose")
    free = table3_only(table)
    print(f"{len(free)} change Table 3 and keep every other match; their change of Table 3's own matches: "
          + ", ".join(f"{v:g}: {n}" for v, n in free["d_hits"].round(6).value_counts().sort_index(
              ascending=False).items()))
    print(f"{int((table['d_other'] > 1e-9).sum())} gain a match outside Table 3")
    print("losses:", ", ".join(f"{-v:g}: {n}" for v, n in d[d < -1e-9].round(6).value_counts().sort_index(
        ascending=False).head(6).items()), "...")
    if a.pairs:
        t0 = time.perf_counter()
        print(f"pairs of the first {a.pairs} one-match losses with every single move: "
              f"{pair_gains(st, table, a.pairs)} gain ({time.perf_counter() - t0:.0f} s)")
    if a.combos:
        t0 = time.perf_counter()
        now = table3_matches(coefficients(st), st.tg.tcox)
        n, best, gains = combos(st, table, a.combos, a.verify)
        print(f"{n:,} combinations of up to {a.combos} moves that change Table 3 and keep every other match: "
              f"their added effects predict at most {best:g} of Table 3's weighted matches (the end state has "
              f"{now:g}); of the {min(a.verify, n):,} best predicted, {gains} gain when applied "
              f"({time.perf_counter() - t0:.0f} s)")
    if a.window:
        t0 = time.perf_counter()
        tried, gains = window_gains(st, a.window, a.window_deaths)
        print(f"{tried:,} permutations of {a.window} consecutive patients"
              f"{' with their deaths placed every way' if a.window_deaths else ''}: {gains} gain "
              f"({time.perf_counter() - t0:.0f} s)")
    if a.decompose:
        t0 = time.perf_counter()
        side, factors = split_targets(st.tg)
        print(f"order side {matches(st, side):.0f}, factor side {matches(st, factors):.0f} weighted matches; rounds of "
              f"{a.decompose_iterations[0]:,} iterations of the order side alone, then {a.decompose_iterations[1]:,} "
              "of the other factors (order side / factor side / all):")
        for r, row in enumerate(decompose(st, a.decompose, *a.decompose_iterations)):
            print(f"  round {r}: {row[0]:.0f} / {row[1]:.0f} / {row[2]:.0f}, then {row[3]:.0f} / {row[4]:.0f} / "
                  f"{row[5]:.0f}")
        print(f"  ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
