# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo import models

from odoo.addons.crm_plus.access import require_groups

from ..access import OA_USER


class CrmPlusOaDelegate(models.TransientModel):
    _name = "crm_plus_oa.delegate"
    _description = "Forward an Approval to a Colleague"

    review_id = fields.Many2one("tier.review", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Colleague", required=True, domain=[("share", "=", False)])
    note = fields.Char()

    @require_groups(OA_USER)
    def action_delegate(self):
        self.ensure_one()
        self.review_id._crm_plus_oa_delegate(self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
