# The README's two commands: `make run` (ingest raw/ into extracted/) and `make test`.
# Both create .venv and install the project first (pinned by constraints.txt).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup browser run test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "caselit needs Python 3.11 (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	# biocommons hgvs checks variant grammar; only its parser is used, which needs none of
	# its 39 dependencies (database drivers, sequence services), so install it without them.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt hgvs parsley bioutils
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/caselit run raw --out extracted $(RUN_ARGS)

# The review page's end-to-end test drives the system Chromium (Debian's package);
# Playwright cannot download browsers here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the review page test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_table.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .prefect .pytest_cache
