"""helpers.audit: every family of checks on a constructed case that passes and one that fails."""

import math
import subprocess
import sys
from fractions import Fraction
from html import escape as html_escape

import pandas as pd
import pytest
from scipy.stats import norm

from helpers import audit
from helpers.audit import CONSISTENT, INCONSISTENT, OTHER_RULE, UNSTATED
from helpers.published import COLUMNS


def P(id, source, cohort, factor, level, statistic, printed, label=None):
    """One published row from its printed text ("77.7", "<0.001", "N.A.")."""
    nr = printed == "N.A."
    bound = "<" if printed.startswith("<") else ""
    s = printed.lstrip("<")
    return dict(
        id=id,
        source=source,
        cohort=cohort,
        factor=factor,
        level=level,
        label=label or level or factor,
        statistic=statistic,
        value=float("nan") if nr else float(s),
        bound=bound,
        decimals=pd.NA if nr else (len(s.split(".")[1]) if "." in s else 0),
        not_reached=nr,
        note="",
    )


def frame(*rows):
    df = pd.DataFrame(list(rows), columns=COLUMNS)
    df["decimals"] = df["decimals"].astype("Int64")
    df["not_reached"] = df["not_reached"].astype(bool)
    return df


def by_id(checks):
    return {c["id"]: c for c in checks}


# --------------------------------------------------------------------------- rounding primitives
def test_rounding_rules_exact():
    assert audit.percent_rules(7, 9, 77.7, 1) == {"half_up": False, "half_even": False, "truncate": True}
    assert audit.percent_rules(7, 9, 77.8, 1) == {"half_up": True, "half_even": True, "truncate": False}
    # an exact tie: 1/8 = 12.5 %
    assert audit.round_rule(Fraction(25, 2), 0, "half_up") == 13
    assert audit.round_rule(Fraction(25, 2), 0, "half_even") == 12
    assert audit.grim(41, 0, 61) == [25]
    assert audit.grim(50.1, 1, 10) == []  # no k out of 10 gives 50.1 %
    with pytest.raises(ValueError):
        audit.round_rule(Fraction(1), 0, "ceiling")


def test_line_sum_bounds():
    assert audit.line_sum_bounds(3, 2, 1, 5) == (8, 8)
    lo, hi = audit.line_sum_bounds(48, 2, 1, 5)
    assert lo < 96 < hi
    with pytest.raises(ValueError):
        audit.line_sum_bounds(3, 7, 1, 5)


# --------------------------------------------------------------------------- percentages
def _t1(n_male, n_female, pct_male):
    return frame(
        P("t1.sex.male.n", "Table 1", "all", "sex", "male", "n", n_male),
        P("t1.sex.female.n", "Table 1", "all", "sex", "female", "n", n_female),
        P("t1.sex.male.percent", "Table 1", "all", "sex", "male", "percent", pct_male),
    )


def test_percent_check_pass_and_fail():
    ok = by_id(audit.percent_checks(_t1("25", "36", "41")))["percent.t1.sex.male.percent"]
    assert ok["verdict"] == CONSISTENT and "25/61" in ok["explanation"]
    bad = by_id(audit.percent_checks(_t1("25", "36", "42")))["percent.t1.sex.male.percent"]
    assert bad["verdict"] == INCONSISTENT
    trunc = by_id(audit.percent_checks(_t1("27", "34", "44.2")))["percent.t1.sex.male.percent"]
    assert trunc["verdict"] == OTHER_RULE and "truncation" in trunc["explanation"]


def test_percent_denominator_excludes_unknown_grade():
    df = frame(
        P("t1.grade.2.n", "Table 1", "all", "grade", "2", "n", "25"),
        P("t1.grade.3.n", "Table 1", "all", "grade", "3", "n", "33"),
        P("t1.grade.NA.n", "Table 1", "all", "grade", "NA", "n", "3"),
        P("t1.grade.2.percent", "Table 1", "all", "grade", "2", "percent", "43.1"),
    )
    assert by_id(audit.percent_checks(df))["percent.t1.grade.2.percent"]["verdict"] == CONSISTENT  # 25/58, not 25/61


# --------------------------------------------------------------------------- Table 2 responses
def _t2(cr, pr, sd, pd_, n, orr, dcr):
    rows = [
        P(f"t2.X.{s}", "Table 2", "regimens", "regimen", "X", s, v)
        for s, v in zip(["n", "cr", "pr", "sd", "pd", "orr", "dcr"], [n, cr, pr, sd, pd_, orr, dcr])
    ]
    return frame(*rows)


def test_response_checks():
    good = by_id(audit.response_checks(_t2("0", "1", "6", "2", "9", "11.1", "77.8")))
    assert {c["verdict"] for c in good.values()} == {CONSISTENT}
    bad = by_id(audit.response_checks(_t2("0", "1", "6", "3", "9", "22.2", "77.7")))
    assert bad["response.X.sum"]["verdict"] == INCONSISTENT
    assert bad["response.X.orr"]["verdict"] == INCONSISTENT
    assert bad["response.X.dcr"]["verdict"] == OTHER_RULE


# --------------------------------------------------------------------------- sums
def test_sum_checks():
    base = [P("text.3_1.patients.count", "Text", "all", "patients", "", "count", "61")]
    good = frame(
        *base,
        P("t1.sex.male.n", "Table 1", "all", "sex", "male", "n", "25"),
        P("t1.sex.female.n", "Table 1", "all", "sex", "female", "n", "36"),
        P("text.3_2.status.NED.count", "Text", "all", "status", "NED", "count", "12"),
        P("text.3_2.status.AWD.count", "Text", "all", "status", "AWD", "count", "15"),
        P("text.3_2.status.DOD.count", "Text", "all", "status", "DOD", "count", "34"),
    )
    c = by_id(audit.sum_checks(good))
    assert c["sum.table1.sex"]["verdict"] == CONSISTENT and c["sum.text.all.status"]["verdict"] == CONSISTENT
    bad = good.copy()
    bad.loc[bad["id"] == "t1.sex.female.n", "value"] = 35.0
    bad.loc[bad["id"] == "text.3_2.status.DOD.count", "value"] = 33.0
    c = by_id(audit.sum_checks(bad))
    assert c["sum.table1.sex"]["verdict"] == INCONSISTENT and c["sum.text.all.status"]["verdict"] == INCONSISTENT


# --------------------------------------------------------------------------- subgroups
def _arms(n4, med1, med5, sites_t1="13"):
    return frame(
        P("text.patients", "Text", "metastasectomy", "patients", "", "count", "24"),
        P("text.patients.2", "Text", "no_metastasectomy", "patients", "", "count", "37"),
        P("t1.sex.male.n", "Table 1", "all", "sex", "male", "n", "25"),
        P("t4.sex.male.n", "Table 4", "metastasectomy", "sex", "male", "n", n4),
        P("t5.sex.male.n", "Table 5", "no_metastasectomy", "sex", "male", "n", "16"),
        P("t1.s.n", "Table 1", "all", "initial_metastatic_sites", ">1", "n", sites_t1),
        P("t5.s.n", "Table 5", "no_metastasectomy", "initial_metastatic_sites", ">1", "n", "13"),
        P("t1.s.m", "Table 1", "all", "initial_metastatic_sites", ">1", "median_os", med1),
        P("t5.s.m", "Table 5", "no_metastasectomy", "initial_metastatic_sites", ">1", "median_os", med5),
    )


def test_subgroup_checks_pass():
    c = by_id(audit.subgroup_checks(_arms("9", "23.4", "23.4")))
    assert c["subgroup.sex.male.n"]["verdict"] == CONSISTENT
    assert c["subgroup.initial_metastatic_sites.>1.n"]["verdict"] == CONSISTENT
    assert c["subgroup.initial_metastatic_sites.>1.median"]["verdict"] == CONSISTENT


def test_subgroup_checks_fail():
    c = by_id(audit.subgroup_checks(_arms("8", "23.4", "24.7")))
    assert c["subgroup.sex.male.n"]["verdict"] == INCONSISTENT
    assert c["subgroup.initial_metastatic_sites.>1.median"]["verdict"] == INCONSISTENT
    c = by_id(audit.subgroup_checks(_arms("9", "23.4", "23.4", sites_t1="50")))  # implies 37 > 24 in Table 4
    assert c["subgroup.initial_metastatic_sites.>1.n"]["verdict"] == INCONSISTENT
    assert "subgroup.initial_metastatic_sites.>1.median" not in c  # no longer wholly inside one arm


def _chemo(t4_peri):
    return frame(
        P("text.p", "Text", "metastasectomy", "patients", "", "count", "24"),
        P("t1.chemotherapy.yes.n", "Table 1", "all", "chemotherapy", "yes", "n", "48"),
        P("t5.chemotherapy.yes.n", "Table 5", "no_metastasectomy", "chemotherapy", "yes", "n", "30"),
        P(
            "t4.chemo_peri_metastasectomy.yes.n",
            "Table 4",
            "metastasectomy",
            "chemo_peri_metastasectomy",
            "yes",
            "n",
            t4_peri,
        ),
    )


def test_subgroup_check_that_needs_an_unstated_reading():
    check = by_id(audit.subgroup_checks(_chemo("18")))["subgroup.chemotherapy.yes.n"]
    assert check["verdict"] == CONSISTENT and check["reading"] == ""  # all 18 treated around the metastasectomy
    check = by_id(audit.subgroup_checks(_chemo("14")))["subgroup.chemotherapy.yes.n"]
    assert check["verdict"] == UNSTATED and "other 4 of the 18" in check["reading"]
    check = by_id(audit.subgroup_checks(_chemo("20")))["subgroup.chemotherapy.yes.n"]
    assert check["verdict"] == INCONSISTENT  # 20 treated around the operation, but only 18 treated at all


def test_audit_table_shows_verdict_and_explanation_first_and_in_full():
    checks = audit.run()
    html = audit.table(checks)._repr_html_()
    assert "…" not in html and "..." not in html
    longest = max(checks["explanation"], key=len)
    assert html_escape(longest) in html
    assert list(audit.table(checks).columns[:3]) == ["Check", "Verdict", "Explanation"]
    assert "Reading it needs" not in audit.table(checks, "percent").columns  # only where a check needs one


# --------------------------------------------------------------------------- text vs tables
def test_text_checks_duplicates():
    rows = [
        P("t1.size.p", "Table 1", "all", "size", "", "p", "<0.001"),
        P("text.3_3.size.p", "Text", "all", "size", "", "p", "<0.001"),
        P("t1.age.<=60.n", "Table 1", "all", "age", "<=60", "n", "34"),
        P("text.3_1.age.<=60.count", "Text", "all", "age", "<=60", "count", "34"),
        P("abs.os.os_5yr", "Abstract", "all", "os", "", "os_5yr", "38.3"),
        P("text.3_2.os.os_5yr", "Text", "all", "os", "", "os_5yr", "38.30"),
    ]
    c = by_id(audit.text_checks(frame(*rows)))
    assert c["text.all.size.-.p"]["verdict"] == CONSISTENT
    assert c["text.all.age.<=60.n"]["verdict"] == CONSISTENT
    assert c["text.all.os.-.os_5yr"]["verdict"] == CONSISTENT
    rows[1] = P("text.3_3.size.p", "Text", "all", "size", "", "p", "0.002")
    rows[3] = P("text.3_1.age.<=60.count", "Text", "all", "age", "<=60", "count", "35")
    rows[5] = P("text.3_2.os.os_5yr", "Text", "all", "os", "", "os_5yr", "38.36")
    c = by_id(audit.text_checks(frame(*rows)))
    assert {c[k]["verdict"] for k in ["text.all.size.-.p", "text.all.age.<=60.n", "text.all.os.-.os_5yr"]} == {
        INCONSISTENT
    }


def test_significance_claims():
    rows = [
        P("t1.size.p", "Table 1", "all", "size", "", "p", "<0.001"),
        P("t1.age.p", "Table 1", "all", "age", "", "p", "0.175"),
        P("text.3_3.size.p", "Text", "all", "size", "", "p", "<0.001"),
    ]
    assert by_id(audit.text_checks(frame(*rows)))["text.significant.table1"]["verdict"] == CONSISTENT
    rows[1] = P("t1.age.p", "Table 1", "all", "age", "", "p", "0.012")
    assert by_id(audit.text_checks(frame(*rows)))["text.significant.table1"]["verdict"] == INCONSISTENT


def test_first_line_within_table2():
    rows = [
        P("t2.DXR.n", "Table 2", "regimens", "regimen", "DXR", "n", "9"),
        P("text.fl", "Text", "palliative_chemo", "palliative_first_line_regimen", "DXR", "count", "7"),
    ]
    assert by_id(audit.text_checks(frame(*rows)))["text.first_line.DXR"]["verdict"] == CONSISTENT
    rows[1] = P("text.fl", "Text", "palliative_chemo", "palliative_first_line_regimen", "DXR", "count", "10")
    assert by_id(audit.text_checks(frame(*rows)))["text.first_line.DXR"]["verdict"] == INCONSISTENT


# --------------------------------------------------------------------------- hazard ratios
def _t3(hr, lo, hi, p):
    return frame(
        *[
            P(f"t3.x.{s}", "Table 3", "all", "size_gt10", "", s, v)
            for s, v in zip(["hr", "ci_low", "ci_high", "p"], [hr, lo, hi, p])
        ]
    )


def test_hazard_ratio_pass():
    c = by_id(audit.hazard_ratio_checks(_t3("2.236", "0.773", "6.471", "0.138")))
    assert c["hr.size_gt10.geometric_mean"]["verdict"] == CONSISTENT
    assert c["hr.size_gt10.wald_p"]["verdict"] == CONSISTENT


def test_hazard_ratio_fail():
    c = by_id(audit.hazard_ratio_checks(_t3("2.5", "0.773", "6.471", "0.05")))
    assert c["hr.size_gt10.geometric_mean"]["verdict"] == INCONSISTENT
    assert c["hr.size_gt10.wald_p"]["verdict"] == INCONSISTENT
    # CI excludes 1 but p >= 0.05: significance disagrees
    c = by_id(audit.hazard_ratio_checks(_t3("2.48", "1.137", "5.411", "0.23")))
    assert c["hr.size_gt10.wald_p"]["verdict"] == INCONSISTENT


def test_wald_interval_contains_point_value():
    w = audit.wald(2.48, 2, 1.137, 3, 5.411, 3)
    assert w["p"][0] < 0.0225 < w["p"][1] + 1e-9
    assert w["se"][0] < 0.398 < w["se"][1]


# --------------------------------------------------------------------------- methods
def _methods(p_values):
    rows = []
    for (cov, key), p in zip([("size_gt10", "size"), ("synchronous", "presenting")], p_values):
        rows.append(P(f"t3.{cov}.p", "Table 3", "all", cov, "", "p", p))
        rows.append(P(f"t1.{key}.p", "Table 1", "all", key, "", "p", "0.01"))
    return frame(*rows)


def test_methods_checks():
    c = by_id(audit.methods_checks(_methods(["0.023", "0.04"])))
    assert c["methods.stepwise_vs_table3"]["verdict"] == CONSISTENT
    assert c["methods.table3_is_univariate_significant"]["verdict"] == CONSISTENT
    c = by_id(audit.methods_checks(_methods(["0.023", "0.94"])))
    # p 0.94 cannot survive forward selection: Table 3 fits only when read as the full model it resembles
    assert c["methods.stepwise_vs_table3"]["verdict"] == UNSTATED
    assert "full model" in c["methods.stepwise_vs_table3"]["reading"]
    # EZR has no forward conditional selection, but its backward elimination prints the full model first
    assert c["methods.software"]["verdict"] == UNSTATED
    assert "full-model block EZR prints first" in c["methods.software"]["reading"]
    not_univariate = _methods(["0.023", "0.94"])
    not_univariate.loc[not_univariate["id"] == "t1.presenting.p", "value"] = 0.5
    c = by_id(audit.methods_checks(not_univariate))  # ... and not even that when it is not the univariate set
    assert c["methods.stepwise_vs_table3"]["verdict"] == INCONSISTENT
    assert c["methods.stepwise_vs_table3"]["reading"] == ""
    assert c["methods.software"]["verdict"] == INCONSISTENT  # Table 3 is then no model EZR prints on the way
    c = by_id(audit.methods_checks(_methods(["0.023", "0.04"]), selection="backward elimination by p-value"))
    assert c["methods.software"]["verdict"] == CONSISTENT


# --------------------------------------------------------------------------- plausibility
def _plaus(median, rate, arm_median="38.8", t5_median="24.7"):
    return frame(
        P("text.os.median", "Text", "all", "os", "", "median_os", median),
        P("text.os.5", "Text", "all", "os", "", "os_5yr", rate),
        P("text.fu.med", "Text", "all", "os_months", "", "median_followup", "21.1"),
        P("text.fu.min", "Text", "all", "os_months", "", "min", "1.8"),
        P("text.fu.max", "Text", "all", "os_months", "", "max", "158.8"),
        P("t1.age.a", "Table 1", "all", "age", "<=60", "median_os", arm_median),
        P("t1.age.b", "Table 1", "all", "age", ">60", "median_os", "23.3"),
        P("t4.age.a", "Table 4", "metastasectomy", "age", "<=60", "median_os", "96.8"),
        P("t5.age.a", "Table 5", "no_metastasectomy", "age", "<=60", "median_os", t5_median),
    )


def test_plausibility_pass():
    c = by_id(audit.plausibility_checks(_plaus("30.7", "38.3")))
    assert {
        c[k]["verdict"]
        for k in [
            "plausible.text.fu.med",
            "plausible.value_ranges",
            "plausible.medians_within_followup",
            "plausible.os5yr_vs_median.all",
            "plausible.between.table1.age",
            "plausible.between.arms.age.<=60",
        ]
    } == {CONSISTENT}


def test_plausibility_fail():
    c = by_id(audit.plausibility_checks(_plaus("70.2", "38.3", arm_median="160.1", t5_median="40.1")))
    assert c["plausible.os5yr_vs_median.all"]["verdict"] == INCONSISTENT  # S(60) < 0.5 but median > 60
    assert c["plausible.medians_within_followup"]["verdict"] == INCONSISTENT  # 160.1 > 158.8
    assert c["plausible.between.arms.age.<=60"]["verdict"] == INCONSISTENT  # 160.1 outside [40.1, 96.8]
    c = by_id(audit.plausibility_checks(_plaus("30.7", "138.3")))
    assert c["plausible.value_ranges"]["verdict"] == INCONSISTENT
    df = _plaus("30.7", "38.3")
    df.loc[df["id"] == "text.fu.med", "value"] = 200.0
    assert by_id(audit.plausibility_checks(df))["plausible.text.fu.med"]["verdict"] == INCONSISTENT


# --------------------------------------------------------------------------- rounding summary
def test_rounding_summary():
    good = _t2("0", "1", "6", "2", "9", "11.1", "77.8")
    (c,) = audit.rounding_summary(None, good)
    assert c["verdict"] == CONSISTENT and "round half up" in c["explanation"]
    (c,) = audit.rounding_summary(None, _t2("0", "1", "6", "2", "9", "11.1", "77.7"))
    assert c["verdict"] == CONSISTENT and "truncation" in c["explanation"]  # truncation explains both
    (c,) = audit.rounding_summary(None, _t2("0", "5", "2", "2", "9", "55.6", "77.7"))  # 55.56: rounding only
    assert c["verdict"] == INCONSISTENT and "t2.X.dcr" in c["explanation"]


# --------------------------------------------------------------------------- on the paper
def test_run_on_paper():
    checks = audit.run()
    assert list(checks.columns) == audit.COLUMNS
    assert checks["id"].is_unique and set(checks["verdict"]) <= set(audit.VERDICTS)
    v = checks.set_index("id")["verdict"]
    assert v["response.DXR.dcr"] == OTHER_RULE  # 7/9 = 77.78 printed 77.7
    # ... counted once: the rounding-rule summary names it but does not count it again
    assert (
        v["rounding.rule"] == CONSISTENT and "t2.DXR.dcr" in checks.set_index("id").loc["rounding.rule", "explanation"]
    )
    flagged = checks[checks["verdict"] != CONSISTENT]
    assert flagged[["claim", "numbers", "explanation"]].apply(lambda c: c.str.contains("77.7")).any(axis=1).sum() == 1
    assert v["methods.stepwise_vs_table3"] == UNSTATED
    assert v["subgroup.chemotherapy.yes.n"] == UNSTATED  # 18 treated, 14 around the metastasectomy: when were 4?
    assert (checks["reading"] != "").tolist() == (checks["verdict"] == UNSTATED).tolist()
    assert v["subgroup.initial_metastatic_sites.>1.median"] == CONSISTENT
    assert v["hr.size_gt10.wald_p"] == CONSISTENT
    assert set(checks["kind"]) == {
        "percent",
        "response",
        "sums",
        "subgroups",
        "text",
        "hazard_ratio",
        "methods",
        "plausibility",
        "rounding",
        "text_vs_text",
        "conclusions",
        "unreported",
        "definitions",
        "labels",
        "cannot_exist",
        "repeated",
        "timeline",
    }
    assert set(checks["kind"]) <= set(audit.KIND_NAMES) and set(audit.VERDICT_LEGEND) == set(audit.VERDICTS)


def test_cli_prints_report_and_exits_zero():
    r = subprocess.run([sys.executable, "-m", "helpers.audit"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "response.DXR.dcr" in r.stdout and "consistent only under another rounding rule" in r.stdout


def test_rounding_tally_counts_exact_ties():
    df = frame(
        P("t1.sex.male.n", "Table 1", "all", "sex", "male", "n", "1"),
        P("t1.sex.female.n", "Table 1", "all", "sex", "female", "n", "7"),
        P("t1.sex.male.percent", "Table 1", "all", "sex", "male", "percent", "13"),
    )  # 12.5 -> 13
    t = audit.rounding_tally(df)
    assert t["ties"] == 1 and t["tally"] == {"half_up": 1, "half_even": 0, "truncate": 0}
    (c,) = audit.rounding_summary(None, df)
    assert c["verdict"] == CONSISTENT and "1 exact ties" in c["explanation"]
    df.loc[df["id"] == "t1.sex.male.percent", "value"] = 12.0  # half-even: explained only by another rule
    assert by_id(audit.percent_checks(df))["percent.t1.sex.male.percent"]["verdict"] == OTHER_RULE


def _lines(total):
    return frame(
        P("t1.chemotherapy.yes.n", "Table 1", "all", "chemotherapy", "yes", "n", "48"),
        P("text.lines.median", "Text", "all", "regimen_lines", "", "median", "2"),
        P("text.lines.min", "Text", "all", "regimen_lines", "", "min", "1"),
        P("text.lines.max", "Text", "all", "regimen_lines", "", "max", "5"),
        P("t2.X.n", "Table 2", "regimens", "regimen", "X", "n", total),
    )


def test_regimen_lines_feasibility():
    assert by_id(audit.text_checks(_lines("96")))["text.regimen_lines"]["verdict"] == CONSISTENT
    assert by_id(audit.text_checks(_lines("200")))["text.regimen_lines"]["verdict"] == INCONSISTENT  # > 24·2 + 24·5


def _sites(lung_met, lung="3"):
    rows = [
        P("text.p", "Text", "metastasectomy", "patients", "", "count", "3"),
        P("t1.s1", "Table 1", "all", "initial_metastatic_sites", "1", "n", "4"),
        P("t1.s2", "Table 1", "all", "initial_metastatic_sites", ">1", "n", "1"),
    ]
    for site, k in [
        ("site_lung", lung),
        ("site_liver", "1"),
        ("site_muscle", "1"),
        ("site_lymph_node", "0"),
        ("site_bone", "0"),
    ]:
        rows.append(P(f"text.{site}", "Text", "all", site, "", "count", k))
    rows += [
        P("text.m.lung", "Text", "metastasectomy", "site_lung", "", "count", lung_met),
        P("text.m.liver", "Text", "metastasectomy", "site_liver", "", "count", "1"),
    ]
    return frame(*rows)


def test_metastatic_site_checks():
    c = by_id(audit.text_checks(_sites("2")))
    assert c["text.sites.metastasectomy"]["verdict"] == CONSISTENT
    assert c["text.sites.total"]["verdict"] == CONSISTENT and "1 metastases" in c["text.sites.total"]["explanation"]
    c = by_id(audit.text_checks(_sites("4")))  # 4 lung metastasectomies > 3 lung patients, and 5 != 3 patients
    assert c["text.sites.metastasectomy"]["verdict"] == INCONSISTENT
    c = by_id(audit.text_checks(_sites("2", lung="8")))  # 10 site-patients from 4 single + 1 multi: at most 9
    assert c["text.sites.total"]["verdict"] == INCONSISTENT


def test_coefficient_box_contains_the_truth_and_is_narrow():
    beta, se, z = 0.9, 0.4, 1.959963984540054
    printed = [
        (float(f"{math.exp(beta):.2f}"), 2),
        (float(f"{math.exp(beta - z * se):.3f}"), 3),
        (float(f"{math.exp(beta + z * se):.3f}"), 3),
    ]
    p = 2 * norm.sf(beta / se)
    box = audit.coefficient_box(*printed, (float(f"{p:.3f}"), 3, ""))
    assert box["beta"][0] <= beta <= box["beta"][1] and box["se"][0] <= se <= box["se"][1]
    assert box["beta"][1] - box["beta"][0] < 0.005 and box["se"][1] - box["se"][0] < 0.001
    assert audit.coefficient_box(*printed, (0.5, 1, "")) is None  # a p the HR and CI cannot give


def test_coefficient_boxes_of_table3():
    boxes = audit.coefficient_boxes().set_index("covariate")
    assert list(boxes.index) == ["size_gt10", "synchronous", "sites_gt1", "no_metastasectomy"]
    assert (boxes.beta_width > 0).all() and (boxes.beta_width < 0.002).all()
    assert (boxes.se_width > 0).all() and (boxes.se_width < 0.002).all()


# --------------------------------------------------------------------------- the reading of the paper's sentences
from helpers import published  # noqa: E402
from helpers.audit import DEFINITION, NOT_REPORTED, UNSUPPORTED  # noqa: E402
from helpers.audit.reading import StatementsError, normalise  # noqa: E402
from helpers.paths import PAPER  # noqa: E402

READING_VERDICTS = {
    "reading.os_vs_literature": INCONSISTENT,
    "reading.conclusion_strength": INCONSISTENT,
    "reading.metastasectomy_should": UNSUPPORTED,
    "reading.actively_treated": UNSUPPORTED,
    "reading.chemotherapy_prolongs": UNSUPPORTED,
    "reading.grade_no_effect": UNSUPPORTED,
    "reading.efficacy": UNSUPPORTED,
    "reading.multiplicity.table1": UNSUPPORTED,
    "reading.multiplicity.table4": UNSUPPORTED,
    "reading.proportional_hazards": NOT_REPORTED,
    "reading.patient_flow": NOT_REPORTED,
    "reading.interval_origin": DEFINITION,
    "reading.consent_timeline": UNSTATED,
    "reading.treatments_as_prognostic_factors": DEFINITION,
    "reading.therefore_lesions": UNSUPPORTED,
    "reading.cutoff_12_months": NOT_REPORTED,
    "reading.regardless_of_regimen": NOT_REPORTED,
    "reading.avoided_doxorubicin": NOT_REPORTED,
    "reading.era_comparison": NOT_REPORTED,
    "reading.response_landmark": NOT_REPORTED,
    "reading.approval_years": CONSISTENT,
    "reading.second_line_drugs_first": UNSTATED,
    "reading.pfs_definition": DEFINITION,
    "reading.non_pd_without_cr": DEFINITION,
    "reading.presenting_gap": DEFINITION,
    "reading.curative_is_complete": DEFINITION,
    "reading.followup_definition": DEFINITION,
    "reading.na_two_meanings": DEFINITION,
    "reading.dcr_stable_disease": DEFINITION,
    "reading.five_year_origin": DEFINITION,
    "reading.no_metastasectomy_label": INCONSISTENT,
    "reading.table2_counts_courses": UNSTATED,
    "reading.table3_footnote_mark": NOT_REPORTED,
    "reading.perioperative_nine": UNSTATED,
    "reading.os_range": UNSTATED,
    "reading.repeated_p.table4": CONSISTENT,
    "reading.repeated_row.table4.grade": CONSISTENT,
    "reading.repeated_row.table5.primary_site": CONSISTENT,
    "reading.repeated_median.table1": CONSISTENT,
    "reading.repeated_median.table4": CONSISTENT,
    "reading.repeated_median.table5": CONSISTENT,
}

# the printed numbers (by id) each finding must cite: the evidence it is read against
READING_CITES = {
    "reading.os_vs_literature": {"text.3_2.os.median_os", "text.introduction.os_literature.max"},
    "reading.metastasectomy_should": {
        "t3.no_metastasectomy.hr",
        "t3.no_metastasectomy.ci_low",
        "t3.no_metastasectomy.ci_high",
        "t3.no_metastasectomy.p",
    },
    "reading.actively_treated": {"t1.primary_resection.p", "t3.no_metastasectomy.p"},
    "reading.chemotherapy_prolongs": {"t5.chemotherapy.p", "t1.chemotherapy.p", "t5.chemotherapy.no.n"},
    "reading.grade_no_effect": {"t1.grade.p", "t1.grade.2.median_os", "t1.grade.3.median_os"},
    "reading.multiplicity.table4": {"t4.interval.p", "t4.age.p", "t4.radiotherapy.p"},
    "reading.multiplicity.table1": {"t1.size.p", "t1.presenting.p", "t1.initial_metastatic_sites.p", "t1.age.p"},
    "reading.consent_timeline": {"text.back.ethics_approval_year.OICI", "text.3_2.status.DOD.count"},
    "reading.treatments_as_prognostic_factors": {"t1.metastasectomy_curative.p", "t3.no_metastasectomy.hr"},
    "reading.therefore_lesions": {"t5.primary_resection.yes.n", "t5.initial_metastatic_sites.>1.n"},
    "reading.cutoff_12_months": {"t4.interval.p", "t4.interval.<=6.n"},
    "reading.regardless_of_regimen": {"text.3_3.palliative_chemo.first_line_response.p"},
    "reading.second_line_drugs_first": {
        "text.3_3.palliative_chemo.palliative_first_line_regimen.PAZ.count",
        "text.3_3.palliative_chemo.palliative_first_line_regimen.TRB.count",
        "text.3_3.palliative_chemo.palliative_first_line_regimen.ERB.count",
        "text.3_1.perioperative_chemo_primary.count",
    },
    "reading.approval_years": {"text.discussion.approval_year.since", "text.discussion.approval_year.ERB"},
    "reading.non_pd_without_cr": {"t2.DXR+IFM.cr", "text.3_3.palliative_chemo.first_line_response.non-PD.count"},
    "reading.no_metastasectomy_label": {
        "text.3_1.metastasectomy_any.count",
        "text.3_1.metastasectomy_curative.yes.count",
        "abs.no_metastasectomy.patients.count",
    },
    "reading.table2_counts_courses": {"t2.DXR.n", "t2.ERB.n", "t1.chemotherapy.yes.n"},
    "reading.na_two_meanings": {"t1.grade.NA.n", "t1.depth.superficial.median_os"},
    "reading.os_range": {"text.3_2.os_months.max", "text.methods.os_months.max", "text.3_2.status.AWD.count"},
    "reading.repeated_p.table4": {"t4.depth.p", "t4.grade.p"},
    "reading.repeated_row.table5.primary_site": {"t5.primary_site.trunk.median_os", "t5.depth.superficial.median_os"},
    "reading.five_year_origin": {"text.discussion.metastasectomy.os.os_5yr"},
    "reading.interval_origin": {"t4.interval.<=6.n", "text.3_3.metastasectomy.presenting.metachronous.count"},
}


@pytest.fixture(scope="module")
def reading():
    return audit.findings().set_index("id")


def test_legend_names_every_verdict():
    legend = audit.legend()
    assert list(legend["Verdict"]) == list(audit.VERDICTS) and legend["Meaning"].str.len().gt(20).all()


def test_reading_verdicts_on_paper(reading):
    assert reading["verdict"].to_dict() == READING_VERDICTS


def test_reading_cites_the_printed_numbers_it_reads(reading):
    printed = published.load()
    prose = published.read_file(published.PUBLISHED / "prose.csv")
    known = set(printed["id"]) | set(prose["id"])
    for fid, row in reading.iterrows():
        assert set(row["cites"]) <= known, fid
        assert row["quotes"] or row["kind"] == "repeated", f"{fid}: a reading of the text quotes it"
        for i in row["cites"]:  # each cited number appears, as printed, in the evidence
            assert f"{i} = " in row["numbers"], (fid, i)
    for fid, ids in READING_CITES.items():
        assert ids <= set(reading.loc[fid, "cites"]), fid


def test_reading_rows_are_registered_in_the_audit(reading):
    checks = audit.run().set_index("id")
    assert set(reading.index) <= set(checks.index)
    row = checks.loc["reading.metastasectomy_should"]
    assert (
        "5. Conclusions: “Large primary tumor size" in row["claim"]
        and "t3.no_metastasectomy.p = 0.138" in row["numbers"]
    )


def test_reading_arithmetic_uses_the_printed_numbers():
    """Changing a printed number changes the verdict: nothing is read from the quoted words."""
    printed = published.load()

    def changed(**values):
        df = printed.copy()
        for i, v in values.items():
            df.loc[df["id"] == i, "value"] = v
        return audit.findings(df).set_index("id")["verdict"]

    v = changed(
        **{
            "t3.no_metastasectomy.p": 0.01,
            "t1.primary_resection.p": 0.01,
            "text.3_1.metastasectomy_any.count": 24,
            "t1.grade.p": 0.01,
            "t2.DXR+IFM.cr": 0,
            "t1.chemotherapy.yes.n": 100,
            "text.3_3.palliative_chemo.palliative_first_line_regimen.PAZ.count": 20,
            "t5.initial_metastatic_sites.>1.n": 5,
        }
    )
    assert v["reading.metastasectomy_should"] == CONSISTENT
    assert v["reading.actively_treated"] == CONSISTENT
    assert v["reading.no_metastasectomy_label"] == CONSISTENT and v["reading.curative_is_complete"] == CONSISTENT
    assert v["reading.grade_no_effect"] == INCONSISTENT  # the text says "not significantly associated"
    assert v["reading.non_pd_without_cr"] == CONSISTENT
    assert v["reading.table2_counts_courses"] == CONSISTENT
    assert v["reading.second_line_drugs_first"] == INCONSISTENT  # more than the ten treated before
    assert v["reading.therefore_lesions"] == UNSTATED  # no counter-example left in the tables
    prose = published.read_file(published.PUBLISHED / "prose.csv")
    closed = prose.copy()
    closed.loc[closed["id"] == "text.introduction.os_literature.max", ["label", "value"]] = ["to 30 months", 25.0]
    assert audit.findings(printed, closed).set_index("id").loc["reading.os_vs_literature", "verdict"] == CONSISTENT
    late = prose.copy()
    late.loc[late["id"] == "text.discussion.approval_year.since", "value"] = 2010.0
    assert audit.findings(printed, late).set_index("id").loc["reading.approval_years", "verdict"] == INCONSISTENT


def test_a_finding_without_its_numbers_is_not_drawn():
    printed = published.load()
    without = printed[~printed["id"].str.startswith("t3.")]
    ids = set(audit.findings(without)["id"])
    assert "reading.metastasectomy_should" not in ids and "reading.table3_footnote_mark" not in ids
    assert "reading.pfs_definition" in ids


def test_statements_format(tmp_path):
    statements = audit.load_statements()
    assert len(statements) >= 30
    for key, entry in statements.items():
        assert key.split(".")[0] in {
            "abstract",
            "introduction",
            "methods",
            "table1",
            "table4",
            "results",
            "discussion",
            "conclusions",
            "back",
        }
        assert entry["section"] and entry["text"] == entry["text"].strip()
    bad = tmp_path / "statements.yaml"
    bad.write_text("a.b:\n  section: Abstract\n", encoding="utf-8")
    with pytest.raises(StatementsError, match=r"statements\.yaml: statement 'a\.b'"):
        audit.load_statements(bad)
    bad.write_text("a.b:\n  section: 3.1\n  text: words\n", encoding="utf-8")  # a section read as a number
    with pytest.raises(StatementsError, match="field 'section'"):
        audit.load_statements(bad)


def test_missing_quotes_finds_an_altered_quote():
    statements = {
        "x": {"section": "4", "text": "the  median OS\\nwas 30.7 months"},
        "y": {"section": "4", "text": "never"},
    }
    assert normalise("a $p < 0.001$\tb") == "a p < 0.001 b"
    assert audit.missing_quotes("In short, the median OS was 30.7 months.", statements) == ["x", "y"]
    statements["x"]["text"] = "the  median OS\nwas 30.7 months"
    assert audit.missing_quotes("In short, the median OS was 30.7 months.", statements) == ["y"]


@pytest.mark.skipif(not PAPER.is_file(), reason=f"the paper's text is not at {PAPER}")
def test_every_quote_occurs_verbatim_in_the_paper():
    """Each quoted statement is found word for word in the paper (whitespace and the $ of its inline maths
    aside): a quote that drifts from the paper fails here."""
    assert audit.missing_quotes(PAPER.read_text(encoding="utf-8")) == []
