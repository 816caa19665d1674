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
