"""What must never be in a page's text as a reader sees it (the visible text of a built page, ``innerText``): raw
markup that did not render (a Markdown table's pipes, a MyST role or fence), ``nan``, and a float printed past
any precision the book displays.  tests/test_site.py applies it to every page in the browser.
"""

from __future__ import annotations

import re

# (what it is, pattern over the visible text)
RAW = (
    ("a Markdown table row", re.compile(r"^\s*\|.*\|\s*$", re.M)),
    ("a Markdown table rule", re.compile(r"\|\s*:?-{3,}:?\s*\|")),
    (
        "an unrendered MyST role",
        re.compile(
            r"\{(?:doc|eval|term|ref|numref|eq|cite(?::[a-z]+)?|glue(?::[a-z]+)?|"
            r"download|abbr|sub|sup|math|index|prf:ref|external)\}"
        ),
    ),
    ("a MyST directive fence", re.compile(r"^\s*(?::::*|```+)\s*\{?[a-z-]*\}?", re.M)),
    ("nan", re.compile(r"(?<![\w.-])(?:nan|NaN|NAN)(?![\w-])")),
    ("a float printed past the displayed precision", re.compile(r"(?<![\w.])\d+\.\d{6,}(?![\w])")),
)


def findings(text: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Each raw-markup, ``nan`` or long-float finding in ``text``, as ``what: 'the text around it'``; ``skip`` names
    the kinds not looked for (the API reference documents NaN as a value its functions return)."""
    out = []
    for what, pattern in RAW:
        if what in skip:
            continue
        for m in pattern.finditer(text):
            start, end = max(0, m.start() - 30), min(len(text), m.end() + 30)
            around = " ".join(text[start:end].split())
            out.append(f"{what}: '{around}'")
    return out
