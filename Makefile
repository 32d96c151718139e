# The two commands a newcomer needs:  make book   and   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv book test quick data ensemble bench clean notebooks figure lint format links linkcheck repository

help:
	@echo "make book   set up .venv and build the book into book/_build/html"
	@echo "make test   set up .venv and run the whole test suite (unit tests + nbval)"
	@echo "make quick  the fast loop: the tests that build nothing whole (pytest -m 'not slow')"
	@echo "make data   regenerate data/cohort.csv, regimens.csv, primary_treatment.csv, fidelity.* (seeded, deterministic; about 9 min on 2 cores)"
	@echo "make ensemble  regenerate data/ensemble_summary.csv (100 reconstructions, ~26 min on 2 cores)"
	@echo "make bench  print runtime and fidelity benchmarks (every one in turn, benchmarks/run_all.py: over an hour and a half)"
	@echo "make lint   check style (ruff, configured in pyproject.toml) and the CI workflows (actionlint)"
	@echo "make format fix what ruff can fix by itself and reformat, notebooks included (their .md sources follow)"
	@echo "make links  check the built site's internal links and anchors, and list its external links in book/_build/external-links.txt"
	@echo "make linkcheck  request every external link of that list (needs the network; the weekly workflow runs it)"
	@echo "make repository URL=https://github.com/OWNER/NAME  set the public repository (book, README badge, CITATION.cff)"
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
# good site.  $(BOOK)/_build/reports/ holds the build's log and, when it fails, failures.txt (the log's warning
# and error lines, the text that failed the -W build) and the tracebacks (Sphinx's error log; myst-nb's
# reports/ of notebooks that failed): CI uploads that folder.  The status file is written before the build
# starts (1) and rewritten (0) only when it succeeds, so a failed build under `set -e` still leaves one.  The notebooks read the files
# from $COHORT / $REGIMENS / $PRIMARY_TREATMENT / $MAPPING (helpers.paths).
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
	reports="$(BOOK)/_build/reports"; rm -rf "$$reports"; mkdir -p "$$reports"; \
	stage=$$(mktemp -d "$(BOOK)/_build/.staging.XXXXXX"); \
	trap 'rm -rf "$$stage"' EXIT INT TERM; \
	echo 1 > "$$stage/status"; \
	{ if COHORT="$(BOOK_COHORT)" REGIMENS="$(BOOK_REGIMENS)" PRIMARY_TREATMENT="$(BOOK_PRIMARY)" MAPPING="$(BOOK_MAPPING)" \
	    $(BIN)/jupyter-book build "$(BOOK)" --path-output "$$stage" -W --keep-going 2>&1; \
	  then echo 0 > "$$stage/status"; fi; } | tee "$$reports/build.log"; \
	if [ "$$(cat "$$stage/status")" != 0 ]; then \
	  if [ -d "$$stage/_build/html/reports" ]; then cp -R "$$stage/_build/html/reports/." "$$reports/"; fi; \
	  grep -E "WARNING|ERROR|Error|Exception" "$$reports/build.log" | grep -v "Kernel is running over TCP" \
	    > "$$reports/failures.txt" || true; \
	  for log in $$(sed -n 's/.*traceback has been saved in \([^ ,]*\.log\).*/\1/p' "$$reports/build.log"); do \
	    cp "$$log" "$$reports/" 2>/dev/null || true; \
	  done; \
	  fail "the book build failed (its log and tracebacks: $$reports)"; \
	fi; \
	test -f "$$stage/_build/html/index.html" || fail "the build wrote no index.html"; \
	rm -rf "$(BOOK)/_build/.html.old"; \
	if [ -d "$(BOOK)/_build/html" ]; then mv "$(BOOK)/_build/html" "$(BOOK)/_build/.html.old"; fi; \
	mv "$$stage/_build/html" "$(BOOK)/_build/html"; \
	rm -rf "$(BOOK)/_build/.html.old"; \
	echo "make book: built $(BOOK)/_build/html from $(BOOK_COHORT)$(if $(BOOK_REGIMENS), and $(BOOK_REGIMENS))$(if $(BOOK_PRIMARY), and $(BOOK_PRIMARY))$(if $(BOOK_MAPPING), mapped by $(BOOK_MAPPING))"

test: $(STAMP)  # every test, the files spread over one worker per core (pytest-xdist; conftest.py: the book's lock)
	$(BIN)/python -m pytest -n auto --dist loadfile

quick: $(STAMP)  # the fast loop: every test but those that build the book, run the default search or a notebook
	$(BIN)/python -m pytest -m "not slow"

data: $(STAMP)  # the committed cohort: the exact curative block, then the best of its merges (data/RECONSTRUCTION.md)
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

# Style: ruff over the whole project (pyproject.toml says what and how), actionlint over .github/workflows/.
# tests/test_lint.py runs `make lint`, so `make test` (and CI) fails on a lint error.
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/actionlint

# ruff reads the notebooks' code from the .ipynb twins; update-md then carries its edits to the .md sources,
# so the pairs must agree beforehand (else an unexecuted .md edit would be overwritten).
format: $(STAMP)
	$(BIN)/python book/tools/notebooks.py check
	$(BIN)/ruff check --fix-only
	$(BIN)/ruff format
	$(BIN)/python book/tools/notebooks.py update-md
	@$(BIN)/ruff check --exit-zero --output-format concise   # what is left to fix by hand (`make lint` fails on it)

# The built site's links (book/tools/links.py): `links` fails on a broken internal link or anchor and lists the
# external ones; `linkcheck` requests each of those (network: the weekly workflow). tests/test_links.py runs both.
SITE         ?= $(BOOK)/_build/html
LINKS_REPORT ?= $(BOOK)/_build/external-links.txt

links: $(STAMP)
	$(BIN)/python book/tools/links.py report "$(SITE)" "$(LINKS_REPORT)"

linkcheck: $(STAMP)
	$(BIN)/python book/tools/links.py check "$(LINKS_REPORT)"

# make repository [URL=https://github.com/OWNER/NAME] [BRANCH=main]: show, or set, the project's public
# repository: book/_config.yml holds it, README.md's Binder badge and CITATION.cff follow (book/tools/repository.py).
repository: $(STAMP)
	$(BIN)/python book/tools/repository.py $(if $(URL),set "$(URL)" $(if $(BRANCH),--branch "$(BRANCH)"),show)

clean:
	rm -rf book/_build
