# Custos — the two commands a person needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.custos-installed

.PHONY: demo test test-server bench reliability lint system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-deps:
	@sh scripts/system-deps.sh $(DEPS)

demo: DEPS = gui
demo: system-deps $(STAMP)
	$(VENV)/bin/custos --demo

# The suite includes the installer bundle's tests: the bundle is built first (~40 s).
# Then the service-level suite again on the branch server: PostgreSQL (installed by
# system-deps) in a throwaway cluster that the tests start in a temporary folder
# (scripts/pgcluster.py) and remove at the end.
SERVER_PASS = --ignore=tests/ui --ignore=tests/installer --ignore=tests/backup \
	--ignore=tests/reliability
test: DEPS = test gui
# The windows' tests run in a process of their own, so that a crash in one part (there was
# one: a heap abort, found and fixed in ui/lifetime.py) says which part it was in.
test: system-deps $(STAMP) bundle
	CUSTOS_TEST_BUNDLE=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q --ignore=tests/ui
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/ui
	CUSTOS_TEST_STORE=server QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(SERVER_PASS)

# The server pass alone.
test-server: DEPS = test
test-server: system-deps $(STAMP)
	CUSTOS_TEST_STORE=server QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(SERVER_PASS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# S and M by default; BENCH_SIZES=S,M,L adds the 1M-customer set (~14 min to generate once).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

# Each part at full strength (RELIABILITY_TRIALS=200 kills and flips per workload; ~30 min).
reliability: DEPS = test
reliability: system-deps $(STAMP)
	$(PY) bench/reliability.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build

# The one-folder bundle build/dist/custos/ (PyInstaller, installer/custos.spec): ~40 s here.
# `installer` is also the name of a folder, so both targets must be phony.
.PHONY: installer installer-test bundle

installer: DEPS = gui
installer: system-deps $(STAMP) bundle

bundle: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN installer/custos.spec \
		--distpath build/dist --workpath build/work

installer-test: installer
	CUSTOS_TEST_BUNDLE=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/installer
