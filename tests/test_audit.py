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
    assert c["methods.software"]["verdict"] == INCONSISTENT  # EZR has no forward conditional selection
    not_univariate = _methods(["0.023", "0.94"])
    not_univariate.loc[not_univariate["id"] == "t1.presenting.p", "value"] = 0.5
    c = by_id(audit.methods_checks(not_univariate))  # ... and not even that when it is not the univariate set
    assert c["methods.stepwise_vs_table3"]["verdict"] == INCONSISTENT
    assert c["methods.stepwise_vs_table3"]["reading"] == ""
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
    }


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
