# The README's commands. Each target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO := build/data/snapshots/CURRENT
GENERATOR := data/generate.py data/identity.py data/reference.py data/snapshot.py \
             data/schema.sql $(wildcard data/reference/*.csv)

.PHONY: run test bench lint snapshot clean

run: $(DEMO)
	$(PY) -m ops.serve

test: $(VENV)/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) -m analytics.bench
	$(PY) -m tests.bench_pages build/bench-1.duckdb

lint: $(VENV)/.installed
	$(PY) -m ruff check .

snapshot: $(DEMO)

# The demo snapshot in the data directory's store: built when none is served, or when the
# served one is the demo and older than the generator. Imported data is never replaced.
$(DEMO): $(VENV)/.installed $(GENERATOR)
	$(PY) -m data.generate --store

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf build
