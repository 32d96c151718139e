"""km_plot draws what helpers.survival fitted: risk table, log-rank p, breaks, censor marks, deterministic files."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from helpers import factors, plots, survival


def test_risk_table_equals_n_risk_of_km_curve_at_the_breaks(toy_cohort):
    fig = plots.km_plot(toy_cohort, "size", break_every=24)
    drawn = plots.risk_table(fig)
    lv = factors.levels(toy_cohort, "size")
    ticks = fig.axes[0].get_xticks()
    assert list(drawn.columns) == list(ticks)
    for level in ("<=10", ">10"):
        rows = toy_cohort[lv == level]
        curve = survival.km_curve(rows["os_months"], rows["death"])
        label = factors.FACTORS["size"].label_of(level)
        # independent count: patients still under observation at each break (time >= break)
        by_hand = [int((rows["os_months"] >= t).sum()) for t in ticks]
        assert drawn.loc[label].tolist() == by_hand
        assert drawn.loc[label].tolist() == plots.n_at_risk(curve, ticks).tolist()
        assert drawn.loc[label].iloc[0] == len(rows)


def test_p_text_is_the_logrank_p(toy_cohort):
    for key in ("size", "presenting", "primary_site"):
        fig = plots.km_plot(toy_cohort, key)
        lv = factors.levels(toy_cohort, key)
        p = survival.logrank(toy_cohort["os_months"], toy_cohort["death"], lv).p
        assert plots.p_text(fig) == f"Log-rank {plots.format_p(p)}"


def test_format_p():
    assert plots.format_p(0.0004) == "p < 0.001"
    assert plots.format_p(0.0214) == "p = 0.021"
    assert plots.format_p(float("nan")) == "p = N.A."


def test_single_curve_has_no_p_and_missing_levels_are_left_out(toy_cohort):
    assert plots.p_text(plots.km_plot(toy_cohort)) is None
    fig = plots.km_plot(toy_cohort, "grade")  # 3 patients with unknown grade
    assert plots.risk_table(fig).iloc[:, 0].sum() == toy_cohort["grade"].notna().sum()


def test_same_breaks_on_every_panel(toy_cohort):
    a = plots.km_plot(toy_cohort, "size", xmax=192)
    b = plots.km_plot(factors.subset(toy_cohort, "metastasectomy"), "presenting", xmax=192)
    assert list(a.axes[0].get_xticks()) == list(b.axes[0].get_xticks()) == list(np.arange(0, 193, 24))
    assert list(a.axes[1].get_xticks()) == list(a.axes[0].get_xticks())


def test_default_xmax_rounds_up_to_a_break(toy_cohort):
    fig = plots.km_plot(toy_cohort, "size", break_every=24)
    top = fig.axes[0].get_xlim()[1]
    assert top % 24 == 0 and top >= toy_cohort["os_months"].max() > top - 24


def test_censor_marks_at_censored_times(toy_cohort):
    fig = plots.km_plot(toy_cohort)
    marks = [ln for ln in fig.axes[0].lines if ln.get_marker() == "+"]
    assert len(marks) == 1
    censored = np.unique(toy_cohort.loc[toy_cohort["death"] == 0, "os_months"])
    assert np.allclose(np.sort(marks[0].get_xdata()), censored)


def test_confidence_band_is_optional(toy_cohort):
    assert len(plots.km_plot(toy_cohort, "size").axes[0].collections) == 0
    assert len(plots.km_plot(toy_cohort, "size", conf_band=True).axes[0].collections) == 2


def test_missing_column_is_named(toy_cohort):
    with pytest.raises(KeyError, match="pfs_months"):
        plots.km_plot(toy_cohort, time="pfs_months")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_saved_figure_bytes_are_identical_run_to_run(toy_cohort, tmp_path, suffix):
    digests = []
    for i in range(2):
        path = plots.save_figure(plots.km_plot(toy_cohort, "size"), tmp_path / f"f{i}{suffix}")
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    if suffix == ".svg":
        assert "<dc:date>" not in (tmp_path / f"f0{suffix}").read_text()


def test_readme_figure_is_regenerated_from_the_data(tmp_path, monkeypatch):
    """docs/figure1d.png is what `make figure` draws from the default cohort, byte for byte."""
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("readme_figure", repo / "book" / "tools" / "readme_figure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("COHORT", raising=False)
    fresh = module.main(str(tmp_path / "figure1d.png"))
    assert fresh.read_bytes() == (repo / "docs" / "figure1d.png").read_bytes(), "run `make figure`"


def test_every_figure_says_what_it_was_drawn_from(toy_cohort, monkeypatch):
    monkeypatch.delenv("COHORT", raising=False)
    fig = plots.km_plot(toy_cohort, "size")
    assert plots.source_text(fig) == plots.SYNTHETIC_LABEL  # the synthetic default is in use
    monkeypatch.setenv("COHORT", "/elsewhere/my_cohort.csv")
    assert plots.source_text(plots.km_plot(toy_cohort, "size")) == "Cohort file: my_cohort.csv"
    assert plots.source_text(plots.km_plot(toy_cohort, "size", source="drawn from X")) == "drawn from X"


def test_figures_are_drawn_for_high_density_screens(toy_cohort, tmp_path):
    import struct

    from IPython.core.pylabtools import print_figure

    plots.set_theme()
    fig = plots.km_plot(toy_cohort, "size")
    path = plots.save_figure(fig, tmp_path / "f.png")
    width = struct.unpack(">I", path.read_bytes()[16:20])[0]
    assert width >= 1.5 * fig.get_figwidth() * 100  # at least 150 dpi
    plain, retina = print_figure(fig, "png"), print_figure(fig, "retina")  # a notebook shows the retina one
    assert struct.unpack(">I", retina[16:20])[0] / struct.unpack(">I", plain[16:20])[0] > 1.99
