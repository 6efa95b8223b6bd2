# Two entry points for a newcomer: `make serve` and `make test`. Both build .venv from scratch.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MODELS ?= models

.PHONY: serve test lint model java clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[batch]'
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,batch,spark]'
	touch $@ $(VENV)/.installed

$(MODELS)/live.json: | $(VENV)/.installed
	@echo "No model built yet: training one from data/labeled/ (about a minute) ..."
	$(BIN)/dispute-triage train --models $(MODELS) --promote

model: $(MODELS)/live.json

serve: $(VENV)/.installed $(MODELS)/live.json
	$(BIN)/dispute-triage serve --host 127.0.0.1 --port 8000

# pyspark needs a Java runtime, which pip cannot install: Debian's, when none is on PATH.
java:
	@command -v java >/dev/null || { \
		echo "No Java runtime: installing openjdk-17-jre-headless for the Spark tests ..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check nlp service training cli batch spark_runner tests bench
	$(BIN)/mypy nlp service training cli batch spark_runner

test: $(VENV)/.installed-test java lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(MODELS)
