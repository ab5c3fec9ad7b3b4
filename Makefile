# Every target creates the virtual environment it needs; nothing else to prepare.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo test lint unit bench clean

help:
	@echo "make demo   run the gates on the bundled example project"
	@echo "make test   lint, type-check and run the whole test suite"
	@echo "make lint   ruff + mypy --strict + docstring coverage"
	@echo "make bench  benchmarks (they print figures; nothing is stored)"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/python examples/run_demo.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples scripts
	$(BIN)/ruff format --check src tests benchmarks examples scripts
	$(BIN)/mypy
	$(BIN)/interrogate -q src

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --cov --cov-report=term

test: lint unit

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) .coverage .coverage.* mlgate-reports examples/demo-project/mlgate-reports
