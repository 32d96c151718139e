"""Helpers for an executable reproduction of Imura et al. (2022), Curr. Oncol. 29:2301-2311.

One module per concern:

- ``paths``       where the repository, data and cohort files are
- ``factors``     the paper's prognostic factors, their cut-offs and levels, and the patient subsets
- ``data``        cohort/regimen schema, validation and loading
- ``published``   the numbers the paper printed (``data/published/``), as data
- ``survival``    Kaplan-Meier, log-rank, Cox (Breslow/Efron) and variable selection, matching R ``survival``/EZR
- ``responses``   RECIST response rates (ORR, DCR) with exact CIs
- ``scorecard``   every published number recomputed from a cohort and compared with the printed value
- ``reconstruct`` the seeded reconstruction of a synthetic cohort
- ``audit``       internal-consistency checks of the paper's printed numbers
- ``tables`` / ``plots``  publication-style tables and Kaplan-Meier figures
- ``timedep``     time-dependent covariates: counting-process rows, the Cox model on them, landmark data sets
- ``simulate``    seeded simulations of what the design can show (guarantee time, selection, events per variable)
- ``multiplicity`` many tests: the printed p values, Holm and Benjamini-Hochberg, a permutation null
- ``design_plots`` figures of the simulations
"""

__version__ = "0.1.0"
