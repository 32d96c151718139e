"""The built site in a real browser (headless Chromium): every page loads without console errors, every
figure image is displayed, the Binder launch and download buttons are there. A screenshot of each page goes
to artifacts/screenshots/ (gitignored) for a person to look at.

Needs Debian's ``chromium`` and ``chromium-driver`` (.ci/run installs them). Without them the test is
skipped locally and FAILS under CI=true.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "screenshots"
TOC = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
DOCS = [TOC["root"]] + [c["file"] for part in TOC.get("parts", []) for c in part["chapters"]]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1800"]


def _binary(*names) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    chromium = _binary("chromium", "chromium-browser")
    driver_path = _binary("chromedriver")
    if not (chromium and driver_path):
        message = "headless Chromium needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(built_book):
    """Serve book/_build/html on 127.0.0.1 (a random free port) for the browser."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.parametrize("doc", DOCS)
def test_page_in_browser(browser, site, doc):
    browser.get_log("browser")  # drop anything left over from the previous page
    browser.get(f"{site}/{doc}.html")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight); window.scrollTo(0, 0);")
    ready = browser.execute_script("return document.readyState")
    assert ready == "complete"

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{doc}: console errors: {errors}"

    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('article img, figure img'))"
        ".map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.getAttribute('alt')]);")
    broken = [i for i in images if not (i[1] and i[2] > 0)]
    assert not broken, f"{doc}: images not displayed: {broken}"
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => i.getAttribute('alt') || '');")
    assert all(alt.strip() for alt in figures), f"{doc}: a figure has no alt text"

    binder = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href^=\"https://mybinder.org/v2/gh/\"]')).map(a => a.href);")
    assert binder and all(h.endswith(f"{doc}.ipynb") for h in binder), f"{doc}: no Binder launch button"
    downloads = browser.execute_script(
        "return Array.from(document.querySelectorAll('.dropdown-download-buttons a, a.btn-download-source-button,"
        " a.btn-download-notebook-button')).map(a => a.href);")
    assert any(h.endswith(".ipynb") for h in downloads), f"{doc}: no notebook download button ({downloads})"

    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return Math.min(document.body.scrollHeight, 12000)")
    browser.set_window_size(1280, max(900, int(height)))
    browser.save_screenshot(str(SHOTS / f"{doc.replace('/', '_')}.png"))
    browser.set_window_size(1280, 1800)


def test_figure1_has_four_displayed_panels(browser, site):
    browser.get(f"{site}/notebooks/03_univariate.html")
    widths = browser.execute_script("return Array.from(document.querySelectorAll('figure img')).map(i => i.naturalWidth);")
    assert len(widths) >= 4 and min(widths) > 300


def test_scorecard_table_sorts_in_the_browser(browser, site):
    browser.get(f"{site}/notebooks/07_scorecard.html")
    rows = "return Array.from(document.querySelectorAll('#scorecard tbody tr')).map(r => r.cells[0].textContent);"
    before = browser.execute_script(rows)
    assert len(before) > 100
    header = browser.execute_script(
        "return Array.from(document.querySelectorAll('#scorecard thead th')).findIndex(h => h.textContent === 'Id');")
    browser.execute_script(f"document.querySelectorAll('#scorecard thead th')[{header}].click();")
    after = browser.execute_script(rows)
    assert after == sorted(before, key=str.lower) and after != before
    browser.execute_script(f"document.querySelectorAll('#scorecard thead th')[{header}].click();")
    assert browser.execute_script(rows) == after[::-1]
