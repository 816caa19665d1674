# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_plus_followup_ids = fields.One2many("crm_plus.followup", "order_id", string="Follow-ups")
    crm_plus_followup_count = fields.Integer(string="Follow-up Count", compute="_compute_crm_plus_followup_count")

    @api.depends("crm_plus_followup_ids")
    def _compute_crm_plus_followup_count(self):
        counts = dict(
            self.env["crm_plus.followup"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for record in self:
            record.crm_plus_followup_count = counts.get(record, 0)
