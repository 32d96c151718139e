"""The methods of the teaching pages agree with R's survival package to 1e-6 relative.

Nelson-Aalen (``survfit(..., ctype = 1)``), log(-log S), the restricted mean (``print(survfit, rmean = tau)``),
the Aalen-Johansen cumulative incidence (``survfit`` with a multi-state status) and Cox dfbeta / dfbetas / score
residuals (Breslow ties), on the data sets of ``tests/fixtures`` (reference: ``tests/fixtures/methods/``, written
by ``r/make_fixtures_methods.R``) and on fresh random data computed by ``r/reference_methods.R`` on the fly. The
worked four-patient Cox model of :mod:`helpers.teaching` is compared with ``coxph`` step by step.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import survival as sv
from helpers import teaching
from test_r_parity import PROPERTY_SEEDS, RSCRIPT, _run_r, compare, load_data, random_dataset, read_reference

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
METHODS = FIXTURES / "methods"
DATASETS = ["paper61", "small24", "mid37", "big150"]
DFBETA_COVS = ["x1", "x2", "x5"]
WORKED = teaching.WORKED_COX.rename(columns={"death": "status"})  # as r/reference_methods.R


def python_reference(d: pd.DataFrame) -> dict[tuple[str, str], float]:
    """The numbers r/reference_methods.R writes, computed with helpers.survival."""
    out: dict[tuple[str, str], float] = {}

    def put(what, names, values):
        for n, v in zip(names, values):
            out[(what, str(n))] = float(v)

    time, status = d["time"], d["status"]
    na = sv.nelson_aalen(time, status)
    k = range(1, len(na) + 1)
    for what, col in (("time", "time"), ("n.risk", "n_risk"), ("cumhaz", "cumhaz"), ("std.chaz", "std_err")):
        put(f"na:{what}", k, na[col])
    ll = sv.log_minus_log(time, status)
    k = range(1, len(ll) + 1)
    put("cloglog:time", k, ll["time"])
    put("cloglog:value", k, ll["loglog"])
    for tau in (float(np.median(time)), float(time.max()), 1.25 * float(time.max())):
        r = sv.rmst(time, status, tau)
        put("rmean", [f"{tau:.6g}"], [r.estimate])
        put("se(rmean)", [f"{tau:.6g}"], [r.se])
    tau = float(d.groupby("g2")["time"].max().min())
    diff = sv.rmst_difference(time, status, d["g2"], tau)
    put("rmean:g2", diff["levels"], [r.estimate for r in diff["rmst"]])
    put("se(rmean):g2", diff["levels"], [r.se for r in diff["rmst"]])
    cause = status * (1 + d["x2"].fillna(0))
    aj = sv.cumulative_incidence(time, cause)
    k = range(1, len(aj) + 1)
    put("aj:time", k, aj["time"])
    for j, col in enumerate(("event_free", "cause_1", "cause_2"), start=1):
        put(f"aj:pstate:{j}", k, aj[col])
        put(f"aj:std.err:{j}", k, aj[f"se_{col}"])
    residuals = {
        "dfbeta": sv.dfbeta(d, "time", "status", DFBETA_COVS),
        "dfbetas": sv.dfbeta(d, "time", "status", DFBETA_COVS, scaled=True),
        "score": sv.score_residuals(d, "time", "status", DFBETA_COVS),
    }
    for kind, r in residuals.items():
        for v in DFBETA_COVS:
            put(f"{kind}:{v}", range(1, len(r) + 1), r[v])
    return out


@pytest.mark.parametrize("name", DATASETS)
def test_agrees_with_committed_r_fixtures(name):
    d = load_data(FIXTURES / f"{name}.data.csv")
    problems = compare(read_reference(METHODS / f"{name}.reference.csv"), python_reference(d), name)
    assert not problems, "\n".join(problems[:30])


def test_the_fixtures_exercise_what_they_claim():
    """Both causes occur, a horizon lies beyond follow-up, and mid37's missing covariates drop rows from dfbeta."""
    ref = read_reference(METHODS / "mid37.reference.csv")
    assert max(v for (w, _), v in ref.items() if w == "aj:pstate:2") > 0
    assert max(v for (w, _), v in ref.items() if w == "aj:pstate:3") > 0
    d = load_data(FIXTURES / "mid37.data.csv")
    n_dfbeta = sum(1 for w, _ in ref if w == "dfbeta:x1")
    assert n_dfbeta == d[["time", "status", *DFBETA_COVS]].dropna().shape[0] < len(d)


def test_dfbeta_approximates_leaving_each_patient_out():
    """The fitted coefficient minus the refit without a patient is close to that patient's dfbeta."""
    d = load_data(FIXTURES / "paper61.data.csv")
    full = sv.cox(d, "time", "status", DFBETA_COVS).coef
    db = sv.dfbeta(d, "time", "status", DFBETA_COVS)
    exact = pd.DataFrame([full - sv.cox(d.drop(index=i), "time", "status", DFBETA_COVS).coef for i in d.index])
    assert np.corrcoef(exact["x1"], db["x1"])[0, 1] > 0.95


def test_cumulative_incidence_with_one_cause_is_one_minus_kaplan_meier():
    d = load_data(FIXTURES / "small24.data.csv")
    aj = sv.cumulative_incidence(d["time"], d["status"])
    km = sv.km_curve(d["time"], d["status"])
    assert np.allclose(aj["cause_1"], 1 - km["surv"]) and np.allclose(aj["event_free"], km["surv"])


def test_worked_cox_matches_coxph_step_by_step():
    """helpers.teaching's Newton steps are R's iterations; its final estimate and SE are coxph's."""
    ref = read_reference(METHODS / "worked_cox.reference.csv")
    steps = teaching.newton_steps(WORKED["time"], WORKED["status"], WORKED["x"], steps=4)
    for k in range(1, 5):
        assert np.isclose(steps.loc[k, "beta"], ref[("worked:coef", str(k))], rtol=1e-9)
    assert np.isclose(steps.loc[0, "loglik"], ref[("worked:loglik", "null")], rtol=1e-12)
    assert np.isclose(steps.iloc[-1]["loglik"], ref[("worked:loglik", "final")], rtol=1e-12)
    assert np.isclose(1 / steps.iloc[-1]["information"] ** 0.5, ref[("worked:fit", "se")], rtol=1e-9)
    fit = sv.cox(WORKED, "time", "status", ["x"])
    assert np.isclose(fit.coef["x"], ref[("worked:fit", "coef")], rtol=1e-9)


def test_committed_fixtures_are_not_stale(tmp_path):
    """Re-running r/make_fixtures_methods.R reproduces the committed fixtures to 1e-9."""
    if RSCRIPT is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Rscript not found: CI must install R (r-base-core, r-cran-survival) to check the fixtures")
        pytest.skip("Rscript not installed (this test fails instead of skipping under CI=true)")
    res = _run_r(["r/make_fixtures_methods.R", str(tmp_path)])
    assert res.returncode == 0, res.stderr
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert fresh == sorted(p.name for p in METHODS.glob("*.csv"))
    for name in fresh:
        a, b = read_reference(tmp_path / name), read_reference(METHODS / name)
        assert a.keys() == b.keys(), f"{name}: different quantities (stale fixture)"
        bad = [k for k in a if not (np.isnan(a[k]) and np.isnan(b[k])) and not np.isclose(a[k], b[k], rtol=1e-9)]
        assert not bad, f"{name}: stale values {bad[:5]}"


@pytest.mark.skipif(RSCRIPT is None and os.environ.get("CI", "").lower() != "true", reason="Rscript not installed")
@pytest.mark.parametrize("seed", PROPERTY_SEEDS[:5])
def test_agrees_with_r_on_fresh_random_data(seed, tmp_path):
    """Agreement on data the fixtures do not contain: R computes the reference on the fly."""
    assert RSCRIPT is not None, "Rscript required under CI=true"
    d = random_dataset(seed)
    data = tmp_path / "d.csv"
    d.to_csv(data, index=False, float_format="%.17g")
    res = _run_r(["r/reference_methods.R", str(data), str(tmp_path / "ref.csv")])
    assert res.returncode == 0, res.stderr
    d = load_data(data)
    problems = compare(read_reference(tmp_path / "ref.csv"), python_reference(d), f"seed {seed}")
    assert not problems, "\n".join(problems[:30])
