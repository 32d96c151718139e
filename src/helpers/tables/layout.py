"""The paper's univariate layout (Tables 1, 4, 5): per level N (%) and KM median OS, log-rank p per
factor (``univariate``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import factors as _factors
from .. import ledger
from .formatting import NOT_COMPUTED, _median_text, _p_text
from .html_table import Table


def univariate(
    cohort: pd.DataFrame, factor_keys, subset: str = "all", *, time: str = "os_months", event: str = "death"
) -> pd.DataFrame:
    """The paper's univariate layout (Tables 1, 4, 5): per level N (%), KM median OS; log-rank p per factor.

    Percentages are of the patients with a known level (as the paper's grade row); patients with a missing
    level get an ``N.A.`` row with their count only. Medians are R's KM median (``N.A.`` when not reached);
    p is the log-rank test over the known levels (``–`` when fewer than two levels are present); both from
    :func:`helpers.ledger.factor_groups`.
    """
    data = _factors.subset(cohort, subset)
    records = []
    for key in factor_keys:
        factor = _factors.FACTORS[key] if isinstance(key, str) else key
        groups = ledger.factor_groups(data, factor, time, event)
        n_known = int(groups["n"].sum())
        p = groups.attrs["p"]
        first = True
        for level in factor.levels:
            n, median = int(groups.loc[level, "n"]), groups.loc[level, "median"]
            pct = 100.0 * n / n_known if n_known else np.nan
            records.append(
                {
                    "Factor": factor.label if first else "",
                    "Level": factor.label_of(level),
                    "N (%)": f"{n} ({pct:.1f})" if n_known else "0",
                    "Median OS (months)": _median_text(median) if n else NOT_COMPUTED,
                    "p": _p_text(p) if first else "",
                }
            )
            first = False
        if n_known < len(data):
            records.append(
                {
                    "Factor": "",
                    "Level": "N.A.",
                    "N (%)": str(len(data) - n_known),
                    "Median OS (months)": NOT_COMPUTED,
                    "p": "",
                }
            )
    return Table(pd.DataFrame.from_records(records, columns=["Factor", "Level", "N (%)", "Median OS (months)", "p"]))
