"""The survival methods written out step by step, for the worked examples of the book.

Each function computes, in a plain loop one can read beside the formula, what :mod:`helpers.survival` computes
vectorised; the book's worked examples print the tables these return and assert that they agree with
:mod:`helpers.survival` (which the R parity tests hold to R's ``survival``).

- ``product_limit``: :func:`product_limit_table` (Kaplan-Meier with Greenwood's variance).
- ``log_rank``: :func:`logrank_table` (observed, expected and variance at each death time, two groups).
- ``partial_likelihood``: :func:`partial_likelihood_terms`, :func:`newton_steps` (one covariate, Breslow ties),
  :func:`schoenfeld_residuals` (unscaled).
- ``examples``: :data:`WORKED_COX` (four patients) and :func:`competing_risks_example` (simulated, two causes);
  :func:`smallest_group` (a group small enough to follow by hand).
"""

from .examples import WORKED_COX, competing_risks_example, smallest_group
from .log_rank import logrank_table
from .partial_likelihood import newton_steps, partial_likelihood_terms, schoenfeld_residuals
from .product_limit import product_limit_table

__all__ = [
    "product_limit_table",
    "logrank_table",
    "partial_likelihood_terms",
    "newton_steps",
    "schoenfeld_residuals",
    "WORKED_COX",
    "competing_risks_example",
    "smallest_group",
]
