# Two entry points for a fresh machine (Python 3.11+ with venv):
#   make lab   - create .venv, install the course, open JupyterLab on the lessons
#   make test  - create .venv, install the course and its test tools, run every test
#   make bench - also install PyTorch (benchmark only), run bench/, write bench/results.md
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: lab test bench exercises nbgrader-course slides slides-check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# JupyterLab refuses to run as root unless told; containers and cloud shells often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/

# Two pytest workers on two cores: one BLAS thread each, or small matmuls thrash.
test: $(VENV)/.installed
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest

# Without PyTorch the benchmark still runs and says the torch comparison is skipped.
$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,bench]" || \
		echo "PyTorch could not be installed; the torch comparison will be skipped."
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) -m bench $(BENCH_ARGS)

# Regenerate exercises/ from solutions/ (the one source of truth).
exercises: $(VENV)/.installed
	$(PY) tools/make_exercises.py

# An nbgrader course directory (one assignment per solutions/ notebook), outside the repository
# so that neither `make clean` nor `git clean` can reach its gradebook: COURSE=... to move it.
COURSE ?= $(HOME)/vgteach-nbgrader
nbgrader-course: $(VENV)/.installed
	$(PY) tools/nbgrader_course.py --out "$(COURSE)"

# One offline reveal.js deck per lesson in build/slides (needs npm once, for reveal.js);
# LESSON=notebooks/05_initialization.ipynb builds one.
slides: $(VENV)/.installed
	$(PY) tools/build_slides.py --out build/slides $(LESSON)

# Build the decks and show, per slide, what does not fit the 960x700 screen (and from which
# cell), in Chromium: make slides-check [LESSON=notebooks/05_initialization.ipynb]
slides-check: $(VENV)/.installed
	$(PY) tools/check_slides.py --out build/slides $(LESSON)

# Never deletes grades: refuses while build/ holds an nbgrader gradebook (an old course location).
clean:
	@found="$$(find build -name gradebook.db 2>/dev/null)"; \
	if [ -n "$$found" ]; then \
		echo "make clean: not deleting build/: it holds nbgrader grades ($$found)."; \
		echo "Move that course out of build/ (e.g. to ~/vgteach-nbgrader), then run make clean."; \
		exit 1; \
	fi
	rm -rf $(VENV) build
