# Diplomacy KG — the README's commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install build serve test lint format bench eval clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the package with its test tools

build: $(STAMP) ## build the graph from seeds/ and publish it into var/
	$(BIN)/kg build seeds

serve: build ## build, then serve on http://$(HOST):$(PORT) with gunicorn
	$(BIN)/gunicorn --config python:kg.web.gunicorn_conf --bind $(HOST):$(PORT) 'kg.web:create_app()'

test: $(STAMP) lint ## run lint and the whole test suite
	$(BIN)/pytest

lint: $(STAMP) ## check code style with ruff
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests

format: $(STAMP) ## reformat the code with ruff
	$(BIN)/ruff format kg tests
	$(BIN)/ruff check --fix kg tests

clean: ## remove the venv, the published data and caches
	rm -rf $(VENV) var .pytest_cache .ruff_cache
