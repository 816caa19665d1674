"""Whole-product checks: they drive a real Odoo (odoo-bin) from outside.

Paths and connection come from the same settings as the Makefile
(ODOO_SRC, PG*, ODOO_DB_USER); tools/test.sh passes the database it just
tested in CRM_PLUS_TEST_DB.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest

REPO = Path(__file__).resolve().parents[1]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/19.0"))
PGUSER = os.environ.get("PGUSER", "postgres")
ODOO_DB_USER = os.environ.get("ODOO_DB_USER") or ("crm_plus" if PGUSER == "postgres" else PGUSER)
ADDONS_PATH = f"{ODOO_SRC / 'addons'},{REPO / 'addons'}"
MODULES = ("crm_plus", "crm_plus_oa_bridge")
MARK = "@@crm_plus@@"


def odoo_cmd(*args, addons_path=None):
    cmd = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        *args,
        f"--addons-path={addons_path or ADDONS_PATH}",
        f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
        f"--db_port={os.environ.get('PGPORT', '5432')}",
        f"--db_user={ODOO_DB_USER}",
    ]
    if os.environ.get("PGPASSWORD"):
        cmd.append(f"--db_password={os.environ['PGPASSWORD']}")
    return cmd


def odoo_conf(path):
    """Write an odoo.conf for subcommands that read connection options only from a file (i18n)."""
    lines = [
        "[options]",
        f"addons_path = {ADDONS_PATH}",
        f"db_host = {os.environ.get('PGHOST', '127.0.0.1')}",
        f"db_port = {os.environ.get('PGPORT', '5432')}",
        f"db_user = {ODOO_DB_USER}",
    ]
    if os.environ.get("PGPASSWORD"):
        lines.append(f"db_password = {os.environ['PGPASSWORD']}")
    Path(path).write_text("\n".join(lines) + "\n")
    return str(path)


def run_odoo(*args, timeout=1200, addons_path=None):
    """Run odoo-bin to completion; fail the test on a non-zero exit or an ERROR line."""
    proc = subprocess.run(odoo_cmd(*args, addons_path=addons_path), capture_output=True, text=True, timeout=timeout)
    errors = [ln for ln in proc.stderr.splitlines() if " ERROR " in ln or " CRITICAL " in ln]
    assert proc.returncode == 0 and not errors, f"odoo-bin {args} failed:\n{proc.stderr[-4000:]}"
    return proc


def odoo_shell(db, code, timeout=900, addons_path=None):
    """Run Python in `odoo-bin shell` on db; the code calls emit(obj) to return JSON."""
    prelude = f"import json\ndef emit(obj):\n    print({MARK!r} + json.dumps(obj, default=str))\n"
    proc = subprocess.run(
        odoo_cmd("shell", "-d", db, "--no-http", "--log-level=warn", addons_path=addons_path),
        input=prelude + code + "\nenv.cr.commit()\n",
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    out = [ln[len(MARK) :] for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    assert (
        proc.returncode == 0 and "Traceback" not in proc.stderr + proc.stdout
    ), f"odoo shell failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return [json.loads(x) for x in out]


def pg(db="postgres"):
    cn = psycopg2.connect(dbname=db)
    cn.autocommit = True
    return cn


@pytest.fixture
def fresh_db():
    name = f"crm_plus_t_repo_{uuid.uuid4().hex[:8]}"
    yield name
    cn = pg()
    try:
        with cn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        cn.close()


@pytest.fixture(scope="session")
def tested_db():
    db = os.environ.get("CRM_PLUS_TEST_DB")
    if not db:
        pytest.fail("CRM_PLUS_TEST_DB is not set: run these through `make test`")
    return db


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def odoo_server(tested_db):
    """A real Odoo HTTP server on the tested database; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        odoo_cmd(
            "-d",
            tested_db,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            f"--db-filter=^{tested_db}$",
            "--max-cron-threads=0",
            "--log-level=warn",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("Odoo did not serve /web/login within 120 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
