"""Table 3 and the Methods: hazard ratios against their intervals and p values (statcheck-style), how precisely
they pin down each coefficient, and the selection procedure the Methods name."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from .. import factors, published
from ..published import judged_decimals
from .base import ALPHA, CONFIDENCE, CONSISTENT, INCONSISTENT, OTHER_RULE, UNSTATED, _check, _where, fmt
from .rounding import interval, overlap

SPSS_ENTRY, SPSS_REMOVAL = 0.05, 0.10  # SPSS defaults of "forward conditional" (PIN, POUT)


def _judged(row) -> int:
    """A printed row's decimals as R's printing rule reads them (:func:`helpers.published.judged_decimals`)."""
    return judged_decimals(row["statistic"], row["decimals"])


def wald(
    hr: float,
    hr_dec: int,
    lo: float,
    lo_dec: int,
    hi: float,
    hi_dec: int,
    level: float = CONFIDENCE,
    rule: str = "round",
) -> dict:
    """Interval arithmetic on a printed HR, CI: the HR implied by the CI, the SE, and the implied Wald p range."""
    z = norm.ppf(0.5 + level / 2)
    H, L, U = interval(hr, hr_dec, rule), interval(lo, lo_dec, rule), interval(hi, hi_dec, rule)
    geo = (math.sqrt(max(L[0], 1e-300) * U[0]), math.sqrt(L[1] * U[1]))
    se = ((math.log(U[0]) - math.log(L[1])) / (2 * z), (math.log(U[1]) - math.log(max(L[0], 1e-300))) / (2 * z))
    both = (max(H[0], geo[0]), min(H[1], geo[1]))
    h = both if both[0] <= both[1] else H
    lnh = (math.log(h[0]), math.log(h[1]))
    absmin = 0.0 if lnh[0] <= 0 <= lnh[1] else min(abs(lnh[0]), abs(lnh[1]))
    absmax = max(abs(lnh[0]), abs(lnh[1]))
    zs = (absmin / se[1], absmax / se[0]) if se[0] > 0 else (absmin / se[1], math.inf)
    p = (2 * norm.sf(zs[1]), 2 * norm.sf(zs[0]))
    return dict(hr=H, geo=geo, se=se, z=zs, p=p, hr_ok=overlap(H, geo))


def hazard_ratio_checks(pub: pd.DataFrame) -> list[dict]:
    """Table 3: HR = √(lo·hi); implied SE; implied Wald p against the printed p."""
    out = []
    t3 = _where(pub, source="Table 3")
    for cov, g in t3.groupby("factor", sort=False):
        v = {r["statistic"]: r for _, r in g.iterrows()}
        if not {"hr", "ci_low", "ci_high", "p"} <= set(v):
            continue
        args = tuple(x for s in ("hr", "ci_low", "ci_high") for x in (v[s]["value"], _judged(v[s])))
        w, wt = wald(*args), wald(*args, rule="truncate")
        nums = f"HR {fmt(v['hr'])}, 95% CI {fmt(v['ci_low'])}–{fmt(v['ci_high'])}, p {fmt(v['p'])}"
        verdict = CONSISTENT if w["hr_ok"] else OTHER_RULE if wt["hr_ok"] else INCONSISTENT
        out.append(
            _check(
                f"hr.{cov}.geometric_mean",
                "hazard_ratio",
                f"Table 3 {v['hr']['label']}: the HR is the geometric centre of its CI",
                nums,
                f"√(lo·hi) ∈ [{w['geo'][0]:.4f}, {w['geo'][1]:.4f}]; HR ∈ [{w['hr'][0]:.4f}, {w['hr'][1]:.4f}]",
                verdict,
                "EZR prints R's Wald CI, exp(b ± 1.96 SE), symmetric on the log scale; "
                "the printed HR sits at its centre."
                if verdict == CONSISTENT
                else "The printed HR is not the centre of its printed CI on the log scale.",
            )
        )
        P = interval(v["p"]["value"], _judged(v["p"]), bound=v["p"]["bound"])
        ok, okt = overlap(P, w["p"]), overlap(P, wt["p"])
        verdict = CONSISTENT if ok else OTHER_RULE if okt else INCONSISTENT
        ci_has_1 = v["ci_low"]["value"] <= 1 <= v["ci_high"]["value"]
        agrees = ci_has_1 == (P[0] >= 1 - CONFIDENCE)
        if not agrees:
            verdict = INCONSISTENT
        out.append(
            _check(
                f"hr.{cov}.wald_p",
                "hazard_ratio",
                f"Table 3 {v['hr']['label']}: the p-value follows from the HR and its CI",
                nums,
                f"SE ∈ [{w['se'][0]:.4f}, {w['se'][1]:.4f}]; z ∈ [{w['z'][0]:.3f}, {w['z'][1]:.3f}]; "
                f"Wald p ∈ [{w['p'][0]:.4f}, {w['p'][1]:.4f}]",
                verdict,
                (
                    f"The printed p ({P[0]:.4f}–{P[1]:.4f} before rounding) overlaps the implied range "
                    f"on [{max(P[0], w['p'][0]):.5f}, {min(P[1], w['p'][1]):.5f}]"
                    if ok
                    else "The printed p lies outside the range the HR and CI imply"
                )
                + (
                    "; and the CI contains 1 exactly when p ≥ 0.05."
                    if agrees
                    else "; and the CI and p disagree about significance."
                ),
            )
        )
    return out


def coefficient_box(
    hr: tuple[float, int],
    lo: tuple[float, int],
    hi: tuple[float, int],
    p: tuple[float, int, str],
    level: float = CONFIDENCE,
) -> dict:
    """The (β, SE) a printed HR, CI and Wald p leave possible: each printed number, read as its rounding
    interval, is a linear constraint on (β, SE) (``β ± z·SE`` for the limits, ``|β| / SE`` for p), so the
    extremes of β and SE are linear programmes. ``hr``, ``lo``, ``hi``: (value, decimals); ``p``: (value,
    decimals, bound). Returns beta/se (min, max), or None when the numbers admit no (β, SE)."""
    from scipy.optimize import linprog

    z = norm.ppf(0.5 + level / 2)
    B = [math.log(max(x, 1e-300)) for x in interval(*hr)]
    L = [math.log(max(x, 1e-300)) for x in interval(*lo)]
    U = [math.log(max(x, 1e-300)) for x in interval(*hi)]
    P = interval(p[0], p[1], bound=p[2])
    A, b = [[-1, 0], [1, 0], [-1, z], [1, -z], [-1, -z], [1, z]], [-B[0], B[1], -L[0], L[1], -U[0], U[1]]
    sign = 1.0 if B[0] >= 0 else -1.0 if B[1] <= 0 else 0.0
    if sign:  # |β| / SE between the z values of the p interval's ends (linear once the sign of β is known)
        z_lo, z_hi = norm.isf(min(P[1], 1.0) / 2), norm.isf(max(P[0], 1e-300) / 2)
        A += [[-sign, z_lo], [sign, -z_hi]]
        b += [0.0, 0.0]
    out = {}
    for name, k in (("beta", 0), ("se", 1)):
        ends = []
        for direction in (1.0, -1.0):
            c = [0.0, 0.0]
            c[k] = direction
            r = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None), (1e-9, None)], method="highs")
            if r.status != 0:
                return None
            ends.append(float(r.x[k]))
        out[name] = (ends[0], ends[1])
    return out


def coefficient_boxes(pub: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`coefficient_box` for each covariate of Table 3: how precisely the printed numbers pin down its
    coefficient and standard error (``data/RECONSTRUCTION.md`` uses it to show why Table 3 is hard to
    reproduce by search)."""
    pub = published.load() if pub is None else pub
    rows = []
    for cov, g in _where(pub, source="Table 3").groupby("factor", sort=False):
        v = {r["statistic"]: r for _, r in g.iterrows()}
        if not {"hr", "ci_low", "ci_high", "p"} <= set(v):
            continue
        box = coefficient_box(
            *[(v[s]["value"], _judged(v[s])) for s in ("hr", "ci_low", "ci_high")],
            (v["p"]["value"], _judged(v["p"]), v["p"]["bound"]),
        )
        if box is None:
            rows.append((cov, np.nan, np.nan, np.nan, np.nan))
        else:
            rows.append((cov, *box["beta"], *box["se"]))
    out = pd.DataFrame(rows, columns=["covariate", "beta_min", "beta_max", "se_min", "se_max"])
    return out.assign(beta_width=out.beta_max - out.beta_min, se_width=out.se_max - out.se_min)


METHODS_SELECTION = "forward conditional stepwise"  # the Methods' words
METHODS_SOFTWARE = "EZR"
# Variable selection EZR's Cox regression dialog offers: stepwise selection by AIC or BIC, and backward
# elimination by p-value (``step.p.cox``), which prints the full model before it eliminates. "Forward
# conditional" is SPSS's name (score-test entry, conditional likelihood-ratio removal); EZR does not use it.
SOFTWARE_SELECTION = {"EZR": ("backward elimination by p-value", "stepwise by AIC", "stepwise by BIC")}
PRINTS_FULL_MODEL_FIRST = {"EZR": True}  # step.p.cox prints the model of every candidate, then eliminates


def methods_checks(
    pub: pd.DataFrame, selection: str = METHODS_SELECTION, software: str = METHODS_SOFTWARE
) -> list[dict]:
    """The selection procedure the Methods name against what Table 3 reports and what the software offers."""
    out = []
    t3p = _where(pub, source="Table 3", statistic="p")
    if t3p.empty:
        return out
    kept = {r["factor"]: r for _, r in t3p.iterrows()}
    high = [
        f"{r['label']} p {fmt(r)}"
        for r in kept.values()
        if interval(r["value"], _judged(r), bound=r["bound"])[0] > SPSS_REMOVAL
    ]
    uni = _where(pub, source="Table 1", statistic="p")
    sig = sorted(
        r["factor"] for _, r in uni.iterrows() if interval(r["value"], _judged(r), bound=r["bound"])[1] < ALPHA
    )
    mapped = sorted(factors.COX_COVARIATES[c][0] for c in kept if c in factors.COX_COVARIATES)
    same = sig == mapped
    cannot = (
        f"Forward conditional selection (SPSS: enter at p < {SPSS_ENTRY}, remove at p > {SPSS_REMOVAL}) "
        f"cannot end with {', '.join(high)} in the model."
    )
    reading = (
        "Table 3 is the full model of the univariately significant factors, fitted without selection, and "
        "the forward conditional procedure, whose own final model is not printed, is where the text's "
        "'independent prognostic factor' comes from"
    )
    verdict = CONSISTENT if not high else UNSTATED if same else INCONSISTENT
    out.append(
        _check(
            "methods.stepwise_vs_table3",
            "methods",
            "Methods: covariates chosen by forward conditional stepwise selection",
            "Table 3 p: " + ", ".join(f"{r['factor']} {fmt(r)}" for r in kept.values()),
            f"covariates with p > {SPSS_REMOVAL} (removal threshold) still in the model: {len(high)}",
            verdict,
            "Every reported covariate would survive the removal test."
            if not high
            else f"{cannot} Table 3 fits only under a reading the paper does not state (see the reading)."
            if same
            else f"{cannot} Nor is Table 3 the set of univariately significant factors.",
            reading=reading if verdict == UNSTATED else "",
        )
    )
    out.append(
        _check(
            "methods.table3_is_univariate_significant",
            "methods",
            "Table 3's covariates are the Table 1 factors with p < 0.05",
            "Table 1 p < 0.05: " + ", ".join(sig),
            "Table 3 covariates: " + ", ".join(mapped),
            CONSISTENT if same else INCONSISTENT,
            "Table 3 holds exactly the univariately significant factors, which a forced-entry model of them would give."
            if same
            else "Table 3's covariates are not the univariately significant set.",
        )
    )
    offered = SOFTWARE_SELECTION.get(software, ())
    named = selection in offered
    full_first = PRINTS_FULL_MODEL_FIRST.get(software, False) and same
    verdict = CONSISTENT if named else UNSTATED if full_first else INCONSISTENT
    out.append(
        _check(
            "methods.software",
            "methods",
            f"Methods: {selection} selection, done in {software}",
            f"selection method named in the Methods: {selection}; software {software}",
            f"{software}'s Cox dialog offers: {', '.join(offered) or 'unknown'}; 'forward conditional' is "
            "SPSS's name for score-test entry with conditional likelihood-ratio removal",
            verdict,
            "The software offers the named method."
            if named
            else f"{software} has no procedure of that name, but its backward elimination by p-value prints the "
            "full model of the candidates before it eliminates, and Table 3 is that full model. The paper does not "
            "say which procedure it ran, so this is a reading, not a proof of inconsistency."
            if full_first
            else "The named software offers no such selection, and Table 3 is not a model it prints on the way.",
            reading=(
                f"Table 3 is the full-model block {software} prints first, and 'forward conditional' names another "
                "package's method"
            )
            if verdict == UNSTATED
            else "",
        )
    )
    return out
