"""Figures for the methods pages: the cumulative hazard, log(-log S), Schoenfeld residuals with ±2 SE bands,
cumulative incidence and dfbeta.

Fitting lives in :mod:`helpers.survival`; this module only draws, in the style of :mod:`helpers.plots` (same
theme, palette and source label). Each function returns a :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import factors as _factors
from . import survival
from .plots import PALETTE, _groups, label_source, schoenfeld_panels, set_theme


def _figure(width: float = 6.4, height: float = 4.0) -> tuple[Figure, object]:
    set_theme()
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def cumhaz_plot(
    data: pd.DataFrame, *, time: str = "os_months", event: str = "death", title: str | None = None
) -> Figure:
    """The Nelson-Aalen cumulative hazard (:func:`helpers.survival.nelson_aalen`) with its 95% log-scale band,
    and −log of the Kaplan-Meier curve for comparison (R: ``plot(survfit(...), fun = "cumhaz")``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    time, event : str
        Columns of follow-up time and the 0/1 event.
    title : str, optional
        Title of the axes.
    """
    fig, ax = _figure()
    colours = sns.color_palette(PALETTE)
    na = survival.nelson_aalen(data[time], data[event])
    km = survival.km_curve(data[time], data[event])
    x = np.concatenate([[0.0], na["time"]])
    ax.step(x, np.concatenate([[0.0], na["cumhaz"]]), where="post", color=colours[0], lw=1.8, label="Nelson–Aalen H(t)")
    ax.fill_between(
        x,
        np.concatenate([[0.0], na["lower"].fillna(0)]),
        np.concatenate([[0.0], na["upper"].fillna(0)]),
        step="post",
        color=colours[0],
        alpha=0.15,
        lw=0,
        label="95% confidence band",
    )
    with np.errstate(divide="ignore"):
        ax.step(
            x,
            np.concatenate([[0.0], -np.log(km["surv"])]),
            where="post",
            color=colours[1],
            lw=1.2,
            ls="--",
            label="−log Kaplan–Meier",
        )
    ax.set_xlabel("Months")
    ax.set_ylabel("Cumulative hazard")
    ax.set_ylim(0, float(np.nanmax(na["upper"].replace(np.inf, np.nan))) * 1.05)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    return label_source(fig)


def loglog_plot(
    data: pd.DataFrame, group, *, time: str = "os_months", event: str = "death", labels: dict | None = None
) -> Figure:
    """log(−log Ŝ(t)) against log t, one curve per level of ``group`` (:func:`helpers.survival.log_minus_log`).

    Under proportional hazards the curves are parallel, a vertical distance of log HR apart; curves that converge
    or cross speak against a single hazard ratio. R: ``plot(survfit(...), fun = "cloglog")``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient.
    group : str or helpers.factors.Factor
        A key of :data:`helpers.factors.FACTORS` or a Factor.
    time, event : str
        Columns of follow-up time and the 0/1 event.
    labels : dict, optional
        Legend text per level.
    """
    fig, ax = _figure()
    groups, _ = _groups(data, group, labels)
    colours = sns.color_palette(PALETTE, n_colors=max(len(groups), 3))
    for colour, (_level, text, rows) in zip(colours, groups):
        ll = survival.log_minus_log(rows[time], rows[event])
        ax.step(ll["log_time"], ll["loglog"], where="post", color=colour, lw=1.8, label=f"{text} (n={len(rows)})")
    ticks = [1, 3, 6, 12, 24, 48, 96]
    ax.set_xticks(np.log(ticks), [str(t) for t in ticks])
    ax.set_xlabel("Months (log scale)")
    ax.set_ylabel("log(−log S(t))")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return label_source(fig)


def _natural_spline_basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """The natural cubic spline basis with the given knots (the first and last are the boundary knots): as many
    columns as knots, intercept included; linear beyond the boundary knots (Hastie, Tibshirani and Friedman,
    *The Elements of Statistical Learning*, eq. 5.4-5.5)."""

    def d(k):
        return (np.maximum(x - knots[k], 0) ** 3 - np.maximum(x - knots[-1], 0) ** 3) / (knots[-1] - knots[k])

    cols = [np.ones_like(x), x] + [d(k) - d(len(knots) - 2) for k in range(len(knots) - 2)]
    return np.column_stack(cols)


def _spline_band(x: np.ndarray, y: np.ndarray, grid: np.ndarray, df: int = 4):
    """A natural cubic regression spline of y on x with ``df`` degrees of freedom (knots at quantiles of x, as
    R's ``ns(x, df)`` with an intercept, which ``plot.cox.zph`` fits) and its pointwise least-squares standard
    error on ``grid``."""
    knots = np.quantile(x, np.linspace(0, 1, df))
    design = _natural_spline_basis(x, knots)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    sigma2 = float(resid @ resid) / max(len(y) - design.shape[1], 1)
    new = _natural_spline_basis(grid, knots)
    xtx_inv = np.linalg.pinv(design.T @ design)
    se = np.sqrt(sigma2 * np.einsum("ij,jk,ik->i", new, xtx_inv, new))
    return new @ coef, se


def schoenfeld_band_plot(zph, fit, *, ncols: int = 2) -> Figure:
    """Scaled Schoenfeld residuals against transformed time, one panel per covariate, with a regression-spline
    smooth of β(t) and its ±2 standard-error band, and the fitted β̂ as a dashed line.

    A horizontal line at β̂ that stays inside the band is what proportional hazards predicts. Like R's
    ``plot(cox.zph(fit))`` (a natural spline with 4 degrees of freedom and ±2 SE); the band here is the
    least-squares band of that spline.

    Parameters
    ----------
    zph : helpers.survival.PHTestResult
        The result of :func:`helpers.survival.ph_test`.
    fit : helpers.survival.CoxResult
        The Cox model tested.
    ncols : int
        Panels per row.
    """

    def draw(ax, x, y, cov, colour):
        grid = np.linspace(x.min(), x.max(), 60)
        smooth, se = _spline_band(x, y, grid)
        ax.plot(x, y, ls="none", marker="o", ms=3, alpha=0.5, color=colour)
        ax.plot(grid, smooth, color=colour, lw=2)
        ax.fill_between(grid, smooth - 2 * se, smooth + 2 * se, color=colour, alpha=0.15, lw=0)
        ax.axhline(float(fit.table.loc[cov, "coef"]), ls="--", color="0.3", lw=1)

    return schoenfeld_panels(zph, draw, ncols=ncols)


def cif_plot(
    cif: pd.DataFrame, labels: dict[str, str], *, title: str | None = None, source: str | None = None
) -> Figure:
    """Stacked step curves of a :func:`helpers.survival.cumulative_incidence` table: the cumulative incidence of
    each cause (``labels`` maps its column, e.g. ``"cause_1"``, to legend text).

    Parameters
    ----------
    cif : pandas.DataFrame
        The table :func:`helpers.survival.cumulative_incidence` returns.
    labels : dict
        Column -> legend text, in drawing order.
    title : str, optional
        Title of the axes.
    source : str, optional
        What the figure was drawn from, written in its corner (default: the cohort file's label,
        :func:`helpers.plots.source_label`); say "Simulated data" for a simulation.
    """
    fig, ax = _figure()
    colours = sns.color_palette(PALETTE)
    x = np.concatenate([[0.0], cif["time"]])
    for colour, (col, text) in zip(colours, labels.items()):
        ax.step(x, np.concatenate([[0.0], cif[col]]), where="post", color=colour, lw=1.8, label=text)
    ax.set_ylim(0, 1.03)
    ax.set_xlabel("Months")
    ax.set_ylabel("Cumulative incidence")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    return label_source(fig, source)


def dfbeta_plot(dfb: pd.DataFrame, fit, covariate: str) -> Figure:
    """Each patient's dfbeta for ``covariate`` (:func:`helpers.survival.dfbeta`), as an index plot, with the
    coefficient's standard error as a reference (R: ``plot(residuals(fit, type = "dfbeta")[, j])``).

    Parameters
    ----------
    dfb : pandas.DataFrame
        dfbeta table (one row per patient).
    fit : helpers.survival.CoxResult
        The Cox model.
    covariate : str
        The column of ``dfb`` to draw.
    """
    fig, ax = _figure(6.4, 3.4)
    colour = sns.color_palette(PALETTE)[0]
    y = dfb[covariate].to_numpy(float)
    ax.vlines(np.arange(len(y)), 0, y, color=colour, lw=1.2)
    se = float(fit.table.loc[covariate, "se"])
    for s in (-1, 1):
        ax.axhline(s * se / 2, ls=":", color="0.5", lw=0.8)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("Patient (file order)")
    ax.set_ylabel(f"dfbeta: {_factors.COX_LABELS.get(covariate, covariate)}", fontsize=9)
    return label_source(fig)
