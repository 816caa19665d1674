#!/usr/bin/env bash
# make test: a fresh throwaway database, both addons (and their dependencies)
# installed with --test-enable (at_install + post_install, browser tours
# included), then the repo-level tests/ against the product.
# Fails when a test fails or errors, a module does not install, a test is
# skipped, or the log carries an ERROR/CRITICAL line. Last line: "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
require_postgres

DB=${TEST_DB:-crm_plus_t_$(date +%Y%m%d_%H%M%S)_$$}
LOGDIR=$here/var/test-logs
mkdir -p "$LOGDIR"
LOG=$LOGDIR/$DB.log
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TEST_TAGS=${TEST_TAGS:-/crm_plus,/crm_plus_oa_bridge}

cleanup() {
    if [ -z "${KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$HOME/.local/share/Odoo/filestore/$DB"
    fi
}
trap cleanup EXIT

log "database $DB, log $LOG"
start=$(date +%s)
odoo_bin -d "$DB" -i "$MODULES" --test-enable --test-tags "$TEST_TAGS" --stop-after-init \
    --http-port="$PORT" --http-interface=127.0.0.1 --log-level=info --workers=0 \
    --max-cron-threads=0 2>&1 | tee "$LOG" | grep -E --line-buffered \
    ' (ERROR|CRITICAL|WARNING) | odoo\.tests\.(result|stats)|post-tests in|at_install|FAIL|skipped ' \
    | grep -v -E 'odoo\.tests\.stats'
odoo_rc=${PIPESTATUS[0]}
log "addon tests took $(( $(date +%s) - start ))s (odoo exit $odoo_rc)"

read -r run failed errors < <("$VENV/bin/python" tools/parse_odoo_log.py counts "$LOG")
problems=$("$VENV/bin/python" tools/parse_odoo_log.py problems "$LOG")

# Repo-level product checks (install/uninstall, compose, XML-RPC end to end).
JUNIT=$LOGDIR/$DB.pytest.xml
CRM_PLUS_TEST_DB=$DB "$VENV/bin/python" -m pytest tests -p no:cacheprovider -p no:odoo -q --junitxml="$JUNIT"
pytest_rc=$?
read -r prun pfail < <("$VENV/bin/python" tools/parse_odoo_log.py junit "$JUNIT")

status=0
if [ "$odoo_rc" != 0 ] || [ -n "$problems" ]; then
    status=1
    [ -n "$problems" ] && printf '%s\n' "$problems" >&2
fi
if [ "$run" = 0 ]; then
    log "no addon test ran: that is a failure"; status=1
fi
[ "$pytest_rc" = 0 ] || status=1

total_failed=$(( failed + errors + pfail ))
if [ "$status" != 0 ] && [ "$total_failed" = 0 ]; then
    total_failed=1   # an install error, a skipped test or an ERROR line counts as one failure
fi
total_passed=$(( run - failed - errors + prun - pfail ))
echo "addons: $run tests, $failed failed, $errors errors; repo tests: $prun run, $pfail failed"
echo "$total_passed passed, $total_failed failed"
exit $status
