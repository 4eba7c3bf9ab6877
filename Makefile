# Everything starts from a Python 3.11+ interpreter; `make install` builds .venv/.
# The page (web/) also needs Node 20+ and npm; without them the API still runs.
PYTHON ?= python3
NPM ?= npm
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_TOOLS := pip-tools==7.6.2

# The page is rebuilt when any of these is newer than web/dist/index.html.
WEB_SOURCES := $(shell find web/src -type f -not -path 'web/src/gql/*' 2>/dev/null) \
	$(wildcard web/*.html web/*.ts web/*.json operations/*.graphql) schema/schema.graphql
NODE_OK := $(shell node -e 'process.exit(+process.versions.node.split(".")[0] < 20 ? 1 : 0)' \
	2>/dev/null && command -v $(NPM) >/dev/null 2>&1 && echo yes)
NO_NODE := The page needs Node.js 20 or newer and npm (https://nodejs.org/ or your system's \
	packages), then run: make web. The API serves without it.

.PHONY: install lock web web-if-possible manifest run test test-sqlite test-postgresql soak lint \
	format schema bench compare clean

install: $(STAMP)

# Every package comes from the lock, each checked against its hashes, so every machine runs
# what the tests ran; the project goes on top with no dependencies of its own and no build
# isolation (setuptools is in the lock too). pip check fails when pyproject.toml names a
# package the lock lacks: then run make lock.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Rewrites the lock from pyproject.toml, keeping every pin it already has. To move one
# dependency: make lock UPGRADE="--upgrade-package strawberry-graphql"; all of them:
# make lock UPGRADE=--upgrade. Then make install and the whole suite (README, "Installing").
# pip-tools goes into .venv for this only; the lock does not hold it.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
		--extra dev --strip-extras --allow-unsafe --build-deps-for editable \
		--no-emit-find-links --no-emit-index-url $(UPGRADE) -o $(LOCK) pyproject.toml

web:
ifeq ($(NODE_OK),yes)
	@$(MAKE) --no-print-directory web/dist/index.html
else
	@echo "$(NO_NODE)" >&2; exit 1
endif

# `npm ci` from the lock file (offline once npm's cache has the packages).
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci --prefer-offline --no-audit --no-fund

# The build also writes the manifest of trusted documents (the page's as it sends them);
# in CI it only checks that the committed one is up to date.
web/dist/index.html: $(STAMP) web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(NPM) run build
	$(BIN)/octopods manifest $(if $(CI),--check)

# operations/manifest.json (SPEC §12): every file of operations/ and the page's documents.
manifest: install web/node_modules/.package-lock.json
	cd web && $(NPM) run codegen
	$(BIN)/octopods manifest

# For run and test: build the page where Node is, say how to get it where it is not.
web-if-possible:
ifeq ($(NODE_OK),yes)
	@$(MAKE) --no-print-directory web/dist/index.html
else
	@echo "Not building the page. $(NO_NODE)" >&2
endif

run: install web-if-possible
	$(BIN)/octopods migrate
	$(BIN)/octopods seed
	$(BIN)/octopods serve --host $(HOST) --port $(PORT)

# The suite as two pytest processes at once, one per CPU of a small machine: the tests on
# SQLite with those that need no database, and the tests on PostgreSQL (the only half that
# touches the suite's PostgreSQL database). Each half's output is printed when it ends.
# PYTEST_ARGS go to both; a half that selects nothing (exit 5) is not a failure.
test: install web-if-possible
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql

test-sqlite: install web-if-possible
	$(BIN)/pytest -k "not postgresql" $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-postgresql: install web-if-possible
	$(BIN)/pytest -k postgresql $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Minutes-long load tests that `make test` leaves out (PostgreSQL); CI runs them.
soak: install
	$(BIN)/pytest -m soak $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install
	$(BIN)/octopods export-schema > schema/schema.graphql

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# The working tree's server against BASE's (a git revision), measured at once.
compare: install
	$(BIN)/python -m bench.compare --base $(or $(BASE),HEAD) $(COMPARE_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis octopods.db* \
		web/dist web/node_modules web/src/gql build/screenshots
