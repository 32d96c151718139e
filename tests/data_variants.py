"""The committed synthetic cohort written as other tools and people write it: by pandas, by R, to Excel, SPSS and
Stata, under a hospital's own column names and codes (with a mapping file), and with dates instead of months.

Each ``write_*`` function writes one variant into a folder and returns the path(s); tests/test_formats.py checks
that every variant reads back to exactly the committed cohort (or, for dates, to its months within half a day),
and that each bad variant is rejected with its file, row and column named.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths

COHORT, REGIMENS, PRIMARY = paths.DEFAULT_COHORT, paths.DEFAULT_REGIMENS, paths.DEFAULT_PRIMARY_TREATMENT
BINARY = [
    "site_lung",
    "site_liver",
    "site_muscle",
    "site_lymph_node",
    "site_bone",
    "site_other",
    "primary_resection",
    "metastasectomy_any",
    "metastasectomy_curative",
    "chemo_peri_metastasectomy",
    "chemotherapy",
    "radiotherapy",
    "local_recurrence",
]


def as_pandas(path: Path) -> pd.DataFrame:
    """A file as a pandas user reads it: ``pd.read_csv`` with its defaults (integers with a gap become floats)."""
    return pd.read_csv(path)


def write_pandas_csv(folder: Path) -> dict[str, Path]:
    """Each committed file read and written back by pandas (``grade`` 3 becomes ``3.0``), with its index."""
    out = {}
    for kind, src in (("cohort", COHORT), ("regimens", REGIMENS), ("primary_treatment", PRIMARY)):
        out[kind] = folder / f"{kind}_pandas.csv"
        as_pandas(src).to_csv(out[kind])  # index=True: pandas' default, an unnamed first column 0, 1, ...
    return out


def rscript(code: str, folder: Path) -> None:
    subprocess.run(["Rscript", "--vanilla", "-e", code], cwd=folder, check=True, capture_output=True, timeout=120)


def write_r(folder: Path) -> dict[str, Path]:
    """R's ``write.csv`` (with its row names and NA), ``saveRDS`` (factors, a logical ``death``), and ``save``
    (one .RData holding all three data frames)."""
    code = textwrap.dedent(f"""
        cohort <- read.csv("{COHORT}"); regimens <- read.csv("{REGIMENS}")
        primary_treatment <- read.csv("{PRIMARY}")
        write.csv(cohort, "cohort_r.csv"); write.csv(regimens, "regimens_r.csv", row.names = FALSE)
        f <- cohort
        for (n in c("sex", "primary_site", "depth", "presenting", "status")) f[[n]] <- factor(f[[n]])
        f$death <- f$death == 1
        f$first_line_regimen[f$first_line_regimen == ""] <- NA
        saveRDS(f, "cohort.rds"); saveRDS(regimens, "regimens.rds")
        save(cohort, regimens, primary_treatment, file = "study.RData")
    """)
    rscript(code, folder)
    return {
        "cohort_csv": folder / "cohort_r.csv",
        "regimens_csv": folder / "regimens_r.csv",
        "cohort_rds": folder / "cohort.rds",
        "regimens_rds": folder / "regimens.rds",
        "rdata": folder / "study.RData",
    }


def write_excel(folder: Path) -> Path:
    """One workbook, a sheet per file, as pandas writes it (integer columns with a gap as floats)."""
    out = folder / "study.xlsx"
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        for kind, src in (("cohort", COHORT), ("regimens", REGIMENS), ("primary_treatment", PRIMARY)):
            as_pandas(src).to_excel(xl, sheet_name=kind, index=False)
    return out


SPSS_CODES = {
    "sex": {1: "male", 2: "female"},
    "primary_site": {1: "extremity", 2: "trunk", 3: "retroperitoneum", 4: "others"},
    "depth": {1: "superficial", 2: "deep"},
    "presenting": {1: "metachronous", 2: "synchronous"},
    "status": {1: "NED", 2: "AWD", 3: "DOD"},
}


def write_spss(folder: Path) -> dict[str, Path]:
    """SPSS: categories as numeric codes with value labels, grade's missing as the user-missing code 9; Stata:
    the same codes and labels, times stored in single precision (Stata's ``float``)."""
    import pyreadstat

    c = as_pandas(COHORT)
    for col, labels in SPSS_CODES.items():
        c[col] = c[col].map({v: k for k, v in labels.items()}).astype(float)
    sav = c.copy()
    sav["grade"] = sav["grade"].fillna(9)
    pyreadstat.write_sav(sav, folder / "cohort.sav", variable_value_labels=SPSS_CODES, missing_ranges={"grade": [9]})
    dta = c.copy()
    for col in ("os_months", "interval_to_metastasis_months", "size_cm"):
        dta[col] = dta[col].astype(np.float32)
    labels = {col: {int(k): v for k, v in codes.items()} for col, codes in SPSS_CODES.items()}
    for col in labels:
        dta[col] = dta[col].astype(np.int8)
    dta.to_stata(folder / "cohort.dta", write_index=False, value_labels=labels)
    return {"sav": folder / "cohort.sav", "dta": folder / "cohort.dta"}


# A hospital's spreadsheet: its own column names and codes, and columns the book does not read.
HOSPITAL = {
    "patient_id": ("Study ID", None),
    "age_years": ("Age at metastasis", None),
    "sex": ("Gender", {"male": "M", "female": "F"}),
    "primary_site": (
        "Primary site",
        {"extremity": "Limb", "trunk": "Trunk", "retroperitoneum": "RP", "others": "Other"},
    ),
    "size_cm": ("Size (cm)", None),
    "depth": ("Depth", {"superficial": "Superficial", "deep": "Deep"}),
    "grade": ("FNCLCC", {2: "G2", 3: "G3"}),
    "presenting": ("Presentation", {"synchronous": "sync", "metachronous": "metachronous"}),
    "site_lung": ("Lung", {0: "no", 1: "yes"}),
    "death": ("Dead", {0: "no", 1: "yes"}),
    "status": ("Status", {"NED": 1, "AWD": 2, "DOD": 3}),
}


def hospital_frame() -> pd.DataFrame:
    """The committed cohort under the hospital's names and codes, with a record number and a comment column."""
    c = as_pandas(COHORT)
    out = pd.DataFrame({"MRN": [f"H{100000 + 37 * i}" for i in range(len(c))]})
    for col in c.columns:
        name, codes = HOSPITAL.get(col, (col, None))
        values = c[col]
        if codes is not None:
            values = values.map(codes)
            if col == "grade":
                values = values.fillna("unknown")
        out[name] = values
    out["Comments"] = ["" if i % 7 else "seen abroad" for i in range(len(c))]
    return out


def hospital_mapping(fmt: str = "yaml") -> str:
    """The mapping of the hospital's file, as YAML or TOML text."""
    entries = []
    for col, (name, codes) in HOSPITAL.items():
        entries.append((col, name, None if codes is None else {str(v): str(k) for k, v in codes.items()}))
    if fmt == "yaml":
        lines = ["cohort:", "  sheet: Patients", "  ignore: [MRN, Comments]"]
        for col, name, codes in entries:
            if codes is None:
                lines.append(f"  {col}: {name}")
            else:
                missing = ", missing: [unknown]" if col == "grade" else ""
                listed = ", ".join(f"{k}: {v}" for k, v in codes.items())
                lines.append(f"  {col}: {{column: {name}, codes: {{{listed}}}{missing}}}")
        return "\n".join(lines) + "\n"
    lines = ["[cohort]", 'sheet = "Patients"', 'ignore = ["MRN", "Comments"]']
    for col, name, codes in entries:
        if codes is None:
            lines.append(f'{col} = "{name}"')
        else:
            missing = ', missing = ["unknown"]' if col == "grade" else ""
            listed = ", ".join(f'"{k}" = "{v}"' for k, v in codes.items())
            lines.append(f'{col} = {{ column = "{name}", codes = {{ {listed} }}{missing} }}')
    return "\n".join(lines) + "\n"


def write_hospital(folder: Path, fmt: str = "yaml", frame: pd.DataFrame | None = None) -> tuple[Path, Path]:
    """The hospital's workbook (sheet Patients, beside a sheet of notes) and its mapping file."""
    book = folder / "hospital.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as xl:
        pd.DataFrame({"note": ["exported from the registry"]}).to_excel(xl, sheet_name="About", index=False)
        (hospital_frame() if frame is None else frame).to_excel(xl, sheet_name="Patients", index=False)
    mapping = folder / f"hospital.{fmt}"
    mapping.write_text(hospital_mapping(fmt))
    return book, mapping


def dates_frame(today: dt.date | None = None) -> pd.DataFrame:
    """The committed cohort with dates instead of months: metastasis on a day of its year, the primary diagnosis
    ``round(interval * 30.4375)`` days before it, and death or the last visit ``round(os * 30.4375)`` days after."""
    c = as_pandas(COHORT)
    met = [dt.date(int(y), 1, 1) + dt.timedelta(days=(17 * i) % 200) for i, y in enumerate(c["metastasis_year"])]
    days = lambda months: [dt.timedelta(days=int(round(m * 30.4375))) for m in months]  # noqa: E731
    out = c.drop(columns=["interval_to_metastasis_months", "metastasis_year", "os_months", "death"])
    out.insert(8, "primary_diagnosis_date", [m - d for m, d in zip(met, days(c["interval_to_metastasis_months"]))])
    out.insert(9, "metastasis_date", met)
    end = [m + d for m, d in zip(met, days(c["os_months"]))]
    out["last_followup_date"] = end
    out["death_date"] = [e if dead else None for e, dead in zip(end, c["death"])]
    return out


def write_dates(folder: Path) -> Path:
    out = folder / "cohort_dates.csv"
    dates_frame().to_csv(out, index=False)
    return out


def unlike_paper_frame() -> pd.DataFrame:
    """A cohort unlike the paper's, derived deterministically from the committed one: 58 patients (the last
    three dropped), no trunk primaries (they become extremity), no deaths among superficial tumours nor in the
    curative-metastasectomy arm (their deaths become alive with disease, so that arm's median is not reached
    and its Cox coefficient is infinite), and six missing grades (three more than the committed cohort)."""
    c = as_pandas(COHORT).iloc[:58].copy()
    c["primary_site"] = c["primary_site"].replace({"trunk": "extremity"})
    alive = (c["depth"] == "superficial") | (c["metastasectomy_curative"] == 1)
    c.loc[alive & (c["death"] == 1), "status"] = "AWD"
    c.loc[alive, "death"] = 0
    graded = c.index[c["grade"].notna()]
    c.loc[graded[[0, 10, 20]], "grade"] = np.nan
    c["grade"] = c["grade"].astype("Int64")
    return c


def write_unlike_paper(folder: Path) -> dict[str, Path]:
    """:func:`unlike_paper_frame` with the committed regimens and primary treatments of its patients."""
    c = unlike_paper_frame()
    out = {"cohort": folder / "cohort_unlike.csv", "regimens": folder / "regimens_unlike.csv"}
    out["primary_treatment"] = folder / "primary_treatment_unlike.csv"
    c.to_csv(out["cohort"], index=False)
    for kind, src in (("regimens", REGIMENS), ("primary_treatment", PRIMARY)):
        frame = as_pandas(src)
        frame[frame["patient_id"].isin(c["patient_id"])].to_csv(out[kind], index=False)
    return out
