"""Replicates: one simulation run on independent random streams spawned from one seed, and the summary of the
hazard ratios and p values they give."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ._common import ALPHA


def replicate(
    simulate: Callable[[np.random.Generator], pd.DataFrame],
    analyse: Callable[[pd.DataFrame], pd.DataFrame],
    n_rep: int,
    seed: int,
) -> pd.DataFrame:
    """``analyse(simulate(rng))`` for ``n_rep`` independent random streams spawned from ``seed``; the results
    stacked with a ``replicate`` column."""
    if n_rep < 1:
        raise ValueError(f"n_rep must be >= 1, not {n_rep!r}")
    frames = []
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n_rep)):
        out = analyse(simulate(np.random.default_rng(child)))
        frames.append(out.assign(replicate=i))
    return pd.concat(frames, ignore_index=True)


def summarise(results: pd.DataFrame, by: Sequence[str] = ("comparison", "analysis")) -> pd.DataFrame:
    """Per group of replicates: how many could be fitted, the median HR and its central 95% range, and the
    share with p < 0.05 (the false-positive rate when the true HR is 1)."""
    by = list(by)
    ok = results.dropna(subset=["hr", "p"])
    g = ok.groupby(by, sort=False)
    out = pd.DataFrame(
        {
            "replicates": g.size(),
            "median_hr": g["hr"].median(),
            "hr_2.5%": g["hr"].quantile(0.025),
            "hr_97.5%": g["hr"].quantile(0.975),
            "p_below_0.05": g["p"].apply(lambda p: float((p < ALPHA).mean())),
        }
    )
    return out
