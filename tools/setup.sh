#!/usr/bin/env bash
# make setup: idempotent environment for crm_plus.
#   - system packages (when missing; installed only when running as root)
#   - .venv (Python 3.11) with Odoo's requirements, Odoo editable from $ODOO_SRC, our requirements.txt
# Re-running it does nothing when nothing changed (a stamp keyed on the inputs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
# shellcheck source=tools/common.sh
. tools/common.sh

# -- system packages -------------------------------------------------------
# Debian names; chromium for browser tours, wkhtmltopdf for PDF reports, a CJK font for both.
SYSTEM_PACKAGES="libpq-dev libldap2-dev libsasl2-dev chromium wkhtmltopdf fonts-wqy-zenhei"
missing=""
for pkg in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing system packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        die "missing system packages:$missing (install them: sudo apt-get install$missing)"
    fi
fi

# -- Odoo source ------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
    log "no Odoo source at $ODOO_SRC: trying the official Odoo 19.0 nightly source"
    tmp=$(mktemp -d)
    if curl -fsSL --max-time 600 -o "$tmp/odoo.tar.gz" \
        "https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz"; then
        mkdir -p "$ODOO_SRC"
        tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
        rm -rf "$tmp"
    else
        rm -rf "$tmp"
        die "Odoo 19.0 source not found at $ODOO_SRC and not downloadable: put it there or set ODOO_SRC"
    fi
fi
grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
    || die "$ODOO_SRC is not Odoo 19.0 (odoo/release.py)"

# -- virtualenv ------------------------------------------------------------
stamp_inputs=$(cat "$ODOO_SRC/requirements.txt" requirements.txt tools/constraints.txt tools/setup.sh; echo "$ODOO_SRC")
stamp=$(printf '%s' "$stamp_inputs" | sha256sum | cut -c1-16)
if [ -f "$VENV/.crm_plus_setup" ] && [ "$(cat "$VENV/.crm_plus_setup")" = "$stamp" ] \
    && "$VENV/bin/python" -c "import odoo.release" 2>/dev/null; then
    exit 0
fi
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || die "Python 3.11 is required ($PYTHON not found; set PYTHON=...)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
log "installing Odoo's requirements into $VENV"
"${pip[@]}" install -U "pip<25" "setuptools<81" wheel
"${pip[@]}" install -c tools/constraints.txt -r "$ODOO_SRC/requirements.txt"
log "installing Odoo from $ODOO_SRC (editable)"
"${pip[@]}" install -c tools/constraints.txt --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
log "installing crm_plus requirements"
"${pip[@]}" install -c tools/constraints.txt -r requirements.txt
echo "$stamp" > "$VENV/.crm_plus_setup"
log "setup done"
