"""Figures (and two display tables) for the ensemble chapter: how each claim's statistic spreads across cohorts.

Only drawing: the numbers come from an ensemble summary (``helpers.ensemble.load_summary``) and from
``helpers.power``.  Figures are built without pyplot, in the book's theme (``helpers.plots.set_theme``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from . import ensemble, factors, plots, power

ALPHA_COLOUR = "0.35"
ENSEMBLE_LABEL = "Synthetic cohorts (the ensemble of reconstructions), not patient data"


def _usable(summary: pd.DataFrame, only_meeting_bar: bool) -> pd.DataFrame:
    keep = summary["ok"] & (summary["meets_bar"] if only_meeting_bar else True)
    return summary[keep]


def p_distribution(
    summary: pd.DataFrame,
    claims: Sequence[str],
    printed: dict | None = None,
    *,
    only_meeting_bar: bool = True,
    title: str | None = None,
) -> Figure:
    """One row per claim: each cohort's p value (dot, log scale), the 5% line, and the printed p (◆) when
    ``printed`` maps claim keys to it.  Dots left of the line: significant in that cohort."""
    plots.set_theme()
    use = _usable(summary, only_meeting_bar)
    labels = {c.key: c.label for c in ensemble.CLAIMS}
    fig = Figure(figsize=(7.2, 0.9 + 0.42 * len(claims)), layout="constrained")
    ax = fig.add_subplot()
    colours = sns.color_palette(plots.PALETTE, 3)
    rng = np.random.default_rng(0)  # fixed jitter: same figure every run
    for i, key in enumerate(claims):
        p = use.loc[use["claim"] == key, "p"].dropna().to_numpy(float)
        y = len(claims) - 1 - i
        sig = p < ensemble.ALPHA
        jitter = rng.uniform(-0.18, 0.18, len(p))
        ax.scatter(p[sig], y + jitter[sig], s=14, color=colours[0], alpha=0.7, lw=0)
        ax.scatter(p[~sig], y + jitter[~sig], s=14, color=colours[1], alpha=0.7, lw=0)
        if printed and key in printed and np.isfinite(printed[key]):
            ax.scatter([printed[key]], [y], marker="D", s=36, facecolor="white", edgecolor="black", zorder=3)
    ax.axvline(ensemble.ALPHA, color=ALPHA_COLOUR, ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(claims) - 1, -1, -1), [labels[k] for k in claims], fontsize=9)
    ax.set_ylim(-0.6, len(claims) - 0.4)
    ax.set_xlabel("p value in each reconstructed cohort (log scale; dashed: 0.05; ◆ printed)")
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    return plots.label_source(fig, ENSEMBLE_LABEL)


def hr_distribution(
    summary: pd.DataFrame,
    claim: str = "table3.size_gt10",
    printed: dict | None = None,
    *,
    only_meeting_bar: bool = True,
) -> Figure:
    """Table 3's HR for one covariate across cohorts: every cohort's HR and 95% CI, sorted by HR, coloured
    by significance; HR = 1 dotted; the printed HR and CI (``printed``: keys hr, ci_low, ci_high) dashed."""
    plots.set_theme()
    use = _usable(summary, only_meeting_bar)
    rows = use.loc[use["claim"] == claim, ["seed", "hr", "ci_low", "ci_high", "p"]].dropna(subset=["hr"])
    rows = rows.sort_values(["hr", "seed"], ignore_index=True)
    colours = sns.color_palette(plots.PALETTE, 3)
    fig = Figure(figsize=(7.2, 3.6), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    hr, lo, hi = (rows[c].to_numpy(float) for c in ("hr", "ci_low", "ci_high"))
    sig = (rows["p"] < ensemble.ALPHA).to_numpy()
    for mask, colour, text in [(sig, colours[0], "p < 0.05"), (~sig, colours[1], "p ≥ 0.05")]:
        if mask.any():
            ax.errorbar(
                x[mask],
                hr[mask],
                yerr=[hr[mask] - lo[mask], hi[mask] - hr[mask]],
                fmt="o",
                ms=3,
                lw=0.8,
                color=colour,
                label=text,
            )
    ax.axhline(1.0, color=ALPHA_COLOUR, ls=":", lw=1)
    if printed:
        for k, style in (("hr", "-"), ("ci_low", "--"), ("ci_high", "--")):
            if k in printed:
                ax.axhline(printed[k], color="black", ls=style, lw=0.8, alpha=0.6)
    ax.set_yscale("log")
    ticks = [0.25, 0.5, 1, 2, 4, 8, 16]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(min(0.5, np.nanmin(lo, initial=1.0) / 1.1), max(8.0, np.nanmax(hi, initial=1.0) * 1.1))
    ax.set_xlabel("reconstructed cohorts, sorted by HR")
    ax.set_ylabel("HR (95% CI), log scale")
    ax.set_xticks([])
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    return plots.label_source(fig, ENSEMBLE_LABEL)


def selection_bars(counts: pd.DataFrame) -> Figure:
    """How often forward conditional selection picks each covariate set (``ensemble.selection_counts``)."""
    plots.set_theme()
    fig = Figure(figsize=(6.4, 0.9 + 0.38 * max(len(counts), 1)), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(counts))[::-1]
    ax.barh(y, counts["percent"], color=sns.color_palette(plots.PALETTE, 1)[0])
    names = [" + ".join(factors.COX_LABELS.get(c, c) for c in s.split("+")) for s in counts["selected"]]
    ax.set_yticks(y, names, fontsize=9)
    for yi, pct, n in zip(y, counts["percent"], counts["cohorts"]):
        ax.text(pct + 1, yi, f"{n}", va="center", fontsize=9)
    ax.set_xlim(0, 105)
    ax.set_xlabel("% of cohorts")
    return plots.label_source(fig, ENSEMBLE_LABEL)


def power_curves(
    deaths: int,
    proportions: dict,
    hrs: np.ndarray | None = None,
    target: float = power.POWER,
    alpha: float = power.ALPHA,
) -> Figure:
    """Schoenfeld power against the HR for ``deaths`` deaths, one curve per group split (``proportions``:
    label -> proportion in one group), with the 80% line."""
    plots.set_theme()
    hrs = np.linspace(1.0, 5.0, 161) if hrs is None else np.asarray(hrs, float)
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.add_subplot()
    colours = sns.color_palette(plots.PALETTE, max(len(proportions), 3))
    for colour, (label, p) in zip(colours, proportions.items()):
        ax.plot(hrs, [power.power(h, deaths, p, alpha) for h in hrs], color=colour, lw=1.8, label=label)
    ax.axhline(target, color=ALPHA_COLOUR, ls="--", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(hrs.min(), hrs.max())
    ax.set_xlabel("true hazard ratio")
    ax.set_ylabel(f"power (two-sided α = {alpha:g})")
    ax.legend(frameon=False, fontsize=9, title=f"{deaths} deaths; group split", title_fontsize=9)
    return plots.label_source(fig)


def power_table(table: pd.DataFrame) -> pd.DataFrame:
    """``power.factor_power`` laid out for reading (rounded; power in percent)."""
    out = pd.DataFrame(
        {
            "Factor": table["label"],
            "Patients": table["n"],
            "Deaths": table["deaths"],
            "Group": table["level"],
            "Share in group": table["proportion"].round(3),
            "Detectable HR (80% power)": table["detectable_hr"].round(2),
        }
    )
    for col in table.columns:
        if col.startswith("power_hr_"):
            out[f"Power for HR {col.removeprefix('power_hr_')} (%)"] = (100 * table[col]).round(0)
    return out
