# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.3.0: dunning items, payment reminders and plan template steps carry their company.

The columns are created and filled here, in SQL, before the ORM sees the new stored related fields:
a column that already exists is not recomputed record by record on upgrade (large tables).
"""


def _fill(cr, table, source_sql):
    cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = %s", (table,))
    if not cr.fetchone():
        return
    cr.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS company_id integer")
    cr.execute(source_sql)


def migrate(cr, version):
    _fill(
        cr,
        "crm_plus_dunning_communication_line",
        """
        UPDATE crm_plus_dunning_communication_line l SET company_id = c.company_id
          FROM crm_plus_dunning_communication c
         WHERE c.id = l.communication_id AND l.company_id IS DISTINCT FROM c.company_id
        """,
    )
    _fill(
        cr,
        "crm_plus_dunning_reminder",
        """
        UPDATE crm_plus_dunning_reminder r SET company_id = s.company_id
          FROM crm_plus_plan_step s
         WHERE s.id = r.step_id AND r.company_id IS DISTINCT FROM s.company_id
        """,
    )
    _fill(
        cr,
        "crm_plus_plan_template_line",
        """
        UPDATE crm_plus_plan_template_line l SET company_id = t.company_id
          FROM crm_plus_plan_template t
         WHERE t.id = l.template_id AND l.company_id IS DISTINCT FROM t.company_id
        """,
    )
