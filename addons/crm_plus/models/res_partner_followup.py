# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_followup_ids = fields.One2many("crm_plus.followup", "partner_id", string="Follow-ups")
    crm_plus_followup_count = fields.Integer(string="Follow-up Count", compute="_compute_crm_plus_followup_count")

    @api.depends("crm_plus_followup_ids", "commercial_partner_id")
    def _compute_crm_plus_followup_count(self):
        # follow-ups belong to the customer (commercial partner): its contacts show the customer's
        counts = dict(
            self.env["crm_plus.followup"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for record in self:
            record.crm_plus_followup_count = counts.get(record.commercial_partner_id, 0)
