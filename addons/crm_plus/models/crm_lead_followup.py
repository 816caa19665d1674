# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crm_plus_followup_ids = fields.One2many("crm_plus.followup", "lead_id", string="Follow-ups")
    crm_plus_followup_count = fields.Integer(string="Follow-up Count", compute="_compute_crm_plus_followup_count")

    @api.depends("crm_plus_followup_ids")
    def _compute_crm_plus_followup_count(self):
        counts = dict(
            self.env["crm_plus.followup"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for record in self:
            record.crm_plus_followup_count = counts.get(record, 0)
