"""helpers.design_plots draw what they are given: one panel per comparison, shares of p < 0.05 as labelled."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import design_plots


def _results():
    rng = np.random.default_rng(0)
    rows = []
    for comp in ("a", "b"):
        for analysis, shift in (("naive", -0.5), ("fixed", 0.0)):
            for r in range(20):
                rows.append(
                    {
                        "comparison": comp,
                        "analysis": analysis,
                        "hr": float(np.exp(shift + rng.normal(0, 0.3))),
                        "p": 0.01 if (analysis == "naive" and r < 10) else 0.5,
                        "replicate": r,
                    }
                )
    return pd.DataFrame(rows)


def test_hr_spread_has_a_panel_per_comparison_and_the_false_positive_shares():
    fig = design_plots.hr_spread(_results(), titles={"a": "Panel A"})
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title(loc="left") == "Panel A"
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "50%" in labels and "0%" in labels


def test_chance_findings_compares_with_the_binomial():
    perm = pd.DataFrame({"significant": [0, 0, 1, 2], "min_p": [0.3, 0.2, 0.01, 0.001]})
    fig = design_plots.chance_findings(perm, tests=12)
    heights = [round(b.get_height(), 3) for b in fig.axes[0].patches]
    assert heights[:3] == [0.5, 0.25, 0.25]
    assert round(heights[5], 3) == round(0.95**12, 3)  # the binomial bar at k = 0


def test_epv_spread_marks_every_true_hr():
    res = pd.DataFrame({"covariate": ["x", "y"] * 10, "coef": np.linspace(-0.5, 1.0, 20), "finite": True})
    fig = design_plots.epv_spread({"small": res}, pd.Series({"x": 0.5, "y": 0.0}))
    marks = [c for c in fig.axes[0].collections if c.get_label() == "true HR"]
    np.testing.assert_allclose(marks[0].get_offsets()[:, 0], np.exp([0.5, 0.0]))
