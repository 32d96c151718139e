"""Covariates that change during follow-up: counting-process data, the Cox model on them, landmark analysis.

A treatment started at month 3, or a response recorded at month 5, is not a property of the patient at time 0.
Coding it as a baseline 0/1 column credits the treated group with the months before the change, months in
which a patient *had* to survive to be counted as treated (guarantee-time or immortal-time bias). R's
answer is the counting-process form (Andersen and Gill): one row per patient and interval ``(start, stop]``,
the covariate's value on that interval, and ``event = 1`` only on the interval that ends in the death;
``coxph(Surv(start, stop, event) ~ x)`` then compares, at every death, the patients at risk *at that moment*
with their covariates *at that moment*. A patient may also enter late (``start > 0``: left truncation).

- :func:`split_at`: per-patient rows plus the time a 0/1 covariate switches on -> counting-process rows,
  as R's ``tmerge(..., x = tdc(switch))`` (optionally with a delayed entry time).
- :func:`cox_counting`: ``coxph(Surv(start, stop, event) ~ covariates, ties = ...)``; Breslow (EZR's
  choice) by default, Efron available. Returns :class:`helpers.survival.CoxResult`.
- :func:`landmark`: the patients still at risk at a landmark time, with the clock restarted there and a
  covariate fixed at its value at the landmark (Anderson, Cain and Gelber's landmark method).

Why hand-written: lifelines' ``CoxTimeVaryingFitter`` fits Efron ties only and, with damped steps, stops
~1e-6 away from R; statsmodels' PHReg takes entry times but not Breslow/Efron risk sets in R's iteration.
The fit therefore runs through :mod:`helpers.survival.coxph`'s Newton-Raphson engine (R's ``coxfit6``/``agfit4``
recipe) with risk sets ``{i: start_i < t <= stop_i}``, and agrees with R ``survival`` to ~1e-10
(``tests/test_r_parity_td.py``). The splitting is a few lines of pandas with R's boundary conventions and
errors that name the row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import survival

__all__ = ["split_at", "cox_counting", "landmark"]


# --------------------------------------------------------------------------------------------------
# data preparation
# --------------------------------------------------------------------------------------------------


def _column(data: pd.DataFrame, name: str) -> np.ndarray:
    if name not in data.columns:
        raise KeyError(f"column {name!r} not in data (columns: {', '.join(map(str, data.columns))})")
    return survival._numeric(data[name], f"column {name!r}")


def _fail(data: pd.DataFrame, mask: np.ndarray, column: str, what: str):
    i = int(np.argmax(mask))
    raise ValueError(f"row {data.index[i]!r}, column {column!r}: {what}")


def split_at(
    data: pd.DataFrame,
    duration: str,
    event: str,
    switch: str,
    name: str = "treated",
    entry: str | None = None,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Counting-process rows for a 0/1 covariate ``name`` that is 0 until the time in column ``switch`` and 1
    from then on (NaN in ``switch``: never), as R's ``tmerge(d, d, id, event = event(duration, event),
    name = tdc(switch))``.

    Columns of the result: ``id`` (the row label of ``data``), ``start``, ``stop``, ``event``, ``name`` and
    the columns in ``keep`` (baseline values, copied to every row of the patient). A patient whose switch
    falls strictly inside ``(entry, duration)`` gets two rows, ``(entry, switch]`` with 0 and
    ``(switch, duration]`` with 1, the event on the second; a switch at or before entry makes the covariate 1
    throughout; a switch at or after ``duration`` (or none) leaves it 0 throughout. ``entry`` names a column
    of delayed entry times (default: everyone enters at 0).
    """
    t = _column(data, duration)
    e = _column(data, event)
    s = _column(data, switch)
    t0 = _column(data, entry) if entry is not None else np.zeros(len(data))
    for arr, col in ((t, duration), (e, event)):
        if np.isnan(arr).any():
            _fail(data, np.isnan(arr), col, "missing value")
    if entry is not None and np.isnan(t0).any():
        _fail(data, np.isnan(t0), entry, "missing value")
    if ((e != 0) & (e != 1)).any():
        _fail(data, (e != 0) & (e != 1), event, f"must be 0/1, found {e[(e != 0) & (e != 1)][0]!r}")
    if (t0 < 0).any():
        _fail(data, t0 < 0, entry, "entry time must be >= 0")
    if (t <= t0).any():
        _fail(data, t <= t0, duration, "follow-up must end after entry (R: stop time must be > start time)")
    if (s < 0).any():
        _fail(data, s < 0, switch, "switch time must be >= 0 (NaN: never)")
    if not data.index.is_unique:
        raise ValueError("split_at: the row labels of data must be unique (they become the id column)")
    for col in keep:
        if col not in data.columns:
            raise KeyError(f"column {col!r} (in keep) not in data")
        if col in ("id", "start", "stop", "event", name):
            raise ValueError(f"column {col!r} (in keep) clashes with a column of the result")

    inside = ~np.isnan(s) & (s > t0) & (s < t)
    from_entry = ~np.isnan(s) & (s <= t0)
    first = pd.DataFrame(
        {
            "id": data.index,
            "start": t0,
            "stop": np.where(inside, s, t),
            "event": np.where(inside, 0, e).astype(int),
            name: from_entry.astype(int),
        }
    )
    second = pd.DataFrame(
        {"id": data.index[inside], "start": s[inside], "stop": t[inside], "event": e[inside].astype(int), name: 1}
    )
    first["_order"], second["_order"] = np.arange(len(data)), np.flatnonzero(inside)
    out = pd.concat([first, second], ignore_index=True).sort_values(["_order", "start"], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    for col in keep:
        out[col] = data[col].to_numpy()[data.index.get_indexer(out["id"])]
    return out


def landmark(
    data: pd.DataFrame,
    at: float,
    duration: str = "os_months",
    event: str = "death",
    switches: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The landmark data set at time ``at``: the patients still under follow-up after ``at`` (``duration >
    at``), with ``duration`` restarted there (``duration - at``).

    ``switches`` maps new 0/1 column names to columns of switch times (NaN: never): each new column is 1 if
    the switch happened by the landmark (``switch <= at``), else 0, whatever happens later, so the groups are
    fixed at the landmark and no patient is classified by the future.
    """
    if not np.isfinite(at) or at < 0:
        raise ValueError(f"landmark time must be a finite number >= 0, not {at!r}")
    t = _column(data, duration)
    out = data.loc[t > at].copy()
    out[duration] = t[t > at] - at
    for new, col in (switches or {}).items():
        sw = _column(out, col)
        out[new] = (~np.isnan(sw) & (sw <= at)).astype(int)
    return out


# --------------------------------------------------------------------------------------------------
# the Cox model on (start, stop] data
# --------------------------------------------------------------------------------------------------


class _CountingData(survival._CoxData):
    """helpers.survival's Cox data with the risk sets of counting-process rows: at each distinct death time t,
    the rows with ``start < t <= stop``. The likelihood, score and information (Breslow or Efron) are
    survival's; only :meth:`risk_sums` differs."""

    def __init__(self, start: np.ndarray, stop: np.ndarray, event: np.ndarray, X: np.ndarray, ties: str):
        if ties not in ("breslow", "efron"):
            raise ValueError(f"ties must be 'breslow' or 'efron', not {ties!r}")
        self.ties = ties
        self.means = X.mean(axis=0) if len(X) else np.zeros(X.shape[1])
        self.X = X - self.means  # centred, as coxph
        dead = np.flatnonzero(event)
        dead = dead[np.argsort(stop[dead], kind="stable")]
        self.dead = dead
        dtimes, dstart, dcount = np.unique(stop[dead], return_index=True, return_counts=True)
        self.n_dtimes = len(dtimes)
        self.dgroup_start = dstart
        self.term_group = np.repeat(np.arange(len(dtimes)), dcount)
        frac = np.concatenate([np.arange(c) / c for c in dcount]) if len(dcount) else np.zeros(0)
        self.frac = frac if ties == "efron" else np.zeros_like(frac)
        self.risk = ((start[None, :] < dtimes[:, None]) & (dtimes[:, None] <= stop[None, :])).astype(float)

    def risk_sums(self, v: np.ndarray) -> np.ndarray:
        return np.tensordot(self.risk, v, axes=1)


def cox_counting(
    data: pd.DataFrame,
    start: str,
    stop: str,
    event: str,
    covariates: Sequence[str],
    ties: str = "breslow",
    eps: float = 1e-9,
    iter_max: int = 20,
) -> survival.CoxResult:
    """Cox model on counting-process rows, as ``coxph(Surv(start, stop, event) ~ covariates, ties = ties)``;
    Breslow ties by default (EZR hard-codes Breslow), Efron available.

    Rows with a missing value in a used column are dropped (R's na.omit); every row needs ``start < stop``
    (an error names the first row that has not). ``n`` of the result counts rows, as R's ``fit$n``. The
    proportional-hazards test :func:`helpers.survival.ph_test` is for right-censored fits only.
    """
    covariates = list(covariates)
    if not covariates:
        raise ValueError("cox_counting() needs at least one covariate")
    cols = [start, stop, event, *covariates]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise KeyError(f"columns not in data: {missing}")
    M = np.column_stack([survival._numeric(data[c], f"column {c!r}") for c in cols])
    ok = ~np.isnan(M).any(axis=1)
    rows, M = data.index[ok], M[ok]
    t0, t1, e, X = M[:, 0], M[:, 1], M[:, 2], M[:, 3:]
    if ((e != 0) & (e != 1)).any():
        bad = (e != 0) & (e != 1)
        raise ValueError(f"row {rows[np.argmax(bad)]!r}, column {event!r}: must be 0/1")
    if (t0 >= t1).any():
        raise ValueError(
            f"row {rows[np.argmax(t0 >= t1)]!r}: {start!r} must be < {stop!r} (R: stop time must be > start time)"
        )
    cd = _CountingData(t0, t1, e.astype(bool), X, ties)
    return survival._fit(cd, covariates, n=len(t1), n_events=int(e.sum()), eps=eps, iter_max=iter_max, keep_data=False)
