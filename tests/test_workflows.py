"""The repository's GitHub workflows (.github/workflows/): valid for actionlint, and running nothing but what the
tests here run too (.ci/run, or a Makefile target that a test runs), so a workflow cannot break unseen.

- ci.yml: every push and pull request: `make lint`, and `bash .ci/run` with the site, screenshots and (on
  failure) the book build's reports uploaded;
- pages.yml: on main, `make book` deployed to GitHub Pages;
- weekly.yml: every week from scratch, `bash .ci/run`, `make links` and `make linkcheck` (network);
- binder.yml: the Binder image built by a repo2docker release, image-tests/ run in it as built, nothing pushed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

import test_site
from notebook_text import MYST_HEADER

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).with_name("actionlint")
STAMP = ".venv/.installed"

# What a workflow may run: .ci/run (what CI runs on every submission), or a Makefile target that this file's
# neighbours run, named here with the file that runs it.
CI_RUN = "bash .ci/run"
MAKE_TARGETS_RUN_BY_TESTS = {
    "lint": "tests/test_lint.py",
    "book": "conftest.py",
    "links": "tests/test_links.py",
    "linkcheck": "tests/test_links.py",
}


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def uploads(workflow: dict) -> dict[str, dict]:
    """artifact path -> its upload step, for every actions/upload-artifact step."""
    return {s["with"]["path"]: s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")}


def test_the_four_workflows_exist():
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == ["binder.yml", "ci.yml", "pages.yml", "weekly.yml"]


def test_actionlint_passes_on_every_workflow():
    run = subprocess.run([str(ACTIONLINT), "-no-color"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "ci.yml"
    text = (WORKFLOWS / "ci.yml").read_text()
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: ${{ github.no_such_property }}", 1))
    run = subprocess.run([str(ACTIONLINT), "-no-color", str(broken)], capture_output=True, text=True)
    assert run.returncode != 0
    assert "no_such_property" in run.stdout


def test_every_command_a_workflow_runs_is_ci_run_or_a_make_target_a_test_runs():
    makefile = (REPO / "Makefile").read_text()
    for path in WORKFLOWS.glob("*.yml"):
        for step in steps(load(path.name)):
            command = step.get("run")
            if command is None:
                continue
            if command == CI_RUN:
                continue
            match = re.fullmatch(r"make (\S+)", command.strip())
            assert match, f"{path.name}: `{command}` is neither `{CI_RUN}` nor `make <target>`"
            target = match.group(1)
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"{path.name}: no Makefile target {target}"
            runner = MAKE_TARGETS_RUN_BY_TESTS.get(target)
            assert runner, f"{path.name}: `make {target}` is run by no test"
            assert re.search(rf"""["']{re.escape(target)}["']""", (REPO / runner).read_text()), runner
    ci_run = [ln for ln in (REPO / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert ci_run[-1] == "make test"


def test_ci_runs_ci_run_on_every_push_and_pull_request_and_uploads_what_it_built():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    assert "branches" not in (ci["on"]["push"] or {})  # every branch
    assert [s["run"] for s in ci["jobs"]["test"]["steps"] if "run" in s] == [CI_RUN]
    assert [s["run"] for s in ci["jobs"]["lint"]["steps"] if "run" in s] == ["make lint"]
    up = uploads(ci)
    assert up["book/_build/html"]["if"] == "${{ !cancelled() }}"
    shots = test_site.SHOTS.relative_to(REPO).as_posix()  # where the site test saves its screenshots
    assert up[shots]["if"] == "${{ !cancelled() }}"
    assert up["book/_build/reports"]["if"] == "failure()"


def test_jobs_run_in_debian_12_with_the_python_of_environment_yml():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    image = f"python:{python.split('=')[1]}-bookworm"
    for name in ("ci.yml", "pages.yml", "weekly.yml"):
        containers = [job["container"] for job in load(name)["jobs"].values() if "container" in job]
        assert containers and set(containers) == {image}, name


def test_pages_builds_the_book_on_main_and_deploys_it():
    pages = load("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert [s["run"] for s in build["steps"] if "run" in s] == ["make book"]
    artifact = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert artifact and artifact[0]["with"]["path"] == "book/_build/html"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_weekly_runs_everything_from_scratch_and_checks_the_external_links():
    weekly = load("weekly.yml")
    assert weekly["on"]["schedule"] and "workflow_dispatch" in weekly["on"]
    job = weekly["jobs"]["from-scratch"]
    assert [s["run"] for s in job["steps"] if "run" in s] == [CI_RUN, "make links", "make linkcheck"]
    assert job["env"]["PIP_NO_CACHE_DIR"] == "1"
    assert "book/_build/external-links.txt" in uploads(weekly)
    for path in WORKFLOWS.glob("*.yml"):  # no workflow restores a cache: every run installs anew
        assert "actions/cache" not in path.read_text() and "cache:" not in path.read_text(), path.name


def test_binder_image_is_built_by_a_repo2docker_release_and_tested_as_it_is():
    binder = load("binder.yml")
    assert {"push", "pull_request", "schedule"} <= set(binder["on"])
    for trigger in ("push", "pull_request"):
        paths = binder["on"][trigger]["paths"]
        assert {"environment.yml", "requirements.txt", "pyproject.toml", "conftest.py", "image-tests/**"} <= set(paths)
    (build,) = [s for s in steps(binder) if "repo2docker" in s.get("uses", "")]
    image = build["uses"]
    assert re.fullmatch(r"docker://quay\.io/jupyterhub/repo2docker:20\d\d\.\d\d\.\d+", image), image  # a release
    args = build["with"]["args"].split()
    assert args[0] == "jupyter-repo2docker" and "--push" not in args and "--no-run" not in args
    repo = args.index("/github/workspace")
    assert args[repo + 1 :] == ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "image-tests"]
    assert not [s for s in steps(binder) if "run" in s], "nothing is run beside the image (nor installed into it)"
    assert list((REPO / "image-tests").glob("test_*.py")), "image-tests/ runs in the image"


# ---- what CI uploads when the book build fails ----------------------------------------------------------

BROKEN = (
    MYST_HEADER
    + """# Page

```{code-cell} ipython3
raise RuntimeError("a broken notebook")
```
"""
)


@pytest.mark.parametrize("raise_on_error", [True, False], ids=["raise_on_error", "warning"])
def test_a_failed_book_build_leaves_its_log_and_traceback_in_reports(tmp_path, raise_on_error):
    book = tmp_path / "tinybook"
    book.mkdir()
    (book / "_config.yml").write_text(
        textwrap.dedent(f"""\
        title: tiny
        only_build_toc_files: true
        execute:
          execute_notebooks: force
          raise_on_error: {str(raise_on_error).lower()}
        """)
    )
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "index.md").write_text(BROKEN)
    run = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            STAMP,
            "book",
            f"BOOK={book}",
            f"COHORT={REPO / 'tests' / 'bad_inputs' / 'valid_cohort.csv'}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode != 0
    reports = book / "_build" / "reports"
    assert f"its log and tracebacks: {reports}" in run.stderr
    assert "Running Jupyter-Book" in (reports / "build.log").read_text()
    tracebacks = [p for p in reports.iterdir() if p.name != "build.log"]
    assert tracebacks, "no traceback was kept"
    assert any("a broken notebook" in p.read_text() for p in tracebacks)
    assert not (book / "_build" / "html").exists()
    assert not list((book / "_build").glob(".staging.*"))
