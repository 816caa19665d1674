# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.3.0: plan step names become translatable (each reader reads generated names in their language).

Odoo converts the column to jsonb itself (the existing name becomes its en_US value), but PostgreSQL refuses
to change the type of a column that a view selects: the report views reading plan steps are dropped here and
created again by their models' ``init`` later in the upgrade.
"""


def migrate(cr, version):
    cr.execute(
        """
        SELECT DISTINCT v.relname
          FROM pg_depend d
          JOIN pg_rewrite r ON r.oid = d.objid
          JOIN pg_class v ON v.oid = r.ev_class
         WHERE d.refobjid = 'crm_plus_plan_step'::regclass AND v.relkind IN ('v', 'm')
           AND v.relname <> 'crm_plus_plan_step'
        """
    )
    for (view,) in cr.fetchall():
        cr.execute(f'DROP VIEW IF EXISTS "{view}" CASCADE')
