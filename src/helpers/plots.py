"""Kaplan-Meier figures in the survminer style, drawn from fitted curves.

Fitting lives in :mod:`helpers.survival` (``km_curve``, ``logrank``); this module only draws. One function,
:func:`km_plot`, draws every KM panel of the book: step curves with censor marks, optional confidence
bands, the log-rank p on the plot, months on the x axis with breaks every ``break_every`` months, and a
number-at-risk table under the axes at the same breaks.

Figures are built with :class:`matplotlib.figure.Figure` (not pyplot), so a notebook shows each figure once
and nothing accumulates in pyplot's state. :func:`save_figure` writes byte-identical PNG/SVG files run to run.
In a notebook, figures are shown as "retina" PNG (twice the pixels, shown at the same size: sharp on a
high-density screen). Every figure carries, in its own pixels, what it was drawn from (:func:`source_label`):
"Synthetic cohort, not patient data" for the synthetic default, so a copied image stays labelled.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (registers the inline backend's figure formatters in Jupyter)
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import factors as _factors
from . import ledger, survival
from .survival.ph import RESIDUAL_TIME_COLUMNS

PALETTE = "colorblind"  # seaborn's colour-blind-safe palette (Okabe-Ito-like)
SVG_HASHSALT = "imura2022-repro"  # fixed salt: SVG element ids do not change run to run
SYNTHETIC_LABEL = "Synthetic cohort, not patient data"
SOURCE_GID = "source-label"


def _show_figures_in_ipython() -> None:
    """In a Jupyter kernel, display a returned Figure as PNG (it is made without pyplot, so the inline
    backend's formatters may not be active yet)."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is always there with Jupyter
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        select_figure_formats(shell, {"retina"}, bbox_inches="tight")


def set_theme() -> None:
    """The book's plotting theme: seaborn ``ticks`` style, colour-blind-safe palette, deterministic output."""
    _show_figures_in_ipython()
    sns.set_theme(context="notebook", style="ticks", palette=PALETTE)
    mpl.rcParams.update(
        {
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "savefig.dpi": 200,  # files (docs/figure1d.png): sharp on a high-density screen
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def source_label() -> str:
    """What a figure drawn now is drawn from: :data:`SYNTHETIC_LABEL` for the synthetic ``data/cohort.csv``,
    else the name of the cohort file in use (``$COHORT``)."""
    from . import data, paths

    path = paths.cohort_path()
    return SYNTHETIC_LABEL if data.is_synthetic_default(path) else f"Cohort file: {path.name}"


def label_source(fig: Figure, text: str | None = None) -> Figure:
    """Write ``text`` (default :func:`source_label`) small in the figure's bottom-right corner."""
    fig.text(
        0.995,
        0.003,
        text or source_label(),
        ha="right",
        va="bottom",
        fontsize=7.5,
        color="0.35",
        style="italic",
        gid=SOURCE_GID,
    )
    return fig


def source_text(fig: Figure) -> str | None:
    """The source label drawn on a figure (None if it has none)."""
    for t in fig.texts:
        if t.get_gid() == SOURCE_GID:
            return t.get_text()
    return None


def format_p(p: float) -> str:
    """A p value as the paper prints it: ``"p < 0.001"`` below 0.001, else three decimals."""
    if p is None or not np.isfinite(p):
        return "p = N.A."
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def breaks(xmax: float, break_every: float = 24) -> np.ndarray:
    """The x breaks 0, ``break_every``, ... up to ``xmax`` (inclusive)."""
    if break_every <= 0:
        raise ValueError(f"break_every must be positive, got {break_every}")
    return np.arange(0, xmax + 1e-9, break_every)


def axis_max(times, break_every: float = 24) -> float:
    """The smallest multiple of ``break_every`` at or above the longest time (at least one break)."""
    t = pd.to_numeric(pd.Series(times), errors="coerce").dropna()
    top = float(t.max()) if len(t) else 0.0
    return max(break_every, math.ceil(top / break_every) * break_every)


def n_at_risk(curve: pd.DataFrame, at) -> np.ndarray:
    """Number at risk at each time in ``at`` from a :func:`survival.km_curve` table.

    At time ``x`` this is the ``n_risk`` of the first event/censor time ``>= x`` (survminer's risk table),
    0 after the last time.
    """
    times = curve["time"].to_numpy(float)
    nr = curve["n_risk"].to_numpy(int)
    at = np.atleast_1d(np.asarray(at, float))
    idx = np.searchsorted(times, at, side="left")
    out = np.zeros(len(at), int)
    ok = idx < len(times)
    out[ok] = nr[idx[ok]]
    return out


def _groups(data: pd.DataFrame, group, labels: dict | None):
    """[(level, label, rows)] in the factor's level order; patients with a missing level are left out."""
    if group is None:
        return [(None, "All patients", data)], None
    factor = _factors.FACTORS[group] if isinstance(group, str) else group
    lv = factor(data)
    out = []
    for level in factor.levels:
        rows = data.loc[lv == level]
        if len(rows):
            text = (labels or {}).get(level, factor.label_of(level))
            out.append((level, text, rows))
    return out, lv


def km_plot(
    data: pd.DataFrame,
    group=None,
    *,
    time: str = "os_months",
    event: str = "death",
    ax=None,
    title: str | None = None,
    labels: dict | None = None,
    xmax: float | None = None,
    break_every: float = 24,
    conf_band: bool = False,
    conf_type: str = "log-log",
    xlabel: str = "Months",
    ylabel: str = "Overall survival",
    source: str | None = None,
) -> Figure:
    """Kaplan-Meier curves of ``data`` by ``group`` (a key of ``helpers.factors.FACTORS`` or a ``Factor``).

    Draws a step curve per level (censor marks ``+``), the log-rank p (``survival.logrank``) when there are
    two or more groups, and a number-at-risk table under the axes at the x breaks. ``xmax`` defaults to the
    longest time rounded up to a break. ``labels`` maps level keys to legend text. A new figure is labelled
    with what it was drawn from (``source``, default :func:`source_label`). Returns the Figure.
    """
    for col in (time, event):
        if col not in data.columns:
            raise KeyError(f"km_plot: column {col!r} not in data (columns: {', '.join(map(str, data.columns))})")
    set_theme()
    groups, lv = _groups(data, group, labels)
    if not groups:
        raise ValueError("km_plot: no patients to plot")
    xmax = axis_max(data[time], break_every) if xmax is None else float(xmax)
    ticks = breaks(xmax, break_every)
    colours = sns.color_palette(PALETTE, n_colors=max(len(groups), 3))

    own_figure = ax is None
    if ax is None:
        # fixed margins (not constrained layout): every panel's axes sit at the same place, whatever the labels
        height, top, bottom, gap = 4.4 + 0.3 * len(groups), 0.35, 0.55, 0.5  # inches
        fig = Figure(figsize=(6.4, height))
        usable = height - top - bottom
        gs = fig.add_gridspec(
            2,
            1,
            height_ratios=[3.4, 0.35 + 0.3 * len(groups)],
            left=0.25,
            right=0.96,
            top=1 - top / height,
            bottom=bottom / height,
            hspace=2 * gap / (usable - gap),
        )
        ax = fig.add_subplot(gs[0])
        ax_risk = fig.add_subplot(gs[1], sharex=ax)
    else:
        from mpl_toolkits.axes_grid1 import make_axes_locatable

        fig = ax.figure
        ax_risk = make_axes_locatable(ax).append_axes("bottom", size=0.3 + 0.25 * len(groups), pad=0.55, sharex=ax)

    for i, (_level, text, rows) in enumerate(groups):
        with np.errstate(invalid="ignore", divide="ignore"):  # S = 0 at the end gives NaN limits, as in R
            curve = survival.km_curve(rows[time], rows[event], conf_type=conf_type)
        x = np.concatenate([[0.0], curve["time"].to_numpy(float)])
        y = np.concatenate([[1.0], curve["surv"].to_numpy(float)])
        colour = colours[i]
        ax.step(x, y, where="post", color=colour, lw=1.8, label=f"{text} (n={len(rows)})")
        cens = curve[curve["n_censor"] > 0]
        ax.plot(cens["time"], cens["surv"], ls="none", marker="+", ms=8, mew=1.4, color=colour)
        if conf_band:
            lo = np.concatenate([[1.0], curve["lower"].to_numpy(float)])
            hi = np.concatenate([[1.0], curve["upper"].to_numpy(float)])
            ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, lw=0)
        risk = n_at_risk(curve, ticks)
        row_y = len(groups) - 1 - i
        for xt, n in zip(ticks, risk):
            ax_risk.text(xt, row_y, str(n), ha="center", va="center", fontsize=9, color=colour)

    test = ledger.levels_test(data[time], data[event], lv) if len(groups) >= 2 else None
    if test is not None:
        ax.text(
            0.03,
            0.05,
            f"Log-rank {format_p(test.p)}",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=10,
            gid="logrank-p",
        )
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 1.03)
    ax.set_xticks(ticks)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel(ylabel)
    ax.tick_params(labelbottom=False)
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    ax.legend(loc="upper right", frameon=False, fontsize=9)

    ax_risk.set_ylim(-0.6, len(groups) - 0.4)
    ax_risk.set_yticks(range(len(groups) - 1, -1, -1), [text for _, text, _ in groups], fontsize=9)
    ax_risk.tick_params(axis="y", length=0, pad=16)
    for tick, colour in zip(ax_risk.get_yticklabels(), colours):
        tick.set_color(colour)
    ax_risk.set_xlabel(xlabel)
    ax_risk.set_title("Number at risk", loc="left", fontsize=9)
    ax_risk.tick_params(labelbottom=True)
    for side in ("left", "top", "right"):
        ax_risk.spines[side].set_visible(False)
    if own_figure:
        label_source(fig, source)
    return fig


def risk_table(fig: Figure) -> pd.DataFrame:
    """The number-at-risk table as drawn on a :func:`km_plot` figure (rows: group label, columns: break)."""
    ax_risk = fig.axes[1]
    labels = {int(round(y)): t.get_text() for y, t in zip(ax_risk.get_yticks(), ax_risk.get_yticklabels())}
    rows: dict[str, dict[float, int]] = {}
    for t in ax_risk.texts:
        x, y = t.get_position()
        rows.setdefault(labels[int(round(y))], {})[float(x)] = int(t.get_text())
    order = [labels[k] for k in sorted(labels, reverse=True)]
    return pd.DataFrame(rows).T.loc[order]


def p_text(fig: Figure) -> str | None:
    """The log-rank text drawn on a :func:`km_plot` figure (None for a single curve)."""
    for t in fig.axes[0].texts:
        if t.get_gid() == "logrank-p":
            return t.get_text()
    return None


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG or SVG (by suffix) with no date/version metadata: same bytes every run."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT}):
            fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    elif suffix == ".png":
        fig.savefig(path, format="png", metadata={"Software": None}, bbox_inches="tight")
    else:
        raise ValueError(f"save_figure: {path}: use a .png or .svg file name")
    return path


# ---------------------------------------------------------------------------------------------------------------
# Proportional-hazards diagnostics (added by the book-chapters engineer; small and separate from km_plot)
# ---------------------------------------------------------------------------------------------------------------


def schoenfeld_panels(zph, draw, *, ncols: int = 2) -> Figure:
    """The layout shared by the scaled-Schoenfeld-residual figures: one panel per covariate of
    ``zph.residuals`` against transformed time, its axis labelled in months, its title carrying the PH test p.
    ``draw(ax, x, y, covariate, colour)`` draws a panel's data (points, smooth, reference lines)."""
    set_theme()
    res = zph.residuals
    covs = [c for c in res.columns if c not in RESIDUAL_TIME_COLUMNS]
    nrows = math.ceil(len(covs) / ncols)
    fig = Figure(figsize=(3.4 * ncols, 2.9 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    colour = sns.color_palette(PALETTE)[0]
    x = res["x"].to_numpy(float)
    # label the transformed axis with the months it corresponds to
    qs = np.quantile(x, [0.1, 0.5, 0.9])
    tick_months = [float(np.interp(q, np.sort(x), res["time"].to_numpy(float)[np.argsort(x)])) for q in qs]
    for ax, cov in zip(axes, covs):
        draw(ax, x, res[cov].to_numpy(float), cov, colour)
        p = float(zph.table.loc[cov, "p"]) if cov in zph.table.index else np.nan
        ax.set_title(f"{_factors.COX_LABELS.get(cov, cov)}  (PH test {format_p(p)})", loc="left", fontsize=9)
        ax.set_xticks(qs, [f"{m:.0f}" for m in tick_months])
        ax.set_xlabel("Months (KM-transformed scale)" if zph.transform == "km" else "Time", fontsize=9)
        ax.set_ylabel("Beta(t)", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes[len(covs) :]:
        ax.set_visible(False)
    return label_source(fig)


def schoenfeld_plot(zph, fit=None, *, frac: float = 2 / 3, ncols: int = 2) -> Figure:
    """Scaled Schoenfeld residuals (``survival.ph_test(...).residuals``) against transformed time, one panel per
    covariate, with a lowess smooth and, when ``fit`` (the ``survival.cox`` result) is given, a dashed line at the
    fitted coefficient. Like R's ``plot(cox.zph(fit))``; the panel title carries the covariate's PH test p."""
    from statsmodels.nonparametric.smoothers_lowess import lowess

    def draw(ax, x, y, cov, colour):
        ax.plot(x, y, ls="none", marker="o", ms=3, alpha=0.5, color=colour)
        smooth = lowess(y, x, frac=frac, return_sorted=True)
        ax.plot(smooth[:, 0], smooth[:, 1], color=colour, lw=2)
        if fit is not None:
            ax.axhline(float(fit.table.loc[cov, "coef"]), ls="--", color="0.3", lw=1)
        ax.axhline(0, ls=":", color="0.6", lw=0.8)

    return schoenfeld_panels(zph, draw, ncols=ncols)
