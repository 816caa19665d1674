# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_plus_default_max_discount = fields.Float(
        string="Default Maximum Discount (%)",
        default=0.0,
        help="Discount limit of salespeople without an employee, or whose employee and job set none.",
    )
