# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models

from ..column_defaults import set_column_defaults

ORDER_APPROVAL = [
    ("always", "Every order"),
    ("rules", "When a rule matches"),
    ("never", "Never"),
]


class ResCompany(models.Model):
    _inherit = "res.company"
    _crm_plus_column_defaults = (
        "crm_plus_order_approval",
        "crm_plus_confirmed_change",
        "crm_plus_default_max_discount",
    )

    crm_plus_order_approval = fields.Selection(
        ORDER_APPROVAL,
        string="Order Approval",
        default="rules",
        required=True,
        help="Every order: each order waits for an approver before it takes effect. "
        "When a rule matches: only orders an active approval rule holds back. Never: orders confirm at once.",
    )
    crm_plus_confirmed_change = fields.Selection(
        [("refuse", "Refuse the change"), ("request", "Apply it and ask for an approval")],
        string="Changes of Confirmed Orders",
        default="refuse",
        required=True,
        help="When a change of a confirmed order (customer, terms, prices, discounts, taxes, cost...) makes an "
        "approval rule hold it. Refuse: the change is refused with the reasons. Ask for an approval: the change is "
        "kept, the order is held (no invoice, no delivery) until an approver accepts it; a rejected change holds "
        "the order until it is undone.",
    )
    crm_plus_default_max_discount = fields.Float(
        string="Default Maximum Discount (%)",
        default=0.0,
        help="Discount limit of salespeople without an employee, or whose employee and job set none. "
        "0: no company-wide limit.",
    )

    _crm_plus_default_max_discount_range = models.Constraint(
        "CHECK(crm_plus_default_max_discount >= 0 AND crm_plus_default_max_discount <= 100)",
        "A maximum discount is a percentage between 0 and 100.",
    )

    @api.private
    def init(self):
        super().init()
        set_column_defaults(self)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["crm_plus.approval.rule"]._crm_plus_create_default_rules(companies)
        return companies
