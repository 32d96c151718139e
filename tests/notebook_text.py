"""Text shared by tests that write small notebooks: the MyST header every chapter starts with (BOOK.md)."""

MYST_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
