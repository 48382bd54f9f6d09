# Two entry points for researchers: `make test` and `make reproduce`. Both build .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= quick

.PHONY: test reproduce venv export clean-nbs check-export
venv: $(BIN)/facex
$(BIN)/facex: settings.ini setup.py
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(BIN)/facex

export: venv
	$(BIN)/nbdev_export

clean-nbs: venv
	$(BIN)/nbdev_clean

check-export: venv
	$(BIN)/python tools/check_export.py

test: venv check-export
	cd nbs && ../$(BIN)/nbdev_test --n_workers 2
	$(BIN)/python -m pytest -q tests
	$(BIN)/facex reproduce --profile smoke

reproduce: venv
	$(BIN)/facex reproduce --profile $(PROFILE)
