"""Rounding primitives: a printed number as an exact fraction, three rounding rules, the GRIM test, and the
interval of true values a printed number stands for."""

from __future__ import annotations

import math
from fractions import Fraction

from ..published import judged_decimals
from .base import CONSISTENT, INCONSISTENT, OTHER_RULE

RULES = ("half_up", "half_even", "truncate")
RULE_NAMES = {"half_up": "round half up", "half_even": "round half to even", "truncate": "truncation"}


def exact(value: float, decimals: int) -> Fraction:
    """The printed number as an exact fraction."""
    return Fraction(f"{value:.{int(decimals)}f}")


def round_rule(x: Fraction, decimals: int, rule: str) -> Fraction:
    """``x`` (>= 0) rounded to ``decimals`` by ``rule`` (``half_up``, ``half_even``, ``truncate``), exactly."""
    scale = Fraction(10) ** int(decimals)
    if rule == "half_up":
        return Fraction(math.floor(x * scale + Fraction(1, 2))) / scale
    if rule == "half_even":
        return Fraction(round(x * scale)) / scale
    if rule == "truncate":
        return Fraction(math.floor(x * scale)) / scale
    raise ValueError(f"unknown rounding rule {rule!r}; choose from {RULES}")


def percent_rules(k: int, n: int, printed: float, decimals: int) -> dict[str, bool]:
    """For each rule: does 100·k/n round to the printed percentage?"""
    x = Fraction(100 * int(k), int(n))
    target = exact(printed, decimals)
    return {r: round_rule(x, decimals, r) == target for r in RULES}


def grim(printed: float, decimals: int, n: int, rule: str = "half_up") -> list[int]:
    """All k in 0..n whose percentage 100·k/n rounds to the printed value under ``rule`` (GRIM test)."""
    target = exact(printed, decimals)
    centre = int(n) * float(printed) / 100
    width = math.ceil(int(n) / 100) + 2  # |100k/n - printed| < 1 means |k - centre| < n/100
    near = range(max(0, math.floor(centre) - width), min(int(n), math.ceil(centre) + width) + 1)
    return [k for k in near if round_rule(Fraction(100 * k, int(n)), decimals, rule) == target]


def rule_verdict(ok: dict[str, bool]) -> str:
    if ok["half_up"] and ok["half_even"]:
        return CONSISTENT
    return OTHER_RULE if any(ok.values()) else INCONSISTENT


def interval(
    value: float, decimals: int, rule: str = "round", bound: str = "", statistic: str = ""
) -> tuple[float, float]:
    """The true values a printed number can stand for, its decimals read by R's printing rule
    (:func:`helpers.published.judged_decimals`: a p printed 0.03 is 0.030) when ``statistic`` is given."""
    if bound == "<":
        return (0.0, float(value))
    h = 0.5 * 10.0 ** -judged_decimals(statistic, decimals)
    slack = 1e-12 * max(1.0, abs(value))
    if rule == "truncate":
        return (value - slack, value + 2 * h + slack)
    return (value - h - slack, value + h + slack)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
