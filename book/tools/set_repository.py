"""Point the book at the published repository: one command changes every place that names it.

    python book/tools/set_repository.py https://github.com/OWNER/REPO [--branch main]

The repository's address is the book's ``repository.url`` (and ``repository.branch``) in ``book/_config.yml``,
which the Binder, repository and download buttons read. Two files repeat it and cannot read it: the README's
Binder badge and ``CITATION.cff`` (``repository-code``). This script rewrites all three; the tests
(``tests/test_book_config.py``) fail while they disagree. Nothing is written unless all three can be changed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
URL = re.compile(r"^https://github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)/?$")


def rewrite(root: Path, url: str, branch: str = "main") -> list[Path]:
    """Set the repository to ``url`` (and ``branch``) in book/_config.yml, README.md and CITATION.cff under
    ``root``; returns the files changed. Raises ValueError, writing nothing, when a file lacks the field."""
    match = URL.match(url)
    if not match:
        raise ValueError(f"{url!r}: expected https://github.com/OWNER/REPO")
    owner, name = match.groups()
    url = f"https://github.com/{owner}/{name}"
    edits = {
        root / "book" / "_config.yml": [(r"(?m)^(  url: ).*$", rf"\g<1>{url}"),
                                        (r"(?m)^(  branch: )\S+", rf"\g<1>{branch}")],
        root / "README.md": [(r"https://mybinder\.org/v2/gh/[^/\s)]+/[^/\s)]+/[^?\s)]+",
                              f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}")],
        root / "CITATION.cff": [(r'(?m)^(repository-code: )"[^"]*"', rf'\g<1>"{url}"')],
    }
    new = {}
    for path, subs in edits.items():
        text = path.read_text(encoding="utf-8")
        for pattern, repl in subs:
            text, n = re.subn(pattern, repl, text)
            if not n:
                raise ValueError(f"{path}: no repository field matches {pattern!r}; nothing was written")
        new[path] = text
    changed = [p for p, t in new.items() if p.read_text(encoding="utf-8") != t]
    for path in changed:
        path.write_text(new[path], encoding="utf-8")
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="https://github.com/OWNER/REPO")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    try:
        changed = rewrite(REPO, args.url, args.branch)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 1
    print("\n".join(f"updated {p.relative_to(REPO)}" for p in changed) or "already set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
