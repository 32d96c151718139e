"""The built site's links: every internal link and anchor resolves, and the external ones are listed for a check.

    python book/tools/links.py report SITE REPORT   # exit 1 on a broken internal link; else write REPORT
    python book/tools/links.py check REPORT         # fetch every external link in REPORT (needs the network)

``report`` (``make links``) reads every page of a built site (``book/_build/html``; ``_static/`` holds theme
templates, not pages), follows each ``href``/``src`` inside the site to its file and, when it names an anchor,
to an element of that page with that ``id``, and lists what is broken. With none, it writes every external link
(http/https), one per line with the pages that carry it, to REPORT (``book/_build/external-links.txt``).
``check`` (``make linkcheck``, run by the weekly workflow) requests each of them and fails on an error status or
no answer; a 401/403/429 (a site refusing scripts) is listed but not counted as broken.

Sphinx's own ``linkcheck`` builder is not used: it reads the sources, so it misses the links the theme adds
(launch buttons, repository and download links) and it would execute every notebook again.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "form": "action",
}
SKIPPED_SCHEMES = {"mailto", "javascript", "data", "tel"}
NOT_BROKEN = {401, 403, 429}  # the server answered but refuses scripts: not evidence of a dead link
HEADER = "# External links of the built site, with the pages that carry them (book/tools/links.py report).\n"


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.page.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.page.ids.add(attrs["name"])
        url = attrs.get(URL_ATTRIBUTES.get(tag, ""))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            content = attrs.get("content") or ""
            at = content.lower().find("url=")
            url = content[at + 4 :].strip() if at >= 0 else None
        if url is not None:
            self.page.urls.append(url.strip())


def scan(site: Path) -> dict[str, Page]:
    """Every page of the built site (path relative to it, with "/") -> its ids and the URLs it links to."""
    pages = {}
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith("_static/"):
            continue
        parser = _Parser()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[rel] = parser.page
    return pages


def _is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") or url.startswith("//")


def broken_internal(site: Path, pages: dict[str, Page] | None = None) -> list[str]:
    """``page: url (why)`` for every internal link whose file or anchor is missing; [] when all resolve."""
    pages = scan(site) if pages is None else pages
    out = []
    for rel, page in pages.items():
        for url in page.urls:
            parts = urlsplit(url)
            if parts.scheme in SKIPPED_SCHEMES or _is_external(url) or url in ("", "#"):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                out.append(f"{rel}: {url} (a path from the server's root breaks under GitHub Pages' /NAME/ prefix)")
                continue
            if path.endswith("/") or path == ".":
                path = path.rstrip("/") + "/index.html"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path)) if path else rel
            if target == ".." or target.startswith("../"):
                out.append(f"{rel}: {url} (leaves the site)")
            elif not (site / target).is_file():
                out.append(f"{rel}: {url} (no file {target})")
            elif parts.fragment and target.endswith(".html"):
                anchor = unquote(parts.fragment)
                ids = pages[target].ids if target in pages else scan_one(site / target).ids
                if anchor not in ids:
                    out.append(f"{rel}: {url} (no anchor #{anchor} in {target})")
    return out


def scan_one(html: Path) -> Page:
    parser = _Parser()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.page


def external(pages: dict[str, Page]) -> dict[str, list[str]]:
    """Every external URL (sorted) -> the pages that carry it (sorted)."""
    where = defaultdict(set)
    for rel, page in pages.items():
        for url in page.urls:
            if _is_external(url):
                where[url].add(rel)
    return {url: sorted(where[url]) for url in sorted(where)}


def write_report(links: dict[str, list[str]], report: Path) -> None:
    report.parent.mkdir(parents=True, exist_ok=True)
    tmp = report.with_name(report.name + ".tmp")
    tmp.write_text(HEADER + "".join(f"{url}\t{' '.join(pages)}\n" for url, pages in links.items()), encoding="utf-8")
    tmp.replace(report)


def read_report(report: Path) -> dict[str, list[str]]:
    links = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            url, _, pages = line.partition("\t")
            links[url] = pages.split()
    return links


def fetch_status(url: str, timeout: float = 20.0) -> int | str:
    """The HTTP status ``url`` answers with (redirects followed; HEAD, then GET where HEAD is refused), or why not."""
    if url.startswith("//"):
        url = "https:" + url
    last: int | str = "no answer"
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "imura2022-repro linkcheck"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as err:
            last = err.code
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            last = str(getattr(err, "reason", err))
    return last


def check(links: dict[str, list[str]], timeout: float = 20.0, workers: int = 8) -> tuple[list[str], list[str]]:
    """(broken, refused): ``url -> status (pages)`` lines for the links that fail and for those refusing scripts."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = dict(zip(links, pool.map(lambda u: fetch_status(u, timeout), links)))
    broken, refused = [], []
    for url, status in statuses.items():
        line = f"{url} -> {status} ({', '.join(links[url])})"
        if status in NOT_BROKEN:
            refused.append(line)
        elif not (isinstance(status, int) and status < 400):
            broken.append(line)
    return broken, refused


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="check internal links and anchors, then list the external links")
    rep.add_argument("site", type=Path)
    rep.add_argument("report", type=Path)
    chk = sub.add_parser("check", help="request every external link of a report (network)")
    chk.add_argument("report", type=Path)
    chk.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)

    if args.command == "report":
        if not (args.site / "index.html").is_file():
            print(f"{args.site}: no built site here (run `make book` first)", file=sys.stderr)
            return 2
        pages = scan(args.site)
        broken = broken_internal(args.site, pages)
        if broken:
            print(f"{len(broken)} broken internal links in {args.site}:", *broken, sep="\n", file=sys.stderr)
            return 1
        links = external(pages)
        write_report(links, args.report)
        print(
            f"{len(pages)} pages, every internal link and anchor resolves; {len(links)} external links -> {args.report}"
        )
        return 0

    if not args.report.is_file():
        print(f"{args.report}: no link report (run `make links` first)", file=sys.stderr)
        return 2
    links = read_report(args.report)
    broken, refused = check(links, timeout=args.timeout)
    for line in refused:
        print(f"refused the checker (not counted): {line}")
    for line in broken:
        print(f"BROKEN: {line}", file=sys.stderr)
    print(f"{len(links)} external links checked: {len(broken)} broken, {len(refused)} refused the checker")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
