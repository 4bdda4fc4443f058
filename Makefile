# Two entry points for a fresh machine: `make run` starts the app on the demo
# database, `make test` runs the whole suite. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint deps browser

$(BIN)/streamlit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

deps: $(BIN)/streamlit

# Debian's Chromium drives the end-to-end test; the test never downloads a browser.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

run: deps
	$(BIN)/streamlit run app.py

test: deps browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
