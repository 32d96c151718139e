"""The pip pins (requirements.txt) and the conda pins (environment.yml) must not drift apart."""

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


def _conda_pins():
    """environment.yml's pins: conda's `name=version`, and `name==version` in its pip section (PyPI-only packages)."""
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            pins[name.lower()] = version.lstrip("=")
        elif isinstance(dep, dict):
            for line in dep.get("pip", []):
                if "==" in line:
                    name, version = line.split("#", 1)[0].strip().split("==", 1)
                    pins[name.lower()] = version
    return pins


def test_every_pip_pin_is_a_conda_pin_with_the_same_version():
    pip, conda = _pip_pins(), _conda_pins()
    assert pip, "requirements.txt has no pins"
    drift = {n: (v, conda.get(n)) for n, v in pip.items() if conda.get(n) != v}
    assert not drift, f"pip vs conda pins differ: {drift}"


def test_conda_pins_nothing_pip_does_not():
    extra = set(_conda_pins()) - set(_pip_pins()) - {"python"}
    assert not extra, f"pinned in environment.yml only: {sorted(extra)}"


def test_jupyter_book_is_1x_and_pandas_below_3():
    pip = _pip_pins()
    assert pip["jupyter-book"].startswith("1."), "Jupyter Book 2.x cannot build offline"
    assert int(pip["pandas"].split(".")[0]) < 3, "lifelines needs pandas < 3"


def test_environment_installs_the_package():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_section or "." in pip_section


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
