"""Names for a reader: statistics, factors, levels and subsets of the scorecard (``STATISTIC_NAMES``,
``FACTOR_NAMES``, ``LEVEL_NAMES``, ``GROUP_NAMES``), and the helpers' DataFrames with their columns and
covariate keys spelled out (``readable``, ``cox_ties``)."""

from __future__ import annotations

import pandas as pd

from .. import factors as _factors
from .formatting import _missing
from .html_table import Table

STATISTIC_NAMES = {
    "n": "N",
    "count": "N",
    "percent": "%",
    "median_os": "Median OS (months)",
    "p": "p",
    "hr": "HR",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "os_5yr": "5-year OS (%)",
    "median_pfs": "Median PFS (months)",
    "cr": "CR (courses)",
    "pr": "PR (courses)",
    "sd": "SD (courses)",
    "pd": "PD (courses)",
    "orr": "ORR (%)",
    "dcr": "DCR (%)",
    "median": "Median",
    "min": "Minimum",
    "max": "Maximum",
    "median_followup": "Median follow-up (months)",
}
# the scorecard's factors that are not a factor of helpers.factors.FACTORS, named for a reader
FACTOR_NAMES = {
    "os": "Overall survival",
    "os_months": "Follow-up (months)",
    "patients": "Patients",
    "age_years": "Age (years)",
    "size_cm": "Tumour size (cm)",
    "metastasis_year": "Year of metastasis",
    "interval_to_metastasis_months": "Interval to metastasis (months)",
    "status": "Status at last follow-up",
    "site_lung": "Lung metastases",
    "site_liver": "Liver metastases",
    "site_muscle": "Muscle metastases",
    "site_lymph_node": "Lymph-node metastases",
    "site_bone": "Bone metastases",
    "site_other": "Other metastatic site",
    "metastasectomy_any": "Any metastasectomy",
    "local_recurrence": "Local recurrence",
    "local_recurrence_resection": "Local recurrence resected",
    "metachronous_with_primary_resection": "Metachronous, primary resected",
    "perioperative_chemo_primary": "Chemotherapy around the primary's resection",
    "perioperative_chemo_primary_regimen": "Chemotherapy around the primary's resection",
    "palliative_first_line_regimen": "First-line palliative regimen",
    "regimen_lines": "Regimens per patient",
    "regimen": "Regimen",
    **_factors.COX_LABELS,
}
LEVEL_NAMES = {
    "NA": "not recorded",
    "NED": "No evidence of disease (NED)",
    "AWD": "Alive with disease (AWD)",
    "DOD": "Died of disease (DOD)",
}
GROUP_NAMES = {**_factors.SUBSETS, "regimens": "Regimen courses"}


def _factor_label(key) -> str:
    f = _factors.FACTORS.get(key) if isinstance(key, str) else None
    if f is not None:
        return f.label
    return FACTOR_NAMES.get(key, str(key).replace("_", " "))


def _level_label(factor, level, label, source) -> str:
    """A level as a reader names it: the factor's own label, Table 2's regimen label, or the level's name."""
    if _missing(level):
        return ""
    f = _factors.FACTORS.get(factor) if isinstance(factor, str) else None
    if f is not None:
        return "not recorded" if level == "NA" else f.label_of(level)
    if str(source).startswith("Table") and not _missing(label):
        return str(label)
    return LEVEL_NAMES.get(level, str(level))


# column names and values of the helpers' DataFrames, named for a reader (see :func:`readable`)
COLUMN_NAMES = {
    "label": "",
    "n": "N",
    "percent": "%",
    "deaths": "Deaths",
    "median": "Median OS (months)",
    "surv": "Survival (%)",
    "lower (log-log)": "95% CI low (log-log, EZR)",
    "upper (log-log)": "95% CI high (log-log, EZR)",
    "lower (log)": "95% CI low (log, R's default)",
    "upper (log)": "95% CI high (log, R's default)",
    "n_evaluable": "Evaluable",
    "cr": "CR",
    "pr": "PR",
    "sd": "SD",
    "pd": "PD",
    "orr_pct": "ORR (%)",
    "orr_low_pct": "ORR 95% CI low",
    "orr_high_pct": "ORR 95% CI high",
    "dcr_pct": "DCR (%)",
    "dcr_low_pct": "DCR 95% CI low",
    "dcr_high_pct": "DCR 95% CI high",
    "median_pfs": "Median PFS (months)",
    "hr": "HR",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "coef": "β",
    "se": "SE",
    "p": "p",
    "chisq": "χ²",
    "df": "df",
    "step": "Step",
    "action": "Action",
    "covariate": "Covariate",
    "statistic": "Statistic",
    "months": "Months",
    "regimen": "Regimen",
    # the study-design chapter's simulations (helpers.simulate, helpers.timedep, helpers.multiplicity)
    "os_months": "OS (months)",
    "death": "Death",
    "chemotherapy": "Chemotherapy",
    "chemo_start": "Chemotherapy starts (months)",
    "start": "Start (months)",
    "stop": "Stop (months)",
    "event": "Event",
    "comparison": "Comparison",
    "analysis": "Analysis",
    "true_hr": "True HR",
    "median_hr": "Median HR",
    "median_hr_if_selected": "Median HR when selected",
    "bias_log_hr": "Bias of log HR",
    "sd_log_hr": "SD of log HR",
    "p_below_0.05": "Share with p < 0.05",
    "p_holm": "p, Holm",
    "p_bh": "p, Benjamini–Hochberg",
    "selected": "Share selected",
    "cohort": "Subset",
    "factor": "Factor",
    "hr_2.5%": "HR, 2.5th percentile",
    "hr_97.5%": "HR, 97.5th percentile",
    "coverage": "CI coverage",
    "power": "Power",
    "infinite": "Infinite estimates",
}
VALUE_NAMES = {
    **_factors.COX_LABELS,
    "GLOBAL": "All covariates (global test)",
    "metastasectomy": _factors.SUBSETS["metastasectomy"],
    "palliative_chemo": _factors.SUBSETS["palliative_chemo"],
}


def readable(df: pd.DataFrame, first: str | None = None) -> Table:
    """A helper's DataFrame as a reader sees it: the index (or, where there is one, the ``label`` column) becomes
    the first column, named ``first``; column names and covariate keys are spelled out (:data:`COLUMN_NAMES`,
    :data:`VALUE_NAMES`); a missing value shows as "–". Round before calling."""
    out = pd.DataFrame(df)
    if "label" in out.columns:
        out = out.set_index("label")
    if isinstance(out.index, pd.MultiIndex):  # each level becomes a column, named as its level is
        names = [" " * (k + 1) if n is None else COLUMN_NAMES.get(n, str(n)) for k, n in enumerate(out.index.names)]
        out = out.reset_index()
        out.columns = names + list(out.columns[len(names) :])
        lead = len(names)
    else:
        name = first if first is not None else COLUMN_NAMES.get(out.index.name, str(out.index.name or ""))
        out = out.rename(index=lambda v: VALUE_NAMES.get(v, v)).reset_index(names=name or " ")
        lead = 1
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: VALUE_NAMES.get(v, v))
    out.columns = list(out.columns[:lead]) + [COLUMN_NAMES.get(c, c) for c in out.columns[lead:]]
    return Table(out)


def cox_ties(breslow, efron, decimals: int = 3) -> Table:
    """Two fits of one Cox model side by side (``survival.cox`` results), Breslow's and Efron's handling of
    tied death times: HR and p of each covariate."""
    both = pd.DataFrame(
        {
            "HR, Breslow (EZR)": breslow.table["hr"],
            "p, Breslow": breslow.table["p"],
            "HR, Efron (R's default)": efron.table["hr"],
            "p, Efron": efron.table["p"],
        }
    )
    both.index.name = "covariate"
    return readable(both.round(decimals))
