# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_plus_dunning_level_id = fields.Many2one(
        related="partner_id.commercial_partner_id.crm_plus_dunning_level_id", string="Customer Dunning Level"
    )
