#!/usr/bin/env bash
# make run: database crm_plus_demo (both addons, demo data) when absent, then serve it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
require_postgres
DB=${DB:-crm_plus_demo}
PORT=${PORT:-8069}
exists=$("$VENV/bin/python" - "$DB" <<'PY'
import sys, psycopg2
with psycopg2.connect(dbname="postgres") as cn, cn.cursor() as cr:
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[1],))
    print("yes" if cr.fetchone() else "no")
PY
)
if [ "$exists" = no ]; then
    log "creating database $DB with $MODULES and demo data (a few minutes)"
    odoo_bin -d "$DB" -i "$MODULES" --with-demo --stop-after-init --load-language=en_US,zh_CN \
        --http-port="$PORT" --log-level=warn
    # admin/admin is the demo login
fi
log "serving http://localhost:$PORT (login admin / admin), database $DB"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$ODOO_DB_USER" ${PGPASSWORD:+--db_password="$PGPASSWORD"} \
    -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface="${HTTP_INTERFACE:-127.0.0.1}" ${ODOO_ARGS:-}
