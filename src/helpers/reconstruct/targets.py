"""The structural targets (counts, medians, ranges) the reconstruction must meet, from ``helpers.published``."""

from __future__ import annotations


def load_spec() -> dict:
    from ._prototype import SPEC  # TEMPORARY until data/published is ready

    return SPEC
