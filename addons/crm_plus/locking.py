# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Row locks between workers and nodes, without false alarms in the log.

The ORM's ``try_lock_for_update`` logs a "bad query" ERROR when the row changed after the
transaction's snapshot was taken (PostgreSQL's serialization failure). For our locks that is the
very concurrency they handle: the error still propagates exactly as before (Odoo retries the
request, a dunning batch is dropped and retried by the next pass), only the misleading ERROR line
is left out, so that an error in the log always means a problem.
"""

from odoo.tools import SQL

_FOR_UPDATE = SQL("FOR UPDATE SKIP LOCKED")
_FOR_NO_KEY_UPDATE = SQL("FOR NO KEY UPDATE SKIP LOCKED")


def try_lock(records, allow_referencing=False):
    """Like ``records.try_lock_for_update()``: lock what is free, return those records (skip the rest)."""
    ids = tuple(id_ for id_ in records._ids if isinstance(id_, int))
    if not ids:
        return records
    records.env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id IN %s %s",
            SQL.identifier(records._table),
            ids,
            _FOR_NO_KEY_UPDATE if allow_referencing else _FOR_UPDATE,
        ),
        log_exceptions=False,
    )
    locked = {id_ for (id_,) in records.env.cr.fetchall()}
    return records.browse(id_ for id_ in records._ids if id_ in locked or not isinstance(id_, int))
