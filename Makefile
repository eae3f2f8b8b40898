# The README's commands. Each target sets up what it needs on a fresh machine.
# The benchmarks and load tools (bench, bench-*, load) live in bench/, outside the runtime
# and the offline bundle; docs/performance.md has their figures.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO := build/data/snapshots/CURRENT
GENERATOR := $(wildcard data/generate/*.py) data/identity.py data/reference.py data/snapshot.py \
             data/writer.py \
             data/schema.sql $(wildcard data/reference/*.csv)

.PHONY: run test bench bench-import bench-100 bench-browser bench-map bench-signin bench-profile load serve lint snapshot clean lock bundle screenshots mutate messages

WORKERS ?= 1

run: $(DEMO)
	$(PY) -m access bootstrap --print-url http://localhost:8501
	$(PY) -m ops.serve

# Two pytest workers, each taking whole test files (a module's server and browser stay on
# one worker): the suite's time is mostly waiting on servers and Chromium, so two cores
# finish it in about 12 minutes instead of about 25. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

test: $(VENV)/.installed
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

bench: $(VENV)/.installed
	$(PY) -m bench.queries
	$(PY) -m bench.pages --scales 1,10
	$(PY) -m bench.importer

# Check and load the full scale-1 set as CSV and as XLSX (the exports are cached in build/).
bench-import: $(VENV)/.installed
	$(PY) -m bench.importer

# Scale 100 (about 2,760万 returnees): built once (time, memory and size are reported), then
# every page measured on it.
bench-100: $(VENV)/.installed
	$(PY) -m bench.pages --scales 100 --out build/bench-pages-100.md

bench-browser: $(VENV)/.installed
	$(PY) -m bench.browser

# The map: bytes per deck and layer, server time and first load in Chromium beside the
# overview, each layer replayed alone. The login: click to the first page drawn.
bench-map: $(VENV)/.installed
	$(PY) -m bench.map

bench-signin: $(VENV)/.installed
	$(PY) -m bench.signin

# Where a rerun's server CPU goes, per page: queries, result cache, figures, plotly, Arrow,
# map JSON and the rest, for a new filter, a warm rerun and a second session.
bench-profile: $(VENV)/.installed
	$(PY) -m bench.profile

# Simulated sessions on one server process, then on two behind nginx, and the check that a
# promoted snapshot reaches every process.
load: $(VENV)/.installed
	$(PY) -m bench.loadtest --sessions 10,25,50 --find-limit
	$(PY) -m bench.cluster --workers 2 --load 10,25,50
	$(PY) -m bench.cluster --workers 2 --check-promotion

# Several dashboard processes behind nginx (Debian's package), e.g. make serve WORKERS=4.
serve: $(DEMO)
	$(PY) -m access bootstrap --print-url http://localhost:8501
	$(PY) -m ops.cluster --workers $(WORKERS)

# Mutation testing as a benchmark (not part of `make test` or CI): kill rate per module and
# the surviving mutants. The tool is pinned in requirements-mutate.txt, installed only here.
mutate: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-mutate.txt
	$(PY) -m tests.mutate

# ruff, then the import contracts of pyproject.toml [tool.importlinter] (the layers, no
# circles); tests/test_architecture.py checks the same contracts in `make test`.
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo --no-cache

# The message catalogue (core/locale/*/LC_MESSAGES/heze.po): list the keys the code uses
# (babel.cfg), add a new one to both .po files with empty text (word it there; the tests fail
# until both languages have it), mark the unused ones obsolete, and compile the .mo files the
# app reads. The .mo files are committed: the intranet install has no Babel.
BABEL := $(PY) -m babel.messages.frontend
messages: $(VENV)/.installed
	mkdir -p build
	$(BABEL) -q extract -F babel.cfg --no-location --sort-output \
	    --project heze-returnee-dashboard --version 0.1.0 -o build/heze.pot .
	$(BABEL) -q update -i build/heze.pot -d core/locale -D heze --no-fuzzy-matching
	$(BABEL) compile -d core/locale -D heze --statistics

snapshot: $(DEMO)

# The demo snapshot in the data directory's store: built when none is served, or when the
# served one is the demo and older than the generator. Imported data is never replaced.
$(DEMO): $(VENV)/.installed $(GENERATOR)
	$(PY) -m data.generate --store

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The offline bundle for the intranet servers (see docs/deploy.md).
# `make lock` after changing requirements.txt: pins every runtime wheel with its hash.
lock: $(VENV)/.installed
	$(PY) -m ops.bundle lock

bundle: $(VENV)/.installed
	$(PY) -m ops.bundle build

# The manuals' pictures (docs/img/*.png), taken from the running app in Chromium.
screenshots: $(DEMO)
	$(PY) docs/screenshots.py

clean:
	rm -rf build

# 领导简报: build/briefing.docx and build/briefing.pdf for the served snapshot (or
# $HEZE_SNAPSHOT); MONTH=2020-08 runs the figures to the end of that month, COUNTY=曹县
# (name or adcode) narrows them to one county.
.PHONY: briefing bench-briefing
BRIEFING_ARGS = $(if $(MONTH),--month "$(MONTH)") $(if $(COUNTY),--county "$(COUNTY)")

briefing: $(VENV)/.installed $(if $(HEZE_SNAPSHOT),,$(DEMO))
	$(PY) -m briefing --out build $(BRIEFING_ARGS) --timing

bench-briefing: $(VENV)/.installed
	$(PY) -m bench.briefing
