"""The Jupyter Book configuration: strict execution, launch buttons that survive, chapters that all exist.

The HTML checks parse the built book (conftest.built_book); the browser checks are in test_site.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from jupyter_book.config import get_final_config

from notebook_text import MYST_HEADER

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
CONFIG = yaml.safe_load((BOOK / "_config.yml").read_text())
TOC = yaml.safe_load((BOOK / "_toc.yml").read_text())
JB = Path(sys.executable).with_name("jupyter-book")


def toc_files() -> list[str]:
    files = [TOC["root"]]
    for part in TOC.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def final_sphinx_config() -> dict:
    config, _ = get_final_config(
        user_yaml=BOOK / "_config.yml", sourcedir=BOOK, cli_config={"latex_individualpages": False}
    )
    return config


# ---- execution -------------------------------------------------------------------------------


def test_every_build_executes_and_a_cell_error_aborts_it():
    cfg = final_sphinx_config()
    assert cfg["nb_execution_mode"] in ("force", "cache", "inline")
    assert cfg["nb_execution_allow_errors"] is False
    assert cfg["nb_execution_raise_on_error"] is True


def test_launch_buttons_survive_into_html_theme_options():
    sphinx_cfg = (CONFIG.get("sphinx") or {}).get("config") or {}
    assert "html_theme_options" not in sphinx_cfg, "a sphinx html_theme_options replaces launch_buttons"
    theme = final_sphinx_config()["html_theme_options"]
    assert theme["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert theme["repository_url"].startswith("https://github.com/")
    assert theme["use_repository_button"] is True
    assert theme.get("use_download_button", True) is True


def test_no_cdn_math_and_no_widget_js():
    cfg = final_sphinx_config()
    assert "dollarmath" not in cfg.get("myst_enable_extensions", [])
    assert "amsmath" not in cfg.get("myst_enable_extensions", [])
    assert cfg["nb_ipywidgets_js"] == {}
    assert not cfg.get("intersphinx_mapping")


def test_ipynb_twins_are_excluded():
    assert "notebooks/*.ipynb" in final_sphinx_config()["exclude_patterns"]


# ---- chapters -------------------------------------------------------------------------------


def test_book_reaches_the_notebooks_through_the_symlink():
    link = BOOK / "notebooks"
    assert link.is_symlink() and os.readlink(link) == "../notebooks"
    assert link.resolve() == (REPO / "notebooks").resolve()


def notebook_files() -> list[str]:
    """The chapters (notebooks); the other pages of the TOC are plain Markdown pages under book/."""
    return [f for f in toc_files() if f.startswith("notebooks/")]


def test_toc_lists_every_chapter_and_every_chapter_exists():
    listed = notebook_files()
    assert listed == sorted(listed)
    on_disk = sorted(f"notebooks/{p.stem}" for p in (REPO / "notebooks").glob("*.md") if p.name != "README.md")
    assert sorted(listed) == on_disk
    pages = [f for f in toc_files() if f not in listed]
    assert all((BOOK / f"{p}.md").is_file() for p in pages), pages


def test_data_documents_are_included_not_copied():
    """The fidelity report and the reconstruction's design document are pages that include the files as they are."""
    for page, target in (("cohort/fidelity", "data/fidelity.md"), ("cohort/reconstruction", "data/RECONSTRUCTION.md")):
        text = (BOOK / f"{page}.md").read_text()
        match = re.search(r"```\{include\} (\S+)", text)
        assert match and (BOOK / page).parent.joinpath(match.group(1)).resolve() == (REPO / target).resolve()
        assert (REPO / target).read_text().splitlines()[0] not in text  # no copied text


def test_readme_binder_badge_uses_the_configured_repository():
    url = CONFIG["repository"]["url"].rstrip("/")
    org_repo = url.removeprefix("https://github.com/")
    readme = (REPO / "README.md").read_text()
    badges = re.findall(r"https://mybinder\.org/v2/gh/([^/\s)]+/[^/\s)]+)/", readme)
    assert badges and all(b == org_repo for b in badges)


# ---- the built HTML ----------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.anchors: list[dict] = []
        self.imgs: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.anchors.append(dict(attrs))
        elif tag == "img":
            self.imgs.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def pages(built_book) -> dict[str, _Links]:
    return {f: parse(built_book / f"{f}.html") for f in toc_files()}


def test_every_page_has_a_binder_launch_link_to_its_notebook(pages):
    url = CONFIG["repository"]["url"].rstrip("/")
    org_repo = url.removeprefix("https://github.com/")
    tracked = set(
        subprocess.run(
            ["git", "ls-files", "notebooks"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for doc in notebook_files():
        hrefs = [a.get("href", "") for a in pages[doc].anchors]
        want = f"https://mybinder.org/v2/gh/{org_repo}/{CONFIG['repository']['branch']}?urlpath=lab/tree/{doc}.ipynb"
        assert want in hrefs, f"{doc}: no Binder link {want}"
        assert f"{doc}.ipynb" in tracked, f"{doc}: the Binder link opens {doc}.ipynb, which is not in the repository"
    for doc in set(toc_files()) - set(notebook_files()):  # a Markdown page has no notebook to launch
        assert not any("mybinder.org" in a.get("href", "") for a in pages[doc].anchors), doc


def test_every_page_has_download_buttons_that_exist(pages, built_book):
    for doc in notebook_files():
        page = pages[doc]
        downloads = [a["href"] for a in page.anchors if "_sources" in a.get("href", "")]
        assert any(h.endswith(".ipynb") for h in downloads), f"{doc}: no .ipynb download"
        assert any(h.endswith(".md") for h in downloads), f"{doc}: no .md download"
        for h in downloads:
            assert (built_book / "notebooks" / h).resolve().exists(), f"{doc}: download {h} is missing"


def test_every_page_has_the_repository_link_and_no_traceback(pages):
    for doc, page in pages.items():
        assert any(a.get("href", "").rstrip("/") == CONFIG["repository"]["url"].rstrip("/") for a in page.anchors)
        text = "".join(page.text)
        assert "Traceback (most recent call last)" not in text, doc
        assert not re.search(r"\b[A-Z][a-zA-Z]+Error\b: ", text), f"{doc}: an error message is rendered"


# pages that read no cohort file at all, and say so (the audit works on the printed numbers only; the cohort
# pages describe the committed synthetic files)
NO_COHORT = {
    "notebooks/08_audit": "uses only the printed numbers",
    "notebooks/90_glossary": "uses only the printed numbers",
    "notebooks/91_references": "reads no cohort file",
    "students": "reads no cohort file",
}
SYNTHETIC_PAGES = {"cohort/fidelity": "SYNTHETIC", "cohort/reconstruction": "SYNTHETIC"}


def test_every_page_says_which_cohort(pages):
    for doc, page in pages.items():
        text = " ".join("".join(page.text).split())
        if doc in SYNTHETIC_PAGES:
            assert SYNTHETIC_PAGES[doc] in text, doc
        elif doc in NO_COHORT:
            assert NO_COHORT[doc] in text and "SHA-256" not in text, doc
        else:
            assert "SHA-256" in text, f"{doc}: no cohort banner"


def test_pages_fetch_nothing_from_the_network(built_book):
    for html in built_book.glob("notebooks/*.html"):
        src = html.read_text(encoding="utf-8")
        external = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](https?://[^"']+)""", src)
        assert not external, f"{html.name}: loads {external}"


# ---- a broken notebook fails the build -----------------------------------------------------------

BROKEN = (
    MYST_HEADER
    + """# Broken

```{code-cell} ipython3
raise RuntimeError("this chapter is broken")
```
"""
)


def test_a_broken_notebook_fails_the_build_and_renders_no_traceback(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_broken.md").write_text(BROKEN)
    (book / "notebooks").symlink_to("../notebooks")
    shutil.copy(BOOK / "_config.yml", book / "_config.yml")
    (book / "_ext").symlink_to(BOOK / "_ext")  # the config's local extensions
    (book / "_toc.yml").write_text("format: jb-book\nroot: notebooks/00_broken\n")
    run = subprocess.run(
        [str(JB), "build", str(book), "-W", "--keep-going"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode != 0
    assert "this chapter is broken" in run.stdout + run.stderr
    page = book / "_build" / "html" / "notebooks" / "00_broken.html"
    assert not page.exists() or "this chapter is broken" not in page.read_text()


def test_citation_points_at_the_configured_repository():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert cff["repository-code"].rstrip("/") == CONFIG["repository"]["url"].rstrip("/")
    assert cff["license"] == "MIT"
    assert any(r.get("doi") == "10.3390/curroncol29040187" for r in cff["references"])


def test_every_helper_the_scorecard_names_has_its_entry_on_the_api_page(built_book):
    """One click from a number to the function that computed it: the scorecard's "Computed as" links to
    ``api.html#<qualified name>``, so every rule's helper must be documented there under that id."""
    from helpers.scorecard import rules

    api = (built_book / "api.html").read_text(encoding="utf-8")
    missing = [
        name
        for name in sorted({rules.qualified_name(rule.function) for rule in rules.RULES})
        if f'id="{name}"' not in api
    ]
    assert missing == [], f"no entry on the API page for: {missing}"


def test_every_local_extension_is_loaded():
    """A ``sphinx: config: extensions`` list replaces Jupyter Book's, local extensions included: each local
    extension must be named in the final list, or the book builds silently without it."""
    local = set(CONFIG["sphinx"]["local_extensions"])
    assert local and local <= set(final_sphinx_config()["extensions"])


def test_a_named_tuple_field_is_documented_by_its_comment(built_book):
    """The API page documents a NamedTuple field by the ``#:`` comment beside it in the source (autodoc reads
    it), and a field without one by nothing rather than Python's "Alias for field number N"
    (book/_ext/field_alias.py)."""
    api = (built_book / "api.html").read_text(encoding="utf-8")
    assert "Alias for field number" not in api
    entry = re.search(r'id="helpers\.reconstruct\.linked\.Found\.peri".*?</dd>', api, flags=re.S)
    assert entry and "every assignment of chemotherapy around the metastasectomy" in entry.group(0)


def _documents_fields(cls) -> bool:
    """Whether autodoc lists a class's annotated fields: a ``NamedTuple`` or a ``@dataclass``."""
    named = any(getattr(b, "id", "") == "NamedTuple" for b in cls.bases)
    return named or any(
        getattr(d, "id", getattr(getattr(d, "func", None), "id", "")) == "dataclass" for d in cls.decorator_list
    )


def test_a_field_s_comment_is_a_doc_comment():
    """autodoc documents a NamedTuple's or a dataclass's field by a ``#:`` comment on its line; a plain ``#``
    comment there is lost on the API page, so every comment on a field's line in ``src/helpers`` is a ``#:``
    one."""
    import ast
    import io
    import tokenize

    plain = []
    for path in sorted((REPO / "src" / "helpers").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        comments = {
            tok.start[0]: tok.string
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        }
        for cls in ast.walk(ast.parse(source)):
            if isinstance(cls, ast.ClassDef) and _documents_fields(cls):
                fields = [f for f in cls.body if isinstance(f, ast.AnnAssign)]
                plain += [
                    f"{path.relative_to(REPO)}:{f.lineno}" for f in fields if comments.get(f.lineno, "#:")[:2] != "#:"
                ]
    assert plain == [], f"a field's comment that autodoc does not read (write #:): {plain}"


@pytest.mark.parametrize("doc", ["02_survival", "04_multivariate", "05_metastasectomy"])
def test_what_the_paper_did_not_print_is_labelled_so_with_its_helper(built_book, doc):
    """On the synthetic cohort a number the paper never printed is a property of the generator: the page says
    "not printed by the paper" in the one admonition (helpers.provenance.not_printed), which links to the API
    entry of the helper that computed it."""
    page = (built_book / "notebooks" / f"{doc}.html").read_text(encoding="utf-8")
    boxes = re.findall(r'<div class="not-printed admonition">(.*?)</div>', page, flags=re.S)
    assert boxes, f"{doc}: no 'not printed by the paper' admonition"
    for box in boxes:
        assert "<strong>not printed by the paper</strong>" in box
        assert re.search(r'href="\.\./api\.html#helpers\.[\w.]+"', box), f"{doc}: a label without its helper's link"
