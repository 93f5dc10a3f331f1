# The LSTM book. Two commands on a fresh machine with Python 3.11 and make:
#   make book   install into .venv, execute every notebook and build the website
#   make test   install into .venv (with the test tools) and run every test
PYTHON ?= python3
# The book's matrices are small: one BLAS thread per process is several times faster than two threads
# contending for them (measured: chapter 8's live run 12 s against 90 s on a busy 2-core machine), and
# gives the same numbers. Set it yourself to override.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
VENV   := .venv
PY     := $(VENV)/bin/python
BOOK_HTML := _build/html/index.html
# Processes for the notebooks: every core (getconf, not nproc, which follows OMP_NUM_THREADS=1 set above).
JOBS   ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

.PHONY: book serve lab test build clean strip refresh bench full browser

# The README's plain-Python lines, word for word (tests/test_readme.py checks it), so every make test runs them.
$(VENV)/.book: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv .venv
	.venv/bin/python -m pip install -r requirements.txt -e .
	touch $@

$(VENV)/.test: $(VENV)/.book requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

## make book: build the website (notebooks executed, cached in _build/.jupyter_cache)
book: $(VENV)/.book build
	@echo "The book is at $(CURDIR)/$(BOOK_HTML) -- open it in a browser, or run 'make serve'."

## build: every notebook not yet cached is executed on every core (tools/execute_book.py: Jupyter Book 1 runs
## them one at a time), then the website is built from that cache (the README's plain-Python line, word for word)
## (--build: then jupyter-book build . -W -n --keep-going). The website has no kernel: training runs there
## without a progress bar (TQDM_DISABLE=1), so no page carries a progress-bar widget; in Jupyter the bars show.
build:
	.venv/bin/python tools/execute_book.py --build

## make serve: serve the built book on http://localhost:8000
serve: $(VENV)/.book
	$(PY) -m http.server 8000 --directory _build/html

## make lab: the book in JupyterLab with live sliders (tools/open_lab.py: 127.0.0.1, opened on intro.md, Markdown pages
## as notebooks, --allow-root only as root). LAB_ARGS passes options to jupyter lab and overrides those defaults,
## e.g. make lab LAB_ARGS="--port=8890 --no-browser"; from outside a container: LAB_ARGS="--ip=0.0.0.0" (anyone
## with the URL can run code).
LAB_ARGS ?=
lab: $(VENV)/.book
	.venv/bin/python tools/open_lab.py $(LAB_ARGS)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## browser: headless Chromium from Debian's packages, for the website tests (a Google Chrome already installed,
## as on GitHub's runners, does too)
browser:
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium)

## make test: the book build (warnings are errors), then the unit tests, every notebook under nbval
## and the website in headless Chromium
test: $(VENV)/.test node_modules/.installed browser
	@# The package's layers and no import cycles (pyproject.toml, [tool.importlinter]).
	$(VENV)/bin/lint-imports
	$(MAKE) build
	@# The notebooks under nbval on every core (one kernel per notebook: --dist loadscope), then the other tests
	@# on every core too (the website's page audits spread over the workers; JupyterLab's tests stay together).
	@# pytest exits 5 when it collected no test at all: here that means a broken suite, so fail.
	$(PY) -m pytest book --nbval-lax --nbval-current-env -p no:cacheprovider -n $(JOBS) --dist loadscope; \
	  nb=$$?; $(PY) -m pytest tests -p no:cacheprovider -n $(JOBS) --dist loadgroup; rest=$$?; \
	  for rc in $$nb $$rest; do if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests -- failing"; exit 1; fi; done; \
	  if [ $$nb -ne 0 ]; then exit $$nb; fi; exit $$rest

## make strip: remove outputs from notebooks, except cells tagged nbval-check-output
strip: $(VENV)/.book
	$(PY) tools/notebooks.py strip book

## make refresh: re-execute notebooks and store the outputs of cells tagged nbval-check-output only
refresh: $(VENV)/.book
	$(PY) tools/notebooks.py refresh book

## make bench: LSTM speed against PyTorch and the hardware limit, notebook times, slider latency
bench: $(VENV)/.test
	$(PY) benchmarks/bench.py

## make full: the book's stored experiments under the fair protocol (lstm_helpers/experiments/protocol.py,
## the grids in lstm_helpers/experiments/full.py): every model at its own learning rate and initialisation,
## 5 seeds, both cores; resumes if interrupted. Writes benchmarks/full_run.json, which the chapters print beside
## their CI-sized live runs, and benchmarks/text_run.json, chapter 9a's RNN-vs-LSTM comparison on text
full: $(VENV)/.book
	$(PY) benchmarks/full_runs.py

clean:
	rm -rf _build
