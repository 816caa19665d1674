# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.10.0: payment reminders also remind invoices, and keep their customer (stored).

The customer column is created and filled here, in SQL, from the reminders' payment steps, before the ORM sees the
new stored field: a column that already exists is not recomputed record by record on upgrade.
"""


def migrate(cr, version):
    cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'crm_plus_dunning_reminder'")
    if not cr.fetchone():
        return
    cr.execute("ALTER TABLE crm_plus_dunning_reminder ADD COLUMN IF NOT EXISTS partner_id integer")
    cr.execute(
        """
        UPDATE crm_plus_dunning_reminder r SET partner_id = s.partner_id
          FROM crm_plus_plan_step s
         WHERE s.id = r.step_id AND r.partner_id IS DISTINCT FROM s.partner_id
        """
    )
