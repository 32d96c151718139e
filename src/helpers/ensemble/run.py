"""Many cohorts: the default seeds (``ensemble_seeds``) and ``run_one`` for each of them, in parallel
(``run_ensemble``: joblib's loky processes, or a Dask cluster through joblib's dask backend)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from .cohort import CohortResult, run_one

DEFAULT_N = 100


def ensemble_seeds(n: int, start: int | None = None) -> list[int]:
    """The default seeds: ``n`` consecutive integers from the reconstruction's default seed (the first
    seeds are those of the book's own cohort's chains, searched here with the ensemble's shorter budget)."""
    from ..reconstruct import api

    if n < 1:
        raise ValueError(f"an ensemble needs at least one cohort, got {n}")
    start = api.DEFAULT_SEED if start is None else int(start)
    return list(range(start, start + n))


def run_ensemble(
    seeds: Iterable[int],
    iterations: int | None = None,
    n_jobs: int = -1,
    backend: str = "loky",
    scheduler=None,
    progress: bool = True,
    on_result=None,
) -> list[CohortResult]:
    """``run_one`` for every seed, in parallel, in seed order.

    ``backend="loky"``: joblib processes, ``n_jobs`` of them (-1 = all cores).  ``backend="dask"``:
    joblib's dask backend on ``dask.distributed.Client(scheduler)`` (an address such as
    ``tcp://host:8786``, a ``Client``, or None for a local cluster); needs the ``dask`` extra.
    A tqdm progress bar counts finished cohorts (``progress=False`` to hide it).  ``on_result(results)``,
    if given, is called with the results so far (a prefix of the seeds, in order) after each one.
    """
    from joblib import Parallel, delayed, parallel_config
    from tqdm.auto import tqdm

    if backend not in ("loky", "dask"):
        raise ValueError(f"backend must be 'loky' or 'dask', got {backend!r}")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct")
    tasks = (delayed(run_one)(s, iterations) for s in seeds)
    bar = tqdm(total=len(seeds), desc="cohorts", unit="cohort", disable=not progress, file=sys.stderr)
    results = []

    def collect(stream):
        for r in stream:
            results.append(r)
            bar.update()
            if on_result is not None:
                on_result(results)

    try:
        if backend == "loky":
            with parallel_config(backend="loky", n_jobs=n_jobs):
                collect(Parallel(return_as="generator")(tasks))
        else:
            client, own = _dask_client(scheduler)
            try:
                with parallel_config(backend="dask", n_jobs=n_jobs):
                    collect(Parallel(return_as="generator")(tasks))
            finally:
                if own:
                    client.close()
    finally:
        bar.close()
    return results


def _dask_client(scheduler):
    """(client, whether we created it)."""
    try:
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "the dask backend needs the optional extra: pip install 'helpers[dask]' (dask and distributed)"
        ) from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    return Client(scheduler), True
