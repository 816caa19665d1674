# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.fields import Domain


class CrmPlusDashboard(models.TransientModel):
    """Key figures of every crm_plus report, computed as the user (record rules apply), with
    a button to each report. Nothing is stored: the figures are read when the page opens.
    """

    _name = "crm_plus.dashboard"
    _description = "CRM Plus Dashboard"

    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    revenue_12m = fields.Monetary(string="Revenue (12 months)", compute="_compute_figures")
    customer_a_count = fields.Integer(string="A Customers", compute="_compute_figures")
    quoted_rate = fields.Float(string="Opportunities Quoted (%)", compute="_compute_figures")
    conversion_rate = fields.Float(string="Quote-to-Order (%)", compute="_compute_figures")
    win_rate = fields.Float(string="Deal Win Rate (%)", compute="_compute_figures")
    rounds_to_close = fields.Float(string="Average Rounds to Close", compute="_compute_figures")
    discount_change = fields.Float(string="Discount Change per Round (pts)", compute="_compute_figures")
    approval_lead_time = fields.Float(string="Approval Lead Time (hours)", compute="_compute_figures")
    rejection_rate = fields.Float(string="Rejection Rate (%)", compute="_compute_figures")
    receivable_open = fields.Monetary(string="Open Receivables", compute="_compute_figures")
    receivable_overdue = fields.Monetary(string="Overdue Receivables", compute="_compute_figures")
    receivable_over_90 = fields.Monetary(string="Overdue > 90 days", compute="_compute_figures")
    on_time_rate = fields.Float(string="Plan Steps On Time (%)", compute="_compute_figures")
    overdue_step_count = fields.Integer(string="Overdue Steps", compute="_compute_figures")

    @api.depends_context("lang")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Dashboard")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_figures(self):
        env = self.env
        year_ago = fields.Date.context_today(self) - timedelta(days=365)

        def one(model, domain, aggregates):
            return env[model]._read_group(domain, [], aggregates)[0]

        (revenue,) = one("crm_plus.report.customer.value", Domain("date", ">=", year_ago), ["revenue:sum"])
        a_customers = env["crm_plus.report.customer.value"]._read_group(
            Domain("abc_class", "=", "a"), ["partner_id"], []
        )
        quoted, conversion = one("crm_plus.report.funnel", Domain.TRUE, ["quoted_rate:avg", "conversion_rate:avg"])
        win, rounds, discount = one(
            "crm_plus.report.rounds",
            Domain("date", ">=", year_ago),
            ["win_rate:avg", "rounds_to_close:avg", "discount_change:avg"],
        )
        lead_time, rejection = one(
            "crm_plus.report.approval",
            Domain("date_decided", ">=", year_ago) & Domain("level", "=", "order"),
            ["lead_time_hours:avg", "rejection_rate:avg"],
        )
        open_amount, not_due, over_90 = one(
            "crm_plus.report.aging", Domain.TRUE, ["amount_residual:sum", "amount_not_due:sum", "amount_over_90:sum"]
        )
        on_time, overdue = one("crm_plus.report.execution", Domain.TRUE, ["on_time_rate:avg", "is_overdue:sum"])
        for dashboard in self:
            dashboard.revenue_12m = revenue or 0.0
            dashboard.customer_a_count = len(a_customers)
            dashboard.quoted_rate = quoted or 0.0
            dashboard.conversion_rate = conversion or 0.0
            dashboard.win_rate = win or 0.0
            dashboard.rounds_to_close = rounds or 0.0
            dashboard.discount_change = discount or 0.0
            dashboard.approval_lead_time = lead_time or 0.0
            dashboard.rejection_rate = rejection or 0.0
            dashboard.receivable_open = open_amount or 0.0
            dashboard.receivable_overdue = (open_amount or 0.0) - (not_due or 0.0)
            dashboard.receivable_over_90 = over_90 or 0.0
            dashboard.on_time_rate = on_time or 0.0
            dashboard.overdue_step_count = overdue or 0
