"""Which printed numbers the reconstruction misses, and how often: each number's share of seeds that
reproduce it at the ensemble's budget (prints a table; not a test).

    .venv/bin/python benchmarks/miss_rates.py [--seeds 2022 2023 ...] [--iterations K] [--rounds R] [--jobs -1]

A miss that recurs on every seed is a property of the targets or of the search, not bad luck of one seed;
a miss that most seeds reproduce is the search trading it for other numbers. The seeds run in parallel
(joblib, all cores); 12 seeds take about 3 minutes on this 2-core machine.
Fidelity is judged by helpers.scorecard (EZR-exact statistics), as in data/fidelity.csv.
"""

from __future__ import annotations

import argparse

import pandas as pd


def card(seed: int, iterations: int, rounds: int | None = None) -> pd.DataFrame:
    """The fidelity scorecard of one seed's cohort: one row per printed number (``rounds`` of the finisher:
    the ensemble's by default)."""
    from helpers.reconstruct import api, report

    rounds = api.ENSEMBLE_FINISH_ROUNDS if rounds is None else rounds
    cohort, regimens = api.reconstruct(seed, iterations, rounds)
    out = report.fidelity_as_written(cohort, regimens, api.primary_treatment_of(cohort))
    return out[["id", "kind", "match", "explanation"]].assign(printed=out.apply(report.printed, axis=1), seed=seed)


def miss_rates(cards: pd.DataFrame) -> pd.DataFrame:
    """Per printed number: its printed value and the share of seeds that reproduce it, rarest first."""
    first = cards.drop_duplicates("id").set_index("id")
    share = cards.groupby("id", sort=False)["match"].mean()
    out = first[["kind", "printed", "explanation"]].assign(share=share)
    return out.sort_values("share", kind="stable")


def main() -> None:
    from joblib import Parallel, delayed

    from helpers.reconstruct import api

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=list(range(api.DEFAULT_SEED, api.DEFAULT_SEED + 12)))
    p.add_argument("--iterations", type=int, default=api.ENSEMBLE_ITERATIONS)
    p.add_argument("--rounds", type=int, default=api.ENSEMBLE_FINISH_ROUNDS)
    p.add_argument("--jobs", type=int, default=-1)
    a = p.parse_args()
    cards = pd.concat(
        Parallel(n_jobs=a.jobs)(delayed(card)(s, a.iterations, a.rounds) for s in a.seeds), ignore_index=True
    )
    per_seed = cards.groupby("seed")["match"].agg(["sum", "size"])
    print(f"{len(a.seeds)} seeds at {a.iterations:,} iterations; matched per seed:")
    print("  " + ", ".join(f"{s}: {r['sum']}/{r['size']}" for s, r in per_seed.iterrows()))
    rates = miss_rates(cards)
    missed = rates[rates["share"] < 1]
    print(
        f"\n{len(missed)} printed numbers missed by at least one seed "
        f"({int((missed['share'] == 0).sum())} by every seed):"
    )
    print(f"{'share':>6}  {'kind':<12} {'printed':>8}  id")
    for pid, r in missed.iterrows():
        print(f"{r['share']:>6.0%}  {r['kind']:<12} {r['printed']:>8}  {pid}")


if __name__ == "__main__":
    main()
