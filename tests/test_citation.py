"""CITATION.cff is valid Citation File Format 1.2.0 (the schema is kept in tests/schemas/, so this runs offline, as
`cffconvert --validate` would), and says what pyproject.toml says."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
CFF = REPO / "CITATION.cff"


def _plain(value):
    """YAML dates as the ISO strings the schema expects (cffconvert reads them so too)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def problems(cff: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(cff))


def citation() -> dict:
    return _plain(yaml.safe_load(CFF.read_text()))


def test_citation_file_is_valid_cff_1_2_0():
    cff = citation()
    assert cff["cff-version"] == "1.2.0" and SCHEMA["$id"].endswith("/1.2.0/schema.json")
    assert problems(cff) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.pop("authors"), "(top)"),
        (lambda c: c.update(license="MIT-ish"), "license"),
        (lambda c: c.update({"repository-code": "not a url"}), "repository-code"),
        (lambda c: c["references"][0].update(doi="curroncol29040187"), "references/0/doi"),
        (lambda c: c.update({"date-released": "2026-13-01"}), "date-released"),
    ],
    ids=["no authors", "unknown licence", "bad url", "bad doi", "bad date"],
)
def test_the_check_rejects_a_broken_citation(change, field):
    cff = citation()
    change(cff)
    found = problems(cff)
    assert found and any(p.startswith(f"{field}:") for p in found), found


def test_citation_version_and_licence_are_the_package_s():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    cff = citation()
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]["text"]
