# Shared settings for the scripts behind the Makefile (sourced, not run).
ODOO_SRC=${ODOO_SRC:-/opt/odoo/19.0}
VENV=${VENV:-$here/.venv}
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-postgres}
# Odoo refuses to run as "postgres": it then runs as this role, created on first use.
ODOO_DB_USER=${ODOO_DB_USER:-$([ "$PGUSER" = postgres ] && echo crm_plus || echo "$PGUSER")}
ADDONS_PATH="$ODOO_SRC/addons,$here/addons"
MODULES="crm_plus,crm_plus_oa_bridge"

log() { printf '[crm_plus] %s\n' "$*" >&2; }
die() { printf '[crm_plus] ERROR: %s\n' "$*" >&2; exit 2; }

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$ODOO_DB_USER" \
        ${PGPASSWORD:+--db_password="$PGPASSWORD"} "$@"
}

# Checks the server answers and that Odoo's role exists (CREATEDB, not superuser).
require_postgres() {
    "$VENV/bin/python" - "$ODOO_DB_USER" <<'PY' || die "no PostgreSQL answers at $PGHOST:$PGPORT as $PGUSER: start it (e.g. pg_ctlcluster 15 main start) or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
import sys, psycopg2
from psycopg2 import sql
role = sys.argv[1]
cn = psycopg2.connect(dbname="postgres", connect_timeout=5)
cn.autocommit = True
with cn.cursor() as cr:
    cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    if not cr.fetchone():
        cr.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(role)))
        print(f"[crm_plus] created PostgreSQL role {role} (CREATEDB) for Odoo", file=sys.stderr)
cn.close()
PY
}

# A config file for the odoo-bin subcommands that only read options from one (i18n).
write_odoo_conf() {
    mkdir -p "$here/var"
    {
        echo "[options]"
        echo "addons_path = $ADDONS_PATH"
        echo "db_host = $PGHOST"
        echo "db_port = $PGPORT"
        echo "db_user = $ODOO_DB_USER"
        [ -n "${PGPASSWORD:-}" ] && echo "db_password = $PGPASSWORD"
    } > "$here/var/odoo.conf"
    echo "$here/var/odoo.conf"
}
