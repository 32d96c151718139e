"""tests/page_text.py finds what a reader must never see on a page, and passes what the book prints."""

from __future__ import annotations

import pytest

from page_text import findings


@pytest.mark.parametrize(
    "text, what",
    [
        ("| Chapter | The paper's | Recomputed here |\n|---|---|---|\n", "a Markdown table"),
        ("the table | --- | --- | follows", "a Markdown table rule"),
        ("see {doc}`02_survival` for the curve", "an unrendered MyST role"),
        ("median {eval}`med` months", "an unrendered MyST role"),
        ("a {term}`hazard ratio`", "an unrendered MyST role"),
        (":::{note}\nA note\n:::", "a MyST directive fence"),
        ("```{code-cell} ipython3", "a MyST directive fence"),
        ("median survival nan months", "nan"),
        ("HR NaN (95% CI NaN–NaN)", "nan"),
        ("78.57142857142857% of patients", "a float printed past the displayed precision"),
        ("p = 0.0412345", "a float printed past the displayed precision"),
    ],
)
def test_what_a_reader_must_not_see_is_found(text, what):
    assert any(f.startswith(what) for f in findings(text)), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Chapter\tThe paper's\tRecomputed here\n00_reviewer_summary\tall of it\ta summary",
        "median 23.4 months (95% CI 15.2–40.1); HR 2.31; p = 0.012; 30.4375 days a month",
        "Nancy; nano; financial; a 5-year survival of 41.0%",
        "a | b, in a sentence with one pipe",
        "SHA-256 3f2a9c0e1b7d… of data/cohort.csv; version 1.0.4.post1",
    ],
)
def test_what_the_book_prints_passes(text):
    assert findings(text) == []


def test_a_kind_can_be_left_out():
    assert findings("the median, NaN when not reached", skip=("nan",)) == []
    assert findings("the median, NaN when not reached")
