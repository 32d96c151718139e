# The two commands a newcomer needs:  make book   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv book test data bench clean

help:
	@echo "make book   set up .venv and build the book into book/_build/html"
	@echo "make test   set up .venv and run the whole test suite (unit tests + nbval)"
	@echo "make data   regenerate data/cohort.csv and data/regimens.csv (seeded, deterministic)"
	@echo "make bench  print runtime and fidelity benchmarks"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build book -W --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

data: $(STAMP)
	$(BIN)/python -m helpers.reconstruct --out data

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf book/_build
