# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class SaleOrderApprovalReject(models.TransientModel):
    _name = "sale.order.approval.reject"
    _description = "Reject Order Approval"

    order_ids = fields.Many2many("sale.order", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.order_ids._crm_plus_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
