# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Database defaults for the columns crm_plus adds to core tables.

Odoo keeps field defaults in Python only. A row inserted by code that does not know our fields gets NULL in
them: another module's SQL, or code running while the registry holds only the modules loaded so far (Odoo runs
each module's ``at_install`` tests right after loading that module, before crm_plus's classes are set up; a
``sale`` test creating an order then inserts it without ``approval_state``). A NULL is refused by a required
column and means nothing to the others.

A core model crm_plus extends lists the constant defaults of the columns it adds in
``_crm_plus_column_defaults`` and calls ``set_column_defaults(self)`` from ``init()`` (run on install and
upgrade); the column then carries the same default as the field. ``tests/test_core_compat.py`` checks that
every required column crm_plus adds to a core table is listed.
"""

from odoo.tools import SQL


def set_column_defaults(model):
    """Give the columns named in ``model._crm_plus_column_defaults`` their field's (constant) default."""
    for name in model._crm_plus_column_defaults:
        field = model._fields[name]
        value = field.convert_to_column(field.default(model), model)
        model.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
                SQL.identifier(model._table),
                SQL.identifier(name),
                value,
            )
        )
