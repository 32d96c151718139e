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
