"""The ensemble of reconstructions: claims per cohort, the committed summary, loky vs dask."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import data, ensemble, power, published, scorecard
from helpers.reconstruct import __main__ as cli
from helpers.reconstruct import api

SMALL = 300  # iterations: enough to move the search, small enough for a unit test


@pytest.fixture(scope="module")
def committed_cohort():
    return data.load_cohort(), data.load_regimens()


@pytest.fixture(scope="module")
def claims(committed_cohort):
    return ensemble.summarise(*committed_cohort)


def test_summarise_covers_every_claim(claims):
    assert list(claims) == ensemble.CLAIM_KEYS
    assert {c.key for c in ensemble.CLAIMS if c.headline} >= {
        "table3.size_gt10",
        "table4.interval",
        "table5.chemotherapy",
        "text.first_line_response",
        "forward.size_gt10",
    }


def test_summarise_agrees_with_the_scorecard(committed_cohort, claims):
    """Two independent paths to the same statistics: the claim summary and the scorecard's recomputation
    of the printed p values and Table 3's HR/CI."""
    card = scorecard.reproduce(*committed_cohort).set_index("id")
    for claim in ensemble.CLAIMS:
        if claim.kind == "forward":
            continue
        assert claims[claim.key]["p"] == pytest.approx(card.loc[claim.published_id, "reproduced"], rel=1e-9, abs=1e-12)
    for stat in ("hr", "ci_low", "ci_high"):
        assert claims["table3.size_gt10"][stat] == pytest.approx(
            card.loc[f"t3.size_gt10.{stat}", "reproduced"], rel=1e-9
        )


def test_holds_means_same_conclusion_as_the_paper(claims):
    pub = published.load().set_index("id")
    for claim in ensemble.CLAIMS:
        c = claims[claim.key]
        row = pub.loc[claim.published_id]
        printed_sig = bool(row["value"] < 0.05 or row["bound"] == "<")
        assert c["paper_significant"] == printed_sig
        if claim.kind != "forward":
            assert c["significant"] == (c["p"] < 0.05)
        assert c["holds"] == (c["significant"] == printed_sig)
    # what the paper concluded, read from data/published
    assert claims["table1.size"]["paper_significant"] and not claims["table1.age"]["paper_significant"]


def test_forward_selection_is_recorded(claims):
    sel = claims["forward.size_gt10"]["selected"]
    assert set(filter(None, sel.split("+"))) <= set(ensemble.factors.COX_COVARIATES)
    assert claims["forward.size_gt10"]["significant"] == ("size_gt10" in sel.split("+"))


def test_verdicts_are_counts_and_a_printed_p_decides():
    # a claim whose p the paper prints is decided by it, however many reconstructions agree
    assert ensemble.verdict(3, 100) == ensemble.verdict(100, 100) == ensemble.DECIDED
    # forward selection, which the paper does not print: a count of reconstructions, never a probability
    assert ensemble.verdict(95, 100, printed_p=False) == "holds in 95 of 100 reconstructions"
    assert ensemble.verdict(94, 100, printed_p=False) == "open: holds in 94 of 100 reconstructions"
    assert ensemble.verdict(6, 100, printed_p=False) == "open: holds in 6 of 100 reconstructions"
    assert ensemble.verdict(5, 100, printed_p=False) == "fails in 95 of 100 reconstructions"
    assert ensemble.verdict(0, 0, printed_p=False) == "no reconstructions"


def _fake_results():
    base = ensemble.summarise(*(data.load_cohort(), data.load_regimens()))
    out = []
    for seed, meets in [(1, True), (2, True), (3, False)]:
        claims = {k: dict(v) for k, v in base.items()}
        if seed == 2:
            claims["table3.size_gt10"]["holds"] = not claims["table3.size_gt10"]["holds"]
            claims["forward.size_gt10"]["selected"] = ""
        out.append(
            ensemble.CohortResult(
                seed=seed,
                iterations=0,
                ok=True,
                fidelity={"matched": 1, "total": 2, "fidelity_percent": 50.0, "counts_percent": 100.0},
                bar=95.0,
                meets_bar=meets,
                claims=claims,
            )
        )
    out.append(ensemble.CohortResult(seed=4, iterations=0, ok=False, error="ValueError: boom", bar=95.0))
    return out


def test_summary_frame_round_trips_and_keeps_failed_seeds(tmp_path):
    results = _fake_results()
    frame = ensemble.summary_frame(results)
    assert len(frame) == 4 * len(ensemble.CLAIMS)
    path = tmp_path / "s.csv"
    path.write_text(ensemble.summary_csv(frame))
    back = ensemble.load_summary(path)
    assert ensemble.summary_csv(back) == path.read_text()
    failed = back[back["seed"] == 4]
    assert (failed["error"] == "ValueError: boom").all() and failed["holds"].isna().all()
    shares = ensemble.claim_shares(back).set_index("claim")
    assert (shares["cohorts"] == 2).all()  # seeds 1 and 2 met the bar; 3 did not, 4 failed
    assert shares.loc["table3.size_gt10", "percent"] == 50.0
    assert shares.loc["table3.size_gt10", "verdict"] == ensemble.DECIDED
    assert shares.loc["forward.size_gt10", "verdict"] in {
        ensemble.verdict(k, 2, printed_p=False) for k in (1, 2)
    }  # seed 2 selected nothing
    assert ensemble.claim_shares(back, only_meeting_bar=False).set_index("claim").loc["table1.age", "cohorts"] == 3
    sel = ensemble.selection_counts(back)
    assert sel["cohorts"].sum() == 2 and "(none)" in set(sel["selected"])


def test_a_failing_seed_is_reported_not_hidden(monkeypatch):
    def boom(seed, iterations=None, finish_rounds=None):
        raise ValueError("could not place the deaths")

    monkeypatch.setattr(api, "reconstruct", boom)
    r = ensemble.run_one(5, 10)
    assert not r.ok and not r.meets_bar and r.error == "ValueError: could not place the deaths"
    assert (ensemble.summary_frame([r])["error"] == r.error).all()


def test_bad_backend_and_duplicate_seeds_are_refused():
    with pytest.raises(ValueError, match="backend"):
        ensemble.run_ensemble([1], 0, backend="spark", progress=False)
    with pytest.raises(ValueError, match="distinct"):
        ensemble.run_ensemble([1, 1], 0, progress=False)


def test_cli_writes_summary_and_per_seed_tables(tmp_path):
    out = tmp_path / "ens"
    assert (
        cli.main(
            [
                "--ensemble",
                "2",
                "--seed",
                str(api.DEFAULT_SEED),
                "--iterations",
                "0",
                "--jobs",
                "1",
                "--no-progress",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    summary = ensemble.load_summary(out / "ensemble_summary.csv")
    assert list(summary["seed"].unique()) == [api.DEFAULT_SEED, api.DEFAULT_SEED + 1]
    assert (summary["iterations"] == 0).all()
    for r in ensemble.seed_overview(summary).itertuples():
        d = out / f"seed_{r.seed}"
        assert (d / "cohort.csv").exists() == r.ok
        if r.ok:
            card = pd.read_csv(d / "fidelity.csv")
            assert int(card["match"].sum()) == r.matched
            assert len(pd.read_csv(d / "cohort.csv")) == 61
            assert len(pd.read_csv(d / "primary_treatment.csv")) == 61
            assert card["computed"].all()  # each member is scored on the same printed numbers as the book's cohort


def test_scheduler_needs_the_dask_backend(tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--ensemble", "1", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path)])


def _committed_seeds(summary: pd.DataFrame) -> list[int]:
    """Deterministic choice of two seeds to re-run: the first and the last of the committed summary."""
    seeds = list(summary["seed"].unique())
    return [seeds[0], seeds[-1]]


def test_committed_summary_is_what_the_command_produces():
    """Re-run two of the committed seeds with the recorded settings: their rows must be identical."""
    text = ensemble.SUMMARY_PATH.read_text()
    summary = ensemble.load_summary()
    assert ensemble.summary_csv(summary) == text  # the file is in the canonical format
    seeds = _committed_seeds(summary)
    iterations = summary.loc[summary["seed"].isin(seeds), "iterations"].unique()
    assert len(iterations) == 1
    results = ensemble.run_ensemble(seeds, int(iterations[0]), n_jobs=2, progress=False)
    fresh = ensemble.summary_csv(ensemble.summary_frame(results)).splitlines()
    header, *lines = text.splitlines()
    committed = [ln for ln in lines if int(ln.split(",", 1)[0]) in seeds]
    assert fresh[0] == header
    assert fresh[1:] == committed


def test_dask_localcluster_gives_the_loky_results():
    from dask import distributed  # pinned in requirements.txt: a missing install fails, never skips

    seeds = [api.DEFAULT_SEED, api.DEFAULT_SEED + 1]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = ensemble.run_ensemble(
            seeds, SMALL, backend="dask", scheduler=cluster.scheduler_address, progress=False
        )
    on_loky = ensemble.run_ensemble(seeds, SMALL, n_jobs=2, progress=False)
    assert [r.seed for r in on_dask] == seeds
    assert ensemble.summary_csv(ensemble.summary_frame(on_dask)) == ensemble.summary_csv(
        ensemble.summary_frame(on_loky)
    )
    for a, b in zip(on_dask, on_loky):
        assert a.ok == b.ok and a.error == b.error
        if a.ok:
            pd.testing.assert_frame_equal(a.cohort, b.cohort)
            pd.testing.assert_frame_equal(a.regimens, b.regimens)
    assert any(r.ok for r in on_dask), "neither seed reconstructed: nothing compared"


def test_plots_draw_one_mark_per_cohort():
    from helpers import ensemble_plots

    summary = ensemble.summary_frame(_fake_results())
    fig = ensemble_plots.p_distribution(
        summary, ["table1.size", "table4.interval"], {"table1.size": 0.001}, only_meeting_bar=False
    )
    dots = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    assert dots == 2 * 3 + 1  # three reconstructed cohorts per claim, plus the printed diamond
    fig = ensemble_plots.hr_distribution(summary, only_meeting_bar=True)
    points = sum(len(line.get_xdata()) for line in fig.axes[0].lines if line.get_marker() == "o")
    assert points == 2  # only the two cohorts that met the bar
    table = ensemble_plots.power_table(power.factor_power(data.load_cohort(), ["size"], hrs=(2.0,)))
    assert list(table.columns)[-1] == "Power for HR 2 (%)" and 0 < table.iloc[0, -1] < 100


def test_banner_names_the_summary_its_hash_and_says_synthetic(tmp_path):
    import hashlib

    path = tmp_path / "ensemble_summary.csv"
    path.write_text(ensemble.summary_csv(ensemble.summary_frame(_fake_results())))
    text = ensemble.banner(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() in text
    assert "4 **synthetic reconstructions**" in text and "not patient data" in text


def test_selection_counts_sets_not_entry_orders():
    results = _fake_results()[:2]
    results[0].claims["forward.size_gt10"]["selected"] = "no_metastasectomy+size_gt10"
    results[1].claims["forward.size_gt10"]["selected"] = "size_gt10+no_metastasectomy"
    counts = ensemble.selection_counts(ensemble.summary_frame(results))
    assert counts.to_dict("list") == {"selected": ["size_gt10+no_metastasectomy"], "cohorts": [2], "percent": [100.0]}
