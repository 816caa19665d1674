# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._crm_plus_track_plans()
        return partials

    def unlink(self):
        # Overridden (not an ondelete hook) because the plans must be updated after the partials are gone.
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        res = super().unlink()
        self.env["crm_plus.plan"]._crm_plus_track_moves(moves.ids)
        return res

    def _crm_plus_track_plans(self):
        """Update the payment and invoice steps of the orders whose invoices these partials touch."""
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        self.env["crm_plus.plan"]._crm_plus_track_moves(moves.ids)
