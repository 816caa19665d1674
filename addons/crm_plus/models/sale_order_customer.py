# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import models
from odoo.exceptions import UserError

from ..access import ALL_LEADS
from ..access import SALE_MANAGER


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._crm_plus_check_customer_owner()
        return orders

    def write(self, vals):
        res = super().write(vals)
        if "partner_id" in vals or "user_id" in vals:
            self._crm_plus_check_customer_owner()
        return res

    def _crm_plus_check_customer_owner(self):
        """With *Quotations for Customers of Others: Refused*, a salesperson quotes only customers without owner
        or his own (team leaders with all documents and sales managers quote any; portal/website orders, made
        in sudo, are not a salesperson's). To ask for an approval instead, use the approval rule type
        *Customer owned by another salesperson*."""
        if self.env.su or self.env.user.has_group(ALL_LEADS) or self.env.user.has_group(SALE_MANAGER):
            return
        for order in self:
            if order.state not in ("draft", "sent") or order.company_id.crm_plus_other_owner_quote != "refuse":
                continue
            owner = order.partner_id.commercial_partner_id.user_id
            if owner and owner != order.user_id:
                raise UserError(
                    self.env._(
                        "%(customer)s is %(owner)s's customer: ask them (or a manager) to quote it, or to share it.",
                        customer=order.partner_id.commercial_partner_id.display_name,
                        owner=owner.name,
                    )
                )
