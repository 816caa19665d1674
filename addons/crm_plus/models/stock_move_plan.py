# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        orders = moves.picking_id.sale_id
        if orders:
            self.env["crm_plus.plan"]._crm_plus_track_orders(orders.ids, kinds=("delivery", "receipt"))
        return moves
