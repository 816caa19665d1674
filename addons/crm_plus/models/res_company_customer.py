# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_plus_other_owner_quote = fields.Selection(
        [("allow", "Allowed"), ("refuse", "Refused")],
        string="Quotations for Customers of Others",
        default="allow",
        help="Refused: a salesperson cannot start a quotation for a customer owned by another salesperson (team "
        "leaders with all documents and sales managers can). To send such quotations for approval instead, add an "
        "approval rule of type 'Customer owned by another salesperson'.",
    )
