"""Sphinx extension: a NamedTuple field documented by the comment beside it in the source.

autodoc documents each field of a ``typing.NamedTuple`` by the docstring Python gives it, "Alias for field
number N", which tells a reader nothing. The helpers write what a field holds as a comment on its line
(``peri: np.ndarray  # every assignment of ...``); this extension puts that comment in the field's entry
instead, and leaves the entry empty for a field without one (its class's docstring then describes it).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import io
import re
import tokenize

ALIAS = re.compile(r"Alias for field number \d+$")


@functools.cache
def field_comments(cls: type) -> dict:
    """``{field: comment}`` of the fields of a class body, from the comment that ends a field's line."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    found, line_field, last = {}, {}, None
    for tok in tokenize.generate_tokens(io.StringIO(inspect.cleandoc("\n" + source) + "\n").readline):
        row, col = tok.start
        if tok.type == tokenize.NAME and col == 4 and row not in line_field:
            line_field[row], last = tok.string, None
        elif tok.type == tokenize.COMMENT and row in line_field:
            last = line_field[row]
            found[last] = tok.string.lstrip("#").strip()
        elif tok.type == tokenize.COMMENT and last is not None and col == 4:  # a comment's next line
            found[last] += " " + tok.string.lstrip("#").strip()
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            last = None
    return {name: text for name, text in found.items() if name in getattr(cls, "_fields", ())}


def _owner(qualified: str):
    """The class a dotted ``module.Class.field`` name belongs to, or ``None``."""
    parts = qualified.split(".")[:-1]
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        return obj if isinstance(obj, type) else None
    return None


def describe_field(app, what, name, obj, options, lines):
    text = [line for line in lines if line.strip()]
    if len(text) != 1 or not ALIAS.match(text[0]):
        return
    owner = _owner(name)
    comment = field_comments(owner).get(name.rsplit(".", 1)[-1]) if owner is not None else None
    lines[:] = [comment] if comment else []


def setup(app):
    app.connect("autodoc-process-docstring", describe_field)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
