# The two commands of the README, and a few for development.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt typecheck check relevance screenshots bench bench-100k load clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## serve the bundled collection on SQLite at http://127.0.0.1:8000
	$(PY) -m app --host 127.0.0.1 --port 8000

# Three workers on two cores: the browser and end-to-end tests mostly wait on their servers and
# Chromium. Each module of tests/e2e and tests/browser stays on one worker (tests/conftest.py).
# `make test WORKERS=n` for another count (WORKERS=0 runs in one process). The 15 slowest tests
# are listed at the end of every run, so a test that grows costly shows in CI's output (docs/suite.md).
WORKERS ?= 3

test: $(STAMP)  ## the whole suite: unit, API, end-to-end and browser (installs Debian's chromium if missing)
	bash .ci/system-packages
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup --durations=15

lint: $(STAMP)  ## ruff, and the layer contract (docs/architecture.md) with import-linter
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(STAMP)  ## validate the collection files
	$(PY) -m indexer check

relevance: $(STAMP)  ## score the graded practitioner queries (nDCG@10, MRR), then the held-out set
	$(PY) -m indexer relevance
	$(PY) -m indexer relevance --judgments data/relevance/heldout.yaml

screenshots: $(STAMP)  ## the README's screenshots of the pages, into docs/screenshots/
	bash .ci/system-packages
	$(PY) -m docs.screenshots
	$(PY) -m docs.embed_screenshots

bench: $(STAMP)  ## benchmarks at 1k and 10k, HTTP and cold start; writes docs/benchmarks.md
	$(PY) -m bench.run --sizes 1000,10000 --write

bench-100k: $(STAMP)  ## the 100k benchmark (about half an hour); writes its own section of docs/benchmarks.md
	$(PY) -m bench.run --sizes 100000 --no-http --write --section results-100k

load: $(STAMP)  ## the bounded load test of docs/deploy.md
	$(PY) -m bench.load --requests 3000 --concurrency 16

clean:
	rm -rf var $(VENV)
