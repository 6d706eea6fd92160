# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv when it is
# missing (or when pyproject.toml changed) and reuse it otherwise.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SDK_STAMP := tests/sdk/node_modules/.installed
LINT_STAMP := tests/lint/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test lint typecheck pytest fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The vendors' own npm clients, which the SDK tests run unchanged against the mock.
$(SDK_STAMP): tests/sdk/package.json tests/sdk/package-lock.json
	npm ci --prefix tests/sdk --no-audit --no-fund --loglevel=error
	touch $(SDK_STAMP)

# Spectral and Redocly, which tests/test_spec_lint.py runs on every spec.
$(LINT_STAMP): tests/lint/package.json tests/lint/package-lock.json
	npm ci --prefix tests/lint --no-audit --no-fund --loglevel=error
	touch $(LINT_STAMP)

serve: $(STAMP)
	$(BIN)/mockserver serve --host $(HOST) --port $(PORT)

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check mockserver tests benchmarks examples
	$(BIN)/ruff format --check mockserver tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

# The inspector's browser tests drive Debian's Chromium (Playwright's own download does not work
# on the test machines); the state tests start Debian's redis-server.
pytest: $(STAMP) $(SDK_STAMP) $(LINT_STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v jq >/dev/null || (apt-get update -qq && apt-get install -y -qq jq)  # README examples
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)  # the redis:// backend's tests
	$(BIN)/pytest

# `make fuzz`: the suite's properties with new random examples, a thousand each, where CI runs
# a fixed set, then every API's contract against the mock with a fresh seed. Not part of
# `make test`: it looks for what the fixed examples miss, so it may fail on code CI passed.
# A failure prints the example and the @reproduce_failure blob to replay it.
fuzz: $(STAMP) $(SDK_STAMP) $(LINT_STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -p no:cacheprovider
	$(BIN)/mockserver contract all --max-examples 300

clean:
	rm -rf $(VENV) tests/sdk/node_modules tests/lint/node_modules .mypy_cache .ruff_cache .pytest_cache

# `make bench`: the mock beside Stoplight Prism, WireMock and a bare Starlette app under the same
# wrk load, then every API at 1k, 10k and 100k sessions (figures and how to read them:
# benchmarks/README.md). Not part of `make test`; about 20 minutes (first run: plus generating
# the 100k fixture sets, cached in benchmarks/.work). BENCH_ARGS passes options, e.g.
# BENCH_ARGS="--seconds 5 --skip scale".
BENCH_STAMP := benchmarks/node_modules/.installed
BENCH_ARGS ?=

$(BENCH_STAMP): benchmarks/package.json benchmarks/package-lock.json
	npm ci --prefix benchmarks --no-audit --no-fund --loglevel=error
	touch $(BENCH_STAMP)

.PHONY: bench
bench: $(STAMP) $(BENCH_STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)
