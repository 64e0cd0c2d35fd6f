# Two set-up commands on a fresh machine: `make demo` and `make test`. Both create .venv and install.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,maps,export,dask,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -c 'from shieldcheck._numba import main; main()'  # compile every tour command's kernels once (cached)
	$(VENV)/bin/shieldcheck demo
	$(VENV)/bin/shieldcheck report european-third-site-2007 -o out

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks tools

# Headless Chromium for the report's offline browser test (Debian package; skipped with a note elsewhere).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  ( [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ) || \
	  echo "note: Chromium is not installed; the report's browser test will be skipped"

test: $(STAMP) lint browser
	PYTHONWARNINGS=error $(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_lambert.py
	$(PY) benchmarks/bench_trajectories.py
	$(PY) benchmarks/bench_engagement.py
	$(PY) benchmarks/bench_footprint.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_boost.py
	$(PY) benchmarks/bench_staged.py
	$(PY) benchmarks/bench_staged_shapes.py
	$(PY) benchmarks/bench_boostphase.py
	$(PY) benchmarks/bench_study.py
	$(PY) benchmarks/bench_siting.py
	$(PY) benchmarks/bench_web.py --clients 1 --requests 15
	$(PY) benchmarks/bench_web.py --clients 4 --requests 60

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache out
