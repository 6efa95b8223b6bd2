# Two entry points for a newcomer: `make serve` and `make test`. Both build .venv from scratch.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MODELS ?= models

.PHONY: serve test lint model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[batch]'
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,batch]'
	touch $@ $(VENV)/.installed

$(MODELS)/live.json: | $(VENV)/.installed
	@echo "No model built yet: training one from data/labeled/ (about a minute) ..."
	$(BIN)/dispute-triage train --models $(MODELS) --promote

model: $(MODELS)/live.json

serve: $(VENV)/.installed $(MODELS)/live.json
	$(BIN)/dispute-triage serve --host 127.0.0.1 --port 8000

lint: $(VENV)/.installed-test
	$(BIN)/ruff check nlp service training cli batch tests bench
	$(BIN)/mypy nlp service training cli batch

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(MODELS)
