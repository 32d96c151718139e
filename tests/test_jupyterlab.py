"""The notebooks as Binder shows them: JupyterLab from this environment (with jupyterlab-myst), each committed
notebook opened in headless Chromium and run with Run > Run All Cells.

On opening and again after the run, no raw MyST markup may be visible (``{glue``, ``{eval}``, an ``{admonition}``
fence), and a number the notebook reproduces, computed here from ``helpers``, must be. A screenshot of each
notebook goes to artifacts/jupyterlab/ (gitignored). The last test follows the About page's steps for another
cohort: upload a file with the file browser's upload button, set ``COHORT`` in a first cell, run all, and find
the uploaded file's name, fingerprint and numbers on the page.

JupyterLab runs on a copy of notebooks/ (it saves what it runs), on a free port of 127.0.0.1 with a token, with
its own settings (no news feed, every cell kept in the page) and without network access of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from browser import chromium, free_port
from helpers import audit, data, describe, ensemble, factors, paths, plots, published, scorecard, survival, teaching

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "jupyterlab"
NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb"))
RAW_MARKUP = ("{glue", "{eval}", "{admonition}", ":::{", "```{", "{code-cell}", "{doc}", "{term}", "{cite")
LAB_SETTINGS = {  # JupyterLab user settings for the test server
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def page(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    state = tmp_path_factory.mktemp("lab-state")
    for name, values in LAB_SETTINGS.items():
        path = state / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("COHORT", "REGIMENS", "PRIMARY_TREATMENT")}
    env.update(
        JUPYTER_CONFIG_DIR=str(state / "config"),
        JUPYTER_RUNTIME_DIR=str(state / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
        JUPYTER_DATA_DIR=str(state / "data"),
    )
    command = [
        str(Path(sys.executable).with_name("jupyter-lab")),
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    log = (state / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (state / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield Lab(url, token, root)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with chromium(1280, 1600) as driver:
        yield driver


# ---- driving JupyterLab ------------------------------------------------------------------------------------

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def wait_for(browser, script: str, what: str, timeout: float = 120):
    """Poll a JavaScript expression until it is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.execute_script(f"return {script}")
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def kernel_idle(browser) -> bool:
    return browser.execute_script(
        f"var i = document.querySelector('{PANEL} .jp-Notebook-ExecutionIndicator');"
        "return !!i && i.getAttribute('data-status') === 'idle';"
    )


def open_notebook(browser, lab: Lab, path: str) -> None:
    browser.get(lab.page(path))
    wait_for(browser, f"document.querySelectorAll('{PANEL} .jp-Notebook .jp-Cell').length > 0", f"{path} to open")
    wait_for(
        browser,
        f"document.querySelector('{PANEL} .jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')",
        f"the kernel of {path} to start",
    )


def run_all(browser, restart: bool = False) -> None:
    """Run > Run All Cells (or Run > Restart Kernel and Run All Cells, confirmed), then wait until every code
    cell has run and the kernel is idle."""
    from selenium.webdriver.common.by import By

    command = "runmenu:restart-and-run-all" if restart else "runmenu:run-all"
    browser.find_element(By.XPATH, "//div[contains(@class, 'lm-MenuBar-itemLabel') and text() = 'Run']").click()
    wait_for(browser, f"document.querySelector('.lm-Menu li[data-command=\"{command}\"]')", "the Run menu", timeout=10)
    browser.find_element(By.CSS_SELECTOR, f".lm-Menu li[data-command='{command}']").click()
    if restart:
        wait_for(browser, "document.querySelector('.jp-Dialog .jp-mod-accept')", "the restart dialog", timeout=10)
        browser.find_element(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept").click()
    wait_for(
        browser,
        f"Array.from(document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputArea-prompt'))"
        ".some(p => p.textContent.includes('*'))",
        "the run to start",
        timeout=30,
    )
    wait_for(
        browser,
        f"!Array.from(document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputArea-prompt'))"
        ".some(p => p.textContent.includes('*'))",
        "every cell to run",
        timeout=300,
    )
    wait_for(
        browser,
        f"document.querySelector('{PANEL} .jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')",
        "the kernel to be idle",
    )
    time.sleep(1.0)  # the Markdown cells' expressions are evaluated after the code cells they follow


def visible_text(browser) -> str:
    return browser.execute_script(f"return document.querySelector('{PANEL} .jp-Notebook').innerText")


def rendered_text(browser) -> str:
    """What the reader sees of the Markdown cells and the outputs (code, where markup may sit in strings, left out)."""
    return browser.execute_script(
        f"return Array.from(document.querySelectorAll('{PANEL} .jp-MarkdownCell .jp-Cell-inputWrapper, "
        f"{PANEL} .jp-OutputArea')).map(e => e.innerText).join('\\n');"
    )


def errors_shown(browser) -> list[str]:
    """Error outputs, and expressions jupyterlab-myst could not evaluate."""
    return browser.execute_script(
        f"return Array.from(document.querySelectorAll('{PANEL} .jp-OutputArea-output[data-mime-type="
        '"application/vnd.jupyter.stderr"], '
        + PANEL
        + ' .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"],'
        " " + PANEL + " .myst-RenderedExpressionError')).map(e => e.innerText.slice(0, 300));"
    )


def screenshot(browser, name: str, near: str | None = None) -> None:
    """Save a screenshot, scrolled so that the first prose (or, failing that, output) showing ``near`` is in view."""
    if near:
        browser.execute_script(
            "var want = arguments[0], p = arguments[1];"
            "var places = [p + ' .jp-MarkdownCell p, ' + p + ' .jp-MarkdownCell li',"
            "              p + ' .jp-OutputArea-output[data-mime-type=\"text/markdown\"]',"
            "              p + ' .jp-OutputArea-output'];"
            "for (var q of places) { var hit = Array.from(document.querySelectorAll(q))"
            "  .find(e => e.innerText.includes(want));"
            "  if (hit) { hit.scrollIntoView({block: 'center'}); return; } }",
            near,
            PANEL,
        )
        time.sleep(0.3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


# ---- what each notebook must show ------------------------------------------------------------------------


def _load():
    cohort = data.load_cohort(paths.DEFAULT_COHORT)
    regimens = data.load_regimens(paths.DEFAULT_REGIMENS, cohort=cohort)
    primary = data.load_primary_treatment(paths.DEFAULT_PRIMARY_TREATMENT, cohort=cohort)
    return cohort, regimens, primary


def _size_p(cohort) -> str:
    lv = factors.levels(cohort, "size")
    known = lv.notna()
    return plots.format_p(survival.logrank(cohort.loc[known, "os_months"], cohort.loc[known, "death"], lv[known]).p)


def _matched(card, kinds) -> str:
    part = card[card["kind"].isin(kinds)]
    return f"{int(part['match'].sum())}/{len(part)}"


def expected_number(notebook: str) -> str:
    """A number the notebook's prose reproduces, recomputed here from the helpers (never typed)."""
    cohort, regimens, primary = _load()
    card = scorecard.reproduce(cohort, regimens, primary=primary)
    if notebook == "00_about":
        return _matched(card, ["time"])
    if notebook == "00_reviewer_summary":
        return _matched(card, ["time"])
    if notebook == "01_characteristics":
        return f"{describe.continuous(cohort, 'age_years')['median']:g}"
    if notebook == "02_survival":
        return f"{survival.km_median(cohort['os_months'], cohort['death']):.1f}"
    if notebook == "03_univariate":
        return _size_p(cohort)
    if notebook == "04_multivariate":
        design = cohort[["os_months", "death"]].join(factors.cox_design(cohort))
        fit = survival.cox(design, "os_months", "death", list(factors.COX_COVARIATES))
        return f"{fit.table.loc['size_gt10', 'hr']:.2f}"
    if notebook == "05_metastasectomy":
        resected = factors.subset(cohort, "metastasectomy")
        return f"{100 * survival.survival_at(resected['os_months'], resected['death'], 60)[0]:.1f}"
    if notebook == "06_no_metastasectomy":
        unresected = factors.subset(cohort, "no_metastasectomy")
        return describe.median_text(describe.by_group(unresected, "chemotherapy").loc["yes", "median"])
    if notebook == "07_scorecard":
        return _matched(card, ["time"])
    if notebook == "08_audit":
        return f"{len(audit.run())} checks"
    if notebook == "09_robustness":
        seeds = ensemble.seed_overview(ensemble.load_summary())
        return f"{seeds[seeds['ok']]['fidelity_percent'].median():.1f}%"
    if notebook == "10_study_design":
        return f"{len(factors.subset(cohort, 'no_metastasectomy'))} patients who"
    if notebook == "11_methods_workshop":
        _, small = teaching.smallest_group(cohort, "primary_site")
        return f"{len(small)} patients whose"
    if notebook == "90_glossary":
        dcr = published.load().set_index("id").loc["t2.GEM+DOC.dcr", "value"]
        return f"{dcr:.1f}%"
    if notebook == "91_references":
        from importlib import metadata

        return metadata.version("sphinx-exercise")
    raise KeyError(f"no expected number for {notebook}: add one")


def assert_reads_well(browser, notebook: str, want: str, settle: float = 20) -> str:
    """No raw MyST markup or numpy repr in what is rendered, and ``want`` among it; returns the rendered text.
    Waits up to ``settle`` seconds: after a run, jupyterlab-myst re-evaluates the prose's expressions cell by cell."""
    deadline = time.monotonic() + settle
    while True:
        text = rendered_text(browser)
        fine = want in text and not any(m in text for m in RAW_MARKUP)
        if fine or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    raw = [text[max(0, text.index(m) - 80) : text.index(m) + 80] for m in RAW_MARKUP if m in text]
    assert not raw, f"{notebook}: raw MyST markup visible in JupyterLab: {raw}"
    assert "np.float64(" not in text and "np.int64(" not in text, f"{notebook}: a numpy repr is shown"
    assert want in text, f"{notebook}: the reproduced number {want!r} is not visible"
    return text


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_reads_in_jupyterlab(lab, browser, notebook):
    want = expected_number(notebook)
    open_notebook(browser, lab, f"notebooks/{notebook}.ipynb")
    wait_for(
        browser,
        f"document.querySelectorAll('{PANEL} .jp-MarkdownCell .myst').length > 0",
        "jupyterlab-myst to render the Markdown cells",
        timeout=30,
    )
    assert_reads_well(browser, notebook, want)  # as committed: what Binder shows on opening
    run_all(browser)
    assert_reads_well(browser, notebook, want)
    assert not errors_shown(browser), f"{notebook}: errors shown after Run All: {errors_shown(browser)}"
    screenshot(browser, notebook, near=want)


# ---- another cohort, as the About page says --------------------------------------------------------------


def _other_cohort(path: Path) -> pd.DataFrame:
    """The synthetic cohort with one patient's tumour moved across the 10 cm line: a valid file whose numbers differ."""
    cohort = pd.read_csv(paths.DEFAULT_COHORT, dtype=str, keep_default_na=False)
    first_small = cohort.index[pd.to_numeric(cohort["size_cm"]) <= 10][0]
    cohort.loc[first_small, "size_cm"] = "15"
    cohort.to_csv(path, index=False, lineterminator="\n")
    assert data.validate(path) == [], "the test's cohort file must be valid"
    return data.load_cohort(path)


def upload(browser, file: Path) -> None:
    """Upload ``file`` with the file browser's upload button (JupyterLab's own upload code and REST call)."""
    browser.execute_script(
        # the button opens a detached <input type=file>: attach it so that the browser driver can fill it
        "var click = HTMLInputElement.prototype.click;"
        "HTMLInputElement.prototype.click = function () {"
        "  if (this.type === 'file') { this.id = 'upload-under-test'; document.body.appendChild(this); return; }"
        "  return click.call(this); };"
    )
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, ".jp-FileBrowser .jp-id-upload jp-button").click()
    browser.find_element(By.ID, "upload-under-test").send_keys(str(file))


def test_another_cohort_in_jupyterlab(lab, browser, tmp_path):
    mine = tmp_path / "my_cohort.csv"
    cohort = _other_cohort(mine)

    def small(c):  # Table 1's "N (%)" of tumours of 10 cm or less, as the notebook's table shows it
        counts = describe.level_counts(c, "size")
        return f"{counts.loc['<=10', 'n']} ({counts.loc['<=10', 'percent']:.1f})"

    want = small(cohort)
    assert want != small(_load()[0]), "the test cohort must change the number the test looks for"
    open_notebook(browser, lab, "notebooks/03_univariate.ipynb")
    upload(browser, mine)
    target = lab.root / "notebooks" / mine.name
    deadline = time.monotonic() + 30
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert target.read_bytes() == mine.read_bytes(), "the upload button did not put the file in notebooks/"

    # back to the notebook (JupyterLab may show the uploaded file in a tab of its own)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.find_element(
        By.XPATH, "//li[contains(@class, 'lm-TabBar-tab')][.//div[contains(text(), '03_univariate.ipynb')]]"
    ).click()
    wait_for(browser, f"document.querySelector('{PANEL} .jp-Cell')", "the notebook's tab")

    # the About page: a first cell `%env COHORT=<file>` and the file's check, then Restart Kernel and Run All Cells
    browser.find_element(By.CSS_SELECTOR, f"{PANEL} .jp-Cell .jp-InputPrompt").click()

    ActionChains(browser).send_keys(Keys.ESCAPE).send_keys("a").perform()
    wait_for(browser, f"document.querySelector('{PANEL} .jp-Cell.jp-mod-active .cm-content')", "a new first cell")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    ActionChains(browser).send_keys(f"%env COHORT={mine.name}").send_keys(Keys.ENTER).send_keys(
        f"%run -m helpers.data validate {mine.name}"
    ).send_keys(Keys.ESCAPE).perform()
    run_all(browser, restart=True)
    text = visible_text(browser)
    assert f"valid cohort file, {len(cohort)} patients" in text, (
        "the validation step of the About page did not report the file valid"
    )
    digest = hashlib.sha256(mine.read_bytes()).hexdigest()
    assert mine.name in text and digest in text, "the banner does not name the uploaded cohort"
    assert want in text, f"Table 1's size row of the uploaded cohort ({want}) is not shown"
    assert not errors_shown(browser), errors_shown(browser)
    screenshot(browser, "another_cohort", near=mine.name)
