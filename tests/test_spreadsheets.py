"""Spreadsheets as a hospital keeps them: each case built here, from the valid mini cohort of tests/bad_inputs/, as
a user would save it (a title above the header, Shift-JIS, days, ○ or blank, decimal commas, a header on two
lines, dates as text or in Japanese eras, a totals row, full-width digits, SPSS labels, R's format 3), and each
read as ours with what reading did reported, or refused with a message naming the cause.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import data, paths
from helpers.data.problems import SHOWN

BAD = Path(__file__).parent / "bad_inputs"
VALID_COHORT = BAD / "valid_cohort.csv"
VALID_REGIMENS = BAD / "valid_regimens.csv"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch):
    for name in ("COHORT", "REGIMENS", "PRIMARY_TREATMENT", "MAPPING"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def valid():
    return data.load_cohort(VALID_COHORT)


def _frame() -> pd.DataFrame:
    return pd.read_csv(VALID_COHORT, dtype=str, keep_default_na=False)


def _workbook(path: Path, frame: pd.DataFrame, above: list[list] = (), below: list[list] = ()) -> Path:
    """``frame`` on sheet cohort, under the rows ``above`` (a title, a blank row) and over the rows ``below``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "cohort"
    for row in above:
        ws.append(row)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for row in below:
        ws.append(row)
    wb.save(path)
    return path


def _cell(text: str):
    """A cell as Excel keeps a value typed into it: a number, or text (empty: no cell)."""
    if text == "":
        return None
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _messages(path: Path, mapping=False, kind="cohort", cohort=None) -> list[str]:
    return [str(p) for p in data.validate(path, kind, cohort=cohort, mapping=mapping)]


def _notes(path: Path, mapping=False) -> list[str]:
    found = data.check(path, "cohort", mapping=mapping)
    assert found.problems == [], [str(p) for p in found.problems]
    return [str(n) for n in found.notes]


# ---- a title above the header ---------------------------------------------------------------------------------


def test_a_title_above_the_header_is_skipped_and_said(tmp_path, valid):
    book = _workbook(tmp_path / "titled.xlsx", _frame(), above=[["症例一覧 2021"], []])
    assert _notes(book)[0] == (
        "the header is row 3, the first that names the file's columns (30 known names); "
        "row 1 ('症例一覧 2021') above it not read (give header_row: 3 in the mapping to say so)"
    )
    pd.testing.assert_frame_equal(data.load_cohort(book, mapping=False), valid, check_like=False)


def test_a_title_line_above_a_csv_header_is_skipped_and_said(tmp_path, valid):
    f = tmp_path / "titled.csv"
    width = len(data.COHORT_COLUMNS)
    f.write_text("Patient list," + "," * (width - 2) + "\n" + VALID_COHORT.read_text())
    assert _notes(f)[0].startswith("the header is line 2, the first that names the file's columns")
    pd.testing.assert_frame_equal(data.load_cohort(f, mapping=False), valid)


def test_a_title_above_a_header_of_unknown_names_is_refused_as_such(tmp_path):
    frame = _frame().rename(columns={c: f"項目{i}" for i, c in enumerate(data.COHORT_COLUMNS)})
    book = _workbook(tmp_path / "titled.xlsx", frame, above=[["症例一覧"]])
    assert _messages(book) == [
        f"{book}, sheet cohort, row 1: row 1 holds a single cell ('症例一覧') above row 2 of 30 cells: a title "
        "above the header? — expected the header as the first non-empty row: delete the title, or give "
        "header_row: 2 in the mapping"
    ]


def test_the_mappings_header_row_is_the_header(tmp_path, valid):
    book = _workbook(tmp_path / "titled.xlsx", _frame(), above=[["Patients"], ["exported 2021-04-01", "by", "me"]])
    mapping = _mapping(tmp_path, "header_row: 3\n")
    assert _notes(book, mapping)[0] == (
        "the header is row 3 (the mapping's header_row); rows 1 to 2 ('Patients', 'exported 2021-04-01', 'by') "
        "above it not read"
    )
    pd.testing.assert_frame_equal(data.load_cohort(book, mapping=mapping), valid)


def test_a_long_list_of_problems_is_cut_to_the_first_and_counted(tmp_path, capsys):
    f = tmp_path / "many.csv"
    text = VALID_COHORT.read_text().replace(",deep,", ",DEEP,").replace(",superficial,", ",SUPERFICIAL,")
    lines = text.splitlines()
    f.write_text("\n".join(lines[:1] + lines[1:] * 8) + "\n")  # 40 rows: 40 bad depths and 35 repeated ids
    problems = data.validate(f, mapping=False)
    assert len(problems) > SHOWN
    assert data.main(["validate", str(f)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == SHOWN + 2
    assert err[SHOWN] == f"... and {len(problems) - SHOWN} more problems (the first {SHOWN} are listed)"
    with pytest.raises(data.DataError) as e:
        data.load_cohort(f, mapping=False)
    assert str(e.value).splitlines()[-1] == f"  ... and {len(problems) - SHOWN} more problems (the first 25 are listed)"
    assert len(e.value.problems) == len(problems)


# ---- encodings ------------------------------------------------------------------------------------------------


def test_shift_jis_is_named_in_the_error_and_read_with_the_mappings_encoding(tmp_path, valid):
    frame = _frame().rename(columns={"patient_id": "症例番号"})
    f = tmp_path / "sjis.csv"
    f.write_bytes(frame.to_csv(index=False).encode("cp932"))
    mapping = _mapping(tmp_path, "patient_id: 症例番号\n")
    assert _messages(f, mapping) == [
        f"{f}: not UTF-8 text (at byte 0): it reads as Shift-JIS (cp932), the encoding Japanese Excel saves CSV "
        "in — expected UTF-8 text, or encoding: cp932 in the mapping (or save it from Excel as 'CSV UTF-8')"
    ]
    mapping = _mapping(tmp_path, "encoding: cp932\npatient_id: 症例番号\n")
    assert _notes(f, mapping)[0] == "read as cp932 text (the mapping's encoding)"
    pd.testing.assert_frame_equal(data.load_cohort(f, mapping=mapping), valid)


def test_another_encoding_asks_for_it(tmp_path):
    f = tmp_path / "latin.csv"
    f.write_bytes(VALID_COHORT.read_text().replace("P01", "Pé1").encode("latin-1"))
    (message,) = _messages(f)
    assert "not UTF-8 text (at byte" in message and "the file's encoding in the mapping (encoding: cp1252" in message


# ---- times in days ---------------------------------------------------------------------------------------------


def test_survival_in_days_asks_days_and_is_read_with_a_unit(tmp_path, valid):
    frame = _frame()
    frame["os_months"] = [str(round(float(m) * 30.4375)) for m in frame["os_months"]]
    f = tmp_path / "days.csv"
    frame.to_csv(f, index=False)
    over = [m for m in frame["os_months"] if float(m) > 600]
    assert 0 < len(over) < len(frame)  # some would pass as months: the whole column is questioned
    messages = _messages(f)
    assert messages[0] == (
        f"{f}:1: column os_months: {len(over)} of {len(frame)} times over 600 months (up to "
        f"{max(over, key=float)}): days rather than months? — expected times in months, or their unit in the "
        "mapping (os_months: {column: os_months, unit: days}, read as days / 30.4375)"
    )
    mapping = _mapping(tmp_path, "os_months: {column: os_months, unit: days}\n")
    assert any(
        n.startswith("column os_months: 5 values in days read as months (days / 30.4375") for n in _notes(f, mapping)
    )
    loaded = data.load_cohort(f, mapping=mapping)
    expected = frame["os_months"].astype(float) / 30.4375
    assert list(loaded["os_months"]) == list(expected)
    assert (loaded["os_months"] - valid["os_months"]).abs().max() <= 0.5 / 30.4375 + 1e-9  # within half a day


# ---- a blank cell that means "no" ------------------------------------------------------------------------------


def test_a_blank_cell_means_the_mappings_empty_value(tmp_path, valid):
    frame = _frame()
    frame["site_lung"] = frame["site_lung"].map({"1": "○", "0": ""})
    book = _workbook(tmp_path / "marks.xlsx", frame)
    assert any("column site_lung: " in m for m in _messages(book))
    mapping = _mapping(tmp_path, "site_lung: {column: site_lung, codes: {○: 1}, empty: 0}\n")
    lung = list(valid["site_lung"])
    assert _notes(book, mapping) == [
        f"column site_lung: {lung.count(1)} values recoded by {mapping}: ○ as 1",
        f"column site_lung: {lung.count(0)} value{'s' if lung.count(0) != 1 else ''} left empty read as 0 "
        f"({mapping}'s empty)",
    ]
    pd.testing.assert_frame_equal(data.load_cohort(book, mapping=mapping), valid)


# ---- decimal commas, a header on two lines, dates as text, era dates -------------------------------------------


def test_a_decimal_comma_is_named(tmp_path):
    frame = _frame()
    frame.loc[0, "size_cm"] = "8,5"
    f = tmp_path / "comma.csv"
    frame.to_csv(f, index=False)
    assert _messages(f) == [
        f"{f}:2: column size_cm: value '8,5' — expected a number written with a decimal point (8.5): this one has "
        "a comma (a decimal comma, or a thousands separator?)"
    ]
    f.write_text(VALID_COHORT.read_text().replace(",8,deep,", ",8,5,deep,"))  # unquoted: one field too many
    (message,) = _messages(f)
    assert message.endswith("(a decimal comma, or a comma in a value without quotes around it?)")


def test_a_header_written_on_two_lines_is_read_as_one(tmp_path, valid):
    frame = _frame().rename(columns={"patient_id": "症例\n番号", "age_years": "Age at\nmetastasis"})
    book = _workbook(tmp_path / "wrapped.xlsx", frame)
    mapping = _mapping(tmp_path, "patient_id: 症例番号\nage_years: Age at metastasis\n")
    assert _notes(book, mapping)[0] == "2 column names written on two lines read as one: 症例番号, Age at metastasis"
    pd.testing.assert_frame_equal(data.load_cohort(book, mapping=mapping), valid)


def _dates(frame_change) -> pd.DataFrame:
    """The mini cohort with dates instead of months (whole days, so its months differ from the valid ones)."""
    frame = _frame()
    met = [dt.date(int(y), 3, 1) for y in frame["metastasis_year"]]
    out = frame.drop(columns=["interval_to_metastasis_months", "metastasis_year", "os_months", "death"])
    out["primary_diagnosis_date"] = [
        m - dt.timedelta(days=round(float(i) * 30.4375)) for m, i in zip(met, frame["interval_to_metastasis_months"])
    ]
    out["metastasis_date"] = met
    end = [m + dt.timedelta(days=round(float(o) * 30.4375)) for m, o in zip(met, frame["os_months"])]
    out["last_followup_date"] = end
    out["death_date"] = [e if d == "1" else None for e, d in zip(end, frame["death"])]
    frame_change(out)
    return out


def test_a_date_as_text_names_the_date_format_that_reads_it(tmp_path):
    def slashes(d):
        d["metastasis_date"] = [x.strftime("%Y/%m/%d") for x in d["metastasis_date"]]

    f = tmp_path / "slashes.csv"
    frame = _dates(slashes)
    frame.to_csv(f, index=False)
    first = frame.loc[0, "metastasis_date"]
    assert _messages(f)[0] == (
        f"{f}:2: column metastasis_date: value '{first}' — expected a date written YYYY-MM-DD, or a date cell "
        '(this is text: date_format: "%Y/%m/%d" in the mapping reads it)'
    )
    assert data.validate(f, mapping=_mapping(tmp_path, 'date_format: "%Y/%m/%d"\n')) == []
    frame.loc[0, "metastasis_date"] = "03/04/2015"
    frame.to_csv(f, index=False)
    assert _messages(f)[0].endswith(
        '(this is text: date_format: "%d/%m/%Y" or "%m/%d/%Y" in the mapping, whichever the file uses)'
    )


def test_japanese_era_dates_are_read_and_reported(tmp_path):
    def eras(d):
        d["metastasis_date"] = [f"H{x.year - 1988}.{x.month}.{x.day}" for x in d["metastasis_date"]]

    f, iso = tmp_path / "era.csv", tmp_path / "iso.csv"
    _dates(eras).to_csv(f, index=False)
    _dates(lambda d: None).to_csv(iso, index=False)
    notes = _notes(f)
    assert any(n.startswith("column metastasis_date: 5 values written as Japanese era dates (H") for n in notes)
    pd.testing.assert_frame_equal(data.load_cohort(f, mapping=False), data.load_cohort(iso, mapping=False))
    frame = _dates(eras)
    frame.loc[1, "metastasis_date"] = "平成27年2月30日"
    frame.to_csv(f, index=False)
    assert _messages(f)[0] == (
        f"{f}:3: column metastasis_date: value '平成27年2月30日' — expected a date written YYYY-MM-DD, or a date cell "
        "(this Japanese era date does not exist)"
    )


# ---- a totals row, full-width digits ---------------------------------------------------------------------------


def test_a_totals_row_is_refused_as_such(tmp_path):
    n = len(_frame()) + 1
    book = _workbook(tmp_path / "totals.xlsx", _frame(), below=[[None, f"=AVERAGE(B2:B{n})"]])
    assert _messages(book) == [
        f"{book}, sheet cohort, row {n + 1}: a totals row (cell B{n + 1} holds =AVERAGE(B2:B{n}), over several "
        "rows) — expected one row per record: a totals row is not data (delete it, or move it to another sheet)"
    ]
    f = tmp_path / "totals.csv"
    f.write_text(VALID_COHORT.read_text() + "合計,," + "," * (len(data.COHORT_COLUMNS) - 3) + "\n")
    assert _messages(f) == [
        f"{f}:{n + 1}: a totals row ('合計') — expected one row per record: a totals row is not data "
        "(delete it, or move it to another sheet)"
    ]


def test_full_width_digits_are_read_and_reported(tmp_path, valid):
    f = tmp_path / "wide.csv"
    f.write_text(VALID_COHORT.read_text().replace("P01,59,", "P01,５９,"))
    assert _notes(f)[0] == "column age_years: 1 value written with full-width characters (５９) read as 59"
    pd.testing.assert_frame_equal(data.load_cohort(f, mapping=False), valid)


# ---- SPSS labels and missing:, R's format 3 --------------------------------------------------------------------


def test_missing_matches_an_spss_value_label(tmp_path, valid):
    import pyreadstat

    frame = pd.read_csv(VALID_COHORT)
    frame["grade"] = frame["grade"].fillna(9)
    f = tmp_path / "labels.sav"
    pyreadstat.write_sav(frame, f, variable_value_labels={"grade": {2: "G2", 3: "G3", 9: "unknown"}})
    mapping = _mapping(tmp_path, "grade: {column: grade, missing: [unknown]}\n")
    assert f"column grade: 1 value recoded by {mapping} as missing (9 (unknown))" in _notes(f, mapping)
    pd.testing.assert_frame_equal(data.load_cohort(f, mapping=mapping), valid)


def test_an_r_file_in_format_3_says_how_to_save_it_readably(tmp_path):
    if shutil.which("Rscript") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Rscript not found: CI must install R (r-base-core) to write the R file")
        pytest.skip("Rscript not installed (this test fails instead of skipping under CI=true)")
    code = 'd <- data.frame(patient_id = as.factor(seq(1, 5))); saveRDS(d, "v3.rds"); saveRDS(d, "v2.rds", version = 2)'
    subprocess.run(["Rscript", "--vanilla", "-e", code], cwd=tmp_path, check=True, capture_output=True, timeout=120)
    (message,) = _messages(tmp_path / "v3.rds")
    assert "saved by R 3.5 or later in its format 3" in message
    assert message.endswith(
        'expected the file saved again in format 2: saveRDS(x, "file.rds", version = 2), or '
        'save(..., file = "file.RData", version = 2)'
    )
    assert "format 3" not in " ".join(_messages(tmp_path / "v2.rds"))  # read: its problems are its missing columns


# ---- the command line -------------------------------------------------------------------------------------------


def test_a_regimens_file_without_its_cohort_is_refused(tmp_path, capsys):
    f = tmp_path / "regimens.csv"
    shutil.copy(VALID_REGIMENS, f)
    assert data.main(["validate", str(f)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{f}: a regimens file is checked against the cohort it refers to: give it with --cohort COHORT_FILE "
        "(or $COHORT); without it, the file would be checked against the synthetic data/cohort.csv, whose "
        "patients are not yours"
    )
    assert data.main(["validate", str(f), "--cohort", str(VALID_COHORT)]) == 0
    assert data.main(["validate", str(paths.DEFAULT_REGIMENS)]) == 0  # the synthetic regimens and their cohort


def test_the_synthetic_cohort_is_never_read_with_the_users_mapping(tmp_path):
    regimens = pd.read_csv(paths.DEFAULT_REGIMENS).rename(columns={"patient_id": "Study ID"})
    f = tmp_path / "regimens.csv"
    regimens.to_csv(f, index=False)
    mapping = _mapping(tmp_path, "cohort:\n  patient_id: Study ID\nregimens:\n  patient_id: Study ID\n")
    assert data.validate(f, "regimens", cohort=paths.DEFAULT_COHORT, mapping=mapping) == []


def test_validate_into_a_closed_pipe_ends_quietly(tmp_path):
    f = tmp_path / "many.csv"
    lines = VALID_COHORT.read_text().splitlines()
    f.write_text("\n".join(lines[:1] + [ln.replace(",deep,", ",DEEP,") for ln in lines[1:] * 200]) + "\n")
    run = subprocess.Popen(
        [sys.executable, "-m", "helpers.data", "validate", str(f)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=paths.REPO,
    )
    run.stdout.close()  # `| head` that has read enough
    err = run.stderr.read().decode()
    run.wait(timeout=300)
    assert "Traceback" not in err and "BrokenPipeError" not in err


# ---- the mapping's new keys are checked ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("header_row: two\n", "header_row is 'two' — expected the number of the header's row (line), 1 for the first"),
        ("encoding: shift-jiss\n", "encoding is 'shift-jiss' — expected a text encoding Python knows"),
        ("os_months: {column: OS, unit: fortnights}\n", "os_months.unit is 'fortnights' — expected one of days"),
        (
            "age_years: {column: Age, unit: days}\n",
            "age_years.unit is given — expected a unit only for a time in months",
        ),
        ("site_lung: {column: Lung, empty: no}\n", "site_lung.empty is 'no' — expected one of 0, 1"),
    ],
)
def test_the_new_mapping_keys_are_checked(tmp_path, text, words):
    _, problems = data.mapping.load_mapping(_mapping(tmp_path, text))
    assert any(words in str(p) for p in problems), [str(p) for p in problems]
