"""Run inside the Binder image, not by `make test`: .github/workflows/binder.yml builds the image with a
repo2docker release, which then runs pytest on image-tests/ in it, installing nothing first. The environment.yml
environment (the pins of requirements.txt, through pip) holds the package from this checkout and re-executes every
notebook with the outputs committed beside it (nbval, as `make test` does).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_package_is_this_checkout_installed_editable():
    import helpers

    assert Path(helpers.__file__).resolve().parent == REPO / "src" / "helpers"


def test_every_notebook_reexecutes_with_its_committed_outputs():
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks"], cwd=REPO)
    assert run.returncode == 0, "a notebook fails, or a checked output differs, in the Binder environment"
