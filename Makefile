# Two entry points for a newcomer: `make serve` and `make test`. Both build .venv from scratch.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MODELS ?= models
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian packages of the console's browser tests: Chromium, its driver (the same build) and CJK fonts.
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-cjk

.PHONY: serve console test lint model clean browser postgresql java

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[train,console,batch]'
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(wildcard nlp/*.pyx) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[train,console,batch,spark,test]'
	touch $@ $(VENV)/.installed

$(MODELS)/live.json: | $(VENV)/.installed
	@echo "No model built yet: training one from data/labeled/ (about five minutes) ..."
	$(BIN)/dispute-triage train --models $(MODELS) --promote

model: $(MODELS)/live.json

serve: $(VENV)/.installed $(MODELS)/live.json
	$(BIN)/dispute-triage serve --host 127.0.0.1 --port 8000

# pyspark needs a Java runtime, which pip cannot install: Debian's, when none is on PATH.
java:
	@command -v java >/dev/null || { \
		echo "No Java runtime: installing openjdk-17-jre-headless for the Spark tests ..."; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; }

console: $(VENV)/.installed
	$(BIN)/dispute-triage console

lint: $(VENV)/.installed-test
	$(BIN)/ruff check nlp service training cli store console batch spark_runner tests bench
	$(BIN)/mypy nlp service training cli store console batch spark_runner

# The store's tests start their own PostgreSQL server from Debian's package (CI runs as root).
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

# The console's browser tests drive Debian's Chromium with Debian's chromedriver.
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
	  echo "installing $(BROWSER_PACKAGES) for the console's browser tests ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); }

test: $(VENV)/.installed-test lint postgresql browser java
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(MODELS)
