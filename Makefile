# The two commands the README promises: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test lint typecheck pytest evals bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/bcagent demo

lint: install
	$(BIN)/ruff check agent bigcommerce ingest evals tests benchmarks
	$(BIN)/ruff format --check agent bigcommerce ingest evals tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

evals: install
	$(BIN)/bcagent eval run --baseline evals/baseline.json --report eval-report.json

test: lint typecheck evals pytest

bench: install
	$(BIN)/python benchmarks/sandbox_store.py
	$(BIN)/python benchmarks/sandbox_requests.py
	$(BIN)/python benchmarks/client_listing.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/turns.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
