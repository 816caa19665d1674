# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    crm_plus_plan_template_id = fields.Many2one(
        "crm_plus.plan.template",
        string="Execution Plan Template",
        help="Plan template for orders with these payment terms when neither the customer nor its category has one.",
    )
