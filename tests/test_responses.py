"""helpers.responses: ORR/DCR with exact CIs as R's binom.test, and the per-regimen summary."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import responses as rs
from helpers import survival as sv

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_clopper_pearson_matches_r_binom_test():
    ref = pd.read_csv(FIXTURES / "binom.reference.csv")
    assert len(ref) > 150
    for k, n, est, lo, hi in ref.itertuples(index=False):
        r = rs.rate(k, n)
        np.testing.assert_allclose(
            [r.estimate, r.lower, r.upper], [est, lo, hi], rtol=1e-6, atol=1e-12, err_msg=f"k={k}, n={n}"
        )


def test_orr_and_dcr_from_counts_and_from_codes_agree():
    codes = pd.Series(["CR", "PR", "PR", "SD", "SD", "SD", "PD", "PD", None])
    a, b = rs.orr(1, 2, 8), rs.orr(codes)
    assert a == b and a.k == 3 and a.n == 8 and a.estimate == pytest.approx(3 / 8)
    c, d = rs.dcr(1, 2, 3, 8), rs.dcr(codes)
    assert c == d and c.k == 6 and c.lower < 0.75 < c.upper


def test_rate_edges():
    assert rs.orr(0, 0, 9).lower == 0.0 and rs.orr(0, 0, 9).estimate == 0.0
    assert rs.dcr(0, 3, 2, 5).upper == 1.0
    assert np.isnan(rs.rate(0, 0).estimate)
    with pytest.raises(ValueError, match="exceeds"):
        rs.orr(3, 3, 5)
    with pytest.raises(ValueError, match="whole number"):
        rs.rate(1.5, 4)
    with pytest.raises(ValueError, match="row 2.*'XX'"):
        rs.orr(pd.Series(["CR", "PD", "XX"]))


def regimen_frame():
    rng = np.random.default_rng(3)
    rows = []
    for reg, n in [("PAZ", 12), ("DXR", 7), ("NEW", 4)]:
        for i in range(n):
            rows.append(
                {
                    "patient_id": f"P{i}",
                    "line": 1,
                    "regimen": reg,
                    "best_response": rng.choice(["CR", "PR", "SD", "PD"]),
                    "pfs_months": round(float(rng.exponential(5)), 1) + 0.1,
                    "pfs_event": int(rng.uniform() < 0.8),
                }
            )
    return pd.DataFrame(rows)


def test_response_summary():
    reg = regimen_frame()
    out = rs.response_summary(reg)
    assert list(out.index) == ["DXR", "PAZ", "NEW"]  # Table 2's order, then others
    for name, row in out.iterrows():
        sub = reg[reg["regimen"] == name]
        counts = sub["best_response"].value_counts()
        assert row["n"] == len(sub) == row[["cr", "pr", "sd", "pd"]].sum()
        assert row["orr_pct"] == pytest.approx(100 * (counts.get("CR", 0) + counts.get("PR", 0)) / len(sub))
        assert row["orr_low_pct"] <= row["orr_pct"] <= row["orr_high_pct"]
        assert row["dcr_pct"] >= row["orr_pct"]
        m = sv.km_median(sub["pfs_months"], sub["pfs_event"])
        assert (np.isnan(m) and np.isnan(row["median_pfs"])) or row["median_pfs"] == m


def test_response_summary_missing_column():
    with pytest.raises(KeyError, match="pfs_event"):
        rs.response_summary(regimen_frame().drop(columns="pfs_event"))
