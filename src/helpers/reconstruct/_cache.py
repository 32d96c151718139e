"""Numba's on-disk cache, kept in a folder named after this package's sources.

Numba invalidates a cached function when its own file changes, but not when a jitted function it calls
from another file changes (a documented limitation of ``cache=True``). After an edit of ``pins.py`` alone,
the cached kernel would go on running the old pins. So the cache lives in
``__pycache__/numba-<key>``, the key a hash of every source file of the package: any change to any of them
starts a fresh cache, and a result never depends on what was compiled before.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba


def source_key(package: Path) -> str:
    """Hash of the names and contents of the package's ``.py`` files."""
    h = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def use_source_keyed_cache(package: Path) -> Path:
    """Point numba's cache (``numba.config.CACHE_DIR``) at a folder keyed by the package's sources, under
    ``NUMBA_CACHE_DIR`` when the user set one. Must run before the jitted modules are imported."""
    base = Path(os.environ["NUMBA_CACHE_DIR"]) if os.environ.get("NUMBA_CACHE_DIR") else package / "__pycache__"
    path = base / f"numba-{source_key(package)}"
    numba.config.CACHE_DIR = str(path)
    return path
