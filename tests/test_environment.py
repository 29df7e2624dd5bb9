"""environment.yml (conda/Binder) must name the same runtime packages as pyproject.toml."""
import pathlib
import re
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _name(spec):
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert {_name(d) for d in conda} - {"python", "pip"} == {_name(d) for d in project["dependencies"]}
    assert pip and "-e ." in pip[0]["pip"], "Binder must install vgteach itself"
    python = next(d for d in conda if _name(d) == "python")
    assert project["requires-python"].lstrip(">=") in python


def test_versions_agree_where_both_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    lower = {_name(d): d.split(">=")[1] for d in project["dependencies"] if ">=" in d}
    for d in env["dependencies"]:
        if isinstance(d, str) and ">=" in d and _name(d) in lower:
            assert d.split(">=")[1] == lower[_name(d)], d
