"""Timings of the study-design chapter's simulations (notebooks/10_study_design), per replicate and at the
chapter's sizes, against its target: the whole chapter well under the book's 300 s cell timeout, aiming
for < 60 s. Also the counting-process Cox fit against lifelines' CoxTimeVaryingFitter on the same rows.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/study_design.py
"""

from __future__ import annotations

import time
import warnings

from helpers import data, factors, multiplicity, simulate, timedep

TARGET_SECONDS = 60
# the chapter's replicate counts (notebooks/10_study_design.md)
SIZES = {"guarantee time": 1000, "selection": 500, "permutations": 500, "EPV (61)": 600, "EPV (305)": 300}


def seconds(fn, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    cohort = data.load_cohort()
    gt, sel, epv = simulate.guarantee_time_params(cohort), simulate.selection_params(cohort), simulate.epv_setup(cohort)
    covs = list(factors.COX_COVARIATES)
    per = {
        "guarantee time": lambda n: simulate.replicate(
            lambda r: simulate.guarantee_time_cohort(gt, r),
            lambda s: simulate.guarantee_time_analyses(s, gt.landmark_at),
            n,
            1,
        ),
        "selection": lambda n: simulate.replicate(
            lambda r: simulate.selection_cohort(sel, r), simulate.selection_analyses, n, 2
        ),
        "permutations": lambda n: multiplicity.permutation_null(cohort, factors.TABLE1, n, 3),
        "EPV (61)": lambda n: simulate.replicate(
            lambda r: simulate.epv_cohort(epv, r), lambda s: simulate.epv_analyses(s, covs), n, 4
        ),
        "EPV (305)": lambda n: simulate.replicate(
            lambda r: simulate.epv_cohort(epv, r, scale=5), lambda s: simulate.epv_analyses(s, covs), n, 5
        ),
    }
    total = 0.0
    print(f"{'simulation':<16}{'ms / replicate':>16}{'replicates':>12}{'chapter s':>11}")
    for name, run in per.items():
        ms = 1000 * seconds(lambda run=run: run(50)) / 50
        at_size = ms * SIZES[name] / 1000
        total += at_size
        print(f"{name:<16}{ms:>16.1f}{SIZES[name]:>12}{at_size:>11.1f}")
    print(f"{'all simulations':<44}{total:>11.1f}  (target for the whole chapter: < {TARGET_SECONDS} s)")

    big = simulate.guarantee_time_cohort(gt, 0, n=2000)
    cp = timedep.split_at(big, "os_months", "death", "chemo_start")
    ours = seconds(lambda: timedep.cox_counting(cp, "start", "stop", "event", ["treated"], ties="efron"), 5)
    from lifelines import CoxTimeVaryingFitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = seconds(
            lambda: CoxTimeVaryingFitter().fit(cp, id_col="id", start_col="start", stop_col="stop", event_col="event"),
            5,
        )
    print(
        f"counting-process Cox, {len(cp)} rows, Efron: helpers.timedep {1000 * ours:.1f} ms, "
        f"lifelines CoxTimeVaryingFitter {1000 * theirs:.1f} ms"
    )


if __name__ == "__main__":
    main()
