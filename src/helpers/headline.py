"""What a reader checks first: the abstract's numbers and every qualitative claim of the paper.

A reader of a reproduction looks first at the abstract (61 patients, the five-year OS) and at the paper's
verdicts: which log-rank p falls below 0.05 in Tables 1, 4 and 5 and the text, which hazard ratio of
Table 3 is significant.  :func:`checks` reads both off a scorecard (``helpers.scorecard.reproduce``):

- an **abstract** check is met when the printed number is matched (the scorecard's ``match``);
- a **claim** check, one per printed p-value, is met when the reproduced p falls on the same side of 0.05 as
  the printed one (a printed ``<0.001`` is significant; a printed p is significant when every value that
  prints as it lies below 0.05).  A Wald p of Table 3 decides the significance of its hazard ratio, so it is
  the claim about that ratio.

``helpers.reconstruct.best_of_blocks`` (the default) and ``best_of_chains`` rank their searches by :func:`met`,
then by the count of matched numbers.
"""

from __future__ import annotations

import pandas as pd

from .scorecard import row_interval

ALPHA = 0.05  # the paper's significance level
ABSTRACT, CLAIM = "abstract", "claim"
CLAIM_SOURCES = ("Table 1", "Table 3", "Table 4", "Table 5", "Text", "Abstract")


def printed_significant(row) -> bool:
    """Whether the paper's printed p says significant at 5%: every value that prints as it is below 0.05."""
    return bool(row_interval(row)[1] < ALPHA)


def checks(card: pd.DataFrame) -> pd.DataFrame:
    """The headline checks of a scorecard, in its order.

    Parameters
    ----------
    card : pandas.DataFrame
        ``helpers.scorecard.reproduce(...)`` (its ``match`` and ``reproduced`` columns are read).

    Returns
    -------
    pandas.DataFrame
        One row a check: ``id`` (the printed number's id), ``check`` (``abstract`` or ``claim``), ``source``,
        ``label``, ``printed_significant`` and ``reproduced_significant`` (claims only, else NA) and ``met``.
    """
    rows = []
    for r in card.to_dict("records"):
        if r["source"] == "Abstract":
            rows.append((r["id"], ABSTRACT, r["source"], r["label"], pd.NA, pd.NA, bool(r["match"])))
        if r["statistic"] == "p" and r["source"] in CLAIM_SOURCES:
            paper = printed_significant(r)
            rep = r["reproduced"]
            ours = pd.NA if pd.isna(rep) else bool(rep < ALPHA)
            rows.append((r["id"], CLAIM, r["source"], r["label"], paper, ours, (not pd.isna(rep)) and ours == paper))
    cols = ["id", "check", "source", "label", "printed_significant", "reproduced_significant", "met"]
    return pd.DataFrame(rows, columns=cols)


def met(card: pd.DataFrame) -> int:
    """How many headline checks of ``card`` are met (:func:`checks`)."""
    return int(checks(card)["met"].sum())


def summary(card: pd.DataFrame) -> pd.DataFrame:
    """Headline checks met and total, by kind of check (``abstract``, ``claim``) and in all."""
    c = checks(card)
    g = c.groupby("check", sort=False)["met"].agg(met="sum", total="size")
    g.loc["all"] = [int(c["met"].sum()), len(c)]
    return g.astype(int)
