"""helpers.timedep: counting-process splitting, the Cox model on (start, stop] rows, landmark data sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import survival, timedep


@pytest.fixture
def patients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "months": [10.0, 4.0, 6.0, 8.0, 3.0],
            "death": [1, 0, 1, 1, 0],
            "start_chemo": [2.0, np.nan, 0.0, 8.0, 5.0],
            "age": [50, 60, 70, 40, 55],
        },
        index=["a", "b", "c", "d", "e"],
    )


def test_split_at_follows_tmerge_boundaries(patients):
    cp = timedep.split_at(patients, "months", "death", "start_chemo", keep=["age"])
    assert cp.to_dict("records") == [
        {"id": "a", "start": 0.0, "stop": 2.0, "event": 0, "treated": 0, "age": 50},  # switch inside
        {"id": "a", "start": 2.0, "stop": 10.0, "event": 1, "treated": 1, "age": 50},  # event on the last row
        {"id": "b", "start": 0.0, "stop": 4.0, "event": 0, "treated": 0, "age": 60},  # never treated
        {"id": "c", "start": 0.0, "stop": 6.0, "event": 1, "treated": 1, "age": 70},  # from time 0
        {"id": "d", "start": 0.0, "stop": 8.0, "event": 1, "treated": 0, "age": 40},  # at the death: too late
        {"id": "e", "start": 0.0, "stop": 3.0, "event": 0, "treated": 0, "age": 55},  # after follow-up ends
    ]


def test_split_at_with_delayed_entry(patients):
    d = patients.assign(entry=[1.0, 0.0, 0.0, 0.0, 0.0])
    d.loc["a", "start_chemo"] = 1.0  # a switch at entry counts from entry
    cp = timedep.split_at(d, "months", "death", "start_chemo", entry="entry")
    row = cp[cp["id"] == "a"]
    assert row[["start", "stop", "event", "treated"]].values.tolist() == [[1.0, 10.0, 1, 1]]


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("months", np.nan, "row 'b', column 'months': missing value"),
        ("death", 2, "row 'b', column 'death': must be 0/1"),
        ("start_chemo", -1.0, "row 'b', column 'start_chemo': switch time must be >= 0"),
        ("months", 0.0, "row 'b', column 'months': follow-up must end after entry"),
    ],
)
def test_split_at_errors_name_row_and_column(patients, column, value, message):
    d = patients.astype({"death": float})
    d.loc["b", column] = value
    with pytest.raises(ValueError, match=message):
        timedep.split_at(d, "months", "death", "start_chemo")


def test_split_at_refuses_duplicate_labels_and_unknown_columns(patients):
    with pytest.raises(ValueError, match="unique"):
        timedep.split_at(pd.concat([patients, patients]), "months", "death", "start_chemo")
    with pytest.raises(KeyError, match="'nope'"):
        timedep.split_at(patients, "months", "death", "nope")


def _cohort(seed=3, n=120):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "time": np.round(rng.exponential(20, n)) + 1,
            "death": rng.binomial(1, 0.7, n),
            "x": rng.binomial(1, 0.5, n),
            "z": rng.normal(size=n),
        }
    )
    d["switch"] = np.where(rng.random(n) < 0.6, np.round(rng.exponential(6, n), 1), np.nan)
    return d


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_counting_fit_equals_the_right_censored_fit_when_nothing_changes(ties):
    """Rows starting at 0, and the same patients cut into two rows with an unchanged covariate, have the
    same partial likelihood as one row per patient: the fits agree with survival.cox to rounding."""
    d = _cohort()
    ref = survival.cox(d, "time", "death", ["x", "z"], ties=ties)
    whole = timedep.cox_counting(d.assign(start=0.0), "start", "time", "death", ["x", "z"], ties=ties)
    cut = timedep.cox_counting(
        timedep.split_at(d, "time", "death", "switch", keep=["x", "z"]), "start", "stop", "event", ["x", "z"], ties=ties
    )
    for fit in (whole, cut):
        np.testing.assert_allclose(fit.table[["coef", "se", "p"]], ref.table[["coef", "se", "p"]], rtol=1e-9)
        np.testing.assert_allclose(fit.loglik, ref.loglik, rtol=1e-12)
        assert fit.score_test["statistic"] == pytest.approx(ref.score_test["statistic"], rel=1e-9)
        assert fit.n_events == ref.n_events
    assert cut.n > whole.n == len(d)  # R's fit$n counts rows


def test_efron_agrees_with_lifelines_time_varying_fitter():
    from lifelines import CoxTimeVaryingFitter

    d = _cohort(seed=8)
    cp = timedep.split_at(d, "time", "death", "switch", keep=["x", "z"])
    ours = timedep.cox_counting(cp, "start", "stop", "event", ["treated", "x", "z"], ties="efron")
    ctv = CoxTimeVaryingFitter().fit(cp, id_col="id", start_col="start", stop_col="stop", event_col="event")
    np.testing.assert_allclose(ours.table["coef"], ctv.params_[["treated", "x", "z"]], atol=1e-4)


def test_breslow_and_efron_differ_with_ties():
    d = _cohort()
    cp = timedep.split_at(d, "time", "death", "switch", keep=["x"])
    b = timedep.cox_counting(cp, "start", "stop", "event", ["treated", "x"])
    e = timedep.cox_counting(cp, "start", "stop", "event", ["treated", "x"], ties="efron")
    assert b.ties == "breslow" and e.ties == "efron"
    assert not np.allclose(b.table["coef"], e.table["coef"], rtol=1e-4)


def test_delayed_entry_leaves_a_patient_out_of_earlier_risk_sets():
    """Two deaths; the patient entering at 5 is not at risk at month 2, so only the first death's risk set
    changes: the log partial likelihood at beta = 0 is -log(3) - log(3) with entry, -log(4) - log(3) without."""
    d = pd.DataFrame(
        {"start": [0.0, 0.0, 0.0, 5.0], "stop": [2.0, 6.0, 7.0, 9.0], "event": [1, 1, 0, 0], "x": [1.0, 0.0, 1.0, 0.0]}
    )
    fit = timedep.cox_counting(d, "start", "stop", "event", ["x"])
    assert fit.loglik[0] == pytest.approx(-np.log(3) - np.log(3))  # t=2: rows 0,1,2; t=6: rows 1,2,3
    no_entry = timedep.cox_counting(d.assign(start=0.0), "start", "stop", "event", ["x"])
    assert no_entry.loglik[0] == pytest.approx(-np.log(4) - np.log(3))


def test_cox_counting_errors():
    d = pd.DataFrame({"start": [0.0, 3.0], "stop": [2.0, 3.0], "event": [1, 0], "x": [0.0, 1.0]}, index=["p", "q"])
    with pytest.raises(ValueError, match="row 'q': 'start' must be < 'stop'"):
        timedep.cox_counting(d, "start", "stop", "event", ["x"])
    with pytest.raises(ValueError, match="at least one covariate"):
        timedep.cox_counting(d, "start", "stop", "event", [])
    with pytest.raises(KeyError, match="'w'"):
        timedep.cox_counting(d, "start", "stop", "event", ["w"])


def test_monotone_likelihood_warns_as_coxph():
    # every x1 = 1 patient dies before any x1 = 0 patient: the MLE of x1 is infinite
    d = pd.DataFrame(
        {
            "start": 0.0,
            "stop": range(1, 10),
            "event": [1, 1, 1, 0, 1, 0, 1, 0, 1],
            "x1": [1, 1, 1, 0, 0, 0, 0, 0, 0],
            "x2": [0, 1, 0, 1, 0, 1, 1, 0, 1],
        }
    )
    with pytest.warns(UserWarning, match="before variable x1; coefficient may be infinite"):
        fit = timedep.cox_counting(d, "start", "stop", "event", ["x1", "x2"])
    assert fit.converged and fit.table.loc["x1", "coef"] > 10


def test_landmark_keeps_those_at_risk_and_fixes_groups_at_the_landmark(patients):
    lm = timedep.landmark(patients, 4.0, duration="months", switches={"chemo_by_4": "start_chemo"})
    assert list(lm.index) == ["a", "c", "d"]  # b is censored at 4 (not > 4), e at 3
    assert lm["months"].tolist() == [6.0, 2.0, 4.0]
    assert lm["chemo_by_4"].tolist() == [1, 1, 0]  # d starts at 8: after the landmark, counted as untreated
    assert patients.loc["a", "months"] == 10.0  # the input is not modified
    with pytest.raises(ValueError, match="landmark time"):
        timedep.landmark(patients, -1.0, duration="months")
