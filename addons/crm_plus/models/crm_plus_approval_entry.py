# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models

from ..messages import render_all


class CrmPlusApprovalEntry(models.Model):
    """One step of an order's approval history: who, when, what, why."""

    _name = "crm_plus.approval.entry"
    _description = "Order Approval History"
    _order = "create_date desc, id desc"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="By", required=True, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    decision = fields.Selection(
        [
            ("requested", "Approval requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("reset", "Approval reset"),
        ],
        required=True,
        readonly=True,
    )
    comment = fields.Text(readonly=True)
    reason = fields.Text(string="Rules and Figures (as written)", readonly=True)
    reason_data = fields.Json(readonly=True)
    reason_display = fields.Text(string="Rules and Figures", compute="_compute_reason_display")
    rule_ids = fields.Many2many("crm_plus.approval.rule", string="Rules", readonly=True)

    @api.depends("reason", "reason_data")
    @api.depends_context("lang")
    def _compute_reason_display(self):
        for entry in self:
            entry.reason_display = render_all(self.env, entry.reason_data) if entry.reason_data else entry.reason
