# Custos — the two commands a person needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.custos-installed

.PHONY: demo test bench reliability lint system-deps clean

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

test: DEPS = test
test: system-deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench:
	@echo "make bench: not yet — arrives with the 'measured speed' issue."

reliability:
	@echo "make reliability: not yet — arrives with the 'proven reliability' issue."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
