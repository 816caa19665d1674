#!/usr/bin/env bash
# make i18n: refresh addons/*/i18n/<addon>.pot from a database with both addons,
# then merge every zh_CN.po with it (new terms added untranslated, gone ones dropped)
# and list what is still untranslated.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
. tools/common.sh
require_postgres
DB=crm_plus_i18n_$$
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
odoo_bin -d "$DB" -i "$MODULES" --stop-after-init --log-level=warn --no-http
conf=$(write_odoo_conf)
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" i18n export -c "$conf" -d "$DB" ${MODULES//,/ } 2>&1 | grep -v INFO || true
"$VENV/bin/python" tools/i18n_merge.py
