# Two entry points for a fresh machine (Python 3.11+ with venv):
#   make lab   - create .venv, install the course, open JupyterLab on the lessons
#   make test  - create .venv, install the course and its test tools, run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: lab test exercises nbgrader-course slides clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/

test: $(VENV)/.installed
	$(PY) -m pytest

# Regenerate exercises/ from solutions/ (the one source of truth).
exercises: $(VENV)/.installed
	$(PY) tools/make_exercises.py

# An nbgrader course directory (one assignment per solutions/ notebook) in build/nbgrader.
nbgrader-course: $(VENV)/.installed
	$(PY) tools/nbgrader_course.py --out build/nbgrader

# One offline reveal.js deck per lesson in build/slides (needs npm once, for reveal.js).
slides: $(VENV)/.installed
	$(PY) tools/build_slides.py --out build/slides

clean:
	rm -rf $(VENV) build
