"""The built site in a real browser (headless Chromium): every page loads without console errors, every
figure image is displayed, no raw markup, ``nan`` or over-long float is in its visible text (tests/page_text.py),
the Binder launch and download buttons are there. A screenshot of each page at desktop and at phone width goes to
artifacts/screenshots/ (gitignored; CI uploads it) for a person to look at.

Needs Debian's ``chromium`` and ``chromium-driver`` (.ci/run installs them). Without them the test is
skipped locally and FAILS under CI=true (tests/browser.py).
"""

from __future__ import annotations

import functools
import http.server
import re
import socketserver
import threading
from pathlib import Path

import pytest
import yaml

from browser import chromium
from page_text import findings

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "screenshots"
TOC = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
DOCS = [TOC["root"]] + [c["file"] for part in TOC.get("parts", []) for c in part["chapters"]]
NOTEBOOK_DOCS = [d for d in DOCS if d.startswith("notebooks/")]  # the others are Markdown pages (no Binder)
PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


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
        ".map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.getAttribute('alt')]);"
    )
    broken = [i for i in images if not (i[1] and i[2] > 0)]
    assert not broken, f"{doc}: images not displayed: {broken}"
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => i.getAttribute('alt') || '');"
    )
    assert all(alt.strip() for alt in figures), f"{doc}: a figure has no alt text"

    text = browser.execute_script("return document.querySelector('article').innerText")
    for raw in ("{eval}", "{glue", "{doc}", "{admonition}", "np.float64(", "np.int64("):
        assert raw not in text, f"{doc}: {raw!r} shown as text"
    # raw markup, nan, floats past the displayed precision (tests/page_text.py); the API reference says "NaN" in words
    seen = findings(text, skip=("nan",) if doc == "api" else ())
    assert not seen, f"{doc}: " + "; ".join(seen[:10])
    numbered = browser.execute_script(  # sphinx-exercise numbers its exercises with the same class: those may stay
        "return Array.from(document.querySelectorAll('.caption-number')).filter(e => /^Fig/.test(e.textContent)).length"
    )
    assert not numbered, f"{doc}: figures numbered by Sphinx ('Fig. N') beside the paper's own figure names"
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('article table.book-table td, article table.book-table th,"
        " article table.dataframe td, article table.dataframe th')).map(c => c.textContent.trim());"
    )
    keys = [c for c in cells if c.lower() in ("nan", "none") or re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", c)]
    assert not keys, f"{doc}: a table shows keys or NaN instead of labels: {sorted(set(keys))[:10]}"

    if doc in NOTEBOOK_DOCS:
        binder = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href^=\"https://mybinder.org/v2/gh/\"]')).map(a => a.href);"
        )
        assert binder and all(h.endswith(f"{doc}.ipynb") for h in binder), f"{doc}: no Binder launch button"
        downloads = browser.execute_script(
            "return Array.from(document.querySelectorAll('.dropdown-download-buttons a, a.btn-download-source-button,"
            " a.btn-download-notebook-button')).map(a => a.href);"
        )
        assert any(h.endswith(".ipynb") for h in downloads), f"{doc}: no notebook download button ({downloads})"

    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return Math.min(document.body.scrollHeight, 12000)")
    browser.set_window_size(1280, max(900, int(height)))
    browser.save_screenshot(str(SHOTS / f"{doc.replace('/', '_')}.png"))
    browser.set_window_size(1280, 1800)


def test_figure1_has_four_displayed_panels(browser, site):
    browser.get(f"{site}/notebooks/03_univariate.html")
    widths = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure img')).map(i => i.naturalWidth);"
    )
    assert len(widths) >= 4 and min(widths) > 300


def test_scorecard_table_sorts_in_the_browser(browser, site):
    browser.get(f"{site}/notebooks/07_scorecard.html")
    rows = "return Array.from(document.querySelectorAll('#scorecard tbody tr')).map(r => r.cells[0].textContent);"
    before = browser.execute_script(rows)
    assert len(before) > 100
    header = browser.execute_script(
        "return Array.from(document.querySelectorAll('#scorecard thead th')).findIndex(h => h.textContent === 'Id');"
    )
    browser.execute_script(f"document.querySelectorAll('#scorecard thead th')[{header}].click();")
    after = browser.execute_script(rows)
    assert after == sorted(before, key=str.lower) and after != before
    browser.execute_script(f"document.querySelectorAll('#scorecard thead th')[{header}].click();")
    assert browser.execute_script(rows) == after[::-1]


# ---- the scorecard as a reviewer uses it --------------------------------------------------------------------


@pytest.fixture(scope="module")
def card():
    """The scorecard of the synthetic cohort the site was built from, with how and why (computed, not typed)."""
    from helpers import data, paths, provenance

    cohort = data.load_cohort(paths.DEFAULT_COHORT)
    return provenance.explain(
        cohort,
        data.load_regimens(paths.DEFAULT_REGIMENS, cohort=cohort),
        data.load_primary_treatment(paths.DEFAULT_PRIMARY_TREATMENT, cohort=cohort),
        synthetic=True,
    )


def _open_scorecard(browser, site, card) -> None:
    """Open the scorecard page and wait (up to 30 s) until it is loaded with a row for every number: opening the
    page it shows already is a reload, which a loaded machine can otherwise be read in the middle of."""
    browser.get(f"{site}/notebooks/07_scorecard.html")
    ready = "return document.readyState === 'complete' && document.querySelectorAll('#scorecard tbody tr').length"
    _wait_for(browser, lambda b: (b.execute_script(ready) or 0) >= len(card))


def _wait_for(browser, condition, seconds: float = 30) -> None:
    """Poll ``condition(browser)`` every 0.25 s until it holds or ``seconds`` pass (a loaded machine can be read
    before a page is complete); a timeout is not raised, so the caller's own assertion says what is missing."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(browser, seconds, poll_frequency=0.25).until(condition)
    except TimeoutException:
        pass


def _scorecard_rows(browser) -> list[dict]:
    return browser.execute_script(
        "var hs = Array.from(document.querySelectorAll('#scorecard thead th')).map(h => h.textContent);"
        "return Array.from(document.querySelectorAll('#scorecard tbody tr')).filter(r => !r.hidden).map(r => {"
        "  var o = {id: r.id}; Array.from(r.cells).forEach((c, i) => o[hs[i]] = c.textContent); return o; });"
    )


def test_scorecard_says_how_each_number_was_reproduced_and_why_each_miss(browser, site, card):
    from helpers import provenance

    _open_scorecard(browser, site, card)
    rows = _scorecard_rows(browser)
    assert len(rows) == len(card)
    by_id = {r["Id"]: r for r in rows}
    for _, row in card.iterrows():
        shown = by_id[row["id"]]
        assert shown["How reproduced"] == row["how_reproduced"]
        assert shown["How reproduced"] == (
            provenance.BY_CONSTRUCTION if row["kind"] in ("count", "descriptive") else provenance.BY_SEARCH
        )
        if shown["Match"] == "✗":
            assert shown["Reason"].strip() and shown["Reason"] == row["reason"], row["id"]
        else:
            assert shown["Reason"] == ""
    headline = browser.execute_script("return document.querySelector('article').innerText")
    t = provenance.tally(card)
    assert f"{t['constructed'][0]}/{t['constructed'][1]} built in by construction" in headline
    assert f"{t['time'][0]}/{t['time'][1]} found by the search" in headline


def test_scorecard_filters_the_misses_and_downloads_as_csv(browser, site, card):
    _open_scorecard(browser, site, card)
    browser.execute_script("document.getElementById('scorecard-only').click();")
    shown = _scorecard_rows(browser)
    assert shown and all(r["Match"] == "✗" for r in shown)
    assert len(shown) == int((~card["match"].astype(bool)).sum())
    browser.execute_script("document.getElementById('scorecard-only').click();")
    assert len(_scorecard_rows(browser)) == len(card)
    csv_text = browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; var a = document.getElementById('scorecard-csv');"
        "a.addEventListener('click', e => e.preventDefault());"  # build the file, do not navigate
        "a.click(); fetch(a.href).then(r => r.text()).then(done);"
    )
    import csv
    import io

    table = list(csv.reader(io.StringIO(csv_text)))
    assert table[0][:3] == ["Source", "Factor", "Level"] and "Reason" in table[0] and "How reproduced" in table[0]
    assert len(table) == len(card) + 1
    reasons = dict(zip([r[table[0].index("Id")] for r in table[1:]], [r[table[0].index("Reason")] for r in table[1:]]))
    assert all(reasons[i] == r for i, r in zip(card["id"], card["reason"]))


def test_every_miss_in_a_chapter_links_to_its_reason(browser, site, card):
    _open_scorecard(browser, site, card)
    anchors = {r["id"]: r for r in _scorecard_rows(browser)}
    linked = 0
    for doc in NOTEBOOK_DOCS:
        if doc.endswith("07_scorecard"):
            continue
        browser.get(f"{site}/{doc}.html")
        marks = browser.execute_script(
            "return Array.from(document.querySelectorAll('table.book-table td')).filter(td => td.textContent === '✗')"
            ".map(td => { var a = td.querySelector('a'); return a ? [a.getAttribute('href'), a.title] : null; });"
        )
        assert all(marks), f"{doc}: a ✗ without a link to its reason"
        for href, title in marks:
            page, _, anchor = href.partition("#")
            assert page == "07_scorecard.html" and anchor in anchors, f"{doc}: {href} leads nowhere"
            assert anchors[anchor]["Reason"] and title == f"Why: {anchors[anchor]['Reason']}"
        linked += len(marks)
    assert linked > 0, "no chapter shows a miss: the test checked nothing"
    first = next(iter(anchors))
    browser.get(f"{site}/notebooks/07_scorecard.html#{first}")  # the anchor exists in the page
    target = "return document.readyState === 'complete' && !!document.querySelector(':target')"
    _wait_for(browser, lambda b: b.execute_script(target))
    assert browser.execute_script("var t = document.querySelector(':target'); return t && t.id") == first


# ---- the reviewer's page --------------------------------------------------------------------------------


def test_reviewer_page_is_computed_and_every_statement_links_to_its_source(browser, site, built_book):
    from helpers import audit, ensemble

    browser.get(f"{site}/notebooks/00_reviewer_summary.html")
    sections = browser.execute_script(
        "return Array.from(document.querySelectorAll('article section section')).map(s => ({"
        "  title: s.querySelector('h2').textContent.replace('#', '').trim(),"
        "  items: Array.from(s.querySelectorAll(':scope > ul > li, :scope .cell_output li')).map(li => ({"
        "    text: li.innerText, links: Array.from(li.querySelectorAll('a.reference.internal'))"
        "      .map(a => a.getAttribute('href'))}))}));"
    )
    titles = [s["title"] for s in sections]
    assert titles == [
        "What the reproduction confirms",
        "What in the paper does not add up",
        "What cannot be checked without the data",
        "How robust each conclusion is",
    ]
    for s in sections:
        assert s["items"], f"{s['title']}: empty"
        for item in s["items"]:
            assert item["links"], (
                f"{s['title']}: a statement without a link to the page that computes it: {item['text']}"
            )
            for href in item["links"]:
                assert (built_book / "notebooks" / href.split("#")[0]).resolve().is_file(), href
    checks = audit.run()
    flagged = checks[checks["verdict"] != audit.CONSISTENT]
    findings = sections[1]["items"]
    assert len(findings) == len(flagged) and all(c in f["text"] for c, f in zip(flagged["claim"], findings))
    text = browser.execute_script("return document.querySelector('article').innerText")
    assert f"{int((checks['verdict'] == audit.CONSISTENT).sum())} pass" in text
    summary = ensemble.load_summary()
    shares = ensemble.claim_shares(summary, only_meeting_bar=ensemble.judged_on_bar(summary))
    decided = int((shares["verdict"] == ensemble.DECIDED).sum())
    assert f"{decided} conclusions rest on a p the paper prints" in text
    assert "not determined" not in text  # a conclusion whose p the paper prints is decided by it


# ---- phones -------------------------------------------------------------------------------------------------


def _phone_screenshot(browser, doc: str) -> None:
    """The whole page at phone width (the viewport stretched to its height, up to 8000 px), then back to PHONE."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 8000)")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**PHONE, "height": max(PHONE["height"], height)})
    browser.save_screenshot(str(SHOTS / f"phone_{doc.replace('/', '_')}.png"))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def test_no_page_scrolls_sideways_at_phone_width(browser, site):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        wide = {}
        for doc in DOCS:
            browser.get(f"{site}/{doc}.html")
            # clientWidth, not innerWidth: a phone widens its layout viewport to content wider than the screen
            width = browser.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if width[0] > width[1] + 1:
                culprit = browser.execute_script(
                    "var w = document.documentElement.clientWidth;"
                    " return Array.from(document.querySelectorAll('article *'))"
                    ".filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 3)"
                    ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));"
                )
                wide[doc] = (width, culprit)
            _phone_screenshot(browser, doc)
        assert not wide, f"pages wider than a 375 px phone: {wide}"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
