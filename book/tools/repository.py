"""The project's public repository. Its URL and branch live in book/_config.yml (``repository:``); README.md's
Binder badge and CITATION.cff's ``repository-code`` carry copies, which this sets and checks.

    python book/tools/repository.py show                       # the URL and branch in use
    python book/tools/repository.py set URL [--branch BRANCH]  # write them everywhere (make repository URL=...)
    python book/tools/repository.py check                      # exit 1 when a copy differs

URL is ``https://github.com/OWNER/NAME``: Binder launches from GitHub, and the Pages site is then
``https://OWNER.github.io/NAME/``. The files are edited in place, line by line, so their comments stay.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CONFIG, README, CITATION = "book/_config.yml", "README.md", "CITATION.cff"
GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)")
BADGE = re.compile(r"(https://mybinder\.org/v2/gh/)([^/\s)]+/[^/\s)]+)/([^?\s)]+)")


def configured(root: Path = REPO) -> tuple[str, str]:
    """(url, branch) from book/_config.yml."""
    repository = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))["repository"]
    return repository["url"].rstrip("/"), repository["branch"]


def check(root: Path = REPO) -> list[str]:
    """How README.md and CITATION.cff differ from book/_config.yml's repository; [] when they agree."""
    url, branch = configured(root)
    out = []
    if not GITHUB.fullmatch(url):
        out.append(f"{CONFIG}: repository.url {url!r} is not https://github.com/OWNER/NAME")
    badges = BADGE.findall((root / README).read_text(encoding="utf-8"))
    if not badges:
        out.append(f"{README}: no Binder badge")
    for _, org_repo, ref in badges:
        if (f"https://github.com/{org_repo}", ref) != (url, branch):
            out.append(f"{README}: Binder badge launches {org_repo}@{ref}, not {url}@{branch}")
    code = str(yaml.safe_load((root / CITATION).read_text(encoding="utf-8")).get("repository-code", "")).rstrip("/")
    if code != url:
        out.append(f"{CITATION}: repository-code is {code!r}, not {url}")
    return out


def _rewrite(path: Path, pattern: str, replacement, count: int = 0) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=count, flags=re.M)
    if not n:
        raise SystemExit(f"{path}: found nothing to rewrite ({pattern})")
    path.write_text(new, encoding="utf-8")


def set_repository(url: str, branch: str | None = None, root: Path = REPO) -> None:
    """Write ``url`` (and ``branch``) into book/_config.yml, README.md's Binder badge and CITATION.cff."""
    url = url.rstrip("/")
    match = GITHUB.fullmatch(url)
    if not match:
        raise SystemExit(f"{url}: give the repository as https://github.com/OWNER/NAME")
    branch = branch or configured(root)[1]
    block = r"(^repository:\n(?:[ \t]+.*\n|[ \t]*#.*\n)*?[ \t]+{key}:[ \t]*)\S+"
    _rewrite(root / CONFIG, block.format(key="url"), lambda m: m.group(1) + url, count=1)
    _rewrite(root / CONFIG, block.format(key="branch"), lambda m: m.group(1) + branch, count=1)
    _rewrite(root / README, BADGE.pattern, lambda m: f"{m.group(1)}{match.group(1)}/{branch}")
    _rewrite(root / CITATION, r'^(repository-code:[ \t]*)"[^"]*"', lambda m: f'{m.group(1)}"{url}"', count=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("show")
    sub.add_parser("check")
    put = sub.add_parser("set")
    put.add_argument("url")
    put.add_argument("--branch")
    parser.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "set":
        set_repository(args.url, args.branch, args.root)
    if args.command in ("set", "show"):
        url, branch = configured(args.root)
        owner, name = url.split("/")[-2:]
        print(f"repository {url} (branch {branch}); its Pages site: https://{owner}.github.io/{name}/")
    problems = check(args.root)
    if problems:
        print(*problems, sep="\n", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
