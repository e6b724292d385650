# tipgraph: `make demo` sets everything up and builds the bundled articles; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test install clean browser bench

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/tipgraph build data/articles --link --review data/links/review.csv \
	  --include data/external -o $(OUT)/corpus.trig
	$(BIN)/tipgraph validate $(OUT)/corpus.trig
	for q in actors laws reports instruments ratings claims amounts sources \
	         identifiers tier-history not-applicable report-claims linked-labels; do \
	  echo "== $$q"; $(BIN)/tipgraph query $$q $(OUT)/corpus.trig || exit $$?; done
	for f in ttl nt nq jsonld; do \
	  $(BIN)/tipgraph export $(OUT)/corpus.trig --format $$f -o $(OUT)/corpus.$$f || exit $$?; done
	$(BIN)/tipgraph stats $(OUT)/corpus.trig
	for f in html svg graphml; do \
	  $(BIN)/tipgraph viz $(OUT)/corpus.trig -o $(OUT)/graph.$$f || exit $$?; done
	@echo "wrote $(OUT)/corpus.{trig,ttl,nt,nq,jsonld} and $(OUT)/graph.{html,svg,graphml}"

# the browser test drives Debian's chromium (never a browser download) through Playwright
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    chromium fonts-dejavu-core; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# benchmarks (not tests): generated corpora of 100, 1,000 and 10,000 articles, the embedded store
# next to the plain rdflib + pySHACL path; writes docs/benchmarks.md. Takes a long time.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes 100,1000,10000 --jobs 1,2 --plain-max 1000 \
	  --out docs/benchmarks.md

clean:
	rm -rf $(OUT) $(VENV) .pytest_cache
