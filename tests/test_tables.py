"""Presentation tables: printed vs reproduced marks, the univariate layout, the scorecard summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import factors, survival, tables
from helpers.statistics import median_decimals


def fake_card() -> pd.DataFrame:
    """Four published rows with reproduced values: a match, a deliberate miss, a '<' bound and an N.A. median."""
    return pd.DataFrame(
        {
            "id": ["t1.size.p", "t1.age.p", "t1.mc.p", "t1.depth.superficial.median_os", "t4.x.median_os", "t2.q"],
            "source": ["Table 1", "Table 1", "Table 1", "Table 1", "Table 4", "Table 2"],
            "cohort": ["all", "all", "all", "all", "metastasectomy", "regimens"],
            "factor": ["size", "age", "metastasectomy_curative", "depth", "interval", "DXR"],
            "level": [np.nan, np.nan, np.nan, "superficial", "<=6", np.nan],
            "label": ["Size", "Age", "Metastasectomy with curative intent", "Superficial", "≤6 months", "DXR"],
            "statistic": ["p", "p", "p", "median_os", "median_os", "median_pfs"],
            "value": [0.021, 0.175, 0.001, np.nan, 76.05, 4.9],
            "bound": ["", "", "<", "", "", ""],
            "decimals": [3, 3, 3, pd.NA, 2, 1],
            "not_reached": [False, False, False, True, False, False],
            "reproduced": [0.02136, 0.2104, 0.00031, np.nan, 76.05, np.nan],
            "match": [True, False, True, True, True, pd.NA],
            "how": ["logrank"] * 6,
        }
    )


def test_compare_marks_a_miss_and_renders_printed_as_printed():
    out = tables.compare(fake_card(), source="Table 1")
    assert list(out.columns) == tables.COMPARE_COLUMNS
    assert list(out.index) == ["t1.size.p", "t1.age.p", "t1.mc.p", "t1.depth.superficial.median_os"]
    assert out.loc["t1.age.p", "Match"] == "✗"
    assert out.loc["t1.size.p", "Match"] == "✓"
    assert out.loc["t1.age.p", ["Printed", "Reproduced"]].tolist() == ["0.175", "0.210"]
    assert out.loc["t1.mc.p", ["Printed", "Reproduced"]].tolist() == ["<0.001", "<0.001"]
    assert out.loc["t1.depth.superficial.median_os", ["Printed", "Reproduced"]].tolist() == ["N.A.", "N.A."]
    assert out.loc["t1.size.p", "Factor"] == "Size"


def test_compare_keeps_printed_decimals_and_marks_unreproduced():
    out = tables.compare(fake_card(), source=["Table 4", "Table 2"])
    assert out.loc["t4.x.median_os", "Printed"] == "76.05"
    assert out.loc["t2.q", ["Reproduced", "Match"]].tolist() == ["–", "–"]


def test_compare_unknown_filter_column_is_named():
    try:
        tables.compare(fake_card(), table="Table 1")
    except KeyError as err:
        assert "table" in str(err)
    else:
        raise AssertionError("an unknown filter column must raise")


def test_univariate_layout_matches_helpers(toy_cohort):
    out = tables.univariate(toy_cohort, ["size", "grade"], subset="all")
    assert list(out.columns) == ["Factor", "Level", "N (%)", "Median OS (months)", "p"]
    assert out["Factor"].tolist() == ["Size", "", "Grade", "", ""]
    big = toy_cohort[factors.levels(toy_cohort, "size") == ">10"]
    n = len(big)
    assert out.loc[1, "N (%)"] == f"{n} ({100 * n / len(toy_cohort):.1f})"
    m = survival.km_median(big["os_months"], big["death"])
    assert out.loc[1, "Median OS (months)"] == f"{m:.{median_decimals(m)}f}"
    p = survival.logrank(toy_cohort["os_months"], toy_cohort["death"], factors.levels(toy_cohort, "size")).p
    assert out.loc[0, "p"] == ("<0.001" if p < 0.001 else f"{p:.3f}")
    # grade: percentages of the 37 known, then an N.A. row with the 3 unknown
    assert out.loc[4, ["Level", "N (%)"]].tolist() == ["N.A.", "3"]
    known = toy_cohort["grade"].notna().sum()
    g2 = (toy_cohort["grade"] == 2).sum()
    assert out.loc[2, "N (%)"] == f"{g2} ({100 * g2 / known:.1f})"


def test_a_median_prints_at_the_precision_it_has():
    """R's printing rule: a death time at one decimal, the midpoint of two death times at two (the paper's
    76.05), and a median not reached as N.A."""
    from helpers.tables.formatting import _median_text

    assert median_decimals(76.05) == 2 and median_decimals(83.0) == 1
    midpoint = survival.km_median([10.0, 20.1, 30.0, 40.0], [1, 1, 1, 1])  # S sits at exactly 0.5 after 20.1
    assert _median_text(midpoint) == "25.05"
    assert _median_text(survival.km_median([10.0, 20.1, 30.0], [1, 1, 1])) == "20.1"
    assert _median_text(83.0) == "83.0" and _median_text(float("nan")) == "N.A."


def test_univariate_on_a_subset_counts_only_the_subset(toy_cohort):
    out = tables.univariate(toy_cohort, ["sex"], subset="metastasectomy")
    total = sum(int(s.split()[0]) for s in out["N (%)"])
    assert total == (toy_cohort["metastasectomy_curative"] == 1).sum()


def test_univariate_single_level_gives_no_p(toy_cohort):
    one = toy_cohort.assign(sex="female")
    out = tables.univariate(one, ["sex"])
    assert out.loc[0, "p"] == "–"
    assert out.loc[0, "Median OS (months)"] == "–"  # no male patients


def test_scorecard_summary_counts():
    s = tables.scorecard_summary(fake_card())
    assert s.loc["All", ["Numbers", "Match", "Miss", "Not reproduced"]].tolist() == [6, 4, 1, 1]
    assert s.loc["Table 1", ["Numbers", "Match", "Miss"]].tolist() == [4, 3, 1]
    assert s.loc["All", "Match (%)"] == round(100 * 4 / 6, 1)
    assert s.index.name == "Source"


def test_scorecard_summary_labels_its_rows_in_words():
    card = fake_card().assign(how_reproduced="found by the search")
    assert tables.scorecard_summary(card, by="how_reproduced").index.name == "How reproduced"


def test_sortable_table_is_self_contained_html():
    html = tables.sortable(pd.DataFrame({"a": [2, 1], "b": ["<x>", "y"]}), "tbl")._repr_html_()
    assert '<table id="tbl"' in html and "&lt;x&gt;" in html
    assert "<script>" in html and "src=" not in html and "http" not in html


def test_scorecard_table_has_every_row_with_its_source():
    card = fake_card()
    out = tables.scorecard_table(card)
    assert len(out) == len(card)
    assert list(out.columns) == tables.SCORECARD_COLUMNS
    assert list(out.columns[:7]) == ["Source"] + tables.COMPARE_COLUMNS
    assert out.set_index("Id").loc["t4.x.median_os", "Group"] == "Curative-intent metastasectomy"
    assert out["Reason"].tolist() == [""] * len(card)  # a card without provenance: empty, not "nan"
    assert out["Match"].tolist() == ["✓", "✗", "✓", "✓", "✓", "–"]


def test_rows_the_scorecard_could_not_compute_show_a_dash():
    card = fake_card().assign(
        match=[True, False, True, True, True, False], computed=[True, True, True, True, True, False]
    )
    out = tables.compare(card, source="Table 2")
    assert out.loc["t2.q", ["Reproduced", "Match"]].tolist() == ["–", "–"]
    s = tables.scorecard_summary(card)
    assert s.loc["All", ["Match", "Miss", "Not reproduced"]].tolist() == [4, 1, 1]


def test_tables_display_without_their_index_but_keep_it_for_lookup(toy_cohort):
    out = tables.compare(fake_card(), source="Table 1")
    html = out._repr_html_()
    assert "t1.size.p" not in html and "<th>Printed</th>" in html and "0.175" in html
    assert out.loc["t1.size.p", "Printed"] == "0.021"
    uni = tables.univariate(toy_cohort, ["size"])
    assert "<th>N (%)</th>" in uni._repr_html_()
    assert isinstance(uni.iloc[:1], tables.Table)


def test_a_miss_links_to_its_row_on_the_scorecard_with_the_reason():
    card = fake_card().assign(reason=["", "0.2104 does not print as 0.175", "", "", "", ""])
    out = tables.compare(card, source="Table 1")
    mark = out.loc["t1.age.p", "Match"]
    assert mark == "✗" and mark.href == f"{tables.SCORECARD_PAGE}#{tables.row_anchor('t1.age.p')}"
    assert mark.title == "Why: 0.2104 does not print as 0.175"
    html = out._repr_html_()
    assert f'<a href="{mark.href}" title="Why: 0.2104 does not print as 0.175">✗</a>' in html
    assert html.count("<a ") == 1  # only the miss is a link
    board = tables.scorecard_sortable(card)._repr_html_()
    assert f'<tr id="{tables.row_anchor("t1.age.p")}">' in board  # the link's target exists


def test_row_anchors_are_valid_html_ids_and_distinct():
    ids = ["t1.age.<=60.n", "t1.age.>60.n", "t2.DXR+IFM.orr", "t1.age.p"]
    anchors = [tables.row_anchor(i) for i in ids]
    assert len(set(anchors)) == len(ids)
    assert all(a.replace("-", "").replace("_", "").replace(".", "").isalnum() for a in anchors)


def test_compare_names_the_source_and_group_of_repeated_rows():
    card = fake_card()
    out = tables.compare(card, source=["Table 1", "Table 4"])
    assert list(out.columns[:2]) == ["Source", "Group"]
    assert out.loc["t4.x.median_os", ["Source", "Group"]].tolist() == ["Table 4", "Curative-intent metastasectomy"]


def test_compare_names_statistics_factors_and_levels_for_a_reader():
    card = fake_card().assign(
        statistic=["p", "os_5yr", "p", "cr", "median_os", "dcr"],
        factor=["size", "os", "size_gt10", "status", "interval", "regimen"],
        level=[np.nan, np.nan, np.nan, "NED", "<=6", "DXR+IFM"],
        label=["Size", "five-year OS", "Size > 10 cm", "12 patients", "≤6 months", "DXR + IFM"],
        source=["Table 1", "Text", "Table 3", "Text", "Table 4", "Table 2"],
    )
    out = tables.compare(card)
    assert out["Statistic"].tolist() == ["p", "5-year OS (%)", "p", "CR (courses)", "Median OS (months)", "DCR (%)"]
    assert out["Factor"].tolist()[1:3] == ["Overall survival", "Size > 10 cm"]
    assert out["Level"].tolist()[3:] == ["No evidence of disease (NED)", "≤6 months", "DXR + IFM"]
    assert not any("_" in str(v) for v in out.to_numpy().ravel()), "a key is shown instead of a label"


def test_readable_spells_out_keys_and_shows_missing_as_a_dash():
    df = pd.DataFrame(
        {"hr": [2.5, np.nan], "p": [0.02, 0.3]}, index=pd.Index(["size_gt10", "GLOBAL"], name="covariate")
    )
    out = tables.readable(df)
    assert list(out.columns) == ["Covariate", "HR", "p"]
    assert out["Covariate"].tolist() == ["Size > 10 cm", "All covariates (global test)"]
    assert "NaN" not in out._repr_html_() and "<td>–</td>" in out._repr_html_()


def test_sortable_table_filter_and_csv_download_are_offline_controls():
    df = pd.DataFrame({"Id": ["a", "b"], "Match": ["✓", "✗"]})
    html = tables.sortable(
        df, "t", row_ids=["ra", "rb"], only=("misses only", "Match", "✗"), download="t.csv"
    )._repr_html_()
    assert 'id="t-only" data-column="1" data-value="✗"' in html and 'id="t-csv"' in html
    assert 'download="t.csv"' in html and '<tr id="rb">' in html
    assert "http" not in html and "src=" not in html


def test_long_text_is_never_cut_off():
    long = "x" * 400
    assert long in tables.Table({"a": [long]})._repr_html_()


def test_marks_say_what_a_match_shows_and_mark_the_papers_slips_apart():
    from helpers import data, provenance

    cohort = data.load_cohort()
    card = provenance.explain(cohort, data.load_regimens(), data.load_primary_treatment(), synthetic=True)
    shown = tables.compare(card, source=["Table 1", "Table 2"])
    placed = shown.loc["t1.age.<=60.n", "Match"]
    assert placed == "✓" and placed.title.startswith("Printed by the paper and placed by the generator")
    assert "Computed by helpers.factors.levels:" in placed.title
    assert placed.href.endswith(tables.row_anchor("t1.age.<=60.n"))
    found = [m for i, m in shown["Match"].items() if m == "✓" and ".median_os" in i]
    assert found and all(m.title.startswith("Printed by the paper and met by the search") for m in found)
    assert all("Computed by helpers.ledger.factor_groups: KM median OS" in m.title for m in found)
    row = tables.scorecard_table(card).set_index("Id").loc["t1.age.<=60.n", "Computed as"]
    assert row.href == "../api.html#helpers.factors.levels" and row.startswith("patients with age")
    slips = card.loc[card["verdict"] == provenance.INFEASIBLE, "id"]
    assert len(slips) and all(shown.loc[i, "Match"] == "✗ slip" for i in slips if i in shown.index)
    assert not any(m == "✗ slip" for i, m in shown["Match"].items() if i not in set(slips))
