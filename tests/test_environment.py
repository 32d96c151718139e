"""One pin list, requirements.txt, installed by `make venv`, CI and Binder alike: environment.yml takes only Python
and pip from conda-forge and installs `-r requirements.txt` and this project through pip."""

import re

import yaml

from helpers.paths import REPO


def _pip_pins():
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==(\S+)", line).groups()
            pins[name.lower()] = version
    return pins


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def test_every_requirement_is_an_exact_pin():
    lines = [ln.split("#", 1)[0].strip() for ln in (REPO / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==\S+", ln) for ln in lines), lines
    assert len(_pip_pins()) == len(lines), "a package pinned twice"


def test_environment_takes_only_python_and_pip_from_conda():
    """conda-forge's builds of the pinned versions cannot be checked here (and several do not exist): Binder
    installs the same pins as CI, from requirements.txt through pip."""
    env = _environment()
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert conda == ["python=3.11", "pip"]
    sections = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert sections == [{"pip": ["-r requirements.txt", "-e ."]}]


def test_jupyter_book_is_1x_and_pandas_below_3():
    pip = _pip_pins()
    assert pip["jupyter-book"].startswith("1."), "Jupyter Book 2.x cannot build offline"
    assert int(pip["pandas"].split(".")[0]) < 3, "lifelines needs pandas < 3"


def _distributions_installed_by_the_pins() -> set[str]:
    """Every distribution the pinned packages bring in (their requirements, transitively), plus this project."""
    import importlib.metadata as md

    from packaging.requirements import Requirement

    def norm(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    todo, seen = [norm(n) for n in _pip_pins()] + ["helpers"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.distribution(name).requires or []
        except md.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(norm(req.name))
    return seen


def test_binder_environment_installs_everything_the_notebooks_import():
    """Each module a notebook imports comes from a pinned package (or what it requires), or from this project."""
    import ast
    import importlib.metadata as md
    import sys

    modules = set()
    for md_file in (REPO / "notebooks").glob("*.md"):
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)^```", md_file.read_text(), re.S | re.M):
            code = "\n".join(line for line in cell.splitlines() if not line.startswith((":", "%", "!")))
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue  # a cell with a YAML header: its code follows the second ---
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    assert "helpers" in modules and "IPython" in modules
    installed = _distributions_installed_by_the_pins()
    providers = md.packages_distributions()
    missing = {
        m: providers.get(m)
        for m in modules - set(sys.stdlib_module_names)
        if not any(re.sub(r"[-_.]+", "-", d).lower() in installed for d in providers.get(m, []))
    }
    assert not missing, f"imported by a notebook but not installed by environment.yml / requirements.txt: {missing}"
