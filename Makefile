# crm_plus — the two commands of the README, and the helpers behind them.
.PHONY: setup run test test-addons test-repo bench lint clean-dbs readme i18n core-compat
SHELL := /bin/bash

setup:        ## virtualenv, Odoo and our Python deps (idempotent)
	@bash tools/setup.sh

run: setup    ## README command 1: demo database and Odoo on http://localhost:8069
	@bash tools/run.sh

test: setup   ## README command 2: fresh database, addon tests (browser too), repo tests
	@bash tools/test.sh

bench: setup  ## benchmarks (figures against a raw-SQL baseline)
	@bash tools/bench.sh

core-compat: setup  ## Odoo's sale/crm suites with and without our addons: tests failing only with them (slow)
	@bash tools/core_compat.sh

lint:
	@.venv/bin/python -m ruff check addons tests bench tools && .venv/bin/python -m ruff format --check addons tests bench tools

clean-dbs:    ## drop leftover throwaway test databases
	@bash tools/clean_dbs.sh

readme:       ## regenerate addons/*/README.rst from readme/ fragments
	@python3 tools/gen_readme.py

i18n: setup   ## refresh .pot files and merge zh_CN.po (lists untranslated terms)
	@bash tools/i18n.sh
