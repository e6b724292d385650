# tipgraph: `make demo` sets everything up and builds the bundled articles; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test install clean

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
	@echo "wrote $(OUT)/corpus.{trig,ttl,nt,nq,jsonld}"

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(OUT) $(VENV) .pytest_cache
