"""Sphinx extension: a NamedTuple field without a doc-comment gets no "Alias for field number N".

The helpers document a ``typing.NamedTuple`` field with a ``#:`` comment on its line, which autodoc reads as
the field's documentation. A field without one would show the docstring Python gives it, "Alias for field
number N", which tells a reader nothing; this extension leaves such an entry empty (its class's docstring
describes the field).
"""

from __future__ import annotations

import re

ALIAS = re.compile(r"Alias for field number \d+$")


def drop_alias(app, what, name, obj, options, lines):
    text = [line for line in lines if line.strip()]
    if text and all(ALIAS.match(line) for line in text):
        lines[:] = []


def setup(app):
    app.connect("autodoc-process-docstring", drop_alias)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
