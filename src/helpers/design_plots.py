"""Figures for the study-design chapter: spreads of simulated hazard ratios and chance findings.

Drawing only; the numbers come from :mod:`helpers.simulate` and :mod:`helpers.multiplicity`. Figures are
:class:`matplotlib.figure.Figure` objects in the book's theme (:func:`helpers.plots.set_theme`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import cbook
from matplotlib.figure import Figure
from scipy import stats

from . import plots

__all__ = ["hr_spread", "chance_findings", "epv_spread"]


def _boxes(ax, values: Sequence[np.ndarray], positions, colours, height: float) -> None:
    """Horizontal box plots of hazard ratios, computed on the log scale (median, quartiles, whiskers at 1.5
    IQR, outliers) and drawn at the HR values, for a log-scaled axis."""
    stats_ = cbook.boxplot_stats([np.log(v) for v in values])
    for st in stats_:
        for key in ("med", "q1", "q3", "whislo", "whishi", "mean"):
            st[key] = float(np.exp(st[key]))
        st["fliers"] = np.exp(st["fliers"])
    parts = ax.bxp(
        stats_,
        positions=list(positions),
        widths=height,
        orientation="horizontal",
        patch_artist=True,
        manage_ticks=False,
        flierprops={"marker": "o", "markersize": 2, "markerfacecolor": "none"},
        medianprops={"color": "0.15"},
    )
    for box, colour in zip(parts["boxes"], colours):
        box.set_facecolor(colour)


def _log_hr_axis(ax, lo: float, hi: float) -> None:
    ax.set_xscale("log")
    ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if lo <= t <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlim(lo, hi)


def hr_spread(
    results: pd.DataFrame,
    panels: str = "comparison",
    rows: str = "analysis",
    truth: float = 1.0,
    titles: dict | None = None,
    xlim: tuple[float, float] = (0.1, 10),
) -> Figure:
    """One panel per value of ``panels``: the simulated hazard ratios of every analysis (``rows``) as a box
    over the replicates, the true HR as a dashed line, and the share of replicates with p < 0.05 at the right.
    HRs outside ``xlim`` are drawn at its edge."""
    plots.set_theme()
    data = results.dropna(subset=["hr"])
    keys = list(dict.fromkeys(data[panels]))
    order = list(dict.fromkeys(data[rows]))
    fig = Figure(figsize=(6.4, 1.0 + 0.55 * len(order) * len(keys) + 0.4 * len(keys)))
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    colours = sns.color_palette(plots.PALETTE, n_colors=max(len(order), 3))
    for ax, key in zip(axes, keys):
        sub = data[data[panels] == key].assign(hr=lambda d: d["hr"].clip(*xlim))
        present = [name for name in order if (sub[rows] == name).any()]
        _boxes(
            ax,
            [sub.loc[sub[rows] == name, "hr"].to_numpy() for name in present],
            [order.index(name) for name in present],
            [colours[order.index(name)] for name in present],
            0.55,
        )
        ax.axvline(truth, ls="--", color="0.3", lw=1)
        _log_hr_axis(ax, *xlim)
        ax.set_yticks(range(len(order)), order)
        ax.set_ylim(len(order) - 0.5, -0.5)
        for i, name in enumerate(order):
            share = float((sub.loc[sub[rows] == name, "p"] < 0.05).mean())
            ax.text(1.01, i, f"{100 * share:.0f}%", transform=ax.get_yaxis_transform(), va="center", fontsize=9)
        ax.set_ylabel("")
        ax.set_xlabel("")
        ax.set_title((titles or {}).get(key, str(key)), loc="left", fontsize=10)
        ax.text(1.01, 1.02, "p < 0.05", transform=ax.transAxes, fontsize=8, va="bottom")
    axes[-1].set_xlabel(f"Hazard ratio (log scale); dashed: the true HR, {truth:g}")
    fig.subplots_adjust(
        left=0.40, right=0.87, hspace=0.6, top=1 - 0.45 / fig.get_figheight(), bottom=0.7 / fig.get_figheight()
    )
    return fig


def chance_findings(perm: pd.DataFrame, tests: int, alpha: float = 0.05) -> Figure:
    """Bars: how many of ``tests`` factors reached p < ``alpha`` in each permutation (no factor has an
    effect), beside the binomial distribution for ``tests`` independent tests."""
    plots.set_theme()
    counts = perm["significant"].value_counts(normalize=True).sort_index()
    k = np.arange(0, max(int(counts.index.max()), 4) + 1)
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    c1, c2 = sns.color_palette(plots.PALETTE, n_colors=2)
    ax.bar(
        k - 0.2, [counts.get(i, 0.0) for i in k], width=0.4, color=c1, label=f"permuted survival ({len(perm)} shuffles)"
    )
    ax.bar(k + 0.2, stats.binom.pmf(k, tests, alpha), width=0.4, color=c2, label=f"{tests} independent tests")
    ax.set_xticks(k)
    ax.set_xlabel(f"Factors with p < {alpha:g} when none has an effect")
    ax.set_ylabel("Share of studies")
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def epv_spread(
    results: dict[str, pd.DataFrame], beta: pd.Series, labels: dict | None = None, xlim: tuple[float, float] = (0.2, 20)
) -> Figure:
    """For each scenario (``results``: name -> :func:`helpers.simulate.epv_analyses` replicates) and each
    covariate, a box of the full model's hazard ratios; a diamond marks the true HR (``exp(beta)``)."""
    plots.set_theme()
    frames = [r.assign(scenario=name) for name, r in results.items()]
    data = pd.concat(frames, ignore_index=True)
    data = data[data["finite"]].assign(hr=lambda d: np.exp(d["coef"]).clip(*xlim))
    covs: Sequence[str] = list(beta.index)
    data["label"] = data["covariate"].map(lambda c: (labels or {}).get(c, c))
    order = [(labels or {}).get(c, c) for c in covs]
    fig = Figure(figsize=(6.4, 1.2 + 0.75 * len(covs)))
    ax = fig.subplots()
    names = list(results)
    colours = sns.color_palette(plots.PALETTE, n_colors=max(len(names), 3))
    step = 0.7 / len(names)
    for j, name in enumerate(names):
        sub = data[data["scenario"] == name]
        pos = [i - 0.35 + step * (j + 0.5) for i in range(len(covs))]
        _boxes(
            ax,
            [sub.loc[sub["covariate"] == c, "hr"].to_numpy() for c in covs],
            pos,
            [colours[j]] * len(covs),
            step * 0.85,
        )
        ax.plot([], [], "s", color=colours[j], label=name)
    ax.set_yticks(range(len(covs)), order)
    ax.set_ylim(len(covs) - 0.5, -0.5)
    ax.scatter(np.exp(beta.to_numpy()), range(len(covs)), marker="D", color="black", zorder=5, s=22, label="true HR")
    _log_hr_axis(ax, *xlim)
    ax.axvline(1, ls=":", color="0.5", lw=1)
    ax.set_ylabel("")
    ax.set_xlabel("Hazard ratio, full Cox model (log scale)")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
