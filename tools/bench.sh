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
export ODOO_SRC ADDONS_PATH ODOO_DB_USER
for script in ${BENCH:-bench/*.py}; do
    [ -f "$script" ] || continue
    case "$(basename "$script")" in _*) continue ;; esac
    log "== $script"
    "$VENV/bin/python" "$script" --db "$BENCH_DB"
done
