"""Sphinx extension: a notebook cell's stderr, quoted in the warning that fails the build.

The book builds with ``-W`` and ``stderr_output: remove-warn``: any text a cell writes to stderr is kept off
the page and fails the build. MyST-NB's warning names only the cell; this one adds what was written (on one
line), so that the build log, and the ``reports/failures.txt`` that ``make book`` extracts from it, say what
failed. Statistical warnings the reader should see are shown on the page as notes instead
(``helpers.narrative.note``), never written to stderr.
"""

from __future__ import annotations

from myst_nb.core.render import NbElementRenderer

_render_stderr = NbElementRenderer.render_stderr


def render_stderr(self, output, cell_metadata, cell_index, source_line):
    mode = self.renderer.get_cell_level_config("output_stderr", cell_metadata, line=source_line)
    if mode != "remove-warn" or "remove-stderr" in cell_metadata.get("tags", []):
        return _render_stderr(self, output, cell_metadata, cell_index, source_line)
    text = " | ".join(line.strip() for line in str(output.get("text", "")).splitlines() if line.strip())
    self.logger.warning(
        f"stderr was found in the cell outputs of cell {cell_index + 1}: {text}", subtype="stderr", line=source_line
    )
    return []


def setup(app):
    NbElementRenderer.render_stderr = render_stderr
    return {"parallel_read_safe": True, "parallel_write_safe": True}
