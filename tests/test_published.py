"""data/published/ and helpers.published: schema, keys, and spot checks of the transcription."""

import shutil

import pandas as pd
import pytest

from helpers import factors, published
from helpers.published import COLUMNS, PublishedDataError


@pytest.fixture(scope="module")
def pub():
    return published.load()


def test_schema_and_dtypes(pub):
    assert list(pub.columns) == COLUMNS
    assert pub["value"].dtype == "float64"
    assert str(pub["decimals"].dtype) == "Int64"
    assert pub["not_reached"].dtype == bool
    assert set(pub["source"]) == set(published.SOURCES)
    assert set(pub["cohort"]) <= set(published.COHORTS)


def test_ids_unique_and_prefixed(pub):
    assert pub["id"].is_unique
    prefix = {
        "Table 1": "t1.",
        "Table 2": "t2.",
        "Table 3": "t3.",
        "Table 4": "t4.",
        "Table 5": "t5.",
        "Text": "text.",
        "Abstract": "abs.",
    }
    assert all(i.startswith(prefix[s]) for i, s in zip(pub["id"], pub["source"]))


@pytest.mark.parametrize(
    "source,table,cohort",
    [
        ("Table 1", factors.TABLE1, "all"),
        ("Table 4", factors.TABLE4, "metastasectomy"),
        ("Table 5", factors.TABLE5, "no_metastasectomy"),
    ],
)
def test_every_table_factor_level_present(pub, source, table, cohort):
    t = pub[pub["source"] == source]
    assert set(t["cohort"]) == {cohort}
    assert list(dict.fromkeys(t["factor"])) == table  # paper's row order
    for key in table:
        f = t[t["factor"] == key]
        want = set(factors.FACTORS[key].levels) | ({"NA"} if key == "grade" else set())
        assert set(f.loc[f["statistic"] == "n", "level"]) == want
        assert len(f[f["statistic"] == "p"]) == 1
        assert set(f.loc[f["statistic"] == "median_os", "level"]) == set(factors.FACTORS[key].levels)


def test_table2_and_table3_keys(pub):
    t2 = pub[pub["source"] == "Table 2"]
    assert set(t2["level"]) == {"DXR", "DXR+IFM", "GEM+DOC", "PAZ", "TRB", "ERB"}
    assert (
        t2.groupby("level")["statistic"].apply(set) == {"n", "cr", "pr", "sd", "pd", "orr", "dcr", "median_pfs"}
    ).all()
    t3 = pub[pub["source"] == "Table 3"]
    assert list(dict.fromkeys(t3["factor"])) == list(factors.COX_COVARIATES)
    assert (t3.groupby("factor")["statistic"].apply(set) == {"hr", "ci_low", "ci_high", "p"}).all()


def test_counts_are_integers(pub):
    counts = pub[pub["statistic"].isin(["n", "count", "cr", "pr", "sd", "pd"])]
    assert len(counts) > 100
    assert (counts["decimals"] == 0).all()
    assert (counts["value"] == counts["value"].round()).all()


def test_bounds(pub):
    bounded = pub[pub["bound"] == "<"]
    assert set(bounded["statistic"]) == {"p"}
    assert (bounded["value"] == 0.001).all()
    assert {"t1.size.p", "t1.metastasectomy_curative.p", "t5.chemotherapy.p", "text.3_3.size.p"} <= set(bounded["id"])
    assert published.lookup("t1.presenting.p", pub)["bound"] == ""


def test_not_reached(pub):
    nr = pub[pub["not_reached"]]
    assert set(nr["id"]) == {
        "t1.depth.superficial.median_os",
        "t4.depth.superficial.median_os",
        "t4.initial_metastatic_lesions.>1.median_os",
        "t4.radiotherapy.no.median_os",
    }
    assert nr["value"].isna().all() and nr["decimals"].isna().all()
    assert pub.loc[~pub["not_reached"], "value"].notna().all()


def test_printed_decimals(pub):
    r = published.lookup("t4.primary_site.retroperitoneum.median_os", pub)
    assert (r["value"], r["decimals"]) == (76.05, 2)
    assert published.lookup("t1.primary_site.trunk.median_os", pub)["decimals"] == 0  # "83"
    assert published.lookup("t1.radiotherapy.p", pub)["decimals"] == 2  # "0.91"
    assert published.lookup("t1.sex.male.percent", pub)["decimals"] == 0  # "41"
    assert published.lookup("t3.synchronous.ci_high", pub)["decimals"] == 1  # "4.4"


def test_table4_lesions_label(pub):
    r = published.lookup("t4.initial_metastatic_lesions.>1.n", pub)
    assert (r["level"], r["label"], r["value"]) == (">1", "2", 6)


def test_select_and_value(pub):
    assert len(published.select(pub, source="Table 2", statistic="n")) == 6
    assert len(published.select(pub, source=["Table 4", "Table 5"], factor="grade", level="NA")) == 2
    assert published.value("t2.PAZ.n", pub) == 24
    with pytest.raises(KeyError):
        published.lookup("t9.nothing", pub)


def _copy(tmp_path):
    d = tmp_path / "published"
    shutil.copytree(published.PUBLISHED, d)
    return d


@pytest.mark.parametrize(
    "column,bad,msg",
    [
        ("value", "abc", "not a number"),
        ("decimals", "x", "not an integer"),
        ("bound", ">", "bound"),
        ("source", "Table 9", "source"),
        ("not_reached", "yes", "not_reached"),
    ],
)
def test_malformed_file_names_file_row_column(tmp_path, column, bad, msg):
    d = _copy(tmp_path)
    path = d / "table2.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[4, column] = bad
    df.to_csv(path, index=False)
    with pytest.raises(PublishedDataError) as e:
        published.load(d)
    text = str(e.value)
    assert "table2.csv" in text and "row 5" in text and repr(column) in text and msg in text


def test_decimals_must_fit_value(tmp_path):
    d = _copy(tmp_path)
    path = d / "table1.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "decimals"] = "0"  # 34 fits, so use a percent row
    row = df.index[df["id"] == "t1.age.<=60.percent"][0]
    df.loc[row, "decimals"] = "0"
    df.to_csv(path, index=False)
    with pytest.raises(PublishedDataError, match="decimals"):
        published.load(d)


def test_duplicate_id_across_files(tmp_path):
    d = _copy(tmp_path)
    path = d / "text.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "id"] = "t1.age.p"
    df.to_csv(path, index=False)
    with pytest.raises(PublishedDataError, match="t1.age.p"):
        published.load(d)
