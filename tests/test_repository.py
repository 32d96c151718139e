"""The public repository's URL lives in book/_config.yml; `make repository URL=...` (book/tools/repository.py)
writes it there and into the copies (README.md's Binder badge, CITATION.cff), and its check names a copy that
drifted."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import test_citation

REPO = Path(__file__).resolve().parents[1]
STAMP = ".venv/.installed"
FILES = ("book/_config.yml", "README.md", "CITATION.cff")

_spec = importlib.util.spec_from_file_location("book_repository", REPO / "book" / "tools" / "repository.py")
repository = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(repository)


@pytest.fixture
def copy(tmp_path) -> Path:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def test_the_copies_agree_with_book_config():
    assert repository.check() == []


def test_set_writes_the_url_everywhere_and_keeps_the_rest(copy):
    before = {name: (copy / name).read_text() for name in FILES}
    repository.set_repository("https://github.com/someone/their-repro/", branch="trunk", root=copy)
    assert repository.check(copy) == []
    config = yaml.safe_load((copy / "book/_config.yml").read_text())
    assert config["repository"] == {
        **yaml.safe_load(before["book/_config.yml"])["repository"],
        "url": "https://github.com/someone/their-repro",
        "branch": "trunk",
    }
    readme = (copy / "README.md").read_text()
    assert "https://mybinder.org/v2/gh/someone/their-repro/trunk?urlpath=lab/tree/notebooks/00_about.ipynb" in readme
    cff = yaml.safe_load((copy / "CITATION.cff").read_text())
    assert cff["repository-code"] == "https://github.com/someone/their-repro"
    assert test_citation.problems(test_citation._plain(cff)) == []
    for name in FILES:  # one line each changed (the badge's), every comment kept
        old, new = before[name].splitlines(), (copy / name).read_text().splitlines()
        assert len(old) == len(new)
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        assert 1 <= len(changed) <= 2, (name, changed)


def test_check_names_the_copy_that_drifted(copy):
    readme = copy / "README.md"
    readme.write_text(readme.read_text().replace("/v2/gh/", "/v2/gh/x", 1))
    (copy / "CITATION.cff").write_text((copy / "CITATION.cff").read_text().replace("github.com/", "gitlab.com/", 1))
    found = repository.check(copy)
    assert len(found) == 2
    assert found[0].startswith("README.md: Binder badge launches x")
    assert found[1].startswith("CITATION.cff: repository-code is 'https://gitlab.com/")


def test_make_repository_shows_and_refuses_a_non_github_url():
    run = subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, "repository"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    url = yaml.safe_load((REPO / "book/_config.yml").read_text())["repository"]["url"]
    assert run.returncode == 0 and f"repository {url} (branch main)" in run.stdout
    bad = subprocess.run(
        [
            sys.executable,
            str(REPO / "book/tools/repository.py"),
            "--root",
            "/nonexistent",
            "set",
            "https://gitlab.com/someone/repro",
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "give the repository as https://github.com/OWNER/NAME" in bad.stderr
