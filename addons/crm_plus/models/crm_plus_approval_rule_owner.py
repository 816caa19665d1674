# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models

from ..messages import Ref
from ..messages import _lt


class CrmPlusApprovalRule(models.Model):
    _inherit = "crm_plus.approval.rule"

    rule_type = fields.Selection(
        selection_add=[("customer_owner", "Customer owned by another salesperson")],
        ondelete={"customer_owner": "cascade"},
    )

    def _evaluate_customer_owner(self, orders):
        """Hold orders whose salesperson is not the owner of the customer (customers without owner pass)."""
        self.ensure_one()
        result = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            if customer.user_id and customer.user_id != order.user_id:
                result[order.id] = _lt(
                    "%(rule)s: customer %(customer)s is owned by %(owner)s.",
                    rule=Ref(self, "name"),
                    customer=customer.display_name,
                    owner=customer.user_id.name,
                )
        return result
