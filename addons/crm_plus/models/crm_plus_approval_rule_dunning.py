# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models

from ..messages import Ref
from ..messages import _lt


class CrmPlusApprovalRule(models.Model):
    _inherit = "crm_plus.approval.rule"

    rule_type = fields.Selection(
        selection_add=[("dunning_level", "Customer on dunning credit hold")],
        ondelete={"dunning_level": "cascade"},
    )

    def _evaluate_dunning_level(self, orders):
        """Hold orders of customers whose dunning level puts them on credit hold."""
        self.ensure_one()
        result = {}
        for order in orders:
            level = order.partner_id.commercial_partner_id.crm_plus_dunning_level_id
            if level.credit_hold:
                result[order.id] = _lt(
                    "%(rule)s: customer %(customer)s is at dunning level %(level)s (credit hold).",
                    rule=Ref(self, "name"),
                    customer=order.partner_id.commercial_partner_id.display_name,
                    level=Ref(level, "name"),
                )
        return result
