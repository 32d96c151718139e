"""helpers.data: the schema of the cohort and regimen files, validation messages, loading and provenance.

tests/bad_inputs/ holds a valid mini cohort (valid_cohort.csv, 5 patients) and regimen file (valid_regimens.csv),
and one file per kind of problem, each derived from them by a single change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import data, paths

BAD = Path(__file__).parent / "bad_inputs"
VALID_COHORT = BAD / "valid_cohort.csv"
VALID_REGIMENS = BAD / "valid_regimens.csv"
VALID_PRIMARY = BAD / "valid_primary_treatment.csv"

# file -> (line, column, words that must appear in the message); line None = a problem of the whole file
CASES = {
    "cohort_missing_column.csv": (1, "depth", "missing"),
    "cohort_extra_column.csv": (1, "bmi", "only the columns"),
    "cohort_wrong_type.csv": (3, "age_years", "value 'seventy' — expected a number"),
    "cohort_wrong_type_binary.csv": (4, "death", "value 'yes' — expected 0 or 1"),
    "cohort_zero_size.csv": (4, "size_cm", "value '0' — expected > 0"),
    "cohort_negative_time.csv": (2, "os_months", "value '-2.5' — expected > 0"),
    "cohort_negative_interval.csv": (6, "interval_to_metastasis_months", "value '-1' — expected >= 0"),
    "cohort_bad_category.csv": (5, "primary_site", "value 'arm' — expected one of extremity, trunk"),
    "cohort_bad_grade.csv": (2, "grade", "value '1' — expected one of 2, 3 or empty"),
    "cohort_year_out_of_range.csv": (6, "metastasis_year", "value '2021' — expected >= 2006 and <= 2020"),
    "cohort_implausible_age.csv": (3, "age_years", "value '150'"),
    "cohort_empty_required.csv": (4, "sex", "cannot be empty"),
    "cohort_duplicate_id.csv": (5, "patient_id", "value 'P02' — expected a unique patient_id (also on line 3)"),
    "cohort_status_vs_death.csv": (2, "status", "value 'DOD' — expected NED or AWD because death is 0"),
    "cohort_death_vs_status.csv": (3, "status", "value 'AWD' — expected DOD because death is 1"),
    "cohort_synchronous_with_interval.csv": (3, "interval_to_metastasis_months", "0 because presenting is synchronous"),
    "cohort_metachronous_zero_interval.csv": (
        4,
        "interval_to_metastasis_months",
        "> 0 because presenting is metachronous",
    ),
    "cohort_chemo_peri_without_curative.csv": (
        3,
        "chemo_peri_metastasectomy",
        "empty because metastasectomy_curative is 0",
    ),
    "cohort_chemo_peri_missing.csv": (2, "chemo_peri_metastasectomy", "0 or 1 because metastasectomy_curative is 1"),
    "cohort_response_without_chemo.csv": (5, "first_line_response", "empty because chemotherapy is 0"),
    "cohort_regimen_without_chemo.csv": (6, "first_line_regimen", "empty because chemotherapy is 0"),
    "cohort_curative_without_any.csv": (6, "metastasectomy_any", "1 because metastasectomy_curative is 1"),
    "cohort_recurrence_without_resection.csv": (3, "local_recurrence", "primary_resection is 0"),
    "cohort_sites_vs_site_columns.csv": (3, "initial_metastatic_sites", "site_lung, site_liver"),
    "cohort_lesions_below_sites.csv": (5, "initial_metastatic_lesions", ">= initial_metastatic_sites (3)"),
    "cohort_short_line.csv": (4, None, "10 fields — expected 30"),
    "regimens_missing_column.csv": (1, "pfs_event", "missing"),
    "regimens_bad_category.csv": (2, "regimen", "value 'DTIC' — expected one of DXR"),
    "regimens_zero_pfs.csv": (4, "pfs_months", "value '0' — expected > 0"),
    "regimens_duplicate_line.csv": (7, "line", "each line number once per patient"),
    "regimens_patient_not_in_cohort.csv": (3, "patient_id", "value 'P99' — expected a patient_id of the cohort file"),
    "regimens_patient_without_chemotherapy.csv": (
        5,
        "patient_id",
        "value 'P04' — expected a patient with chemotherapy 1",
    ),
    "primary_treatment_bad_regimen.csv": (
        6,
        "perioperative_chemo_primary_regimen",
        "value 'GEM+DOC' — expected one of DXR+IFM, other or empty",
    ),
    "primary_treatment_chemo_for_synchronous.csv": (
        3,
        "perioperative_chemo_primary",
        "value '0' — expected empty (it is given only when presenting is metachronous",
    ),
    "primary_treatment_chemo_missing.csv": (
        4,
        "perioperative_chemo_primary",
        "expected 0 or 1 because presenting is metachronous",
    ),
    "primary_treatment_regimen_without_chemo.csv": (
        4,
        "perioperative_chemo_primary_regimen",
        "value 'DXR+IFM' — expected empty because perioperative_chemo_primary is not 1",
    ),
    "primary_treatment_resection_without_recurrence.csv": (
        2,
        "local_recurrence_resection",
        "value '1' — expected empty (it is given only when local_recurrence is 1",
    ),
    "primary_treatment_missing_patient.csv": (
        None,
        None,
        "no line for 1 patient of the cohort file tests/bad_inputs/valid_cohort.csv (P04)",
    ),
    "primary_treatment_patient_not_in_cohort.csv": (
        5,
        "patient_id",
        "value 'P99' — expected a patient_id of the cohort file",
    ),
    "empty.csv": (None, None, "file is empty"),
    "header_only.csv": (None, None, "header only"),
    "not_csv.csv": (None, None, "not CSV text"),
    "semicolon.csv": (None, None, "not comma-separated"),
    "does_not_exist.csv": (None, None, "file not found"),
}


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers.data", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=paths.REPO,
    )


def _shown(path: Path) -> str:
    return str(path.relative_to(paths.REPO))


def test_columns_follow_issue_3_order():
    assert data.COHORT_COLUMNS[:3] == ["patient_id", "age_years", "sex"]
    assert data.COHORT_COLUMNS[-3:] == ["os_months", "death", "status"]
    assert len(data.COHORT_COLUMNS) == 30 == len(set(data.COHORT_COLUMNS))
    assert data.REGIMEN_COLUMNS == ["patient_id", "line", "regimen", "best_response", "pfs_months", "pfs_event"]
    # the primary-treatment file's columns are the published factors they reproduce
    from helpers.scorecard import rules

    assert data.PRIMARY_TREATMENT_COLUMNS[0] == "patient_id"
    assert data.PRIMARY_TREATMENT_COLUMNS[1:] == sorted(rules.NO_COLUMN, key=data.PRIMARY_TREATMENT_COLUMNS.index)


def test_valid_files_pass():
    assert data.validate(VALID_COHORT) == []
    assert data.validate(VALID_REGIMENS, cohort=VALID_COHORT) == []
    out = _cli("validate", str(VALID_COHORT))
    assert out.returncode == 0 and out.stdout.startswith("OK ") and "5 patients" in out.stdout
    out = _cli("validate", str(VALID_REGIMENS), "--cohort", str(VALID_COHORT))
    assert out.returncode == 0 and out.stdout.startswith("OK ") and "6 regimens" in out.stdout
    assert data.validate(VALID_PRIMARY, cohort=VALID_COHORT) == []
    out = _cli("validate", str(VALID_PRIMARY), "--cohort", str(VALID_COHORT))
    assert out.returncode == 0 and "valid primary_treatment file, 5 patients" in out.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_input_is_named_by_line_and_column(name):
    line, column, words = CASES[name]
    path = BAD / name
    problems = data.validate(path, cohort=VALID_COHORT)
    hits = [p for p in problems if p.line == line and p.column == column and words in str(p)]
    assert hits, f"no problem at line {line}, column {column} mentioning {words!r}: {[str(p) for p in problems]}"
    text = str(hits[0])
    prefix = _shown(path) if line is None else f"{_shown(path)}:{line}:"
    assert text.startswith(prefix)
    if column is not None:
        assert f"column {column}:" in text


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_rejects_bad_input(name, capsys, monkeypatch):
    """The command line (run in-process here; see the subprocess test below) prints one line per problem, exits 1."""
    line, column, words = CASES[name]
    path = BAD / name
    monkeypatch.chdir(paths.REPO)
    code = data.main(["validate", str(path.relative_to(paths.REPO)), "--cohort", str(VALID_COHORT)])
    out = capsys.readouterr()
    both = out.out + out.err
    assert code == 1
    assert "Traceback" not in both
    assert words in both
    if line is not None:
        assert f"{_shown(path)}:{line}: " in both
    if column is not None:
        assert f"column {column}:" in both


@pytest.mark.parametrize(
    "name",
    [
        "cohort_missing_column.csv",
        "cohort_wrong_type.csv",
        "cohort_status_vs_death.csv",
        "regimens_patient_not_in_cohort.csv",
        "not_csv.csv",
        "does_not_exist.csv",
    ],
)
def test_cli_process_exits_1_without_traceback(name):
    line, column, words = CASES[name]
    out = _cli("validate", str(BAD / name), "--cohort", str(VALID_COHORT))
    both = out.stdout + out.stderr
    assert out.returncode == 1
    assert "Traceback" not in both and words in both
    if line is not None:
        assert f"{_shown(BAD / name)}:{line}: " in both


def test_single_problem_files_report_exactly_one_kind_of_problem():
    """Each derived file differs from the valid one in one cell, so only that cell (or its duplicate) is reported."""
    for name, (_line, column, _) in CASES.items():
        if name.startswith(("cohort_", "regimens_")):
            problems = data.validate(BAD / name, cohort=VALID_COHORT)
            assert {p.column for p in problems} == {column}, (name, [str(p) for p in problems])


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    lines = VALID_COHORT.read_text().splitlines()
    lines[1] = lines[1].replace("P01,59,female", "P01,abc,Female").replace(",60.2,0,NED", ",-3,0,NED")
    lines[4] = lines[4].replace(",synchronous,0,", ",synchronous,5,")
    bad = tmp_path / "several.csv"
    bad.write_text("\n".join(lines) + "\n")
    found = {(p.line, p.column) for p in data.validate(bad)}
    assert found == {(2, "age_years"), (2, "sex"), (2, "os_months"), (5, "interval_to_metastasis_months")}


def test_malformed_cell_does_not_also_trip_a_rule(tmp_path):
    """'yes' in metastasectomy_curative is reported once, not again as a chemo_peri contradiction."""
    text = VALID_COHORT.read_text().replace(
        "P01,59,female,extremity,8,deep,3,metachronous,14.7,2010,1,1,1,0,0,0,0,0,1,1,1",
        "P01,59,female,extremity,8,deep,3,metachronous,14.7,2010,1,1,1,0,0,0,0,0,1,1,yes",
    )
    bad = tmp_path / "yes.csv"
    bad.write_text(text)
    problems = data.validate(bad)
    assert [(p.line, p.column, p.value) for p in problems] == [(2, "metastasectomy_curative", "yes")]


def test_kind_is_inferred_from_the_header(tmp_path):
    assert data.infer_kind(data.COHORT_COLUMNS) == "cohort"
    assert data.infer_kind(data.REGIMEN_COLUMNS) == "regimens"
    assert data.infer_kind(["a", "b", "c"]) is None
    other = tmp_path / "other.csv"
    other.write_text("name,colour\nx,red\n")
    out = _cli("validate", str(other))
    assert out.returncode == 1 and "neither" in out.stderr and "Traceback" not in out.stderr


def test_regimens_are_checked_against_an_invalid_cohort_plainly():
    problems = data.validate(VALID_REGIMENS, cohort=BAD / "cohort_wrong_type.csv")
    assert (
        len(problems) == 1
        and "cohort_wrong_type.csv" in str(problems[0])
        and "not a valid cohort file" in str(problems[0])
    )


def test_crlf_and_byte_order_mark_are_accepted(tmp_path):
    f = tmp_path / "windows.csv"
    f.write_bytes(b"\xef\xbb\xbf" + VALID_COHORT.read_bytes().replace(b"\n", b"\r\n"))
    assert data.validate(f) == []
    assert len(data.load_cohort(f)) == 5


def test_load_cohort_types():
    c = data.load_cohort(VALID_COHORT)
    assert list(c.columns) == data.COHORT_COLUMNS and len(c) == 5
    assert str(c["death"].dtype) == "Int64" and str(c["grade"].dtype) == "Int64"
    assert c["grade"].isna().sum() == 1 and c["chemo_peri_metastasectomy"].isna().sum() == 3
    assert c["os_months"].dtype == "float64" and c.loc[0, "os_months"] == 60.2
    assert c.loc[0, "sex"] == "female" and isinstance(c.loc[0, "patient_id"], str)
    assert c["first_line_response"].isna().sum() == 2
    r = data.load_regimens(VALID_REGIMENS, cohort=c)
    assert list(r.columns) == data.REGIMEN_COLUMNS and str(r["line"].dtype) == "Int64"
    assert r["pfs_months"].tolist() == [6.1, 3.5, 2.1, 4.9, 3.5, 1.2]


def test_loaders_raise_one_error_listing_every_problem():
    with pytest.raises(data.DataError) as err:
        data.load_cohort(BAD / "cohort_duplicate_id.csv")
    message = str(err.value)
    assert "not a valid cohort file (2 problems)" in message
    assert ":3: column patient_id" in message and ":5: column patient_id" in message
    assert len(err.value.problems) == 2
    with pytest.raises(data.DataError, match="file not found"):
        data.load_cohort(BAD / "does_not_exist.csv")
    with pytest.raises(data.DataError, match="P99"):
        data.load_regimens(BAD / "regimens_patient_not_in_cohort.csv", cohort=VALID_COHORT)


def test_loaders_default_to_the_environment(monkeypatch):
    monkeypatch.setenv("COHORT", str(VALID_COHORT))
    monkeypatch.setenv("REGIMENS", str(VALID_REGIMENS))
    assert len(data.load_cohort()) == 5
    assert len(data.load_regimens()) == 6  # checked against $COHORT


def test_regimens_available_follows_the_cohort(monkeypatch):
    monkeypatch.setenv("COHORT", str(VALID_COHORT))
    monkeypatch.delenv("REGIMENS", raising=False)
    assert not data.regimens_available()  # another cohort without REGIMENS: the synthetic regimens don't apply
    with pytest.raises(data.DataError, match="no regimen file"):
        data.load_regimens()
    assert "needs a regimen file" in data.regimens_missing_note()
    monkeypatch.setenv("REGIMENS", str(VALID_REGIMENS))
    assert data.regimens_available()
    monkeypatch.setenv("REGIMENS", str(BAD / "does_not_exist.csv"))
    assert not data.regimens_available()


def test_primary_treatment_loads_and_follows_the_cohort(monkeypatch):
    p = data.load_primary_treatment(VALID_PRIMARY, cohort=VALID_COHORT)
    assert list(p.columns) == data.PRIMARY_TREATMENT_COLUMNS and len(p) == 5
    assert p["perioperative_chemo_primary"].tolist()[:1] == [1] and p["perioperative_chemo_primary"].isna().sum() == 2
    assert p["perioperative_chemo_primary_regimen"].dropna().tolist() == ["DXR+IFM", "other"]
    monkeypatch.setenv("COHORT", str(VALID_COHORT))
    monkeypatch.delenv("PRIMARY_TREATMENT", raising=False)
    assert not data.primary_treatment_available()  # another cohort: the synthetic file does not describe it
    with pytest.raises(data.DataError, match="no primary-treatment file"):
        data.load_primary_treatment()
    assert "primary-treatment file" in data.primary_treatment_missing_note()
    monkeypatch.setenv("PRIMARY_TREATMENT", str(VALID_PRIMARY))
    assert data.primary_treatment_available() and len(data.load_primary_treatment()) == 5
    with pytest.raises(data.DataError, match="P04"):
        data.load_primary_treatment(BAD / "primary_treatment_missing_patient.csv")  # checked against $COHORT
    monkeypatch.delenv("COHORT")
    monkeypatch.delenv("PRIMARY_TREATMENT")
    assert data.primary_treatment_available()  # the synthetic cohort has its synthetic file
    assert data.is_synthetic_default(data.primary_treatment_path_or_none(), "primary_treatment")


def test_provenance_and_banner(monkeypatch, tmp_path):
    info = data.provenance(VALID_COHORT)
    assert info == {
        "path": "tests/bad_inputs/valid_cohort.csv",
        "sha256": hashlib.sha256(VALID_COHORT.read_bytes()).hexdigest(),
        "rows": 5,
    }
    own = data.cohort_banner(VALID_COHORT, VALID_REGIMENS)
    assert info["sha256"] in own and "not the project's synthetic data" in own and "5 patients" in own
    assert "synthetic reconstruction" not in own and "6 regimens" in own
    assert "Primary-tumour treatment" not in own  # the synthetic file does not go with another cohort
    own = data.cohort_banner(VALID_COHORT, VALID_REGIMENS, VALID_PRIMARY)
    assert "Primary-tumour treatment from `tests/bad_inputs/valid_primary_treatment.csv`" in own
    assert "synthetic reconstruction" not in own
    # the default files are announced as synthetic
    fake = tmp_path / "data"
    fake.mkdir()
    shutil.copy(VALID_COHORT, fake / "cohort.csv")
    monkeypatch.setattr(paths, "DEFAULT_COHORT", fake / "cohort.csv")
    monkeypatch.setattr(paths, "DEFAULT_REGIMENS", fake / "regimens.csv")
    monkeypatch.delenv("COHORT", raising=False)
    monkeypatch.delenv("REGIMENS", raising=False)
    default = data.cohort_banner()
    assert "synthetic reconstruction, not patient data" in default
    assert "No regimen file" in default  # fake/regimens.csv does not exist


def test_readme_documents_every_column():
    readme = (paths.DATA / "README.md").read_text()
    assert "SYNTHETIC" in readme and "RECONSTRUCTION.md" in readme
    for column in data.COHORT_COLUMNS + data.REGIMEN_COLUMNS + data.PRIMARY_TREATMENT_COLUMNS:
        assert f"`{column}`" in readme, column


def test_validate_frame_checks_a_dataframe_before_it_is_written():
    cohort = data.load_cohort(VALID_COHORT)
    assert data.validate_frame(cohort, "cohort") == []
    assert data.validate_frame(data.load_regimens(VALID_REGIMENS, cohort=cohort), "regimens", cohort=cohort) == []
    broken = cohort.copy()
    broken.loc[2, "death"] = 1  # P03 is AWD
    problems = data.validate_frame(broken, "cohort", name="out/cohort.csv")
    assert [str(p) for p in problems] == [
        "out/cohort.csv:4: column status: value 'AWD' — expected DOD because death is 1 "
        "(status is DOD exactly when death is 1)"
    ]


def test_regimen_problems_name_the_loaded_cohort_file():
    cohort = data.load_cohort(VALID_COHORT)
    problems = data.validate(BAD / "regimens_patient_not_in_cohort.csv", cohort=cohort)
    assert "the cohort file tests/bad_inputs/valid_cohort.csv" in str(problems[0])


@pytest.mark.parametrize(
    "content, words",
    [
        (b"patient_id\tline\tregimen\nP01\t1\tDXR\n", "tab-separated"),
        (
            "patient_id,line,regimen,best_response,pfs_months,pfs_event\nP01,1,DXR,PR,3,1\nP\xe9,2,PAZ,SD,2,1\n".encode(
                "latin-1"
            ),
            "not UTF-8",
        ),
        (b"   \n\n", "file is empty"),
    ],
)
def test_other_non_csv_inputs(tmp_path, content, words):
    f = tmp_path / "input.csv"
    f.write_bytes(content)
    problems = data.validate(f, cohort=VALID_COHORT)
    assert len(problems) == 1 and words in str(problems[0]) and str(f) in str(problems[0])


def test_messages_are_deterministic(tmp_path):
    """Same file, same output, whatever the string-hash seed (pandera reports some failures in set order)."""
    f = tmp_path / "mixed.csv"
    f.write_text(VALID_COHORT.read_text().replace("patient_id,age_years,sex", "patient_id,bmi,ecog", 1))
    outs = {_cli("validate", str(f), env={"PYTHONHASHSEED": seed}).stderr for seed in ("1", "2", "3")}
    assert len(outs) == 1
    lines = outs.pop().splitlines()
    assert [line.split(": value")[0].split(": missing")[0] for line in lines[:4]] == [
        f"{f}:1: column age_years",
        f"{f}:1: column sex",
        f"{f}:1: column bmi",
        f"{f}:1: column ecog",
    ]


def test_unparseable_large_numbers_are_reported(tmp_path):
    f = tmp_path / "huge.csv"
    f.write_text(VALID_COHORT.read_text().replace("P01,59,", "P01,1e999,", 1))
    assert [(p.line, p.column, p.value) for p in data.validate(f)] == [(2, "age_years", "1e999")]


# ---------------------------------------------------------------------------------------------------------------
# Reading what other tools write (see tests/test_formats.py for whole files in every format)
# ---------------------------------------------------------------------------------------------------------------


def _variant(tmp_path: Path, old: str, new: str, name: str = "variant.csv") -> Path:
    text = VALID_COHORT.read_text()
    assert old in text
    f = tmp_path / name
    f.write_text(text.replace(old, new))
    return f


def test_unambiguous_encodings_are_read_and_each_reported(tmp_path):
    """R's NA, TRUE/FALSE, 3.0 for 3 and spaces: read as ours, every change reported, the loaded values the same."""
    f = _variant(tmp_path, "P01,59,female,extremity,8,deep,3,", "P01,59, female ,extremity,8,deep,3.0,")
    text = f.read_text().replace(",60.2,0,NED", ",60.2,FALSE,NED")
    lines = text.splitlines()
    lines[3] = lines[3].replace(",,", ",NA,", 1)  # P03's empty grade written as R writes it
    f.write_text("\n".join(lines) + "\n")
    found = data.check(f)
    assert found.problems == []
    assert [str(n) for n in found.notes] == [
        "column sex: 1 value written with spaces around them, read without",
        "column grade: 1 value written as 3.0 read as 3",
        "column grade: 1 value written as NA read as empty",
        "column death: 1 value written as FALSE read as 0",
    ]
    pd.testing.assert_frame_equal(data.load_cohort(f), data.load_cohort(VALID_COHORT))
    assert data.load_cohort(f).attrs["notes"] == [str(n) for n in found.notes]


def test_a_changed_value_is_shown_as_written_and_as_read(tmp_path):
    f = _variant(tmp_path, ",60.2,0,NED", ",60.2,TRUE,NED")  # death 1, status NED: a contradiction
    assert [str(p) for p in data.validate(f)] == [
        f"{f}:2: column status: value 'NED' — expected DOD because death is 1 (status is DOD exactly when death is 1)"
    ]
    f = _variant(tmp_path, "P01,59,female", "P01,59,NA")
    assert [str(p) for p in data.validate(f)] == [
        f"{f}:2: column sex: value 'NA' (read as empty) — expected one of male, female (this column cannot be empty)"
    ]


def test_ambiguous_values_stay_errors(tmp_path):
    for old, new, column, value in [
        ("P01,59,female,extremity,8,deep,3,", "P01,59,female,extremity,8,deep,3.5,", "grade", "3.5"),
        (",60.2,0,NED", ",60.2,no,NED", "death", "no"),
        (",60.2,0,NED", ",60.2,0.5,NED", "death", "0.5"),
        ("P01,59,", "P01,NaN,", "age_years", "NaN"),
    ]:
        f = _variant(tmp_path, old, new)
        assert [(p.line, p.column, p.value) for p in data.validate(f)] == [(2, column, value)], (old, new)


def test_row_names_are_dropped_only_when_they_are_row_numbers(tmp_path):
    lines = VALID_COHORT.read_text().splitlines()
    f = tmp_path / "rownames.csv"
    f.write_text("\n".join(['""' + "," + lines[0]] + [f'"{i}",{line}' for i, line in enumerate(lines[1:], 1)]) + "\n")
    found = data.check(f)
    assert (
        found.problems == []
        and str(found.notes[0]) == "the first column, unnamed, holds R's row names (1 to 5): not read"
    )
    f.write_text("\n".join(["," + lines[0]] + [f"x{i},{line}" for i, line in enumerate(lines[1:], 1)]) + "\n")
    assert any("a column name in every header field" in str(p) for p in data.validate(f))


def test_problem_places_and_labels():
    p = data.Problem(
        "h.xlsx",
        5,
        "sex",
        "male",
        "one of the codes",
        place="sheet Patients, cell D5",
        label="Gender (sex)",
        written="M",
    )
    assert (
        str(p) == "h.xlsx, sheet Patients, cell D5: column Gender (sex): value 'M' (read as 'male') — expected "
        "one of the codes"
    )
    assert (
        str(data.Problem("c.rds", 0, "depth", None, "a column", place="column names"))
        == "c.rds, column names: column depth: missing — expected a column"
    )


# ---------------------------------------------------------------------------------------------------------------
# Mapping files
# ---------------------------------------------------------------------------------------------------------------


def test_yaml_mapping_keeps_every_code_as_written(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text(
        "death: {column: Dead, codes: {yes: 1, no: 0}}\ngrade: {column: G, codes: {01: 2, '3': 3}, "
        "missing: [unknown, 9]}\nsheet: Patients\n"
    )
    section = data.read_mapping(m).section("cohort")
    assert section.columns["death"].codes == {"yes": "1", "no": "0"}  # not booleans
    assert section.columns["grade"].codes == {"01": "2", "3": "3"} and section.columns["grade"].missing == (
        "unknown",
        "9",
    )
    assert section.sheet == "Patients" and section.renamed() == {"death": "Dead", "grade": "G"}


def test_toml_mapping_by_section(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(
        '[cohort]\nsex = { column = "Gender", codes = { M = "male", F = "female" } }\n'
        '[regimens]\nline = "Line"\npfs_event = { column = "Progressed", codes = { 1 = 1, 2 = 0 } }\n'
    )
    mapping = data.read_mapping(m)
    assert mapping.section("cohort").columns["sex"].source == "Gender"
    assert mapping.section("regimens").columns["pfs_event"].codes == {"1": "1", "2": "0"}


@pytest.mark.parametrize(
    "text, suffix, words",
    [
        ("sex: {column: Gender, codes: {M: man}}\n", "yaml", "sex.codes.M is 'man' — expected one of male, female"),
        ("gender: Gender\n", "yaml", "gender is not a column of a cohort file"),
        ("cohort: {sex: Gender}\nage_years: Age\n", "yaml", "top-level entries age_years beside sections cohort"),
        ("sex: {column: Gender, colour: red}\n", "yaml", "sex.colour is not a setting of a column"),
        ("sex: [Gender\n", "yaml", "not YAML"),
        ("sex = \n", "toml", "not TOML"),
        ("grade: {codes: {II: 2}, missing: [II]}\n", "yaml", "grade.missing lists 'II', which codes also recodes"),
        ("sex: Gender\n", "json", "a .json file — expected a mapping file ending in .yaml, .yml or .toml"),
    ],
)
def test_mapping_file_problems_are_named(tmp_path, text, suffix, words):
    m = tmp_path / f"m.{suffix}"
    m.write_text(text)
    with pytest.raises(data.DataError) as err:
        data.read_mapping(m)
    assert words in str(err.value) and f"{m}" in str(err.value)
    problems = data.validate(VALID_COHORT, mapping=m)  # a file is never read with a broken mapping
    assert problems and all(str(p).startswith(str(m)) for p in problems)


def test_mapping_comes_from_the_environment_but_never_for_the_synthetic_files(tmp_path, monkeypatch):
    f = tmp_path / "own.csv"
    f.write_text(
        VALID_COHORT.read_text()
        .replace("patient_id,age_years,sex", "ID,age_years,Gender", 1)
        .replace(",female,", ",F,")
        .replace(",male,", ",M,")
    )
    m = tmp_path / "m.yaml"
    m.write_text("patient_id: ID\nsex: {column: Gender, codes: {M: male, F: female}}\n")
    assert data.validate(f) != []
    monkeypatch.setenv("MAPPING", str(m))
    assert paths.mapping_path() == m.resolve()
    assert (
        data.validate(f) == []
        and data.infer_kind(["ID", "Gender"] + data.COHORT_COLUMNS[3:], data.read_mapping(m)) == "cohort"
    )
    pd.testing.assert_frame_equal(data.load_cohort(f), data.load_cohort(VALID_COHORT, mapping=False))
    assert data.validate(paths.DEFAULT_COHORT) == []  # the synthetic cohort keeps our own names
    assert data.validate(f, mapping=False) != []
    out = _cli("validate", str(f), env={"MAPPING": str(m)})
    assert out.returncode == 0 and f"mapped by {m}" in out.stdout


def test_readme_column_tables_are_the_specs_documentation():
    """data/README.md's tables and the template's documentation sheet come from one text (specs.DOCS)."""
    from helpers.data import specs

    readme = (paths.DATA / "README.md").read_text()
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5:
            rows.setdefault(cells[0].strip("`"), []).append(tuple(cells[1:]))
    for kind, docs in specs.DOCS.items():
        assert list(docs) == [s.name for s in data.SPECS[kind]]
        for column, doc in docs.items():
            assert doc in rows[column], (kind, column)
    for column, doc in specs.DATE_DOCS.items():
        assert rows[column] == [doc], column


# ---------------------------------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------------------------------


def test_template_csv_and_its_documentation(tmp_path):
    out = _cli("template", "--out", str(tmp_path / "mine.csv"))
    assert out.returncode == 0 and "wrote" in out.stdout
    assert (tmp_path / "mine.csv").read_text() == ",".join(data.COHORT_COLUMNS) + "\n"
    doc = pd.read_csv(tmp_path / "mine.columns.csv", keep_default_na=False)
    assert doc["column"].tolist() == data.COHORT_COLUMNS + data.DATE_COLUMNS
    assert doc.set_index("column").loc["sex", "allowed values"] == "male, female"
    assert doc.set_index("column").loc["os_months", "unit / type"] == "months (number)"
    assert "instead of os_months" in doc.set_index("column").loc["last_followup_date", "meaning"]
    again = _cli("template", "--out", str(tmp_path / "mine.csv"))
    assert again.returncode == 1 and "already exists" in again.stderr and "nothing was written" in again.stderr


def test_template_workbook_is_deterministic_and_fills_in(tmp_path):
    import openpyxl

    first = data.write_template(tmp_path / "a.xlsx")
    second = data.write_template(tmp_path / "b.xlsx", "cohort")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert first == [tmp_path / "a.xlsx"] and second == [tmp_path / "b.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["cohort", "columns"]
    assert [c.value for c in wb["cohort"][1]] == data.COHORT_COLUMNS
    documented = [r[0] for r in wb["columns"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert documented == data.COHORT_COLUMNS + data.DATE_COLUMNS
    # filled in with the valid mini cohort, the template is a valid cohort file
    ws = wb["cohort"]
    for row in pd.read_csv(VALID_COHORT, dtype=str, keep_default_na=False).itertuples(index=False):
        ws.append([None if v == "" else v for v in row])
    wb.save(tmp_path / "filled.xlsx")
    pd.testing.assert_frame_equal(data.load_cohort(tmp_path / "filled.xlsx"), data.load_cohort(VALID_COHORT))


def test_template_refuses_what_it_cannot_write_whole(tmp_path):
    with pytest.raises(data.DataError, match="FILE.csv or FILE.xlsx"):
        data.write_template(tmp_path / "t.json")
    with pytest.raises(data.DataError, match="folder does not exist"):
        data.write_template(tmp_path / "nope" / "t.csv")
    (tmp_path / "t.columns.csv").write_text("mine\n")
    with pytest.raises(data.DataError, match="already exists"):
        data.write_template(tmp_path / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.columns.csv"]  # nothing half-written
    assert (tmp_path / "t.columns.csv").read_text() == "mine\n"


def test_readme_mapping_examples_are_valid_mappings(tmp_path):
    readme = (paths.DATA / "README.md").read_text()
    for fence in ("yaml", "toml"):
        example = readme.split(f"```{fence}\n", 1)[1].split("```", 1)[0]
        f = tmp_path / f"example.{fence}"
        f.write_text(example)
        mapping = data.read_mapping(f)
        assert mapping.section("cohort").columns["sex"].codes == {"M": "male", "F": "female"}
        assert mapping.section("cohort").sheet == "Patients"
