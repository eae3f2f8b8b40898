# The README's commands. Each target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SNAPSHOT := build/snapshot.duckdb
GENERATOR := data/generate.py data/identity.py data/reference.py data/snapshot.py \
             data/schema.sql $(wildcard data/reference/*.csv)

.PHONY: run test bench lint snapshot clean

run: $(SNAPSHOT)
	HEZE_SNAPSHOT=$(SNAPSHOT) $(PY) -m streamlit run app.py

test: $(VENV)/.installed $(SNAPSHOT)
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) -m analytics.bench
	$(PY) -m tests.bench_pages build/bench-1.duckdb

lint: $(VENV)/.installed
	$(PY) -m ruff check .

snapshot: $(SNAPSHOT)

# Rebuilt when missing or older than the generator or its reference data.
$(SNAPSHOT): $(VENV)/.installed $(GENERATOR)
	$(PY) -m data.generate --out $(SNAPSHOT)

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf build
