# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.2.0: the "orders I am asked to approve" rules grant read access only (noupdate data)."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_rule SET perm_write = FALSE, perm_create = FALSE, perm_unlink = FALSE
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'crm_plus' AND model = 'ir.rule'
                         AND name IN ('sale_order_rule_approver', 'sale_order_line_rule_approver'))
        """
    )
