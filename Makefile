# Two entry points for a fresh machine (Python 3.11+ with venv):
#   make lab   - create .venv-lab (the learner's set), copy the lessons and exercises into your
#                own workspace/ (never overwriting your copies), open JupyterLab there
#   make test  - create .venv (the maintainer's set), run every test
# More:
#   make book  - the executed course as a static book in build/book (needs npm once)
#   make lite  - the course running in the browser (JupyterLite) in build/lite (needs npm once)
#   make test-lite-all - run every lesson of build/lite in Chromium (slow; CI runs two)
#   make lab-instructor - JupyterLab with nbgrader on the repository (the instructor's set)
#   make bench - also install PyTorch (benchmark only), run bench/, write bench/results.md
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
LAB_VENV := .venv-lab

.PHONY: lab lab-instructor test test-lite-all book lite bench exercises nbgrader-course slides slides-check clean

# The maintainer's set: the course, JupyterLab, nbgrader, Jupyter Book and the test tools.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=77"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# The learner's set: the course and JupyterLab (with RISE), no grading or test tools, and no
# "official Jupyter news" question on first open.
$(LAB_VENV)/.installed: pyproject.toml tools/lab/overrides.json
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --upgrade pip "setuptools>=77"
	$(LAB_VENV)/bin/python -m pip install --quiet -e ".[lab]"
	mkdir -p $(LAB_VENV)/share/jupyter/lab/settings
	cp tools/lab/overrides.json $(LAB_VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# JupyterLab refuses to run as root unless told; containers and cloud shells often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# The learner works in workspace/ (git-ignored): notebooks/ and exercises/ side by side.
lab: $(LAB_VENV)/.installed
	$(LAB_VENV)/bin/python tools/make_workspace.py --workspace workspace
	$(LAB_VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=workspace

lab-instructor: $(VENV)/.installed
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=.

book: $(VENV)/.installed
	$(PY) tools/build_book.py --out build/book

lite: $(VENV)/.installed
	$(PY) tools/build_lite.py --out build/lite

test-lite-all: $(VENV)/.installed
	VGTEACH_LITE_LESSONS=all OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
		$(PY) -m pytest tests/test_lite.py -n 0

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
	rm -rf $(VENV) $(LAB_VENV) build
