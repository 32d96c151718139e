"""The built site's links: every internal link and anchor resolves, and the external ones are listed in one report
(``make links``) that ``make linkcheck`` requests (the weekly workflow; here only against a server on 127.0.0.1).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import socketserver
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
STAMP = ".venv/.installed"
CONFIG = yaml.safe_load((REPO / "book" / "_config.yml").read_text())
TOC = yaml.safe_load((REPO / "book" / "_toc.yml").read_text())
DOCS = [TOC["root"]] + [c["file"] for part in TOC.get("parts", []) for c in part["chapters"]]
NOTEBOOK_DOCS = [d for d in DOCS if d.startswith("notebooks/")]  # the others are Markdown pages (no Binder)

_spec = importlib.util.spec_from_file_location("book_links", REPO / "book" / "tools" / "links.py")
links = sys.modules["book_links"] = importlib.util.module_from_spec(_spec)  # registered: its dataclass needs it
_spec.loader.exec_module(links)


def _make(*args: str) -> subprocess.CompletedProcess:
    # -o STAMP: never (re)install the virtualenv from a test; the rules themselves run unchanged.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def _site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"<!DOCTYPE html><html><body>{body}</body></html>")
    return root


# ---- the real site ------------------------------------------------------------------------------


def test_every_internal_link_and_anchor_of_the_built_site_resolves(built_book):
    pages = links.scan(built_book)
    assert {f"{doc}.html" for doc in DOCS} <= set(pages), "a chapter's page was not read"
    anchors = [u for p in pages.values() for u in p.urls if urlsplit(u).fragment and not links._is_external(u)]
    assert len(anchors) > 50, "the pages' own tables of contents link to their sections"
    assert links.broken_internal(built_book, pages) == []


def test_make_links_writes_the_external_link_report(built_book, tmp_path):
    report = tmp_path / "external-links.txt"
    run = _make("links", f"SITE={built_book}", f"LINKS_REPORT={report}")
    assert run.returncode == 0, run.stdout + run.stderr
    listed = links.read_report(report)
    assert list(listed) == sorted(listed) and all(u.startswith("https://") for u in listed)
    repo_url = CONFIG["repository"]["url"].rstrip("/")
    assert f"{TOC['root']}.html" in listed[repo_url]  # the theme's repository button
    org_repo = repo_url.removeprefix("https://github.com/")
    for doc in NOTEBOOK_DOCS:  # each chapter's Binder launch button, on its own page
        binder = f"https://mybinder.org/v2/gh/{org_repo}/{CONFIG['repository']['branch']}?urlpath=lab/tree/{doc}.ipynb"
        assert listed.get(binder) == [f"{doc}.html"], binder
    assert "notebooks/00_about.html" in listed["https://doi.org/10.3390/curroncol29040187"]


# ---- the checker on small made-up sites ---------------------------------------------------------------


def test_the_internal_check_names_every_kind_of_broken_link(tmp_path):
    site = _site(
        tmp_path / "site",
        {
            "index.html": '<meta http-equiv="Refresh" content="0; url=pages/a.html" />',
            "pages/a.html": (
                '<h1 id="top">A</h1><a href="#top">ok</a><a href="b.html#part">ok</a>'
                '<a href="../pages/b.html">ok</a><img src="../_images/fig.png"><a href="https://example.org/">ext</a>'
                '<a href="b.html#nowhere">x</a><a href="c.html">x</a><a href="#gone">x</a>'
                '<a href="/pages/b.html">x</a><a href="../../outside.html">x</a><a href="mailto:a@b.c">ok</a>'
            ),
            "pages/b.html": '<section id="part"></section><a name="old"></a><a href="a.html#top">ok</a>',
        },
    )
    (site / "_images").mkdir()
    (site / "_images" / "fig.png").write_bytes(b"png")
    broken = links.broken_internal(site)
    assert len(broken) == 5, broken
    assert "pages/a.html: b.html#nowhere (no anchor #nowhere in pages/b.html)" in broken
    assert "pages/a.html: c.html (no file pages/c.html)" in broken
    assert "pages/a.html: #gone (no anchor #gone in pages/a.html)" in broken
    assert any(b.startswith("pages/a.html: /pages/b.html (a path from the server's root") for b in broken)
    assert "pages/a.html: ../../outside.html (leaves the site)" in broken
    (site / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=pages/missing.html" />')
    assert "index.html: pages/missing.html (no file pages/missing.html)" in links.broken_internal(site)


def test_make_links_fails_on_a_broken_site_and_writes_no_report(tmp_path):
    site = _site(tmp_path / "site", {"index.html": '<a href="missing.html">x</a><a href="https://example.org/">y</a>'})
    report = tmp_path / "external-links.txt"
    run = _make("links", f"SITE={site}", f"LINKS_REPORT={report}")
    assert run.returncode != 0
    assert "index.html: missing.html (no file missing.html)" in run.stderr
    assert not report.exists()


class _Handler(http.server.BaseHTTPRequestHandler):
    ROUTES = {"/ok": 200, "/gone": 404, "/moved": 301, "/refuses": 403, "/no-head": 200}

    def _answer(self, body: bool):
        path = self.path.split("?")[0]
        if path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        else:
            self.send_response(self.ROUTES.get(path, 404))
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Handler))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_make_linkcheck_fails_on_a_dead_link_and_only_then(local_server, tmp_path):
    report = tmp_path / "external-links.txt"
    alive = {
        f"{local_server}/ok": ["a.html"],
        f"{local_server}/moved": ["a.html", "b.html"],
        f"{local_server}/no-head": ["b.html"],
        f"{local_server}/refuses": ["b.html"],
    }
    links.write_report(alive, report)
    run = _make("linkcheck", f"LINKS_REPORT={report}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"refused the checker (not counted): {local_server}/refuses -> 403 (b.html)" in run.stdout
    assert "4 external links checked: 0 broken, 1 refused the checker" in run.stdout

    links.write_report({**alive, f"{local_server}/gone": ["c.html"]}, report)
    run = _make("linkcheck", f"LINKS_REPORT={report}")
    assert run.returncode != 0
    assert f"BROKEN: {local_server}/gone -> 404 (c.html)" in run.stderr
    assert "5 external links checked: 1 broken" in run.stdout


def test_linkcheck_without_a_report_says_what_to_run(tmp_path):
    run = _make("linkcheck", f"LINKS_REPORT={tmp_path / 'none.txt'}")
    assert run.returncode != 0 and "run `make links` first" in run.stderr
