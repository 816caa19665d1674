#!/usr/bin/env bash
# Fast loop while developing (not CI): keep a database with everything installed,
# then upgrade our addons and run only the tests you name.
#   tools/dev_test.sh [TEST_TAGS]        e.g. tools/dev_test.sh /crm_plus:TestAttributes
# DEV_DB (default crm_plus_dev) is created on first use.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
require_postgres
DEV_DB=${DEV_DB:-crm_plus_dev}
TAGS=${1:-/crm_plus,/crm_plus_oa_bridge}
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname='$DEV_DB'" | grep -q 1; then
    log "creating $DEV_DB"
    odoo_bin -d "$DEV_DB" -i "$MODULES" --stop-after-init --log-level=warn --http-port="$PORT" --http-interface=127.0.0.1 || exit 1
fi
mkdir -p var
odoo_bin -d "$DEV_DB" -u "$MODULES" --test-enable --test-tags "$TAGS" --stop-after-init --log-level=info \
    --http-port="$PORT" --http-interface=127.0.0.1 --max-cron-threads=0 > "var/dev_test_$DEV_DB.log" 2>&1
rc=$?
grep -E ' (ERROR|CRITICAL|WARNING) |tests when loading|Traceback|^  File|Error:|skipped ' "var/dev_test_$DEV_DB.log" | head -150
echo "exit $rc (full log: var/dev_test_$DEV_DB.log)"
exit $rc
