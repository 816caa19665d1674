"""Shared helpers for benchmarks: open an Odoo registry on a database and time things.

Each bench script: `python bench/<name>.py --db <database>` (make bench passes it).
"""

import argparse
import os
import resource
import sys
import time
from contextlib import contextmanager

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/19.0")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ODOO_SRC)
# Odoo's own start-up (patches, and the odoo.SUPERUSER_ID/Command shortcuts), as odoo-bin does
import odoo.init  # noqa: E402, F401


def parse_args(description, **extra):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", required=True)
    for name, (default, help_) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default, help=help_)
    return parser.parse_args()


def registry(db):
    """Registry on db, configured like the Makefile's odoo-bin (PG* env, addons path)."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    user = os.environ.get("ODOO_DB_USER") or (
        "crm_plus" if os.environ.get("PGUSER", "postgres") == "postgres" else os.environ["PGUSER"]
    )
    config.parse_config(
        [
            f"--addons-path={ODOO_SRC}/addons,{REPO}/addons",
            f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
            f"--db_port={os.environ.get('PGPORT', '5432')}",
            f"--db_user={user}",
            "--log-level=warn",
        ]
        + ([f"--db_password={os.environ['PGPASSWORD']}"] if os.environ.get("PGPASSWORD") else [])
    )
    odoo.tools.config["db_name"] = [db]
    return Registry(db)


@contextmanager
def timed(label, results, baseline=None):
    """Time the block; print the figure, and the ratio to a baseline label already measured."""
    t0 = time.perf_counter()
    yield
    dt = time.perf_counter() - t0
    results[label] = dt
    ratio = f"  ({dt / results[baseline]:.1f}x {baseline})" if baseline and results.get(baseline) else ""
    print(f"{label:<60} {dt * 1000:10.1f} ms{ratio}", flush=True)


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ SQL copies of ORM-made rows
def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, template_id, n, overrides):
    """n copies of a row: copy g (1..n) gets id base + g; ``overrides`` maps columns to SQL of g and {nid}."""
    cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1000 FROM {table}")  # bench: the table names are ours
    base = cr.fetchone()[0]
    kept = [col for col in columns(cr, table) if col not in overrides]
    names = ", ".join(['"id"', *(f'"{c}"' for c in kept), *(f'"{c}"' for c in overrides)])
    nid = f"({base} + g)"
    # the overrides are SQL of g (modulo included): escape their % for the driver's parameters
    exprs = ", ".join(
        [nid, *(f't."{c}"' for c in kept), *(e.replace("{nid}", nid).replace("%", "%%") for e in overrides.values())]
    )
    cr.execute(
        f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table} t, generate_series(1, %s) g" " WHERE t.id = %s",
        [n, template_id],
    )
    cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, base + n + 1])
    return base
