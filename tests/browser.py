"""Headless Chromium for the browser tests (tests/test_site.py, tests/test_jupyterlab.py).

Needs Debian's ``chromium`` and ``chromium-driver`` (.ci/run installs them). Without them a test is skipped
locally and FAILS under CI=true, so CI never counts a skipped browser test as passing.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from contextlib import contextmanager

import pytest

# no network of its own (updates, sync, field trials), no GPU, a fresh profile per run
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MISSING = "headless Chromium needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"


def _binary(*names) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> tuple[str, str]:
    """(chromium, chromedriver) paths; skip the test without them, or fail it under CI."""
    chromium, driver = _binary("chromium", "chromium-browser"), _binary("chromedriver")
    if not (chromium and driver):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return chromium, driver


@contextmanager
def chromium(width: int = 1280, height: int = 1800):
    """A selenium Chrome driver on headless Chromium with a fresh ``--user-data-dir``, quit afterwards."""
    binary, driver_path = require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS + [f"--window-size={width},{height}", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
