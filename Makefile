# Two entry points for researchers: `make test` and `make reproduce`. Both build .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= quick
# llama-cpp-python (the local LLM server) builds from source once (~10-15 min on 2 cores; pip caches the wheel).
# Portable AVX2 build: a native one may use AMX, which VMs advertise but cannot execute (segfault on the first prompt).
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: test reproduce venv export clean-nbs check-export nbs docs check-outputs chromium
venv: $(BIN)/facex
$(BIN)/facex: settings.ini setup.py
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q -e ".[dev,cluster]"
	touch $(BIN)/facex

export: venv
	$(BIN)/nbdev_export

clean-nbs: venv
	$(BIN)/nbdev_clean

check-export: venv
	$(BIN)/python tools/check_export.py

# Each notebook is tested in its own process (two at a time): TensorFlow state shared by one worker across
# notebooks crashed a worker (general protection fault in tf_Compute) once in two fresh-clone runs.
# The smoke batch runs before pytest: tests/test_cluster.py runs it again through Dask and compares with this output.
test: venv check-export check-outputs chromium
	cd nbs && ls *.ipynb | xargs -P 2 -I{} sh -c '../$(BIN)/nbdev_test --path {} >/dev/null 2>{}.testlog && echo "  ok   {}" || { echo "  FAIL {}"; cat {}.testlog; exit 1; }'; status=$$?; rm -f *.testlog; exit $$status
	$(BIN)/facex reproduce --profile smoke
	FACEX_SMOKE_REFERENCE="$$($(BIN)/python -c 'from facex_nb.core import scratch_dir; print(scratch_dir())')" $(BIN)/python -m pytest -q tests

reproduce: venv
	$(BIN)/facex reproduce --profile $(PROFILE)

# Re-execute the notebooks of nbs/ in place, top to bottom, keeping their outputs (slow cells with FACEX_NB_BUDGET=small):
# `make nbs`, or one/some: `make nbs NB=04_data.synthetic`, `make nbs NB='2*'`. A notebook is committed only after it ran.
NB ?=
NB_JOBS ?= 1
nbs: venv
	$(BIN)/python tools/run_nbs.py --jobs $(NB_JOBS) $(NB)

# Fails when a notebook in nbs/ has display cells without outputs (prints the counts).
check-outputs:
	$(PY) tools/check_outputs.py

# The documentation site in _docs/ from the committed notebooks, reports/ and the docstrings; executes nothing.
docs: venv
	$(BIN)/python tools/build_docs.py

# Debian's Chromium, for the browser test of the site (tests/test_docs.py); CI's fresh machine runs as root.
chromium:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium (apt-get)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
