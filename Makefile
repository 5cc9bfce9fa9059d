# Set-up and the two commands a new user runs: `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := demo

.PHONY: demo test lint bench clean-demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tamis demo-corpus $(DEMO)/corpus > /dev/null
	$(BIN)/tamis clean $(DEMO)/corpus -o $(DEMO)/out --overwrite
	$(BIN)/tamis verify $(DEMO)/out
	@echo
	@echo "demo corpus: $(DEMO)/corpus/"
	@echo "output:      $(DEMO)/out/kept/ $(DEMO)/out/rejected/ $(DEMO)/out/quarantine/"
	@echo "report:      $(DEMO)/out/report.html   (stats: $(DEMO)/out/stats.json)"
	@echo "browse:      $(BIN)/tamis inspect $(DEMO)/out"

# Two processes, one test file each at a time (a file's module fixtures stay in one process).
test: $(STAMP)
	$(BIN)/python -m pytest -q -ra -n 2 --dist loadfile --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean-demo:
	rm -rf $(DEMO)
