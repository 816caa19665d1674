# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        self.env["crm_plus.plan"]._crm_plus_track_moves(posted.filtered(lambda move: move.is_sale_document()).ids)
        return posted

    def button_draft(self):
        res = super().button_draft()
        self.env["crm_plus.plan"]._crm_plus_track_moves(self.filtered(lambda move: move.is_sale_document()).ids)
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self.env["crm_plus.plan"]._crm_plus_track_moves(self.filtered(lambda move: move.is_sale_document()).ids)
        return res
