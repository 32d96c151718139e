"""helpers.survival agrees with R's survival package to 1e-6 relative.

- Committed fixtures (``tests/fixtures/*.reference.csv``, written by ``r/make_fixtures.R`` from the data
  sets it generates, ``tests/fixtures/*.data.csv``) are compared value by value.
- When ``Rscript`` is available the script is re-run into a temporary directory: the committed fixtures
  must be reproduced (data byte-equal, numbers to 1e-9), otherwise they are stale. Without ``Rscript``
  this test fails under ``CI=true`` and skips locally.
- Property tests draw fresh random data sets (seeded, not in the fixtures), have R compute the same
  numbers on the fly with ``r/reference.R``, and compare.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import survival as sv

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
RSCRIPT = shutil.which("Rscript")
COVS = ["x1", "x2", "x3", "x4", "x5"]
RTOL, ATOL = 1e-6, 1e-10
EDGE_CASES = {"midpoint", "tolerance", "halfend", "notreached"}
DATASETS = sorted(p.name.removesuffix(".data.csv") for p in FIXTURES.glob("*.data.csv"))


def read_reference(path: Path) -> dict[tuple[str, str], float]:
    ref = pd.read_csv(path, dtype={"what": str, "name": str, "value": str}, keep_default_na=False)
    return {(w, n): (np.nan if v == "NA" else float(v)) for w, n, v in ref.itertuples(index=False)}


def python_reference(d: pd.DataFrame, full: bool = True) -> dict[tuple[str, str], float]:
    """The numbers r/reference.R writes, computed with helpers.survival."""
    out: dict[tuple[str, str], float] = {}

    def put(what, names, values):
        for n, v in zip(names, values):
            out[(what, str(n))] = float(v)

    time, status = d["time"], d["status"]
    at = sorted(
        set([0.0, time.min() / 2, *np.quantile(time, [0.25, 0.5, 0.75]), time[status == 1].iloc[0], time.max()])
    )
    for ct in ("log-log", "log", "plain"):
        km = sv.km_curve(time, status, conf_type=ct)
        k = range(1, len(km) + 1)
        for col, src in [
            ("time", "time"),
            ("n.risk", "n_risk"),
            ("n.event", "n_event"),
            ("n.censor", "n_censor"),
            ("surv", "surv"),
            ("std.err", "std_err"),
            ("lower", "lower"),
            ("upper", "upper"),
        ]:
            put(f"km:{ct}:{col}", k, km[src])
        put(f"median:{ct}", ["median", "lower", "upper"], sv.km_median_ci(time, status, ct, rule="quantile"))
        put(f"print_median:{ct}", ["median", "lower", "upper"], sv.km_median_ci(time, status, conf_type=ct))
        rows = [(t, *sv.survival_at(time, status, t, conf_type=ct)) for t in at]
        rows = [r for r in rows if not np.isnan(r[1])]
        k = range(1, len(rows) + 1)
        for j, col in enumerate(["time", "surv", "lower", "upper"]):
            put(f"at:{ct}:{col}", k, [r[j] for r in rows])
    put(
        "followup",
        ["reverse_km", "observed"],
        [sv.followup(time, status, "reverse_km"), sv.followup(time, status, "observed")],
    )
    for g in ("g2", "g4"):
        lr = sv.logrank(time, status, d[g])
        put(f"logrank:{g}", ["chisq", "df", "p"], [lr.chi2, lr.df, lr.p])
        k = range(1, len(lr.table) + 1)
        put(f"logrank:{g}:obs", k, lr.table["observed"])
        put(f"logrank:{g}:exp", k, lr.table["expected"])
    if not full:
        return out
    for ties in ("breslow", "efron"):
        fit = sv.cox(d, "time", "status", COVS, ties=ties)
        pre = f"cox:{ties}"
        put_cox(put, pre, fit)
        z = sv.ph_test(fit)
        for col in ("chisq", "df", "p"):
            put(f"{pre}:zph:{col}", z.table.index, z.table[col])
        k = range(1, len(z.residuals) + 1)
        put(f"{pre}:zph:x", k, z.residuals["x"])
        put(f"{pre}:zph:time", k, z.residuals["time"])
        for v in COVS:
            put(f"{pre}:zph:y:{v}", k, z.residuals[v])
        for proc in ("forward_conditional", "backward_wald"):
            sel = getattr(sv, proc)(d, "time", "status", COVS, ties=ties)
            put(f"select:{proc}:{ties}:selected", [",".join(sel.selected) or "(none)"], [len(sel.selected)])
            for i, r in enumerate(sel.steps.itertuples(index=False), start=1):
                nm = f"{i}:{r.action}:{r.covariate}"
                put(f"select:{proc}:{ties}:statistic", [nm], [r.statistic])
                put(f"select:{proc}:{ties}:p", [nm], [r.p])
    return out


def put_cox(put, pre: str, fit: sv.CoxResult) -> None:
    """What r/reference.R's put_coxph() writes for a fit: the summary(coxph) table, log-likelihoods, tests, n."""
    for col in ("coef", "se", "hr", "ci_low", "ci_high", "z", "p"):
        put(f"{pre}:{col}", fit.table.index, fit.table[col])
    put(f"{pre}:loglik", ["null", "final"], fit.loglik)
    for name, test in (("lr", fit.lr_test), ("score", fit.score_test), ("wald", fit.wald_test)):
        put(f"{pre}:{name}", ["statistic", "df", "p"], [test["statistic"], test["df"], test["p"]])
    put(f"{pre}:n", ["n", "events"], [fit.n, fit.n_events])


def compare(r_ref: dict, py_ref: dict, label: str) -> list[str]:
    """Every R value has a Python counterpart within RTOL (NaN must match NaN); and no extra Python keys."""
    problems = []
    for key, rv in r_ref.items():
        if key not in py_ref:
            problems.append(f"{label}: {key} missing in Python (R: {rv})")
            continue
        pv = py_ref[key]
        if np.isnan(rv) or np.isnan(pv):
            if not (np.isnan(rv) and np.isnan(pv)):
                problems.append(f"{label}: {key}: R {rv} vs Python {pv}")
        elif not np.isclose(pv, rv, rtol=RTOL, atol=ATOL):
            problems.append(
                f"{label}: {key}: R {rv!r} vs Python {pv!r} (rel {abs(pv - rv) / max(abs(rv), 1e-300):.2e})"
            )
    for key in set(py_ref) - set(r_ref):
        problems.append(f"{label}: {key} computed in Python but absent in R (R {key[0]!r} differs)")
    return problems


def load_data(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"g2": object, "g4": object})


def test_fixtures_present():
    assert {"paper61", "small24", "mid37", "big150", "removal80"} | EDGE_CASES <= set(DATASETS)


def test_fixtures_exercise_stepwise_removal_and_missing_covariates():
    ref = read_reference(FIXTURES / "removal80.reference.csv")
    assert any(w.startswith("select:forward_conditional") and ":remove:" in n for w, n in ref)
    assert load_data(FIXTURES / "mid37.data.csv")["x5"].isna().sum() > 0


@pytest.mark.parametrize("name", DATASETS)
def test_agrees_with_committed_r_fixtures(name):
    d = load_data(FIXTURES / f"{name}.data.csv")
    r_ref = read_reference(FIXTURES / f"{name}.reference.csv")
    problems = compare(r_ref, python_reference(d, full=name not in EDGE_CASES), name)
    assert not problems, "\n".join(problems[:30])


def test_fixture_edge_cases_are_what_they_claim():
    """The midpoint, tolerance and not-reached data sets exercise the rules they are there for."""
    mid = read_reference(FIXTURES / "midpoint.reference.csv")
    assert mid[("median:log-log", "median")] == 6.5  # (5 + 8) / 2
    tol = load_data(FIXTURES / "tolerance.data.csv")
    km = sv.km_curve(tol["time"], tol["status"])
    assert (km["surv"] != 0.5).all() and np.isclose(
        km["surv"], 0.5, rtol=0, atol=1e-12
    ).any()  # 1/2 in exact arithmetic only
    assert read_reference(FIXTURES / "tolerance.reference.csv")[("median:log-log", "median")] == 4.5  # (3 + 6) / 2
    assert np.isnan(read_reference(FIXTURES / "notreached.reference.csv")[("median:log-log", "median")])
    half = read_reference(FIXTURES / "halfend.reference.csv")  # S = 1/2 from t = 4 to the end
    assert half[("print_median:log-log", "median")] == 4.0 and half[("median:log-log", "median")] == 6.0


def _run_r(args: list[str], timeout: int = 300):
    return subprocess.run([RSCRIPT, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


def test_committed_fixtures_are_not_stale(tmp_path):
    """Re-running r/make_fixtures.R reproduces the committed fixtures exactly."""
    if RSCRIPT is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Rscript not found: CI must install R (r-base-core, r-cran-survival) to check the fixtures")
        pytest.skip("Rscript not installed (this test fails instead of skipping under CI=true)")
    res = _run_r(["r/make_fixtures.R", str(tmp_path)])
    assert res.returncode == 0, res.stderr
    assert_reproduced(tmp_path, FIXTURES)


def assert_reproduced(fresh_dir: Path, committed_dir: Path) -> None:
    """The fixtures a fresh R run wrote into ``fresh_dir`` are the committed ones: the same files, data
    byte-equal, reference numbers equal to 1e-9."""
    fresh = sorted(p.name for p in fresh_dir.iterdir())
    committed = sorted(p.name for p in committed_dir.glob("*.csv"))
    assert fresh == committed, f"fixture files differ: fresh {fresh} vs committed {committed}"
    for name in fresh:
        new, old = fresh_dir / name, committed_dir / name
        if new.read_bytes() == old.read_bytes():
            continue
        assert name.endswith(".reference.csv"), f"{name}: data differs from the committed file (stale fixture)"
        a, b = read_reference(new), read_reference(old)
        assert a.keys() == b.keys(), f"{name}: different quantities (stale fixture)"
        bad = [
            k
            for k in a
            if not (np.isnan(a[k]) and np.isnan(b[k])) and not np.isclose(a[k], b[k], rtol=1e-9, atol=1e-12)
        ]
        assert not bad, f"{name}: stale values {bad[:5]}"


def test_stale_check_fails_without_rscript_under_ci(monkeypatch, tmp_path):
    """Under CI=true a missing Rscript is a failure, never a skip."""
    import sys

    monkeypatch.setattr(sys.modules[__name__], "RSCRIPT", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Rscript not found"):
        test_committed_fixtures_are_not_stale(tmp_path)


def random_dataset(seed: int) -> pd.DataFrame:
    """A data set none of the fixtures contain: ties, censoring, a 4-group factor with missing values."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 120))
    x = {f"x{j}": rng.binomial(1, rng.uniform(0.2, 0.6), n).astype(float) for j in range(1, 5)}
    x["x5"] = np.round(rng.normal(size=n), 1)
    lp = 0.8 * x["x1"] + 0.5 * x["x2"] + 0.3 * x["x5"]
    if seed % 2:  # x1 a noisy proxy of "x2 or x3": stepwise selection may remove it again
        x["x1"] = np.abs(np.maximum(x["x2"], x["x3"]) - (rng.uniform(size=n) < 0.15))
        lp = 0.9 * x["x2"] + 0.9 * x["x3"] + 0.3 * x["x5"]
    t = rng.exponential(1 / (0.05 * np.exp(lp)))
    c = rng.uniform(0, rng.uniform(20, 100), n)
    digits = int(rng.integers(0, 2))
    time = np.maximum(np.round(np.minimum(t, c), digits), 10.0**-digits)
    g4 = rng.choice(list("abcd"), n).astype(object)
    g4[rng.choice(n, 2, replace=False)] = np.nan
    d = pd.DataFrame(
        {"time": time, "status": (t <= c).astype(int), **x, "g2": np.where(x["x3"] == 1, "b", "a"), "g4": g4}
    )
    return d


PROPERTY_SEEDS = [101, 202, 303, 404, 505, 606, 707, 808, 909, 1001]


@pytest.mark.skipif(RSCRIPT is None and os.environ.get("CI", "").lower() != "true", reason="Rscript not installed")
@pytest.mark.parametrize("seed", PROPERTY_SEEDS)
def test_agrees_with_r_on_fresh_random_data(seed, tmp_path):
    """Agreement on data the tests do not contain: R computes the reference on the fly."""
    assert RSCRIPT is not None, "Rscript required under CI=true"
    d = random_dataset(seed)
    data = tmp_path / "d.csv"
    d.to_csv(data, index=False, float_format="%.17g")
    res = _run_r(["r/reference.R", str(data), str(tmp_path / "ref.csv")])
    assert res.returncode == 0, res.stderr
    d = load_data(data)
    problems = compare(read_reference(tmp_path / "ref.csv"), python_reference(d), f"seed {seed}")
    assert not problems, "\n".join(problems[:30])
