# The two commands a newcomer needs:  make book   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv book test data ensemble bench clean notebooks figure

help:
	@echo "make book   set up .venv and build the book into book/_build/html"
	@echo "make test   set up .venv and run the whole test suite (unit tests + nbval)"
	@echo "make data   regenerate data/cohort.csv and data/regimens.csv (seeded, deterministic; ~25 min on 2 cores)"
	@echo "make ensemble  regenerate data/ensemble_summary.csv (100 reconstructions, ~26 min on 2 cores)"
	@echo "make bench  print runtime and fidelity benchmarks (about 45 min; the default search alone takes 25)"
	@echo "make notebooks  re-execute every notebooks/*.md into its paired .ipynb (committed with outputs) and redraw docs/figure1d.png"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# make book [COHORT=my_cohort.csv] [REGIMENS=my_regimens.csv] [PRIMARY_TREATMENT=my_primary.csv] [MAPPING=my.yaml]
# (paths absolute or relative to this directory).  Each file may be CSV, Excel (.xlsx), R (.rds, .RData), SPSS (.sav)
# or Stata (.dta); MAPPING is a YAML or TOML file that maps the user's column names and codes to ours (data/README.md).
# Validates the input first and stops before rendering anything if it is invalid; builds into a staging
# directory and replaces $(BOOK)/_build/html only when the whole build succeeded, so _build keeps the last
# good site.  The notebooks read the files from $COHORT / $REGIMENS / $PRIMARY_TREATMENT / $MAPPING (helpers.paths).
# COHORT without REGIMENS (or PRIMARY_TREATMENT) builds without that file: what needs it says so and skips itself.
BOOK     ?= book
COHORT   ?=
REGIMENS ?=
PRIMARY_TREATMENT ?=
MAPPING  ?=
BOOK_COHORT   = $(if $(COHORT),$(abspath $(COHORT)),$(CURDIR)/data/cohort.csv)
BOOK_REGIMENS = $(if $(REGIMENS),$(abspath $(REGIMENS)),$(if $(COHORT),,$(CURDIR)/data/regimens.csv))
BOOK_PRIMARY  = $(if $(PRIMARY_TREATMENT),$(abspath $(PRIMARY_TREATMENT)),$(if $(COHORT),,$(CURDIR)/data/primary_treatment.csv))
BOOK_MAPPING  = $(if $(MAPPING),$(abspath $(MAPPING)))

book: $(STAMP)
	@set -eu; \
	fail() { echo "make book: $$1; nothing was built ($(BOOK)/_build/html is unchanged)" >&2; exit 1; }; \
	export MAPPING="$(BOOK_MAPPING)"; \
	$(BIN)/python -m helpers.data validate "$(BOOK_COHORT)" --kind cohort || fail "invalid cohort file"; \
	if [ -n "$(BOOK_REGIMENS)" ]; then \
	  $(BIN)/python -m helpers.data validate "$(BOOK_REGIMENS)" --kind regimens --cohort "$(BOOK_COHORT)" \
	    || fail "invalid regimens file"; \
	fi; \
	if [ -n "$(BOOK_PRIMARY)" ]; then \
	  $(BIN)/python -m helpers.data validate "$(BOOK_PRIMARY)" --kind primary_treatment --cohort "$(BOOK_COHORT)" \
	    || fail "invalid primary-treatment file"; \
	fi; \
	mkdir -p "$(BOOK)/_build"; \
	stage=$$(mktemp -d "$(BOOK)/_build/.staging.XXXXXX"); \
	trap 'rm -rf "$$stage"' EXIT INT TERM; \
	COHORT="$(BOOK_COHORT)" REGIMENS="$(BOOK_REGIMENS)" PRIMARY_TREATMENT="$(BOOK_PRIMARY)" MAPPING="$(BOOK_MAPPING)" \
	  $(BIN)/jupyter-book build "$(BOOK)" --path-output "$$stage" -W --keep-going \
	  || fail "the book build failed"; \
	test -f "$$stage/_build/html/index.html" || fail "the build wrote no index.html"; \
	rm -rf "$(BOOK)/_build/.html.old"; \
	if [ -d "$(BOOK)/_build/html" ]; then mv "$(BOOK)/_build/html" "$(BOOK)/_build/.html.old"; fi; \
	mv "$$stage/_build/html" "$(BOOK)/_build/html"; \
	rm -rf "$(BOOK)/_build/.html.old"; \
	echo "make book: built $(BOOK)/_build/html from $(BOOK_COHORT)$(if $(BOOK_REGIMENS), and $(BOOK_REGIMENS))$(if $(BOOK_PRIMARY), and $(BOOK_PRIMARY))$(if $(BOOK_MAPPING), mapped by $(BOOK_MAPPING))"

test: $(STAMP)
	$(BIN)/python -m pytest

data: $(STAMP)  # the committed cohort: the best of 2 searches of 50,000,000 iterations, one per core, about 25 min
	$(BIN)/python -m helpers.reconstruct --out data

ensemble: $(STAMP)  # the 100-cohort ensemble behind notebooks/09_robustness (about 26 min on 2 cores)
	$(BIN)/python -m helpers.reconstruct --ensemble 100 --out build/ensemble
	cp build/ensemble/ensemble_summary.csv data/ensemble_summary.csv

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

notebooks: $(STAMP)
	$(BIN)/python book/tools/notebooks.py execute
	$(BIN)/python book/tools/readme_figure.py docs/figure1d.png

figure: $(STAMP)
	$(BIN)/python book/tools/readme_figure.py docs/figure1d.png

clean:
	rm -rf book/_build
