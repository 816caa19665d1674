#!/usr/bin/env bash
# make bench: run every bench/*.py (or those named in BENCH=...) on database BENCH_DB
# (default crm_plus_bench, created with both addons when absent). Each script
# builds its own data and prints its figures beside a raw-SQL or core-Odoo baseline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
require_postgres
BENCH_DB=${BENCH_DB:-crm_plus_bench}
if ! psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname='$BENCH_DB'" | grep -q 1; then
    log "creating $BENCH_DB"
    odoo_bin -d "$BENCH_DB" -i "$MODULES" --stop-after-init --log-level=warn --no-http
else
    log "upgrading $MODULES on $BENCH_DB"   # the data built by earlier runs is kept
    odoo_bin -d "$BENCH_DB" -u "$MODULES" --stop-after-init --log-level=warn --no-http
fi
# OCA account_credit_control, measured beside our dunning run: in the bench database only
if "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r bench/requirements.txt; then
    state=$(psql -d "$BENCH_DB" -Atc "SELECT state FROM ir_module_module WHERE name='account_credit_control'")
    if [ "$state" != "installed" ]; then
        log "installing account_credit_control on $BENCH_DB (bench only)"
        odoo_bin -d "$BENCH_DB" -i account_credit_control --stop-after-init --log-level=warn --no-http ||
            log "account_credit_control did not install: bench/dunning_vs_oca.py skips OCA's figures"
    fi
else
    log "bench/requirements.txt not installable: bench/dunning_vs_oca.py skips OCA's figures"
fi
export ODOO_SRC ADDONS_PATH ODOO_DB_USER
for script in ${BENCH:-bench/*.py}; do
    [ -f "$script" ] || continue
    case "$(basename "$script")" in _*) continue ;; esac
    log "== $script"
    "$VENV/bin/python" "$script" --db "$BENCH_DB"
done
