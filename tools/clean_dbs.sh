#!/usr/bin/env bash
# Drop throwaway databases left by interrupted test runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
for db in $(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'crm_plus_t%' OR datname LIKE 'crm_plus_cc_%'"); do
    log "dropping $db"; dropdb --if-exists "$db"
done
