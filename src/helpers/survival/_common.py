"""Input checking shared by the survival modules, the chi-square tail, and R's constants.

Rows with a missing time, event or group are dropped (R's ``na.omit``); a non-numeric entry is an error that
names the column and row; events must be 0/1 (or True/False) and times >= 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

Z975 = stats.norm.ppf(0.975)  # qnorm(0.975), as R
R_TOL = np.sqrt(np.finfo(float).eps)  # sqrt(.Machine$double.eps): the tolerance of R's median rule
CONF_TYPES = ("log-log", "log", "plain")


class FitWarning(UserWarning):
    """A warning R's survival package also gives about a fit (no convergence, a coefficient that may be
    infinite). The fit keeps its text in ``notes`` too, so that a page can show it beside the number it affects
    (``helpers.narrative.fit_notes``) instead of on stderr."""


def _chi2_sf(x, df):
    """Upper chi-square tail (scipy.stats.chi2.sf without the distribution-object overhead)."""
    return special.chdtrc(df, x)


def _numeric(values, name: str) -> np.ndarray:
    """Float array (NaN for missing); a non-numeric entry is an error naming ``name`` and the row."""
    if isinstance(values, pd.Series):
        if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
            return values.to_numpy(dtype=float, na_value=np.nan)
        obj, index = values.to_numpy(dtype=object), values.index
    else:
        arr = np.asarray(values)
        if arr.dtype.kind in "biuf":
            return arr.astype(float).ravel()
        obj = arr.astype(object).ravel()
        index = range(len(obj))
    conv = pd.to_numeric(pd.Series(obj), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(conv) & pd.notna(obj)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}, row {index[i]}: non-numeric value {obj[i]!r}")
    return conv


def _time_event(time, event, *extra) -> tuple[np.ndarray, ...]:
    """Float arrays with rows missing in any input dropped (R's na.omit); checks event is 0/1."""
    t = _numeric(time, "time")
    e = _numeric(event, "event")
    if len(t) != len(e):
        raise ValueError(f"time and event differ in length ({len(t)} vs {len(e)})")
    ok = ~(np.isnan(t) | np.isnan(e))
    for x in extra:
        x = np.asarray(x, dtype=object).ravel()
        if len(x) != len(t):
            raise ValueError(f"group and time differ in length ({len(x)} vs {len(t)})")
        ok &= pd.notna(x)
    t, e = t[ok], e[ok]
    if np.any((e != 0) & (e != 1)):
        bad = np.unique(e[(e != 0) & (e != 1)])
        raise ValueError(f"event must be 0/1 (or True/False); found {bad[:5].tolist()}")
    if np.any(t < 0):
        raise ValueError("time must be >= 0")
    return (t, e.astype(bool), ok) if extra else (t, e.astype(bool))
