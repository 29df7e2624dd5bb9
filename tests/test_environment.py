"""Installed environments stay what each user needs.

* environment.yml (conda/Binder) is the learner's complete environment: pyproject.toml's runtime
  dependencies plus its ``lab`` extra, at the same lower bounds.
* The runtime dependencies pull no front end (installing vgteach in a kernel or in Pyodide must
  not bring a JupyterLab), and the learner's set (``lab``) no grading or test tools.
"""
import pathlib
import re
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(spec):
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def extra(name, seen=None):
    """The requirement strings of extra ``name``, with ``vgteach[...]`` references expanded."""
    seen = set() if seen is None else seen
    seen.add(name)
    specs = []
    for spec in PROJECT["optional-dependencies"][name]:
        match = re.fullmatch(r"vgteach\[([\w,\s-]+)\]", spec.strip())
        if match:
            for inner in match.group(1).split(","):
                if inner.strip() not in seen:
                    specs += extra(inner.strip(), seen)
        else:
            specs.append(spec)
    return specs


def _conda_specs():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    return env, [d for d in env["dependencies"] if isinstance(d, str)]


def test_environment_yml_is_the_learners_environment():
    env, conda = _conda_specs()
    learner = PROJECT["dependencies"] + extra("lab")
    assert {_name(d) for d in conda} - {"python", "pip"} == {_name(d) for d in learner}
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip and "-e ." in pip[0]["pip"], "Binder must install vgteach itself"
    python = next(d for d in conda if _name(d) == "python")
    assert PROJECT["requires-python"].lstrip(">=") in python


def test_versions_agree_where_both_pin():
    _, conda = _conda_specs()
    lower = {_name(d): d.split(">=")[1] for d in PROJECT["dependencies"] + extra("lab")
             if ">=" in d}
    compared = 0
    for d in conda:
        if ">=" in d and _name(d) in lower:
            assert d.split(">=")[1] == lower[_name(d)], d
            compared += 1
    assert compared >= 4


def test_runtime_dependencies_pull_no_front_end():
    runtime = {_name(d) for d in PROJECT["dependencies"]}
    front_ends = {"jupyterlab", "jupyterlab-rise", "notebook", "nbgrader", "jupyter-book"}
    assert not runtime & front_ends, runtime & front_ends


def test_learners_get_no_grading_or_test_tools():
    learner = {_name(d) for d in extra("lab")}
    assert "jupyterlab" in learner
    assert not learner & {"nbgrader", "pytest", "playwright", "nbval", "jupyter-book"}
    instructor = {_name(d) for d in extra("instructor")}
    assert {"nbgrader", "jupyterlab"} <= instructor and "pytest" not in instructor
    maintainer = {_name(d) for d in extra("test")}
    assert {"nbgrader", "pytest", "playwright", "jupyter-book", "jupyterlab"} <= maintainer
