# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.8.0: attributes apply to customers, orders or opportunities (``crm_plus.attribute.applies_to``).

Every attribute defined before is a customer attribute: the column is added and filled with 'res.partner' here,
before the ORM adds the required field, so existing definitions, their fields, columns, values and views are left
exactly as they are. The unique code becomes unique per ``applies_to`` (the ORM replaces the constraint).
"""


def migrate(cr, version):
    cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'crm_plus_attribute'")
    if not cr.fetchone():
        return
    cr.execute("ALTER TABLE crm_plus_attribute ADD COLUMN IF NOT EXISTS applies_to varchar")
    cr.execute("UPDATE crm_plus_attribute SET applies_to = 'res.partner' WHERE applies_to IS NULL")
