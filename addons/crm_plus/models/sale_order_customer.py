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

    def _crm_plus_approvers(self):
        """Held only because the customer is another salesperson's (rules *Customer owned by another salesperson*):
        the customer's owner decides, or his department manager. Held for other reasons too: the usual approvers,
        who may decide on all of them (a single step)."""
        self.ensure_one()
        # sudo: the rules that held the order, the customer's owner and his managers: who decides, whoever asks
        order = self.sudo()
        rules = order.approval_rule_ids
        if not rules or set(rules.mapped("rule_type")) != {"customer_owner"}:
            return super()._crm_plus_approvers()
        owner = order.partner_id.commercial_partner_id.user_id
        deciders = (owner | owner.crm_plus_manager_user_ids).filtered(lambda user: user.active and not user.share)
        deciders -= order.user_id | order.approval_requested_by_id
        return deciders.with_env(self.env) if deciders else super()._crm_plus_approvers()

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
