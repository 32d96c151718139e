"""Real data as people keep it: the committed cohort written by pandas, by R (write.csv, saveRDS, save), to Excel,
SPSS and Stata, under a hospital's own column names and codes with a mapping file, and with dates instead of
months, reads back to exactly the committed cohort and gives the same scorecard; each bad variant is rejected
with its file, row (or sheet and cell) and column named, and nothing is written.

The variants are written once per module by tests/data_variants.py (R through Rscript, as in CI).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import data_variants as dv
from helpers import data, paths, scorecard
from helpers.data.problems import display


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    f = tmp_path_factory.mktemp("variants")
    out = {
        "pandas": dv.write_pandas_csv(f),
        "r": dv.write_r(f),
        "xlsx": dv.write_excel(f),
        "spss": dv.write_spss(f),
        "dates": dv.write_dates(f),
    }
    out["hospital"], out["mapping"] = dv.write_hospital(f, "yaml")
    out["mapping_toml"] = dv.write_hospital(f, "toml")[1]
    out["root"] = f
    return out


@pytest.fixture(scope="module")
def committed():
    cohort = data.load_cohort(paths.DEFAULT_COHORT)
    regimens = data.load_regimens(paths.DEFAULT_REGIMENS, cohort=cohort)
    primary = data.load_primary_treatment(paths.DEFAULT_PRIMARY_TREATMENT, cohort=cohort)
    card = scorecard.reproduce(cohort, regimens, primary=primary)
    return cohort, regimens, primary, card


def _same_scorecard(card: pd.DataFrame, base: pd.DataFrame) -> None:
    assert card["id"].tolist() == base["id"].tolist()
    differ = ~np.isclose(card["reproduced"], base["reproduced"], rtol=0, atol=0, equal_nan=True)
    assert not differ.any(), card.loc[differ, ["id", "reproduced"]].assign(committed=base.loc[differ, "reproduced"])
    assert card["match"].tolist() == base["match"].tolist()


# variant -> (path in the folder, mapping, one note reading it must report)
COHORTS = {
    "pandas to_csv": (
        lambda f: f["pandas"]["cohort"],
        None,
        [
            "the first column, unnamed, holds a pandas index (0 to 60): not read",
            "column grade: 58 values written as 3.0, 2.0 read as 3, 2",
        ],
    ),
    "R write.csv": (
        lambda f: f["r"]["cohort_csv"],
        None,
        [
            "the first column, unnamed, holds R's row names (1 to 61): not read",
            "column grade: 3 values written as NA read as empty",
        ],
    ),
    "R saveRDS": (
        lambda f: f["r"]["cohort_rds"],
        None,
        ["column death: 61 values written as TRUE, FALSE read as 1, 0"],
    ),
    "R save (.RData)": (lambda f: f["r"]["rdata"], None, []),
    "Excel (pandas to_excel)": (lambda f: f["xlsx"], None, []),
    "SPSS": (
        lambda f: f["spss"]["sav"],
        None,
        [
            "column sex: 61 values read by their value labels: 2 as female, 1 as male",
            "column grade: 3 values read as missing, as the file's user-missing codes (9)",
        ],
    ),
    "Stata": (
        lambda f: f["spss"]["dta"],
        None,
        ["column status: 61 values read by their value labels: 3 as DOD, 2 as AWD, 1 as NED"],
    ),
    "hospital workbook + YAML mapping": (
        lambda f: f["hospital"],
        "mapping",
        [
            "column Gender (sex): 61 values recoded by {mapping}: F as female, M as male",
            "column FNCLCC (grade): 3 values recoded by {mapping} as missing (unknown)",
            "columns not read ({mapping}'s ignore list): MRN, Comments",
        ],
    ),
    "hospital workbook + TOML mapping": (
        lambda f: f["hospital"],
        "mapping_toml",
        ["column Dead (death): 61 values recoded by {mapping}: yes as 1, no as 0"],
    ),
}


@pytest.mark.parametrize("name", sorted(COHORTS))
def test_each_format_reads_back_to_the_committed_cohort(name, folder, committed):
    where, mapping_key, notes = COHORTS[name]
    path = where(folder)
    mapping = folder[mapping_key] if mapping_key else None
    found = data.check(path, "cohort", mapping=mapping)
    assert found.problems == []
    shown = [str(n) for n in found.notes]
    for note in notes:
        assert note.format(mapping=display(mapping) if mapping else "") in shown, shown
    cohort = data.load_cohort(path, mapping=mapping)
    pd.testing.assert_frame_equal(cohort, committed[0])
    _same_scorecard(scorecard.reproduce(cohort, committed[1], primary=committed[2]), committed[3])


def test_stata_single_precision_times_are_read_as_written(folder):
    notes = [str(n) for n in data.check(folder["spss"]["dta"], "cohort").notes]
    single = [n for n in notes if n.startswith("column os_months:")]
    assert (
        len(single) == 1 and "stored as single-precision numbers" in single[0] and "read as their shortest" in single[0]
    )


@pytest.mark.parametrize("source", ["pandas", "xlsx", "rdata", "r"])
def test_regimens_and_primary_treatment_read_back_too(source, folder, committed):
    """The companion files from the same tools (one workbook or .RData for all three: a sheet or object each)."""
    if source == "pandas":
        cohort_path, reg, prim = (
            folder["pandas"]["cohort"],
            folder["pandas"]["regimens"],
            folder["pandas"]["primary_treatment"],
        )
    elif source == "r":
        cohort_path, reg, prim = folder["r"]["cohort_rds"], folder["r"]["regimens_rds"], None
    else:
        cohort_path = reg = prim = folder["xlsx"] if source == "xlsx" else folder["r"]["rdata"]
    cohort = data.load_cohort(cohort_path)
    regimens = data.load_regimens(reg, cohort=cohort_path)
    pd.testing.assert_frame_equal(regimens, committed[1])
    primary = None
    if prim is not None:
        primary = data.load_primary_treatment(prim, cohort=cohort_path)
        pd.testing.assert_frame_equal(primary, committed[2])
    card = scorecard.reproduce(cohort, regimens, primary=primary if primary is not None else committed[2])
    _same_scorecard(card, committed[3])


def test_cli_reports_what_it_normalised_and_mapped(folder):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.data",
            "validate",
            str(folder["hospital"]),
            "--mapping",
            str(folder["mapping"]),
        ],
        capture_output=True,
        text=True,
        cwd=paths.REPO,
    )
    assert out.returncode == 0, out.stderr
    first, *notes = out.stdout.splitlines()
    assert first == (
        f"OK {folder['hospital']}: valid cohort file, 61 patients "
        f"(Excel workbook, sheet Patients, mapped by {folder['mapping']})"
    )
    assert f"  mapped: column Gender (sex): 61 values recoded by {folder['mapping']}: F as female, M as male" in notes
    assert any(n.startswith("  mapped: 11 columns renamed by") and "Gender as sex" in n for n in notes)


# ---------------------------------------------------------------------------------------------------------------
# Dates instead of months
# ---------------------------------------------------------------------------------------------------------------

TIME_STATISTICS = {"median_os", "median_followup", "min", "max", "median"}  # event times, not counts or tests


def test_dates_derive_the_months_as_days_over_30_4375(folder, committed):
    found = data.check(folder["dates"], "cohort")
    assert found.problems == []
    derived = {n.column: str(n) for n in found.notes if n.kind == "derived"}
    assert set(derived) == {"os_months", "interval_to_metastasis_months", "metastasis_year", "death"}
    assert (
        "days / 30.4375" in derived["os_months"]
        and "0 for the 20 synchronous patients" in derived["interval_to_metastasis_months"]
    )
    cohort, ref = data.load_cohort(folder["dates"]), committed[0]
    for column in ("os_months", "interval_to_metastasis_months"):
        whole_days = (ref[column] * 30.4375).round()  # the days tests/data_variants.py put between the dates
        assert np.allclose(cohort[column], whole_days / 30.4375, rtol=0, atol=1e-12)
        assert (cohort[column] - ref[column]).abs().max() <= 0.5 / 30.4375  # within half a day
    same = [c for c in data.COHORT_COLUMNS if c not in ("os_months", "interval_to_metastasis_months")]
    pd.testing.assert_frame_equal(cohort[same], ref[same])
    assert data.MONTH_DAYS == 365.25 / 12


def test_dates_change_only_event_times_in_the_scorecard(folder, committed):
    """Every count, percentage, hazard ratio and p value is unchanged (the order of the times is); medians and
    ranges of times move by at most half a day."""
    cohort = data.load_cohort(folder["dates"])
    card, base = scorecard.reproduce(cohort, committed[1], primary=committed[2]), committed[3]
    differ = ~np.isclose(card["reproduced"], base["reproduced"], rtol=0, atol=0, equal_nan=True)
    assert differ.any()
    assert set(card.loc[differ, "statistic"]) <= TIME_STATISTICS
    assert (card.loc[differ, "reproduced"] - base.loc[differ, "reproduced"]).abs().max() <= 0.5 / 30.4375 + 1e-9


def test_dates_from_excel_date_cells(folder, committed, tmp_path):
    book = tmp_path / "dates.xlsx"
    frame = dv.dates_frame()
    for c in data.DATE_COLUMNS:
        frame[c] = pd.to_datetime(frame[c])
    frame.to_excel(book, index=False)
    pd.testing.assert_frame_equal(data.load_cohort(book), data.load_cohort(folder["dates"]))


def test_a_synchronous_patient_diagnosed_days_apart_has_interval_0(tmp_path):
    frame = dv.dates_frame()
    i = frame.index[frame["presenting"] == "synchronous"][0]
    frame.loc[i, "metastasis_date"] = frame.loc[i, "primary_diagnosis_date"] + dt.timedelta(days=12)
    frame.to_csv(tmp_path / "c.csv", index=False)
    found = data.check(tmp_path / "c.csv", "cohort")
    assert found.problems == [] and found.frame["interval_to_metastasis_months"].iloc[i] == 0
    assert any("1 of them with a later metastasis_date" in str(n) for n in found.notes)


def test_dates_with_a_date_format_from_the_mapping(tmp_path, folder):
    frame = dv.dates_frame()
    for c in data.DATE_COLUMNS:
        frame[c] = pd.to_datetime(frame[c]).dt.strftime("%d.%m.%Y")
    frame.to_csv(tmp_path / "c.csv", index=False)
    problems = data.validate(tmp_path / "c.csv", "cohort")
    assert problems and problems[0].column == "primary_diagnosis_date" and "YYYY-MM-DD" in str(problems[0])
    (tmp_path / "m.yaml").write_text('date_format: "%d.%m.%Y"\n')
    pd.testing.assert_frame_equal(
        data.load_cohort(tmp_path / "c.csv", mapping=tmp_path / "m.yaml"), data.load_cohort(folder["dates"])
    )


# ---------------------------------------------------------------------------------------------------------------
# Bad variants: rejected with file, row (or sheet and cell) and column, nothing written
# ---------------------------------------------------------------------------------------------------------------


def _hospital(folder_path, change, mapping_change=None):
    frame = dv.hospital_frame()
    change(frame)
    book, mapping = dv.write_hospital(folder_path, "yaml", frame)
    if mapping_change is not None:
        mapping.write_text(mapping_change(mapping.read_text()))
    return book, mapping


def _dates(folder_path, change, ext="csv"):
    frame = dv.dates_frame()
    change(frame)
    path = folder_path / f"cohort_dates.{ext}"
    frame.to_csv(path, index=False) if ext == "csv" else frame.to_excel(path, index=False)
    return path, None


# rows of the committed cohort chosen by what they are, not by where they are (the cohort is regenerated)
DATES = dv.dates_frame()
CENSORED = next(i for i in range(len(DATES)) if DATES.loc[i, "death_date"] is None)  # the first censored patient
DEAD = next(i for i in range(len(DATES)) if DATES.loc[i, "death_date"] is not None)  # the first who died
FIRST_DIED = DEAD == 0


def _met(i):
    return DATES.loc[i, "metastasis_date"]


def _dies(i):
    return DATES.loc[i, "death_date"]


def _set(frame, i, column, value):
    frame[column] = frame[column].astype(object)
    frame.loc[i, column] = value


def _r(folder_path, code):
    dv.rscript(f'd <- read.csv("{dv.COHORT}"); {code}; saveRDS(d, "bad.rds")', folder_path)
    return folder_path / "bad.rds", None


def _spss(folder_path):
    import pyreadstat

    c = dv.as_pandas(dv.COHORT)
    c["sex"] = c["sex"].map({"male": 1.0, "female": 2.0})
    c.loc[3, "sex"] = 3.0  # a code without a label
    pyreadstat.write_sav(c, folder_path / "bad.sav", variable_value_labels={"sex": {1: "male", 2: "female"}})
    return folder_path / "bad.sav", None


def _formula(folder_path):
    import openpyxl

    path = folder_path / "bad.xlsx"
    dv.as_pandas(dv.COHORT).to_excel(path, index=False, sheet_name="cohort")
    wb = openpyxl.load_workbook(path)
    wb["cohort"]["E5"] = "=2*3"  # openpyxl saves no result for it, as a script might
    wb.save(path)
    return path, None


def _two_sheets(folder_path):
    path = folder_path / "two.xlsx"
    with pd.ExcelWriter(path) as xl:
        dv.as_pandas(dv.COHORT).to_excel(xl, sheet_name="2019", index=False)
        dv.as_pandas(dv.COHORT).to_excel(xl, sheet_name="2020", index=False)
    return path, None


# name -> (writer(folder) -> (file, mapping), place, column as shown, words)
BAD = {
    "ambiguous code": (
        lambda f: _hospital(f, lambda d: _set(d, 3, "Gender", "X")),
        "sheet Patients, cell D5",
        "Gender (sex)",
        "value 'X' — expected one of the codes {mapping} gives for Gender: M, F",
    ),
    "unmapped column": (
        lambda f: _hospital(f, lambda d: d.insert(3, "BMI", 22.5)),
        "sheet Patients, cell D1",
        "BMI",
        "value 'BMI' — expected only the columns of a cohort file",
    ),
    "mapped column not in the file": (
        lambda f: _hospital(f, lambda d: d.rename(columns={"Dead": "Died"}, inplace=True)),
        "sheet Patients, row 1",
        "Dead (death)",
        "missing — expected the column Dead, which {mapping} reads as death",
    ),
    "code recoded to no value of ours": (
        lambda f: _hospital(f, lambda d: None, lambda m: m.replace("M: male", "M: man")),
        None,
        None,
        "cohort.sex.codes.M is 'man' — expected one of male, female",
    ),
    "mapping names no column of ours": (
        lambda f: _hospital(f, lambda d: None, lambda m: m.replace("  size_cm:", "  size:")),
        None,
        None,
        "cohort.size is not a column of a cohort file",
    ),
    "death before metastasis": (
        lambda f: _dates(f, lambda d: _set(d, 2, "death_date", dt.date(2005, 6, 1))),
        ":4",
        "death_date",
        "a death before the diagnosis of metastasis",
    ),
    "last visit before metastasis": (
        lambda f: _dates(f, lambda d: _set(d, CENSORED, "last_followup_date", _met(CENSORED) - dt.timedelta(days=1))),
        f":{CENSORED + 2}",
        "last_followup_date",
        f"value '{_met(CENSORED) - dt.timedelta(days=1)}' — expected a date on or after metastasis_date "
        f"({_met(CENSORED)}): a last visit before the diagnosis of metastasis",
    ),
    "last visit after death": (
        lambda f: _dates(f, lambda d: _set(d, DEAD, "last_followup_date", _dies(DEAD) + dt.timedelta(days=365))),
        f":{DEAD + 2}",
        "last_followup_date",
        "a last visit after death",
    ),
    "metastasis before the primary": (
        lambda f: _dates(f, lambda d: _set(d, 0, "primary_diagnosis_date", _met(0) + dt.timedelta(days=1))),
        ":2",
        "metastasis_date",
        "metastasis cannot be diagnosed before the primary tumour",
    ),
    "future date": (
        lambda f: _dates(f, lambda d: _set(d, 10, "last_followup_date", dt.date(2099, 1, 1)), "xlsx"),
        "sheet Sheet1, cell AC12",
        "last_followup_date",
        "value '2099-01-01' — expected a date in the past",
    ),
    "ambiguous date": (
        lambda f: _dates(f, lambda d: _set(d, 12, "primary_diagnosis_date", "03/04/2015")),
        ":14",
        "primary_diagnosis_date",
        "value '03/04/2015' — expected a date written YYYY-MM-DD",
    ),
    "months and their dates": (
        lambda f: _dates(f, lambda d: d.insert(5, "os_months", 12.0)),
        ":1",
        "last_followup_date",
        "either os_months or the dates it is derived from",
    ),
    "grade 3.5 in R": (lambda f: _r(f, "d$grade[6] <- 3.5"), "row 6", "grade", "value '3.5' — expected one of 2, 3"),
    "yes/no without a mapping in R": (
        lambda f: _r(f, 'd$death <- ifelse(d$death == 1, "yes", "no")'),
        "row 1",
        "death",
        f"value '{'yes' if FIRST_DIED else 'no'}' — expected 0 or 1",
    ),
    "SPSS code without a label": (_spss, "row 4", "sex", "value '3' — expected one of male, female"),
    "Excel formula without its value": (
        _formula,
        "sheet cohort, cell E5",
        "size_cm",
        "value '=2*3' — expected a value: the cell holds a formula",
    ),
    "workbook of two data sheets": (_two_sheets, None, None, "2 sheets (2019, 2020) — expected one sheet"),
}


def _tree(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_variant_is_rejected_by_file_row_and_column(name, tmp_path, monkeypatch):
    write, place, column, words = BAD[name]
    path, mapping = write(tmp_path)
    words = words.format(mapping=display(mapping) if mapping else "")
    before = _tree(tmp_path)
    monkeypatch.delenv("MAPPING", raising=False)
    problems = data.validate(path, "cohort", mapping=mapping)
    text = [str(p) for p in problems]
    hits = [t for t in text if words in t]
    assert hits, text
    if place is not None:
        where = f"{path}{place}" if place.startswith(":") else f"{path}, {place}"
        assert hits[0].startswith(f"{where}: column {column}: "), hits[0]
    with pytest.raises(data.DataError) as err:
        data.load_cohort(path, mapping=mapping)
    assert words in str(err.value)
    assert _tree(tmp_path) == before  # nothing written


def test_bad_dates_name_every_row_at_once(tmp_path):
    late = next(i for i in range(len(DATES)) if i > CENSORED and DATES.loc[i, "death_date"] is None)

    def change(d):
        _set(d, CENSORED, "last_followup_date", _met(CENSORED) - dt.timedelta(days=1))
        _set(d, late, "metastasis_date", dt.date(2031, 5, 2))

    path, _ = _dates(tmp_path, change)
    problems = data.validate(path, "cohort")
    assert [(p.line, p.column) for p in problems] == [
        (CENSORED + 2, "last_followup_date"),
        (late + 2, "metastasis_date"),
    ]


def test_one_mapping_for_the_cohort_and_its_regimens(folder, committed, tmp_path):
    """A mapping with a section per file: the regimens under the hospital's names, checked against the hospital's
    cohort read with the cohort's section."""
    regimens = dv.as_pandas(dv.REGIMENS).rename(columns={"patient_id": "Study ID", "pfs_event": "Progressed"})
    regimens["Progressed"] = regimens["Progressed"].map({1: "yes", 0: "no"})
    regimens.to_csv(tmp_path / "regimens.csv", index=False)
    cohort_section = dv.hospital_mapping("yaml")
    mapping = tmp_path / "both.yaml"
    mapping.write_text(
        cohort_section + "regimens:\n  patient_id: Study ID\n"
        "  pfs_event: {column: Progressed, codes: {yes: 1, no: 0}}\n"
    )
    loaded = data.load_regimens(tmp_path / "regimens.csv", cohort=folder["hospital"], mapping=mapping)
    pd.testing.assert_frame_equal(loaded, committed[1])
    problems = data.validate(tmp_path / "regimens.csv", "regimens", cohort=folder["hospital"])  # no mapping
    assert {p.column for p in problems} >= {"Study ID", "Progressed"}
