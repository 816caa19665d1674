# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class SaleOrderRoundAccept(models.TransientModel):
    _name = "sale.order.round.accept"
    _description = "Accept Quotation Round"

    order_id = fields.Many2one("sale.order", required=True)
    lost_reason = fields.Text(
        string="Why the other rounds are lost",
        required=True,
        default=lambda self: self.env._("Customer accepted another round."),
    )

    def action_accept(self):
        """Accept the round, close the others as lost, then confirm (through the approval rules)."""
        self.ensure_one()
        self.order_id._crm_plus_accept_round(self.lost_reason)
        self.order_id.action_confirm()
        return {"type": "ir.actions.act_window_close"}
