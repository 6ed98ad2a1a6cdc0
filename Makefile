# wagate developer commands. `make run` and `make test` install what they need themselves.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export UV_LINK_MODE ?= copy

.PHONY: help setup run test lint typecheck pytest fmt schemas bench clean

help:
	@echo "make run        - run the whole platform locally (no Docker)"
	@echo "make test       - lint, typecheck and run the whole test suite"
	@echo "make fmt        - format the code"
	@echo "make schemas    - regenerate the contracts' JSON Schema export"
	@echo "make bench      - run the benchmarks"

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/"
	python3 -m venv .tools || { echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	.tools/bin/pip install --quiet uv

setup: $(UV)
	$(UV) sync --all-packages --frozen

run: setup
	$(UV) run --frozen python -m wagate_devstack.devrun

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: setup
	$(UV) run --frozen mypy libs/*/src services/*/src sandbox/src

pytest: setup
	$(UV) run --frozen pytest

test: lint typecheck pytest

fmt: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

schemas: setup
	$(UV) run --frozen python -m wagate_contracts.export

bench: setup
	$(UV) run --frozen python -m bench $(BENCH_ARGS)

clean:
	rm -rf .data .mypy_cache .ruff_cache .pytest_cache
