# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL


class CrmPlusReportApproval(models.Model):
    """Approval decisions with their lead time (request -> decision) and rejection reasons."""

    _name = "crm_plus.report.approval"
    _description = "Approval Analysis"
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "crm_plus.approval.entry": ["order_id", "decision", "date", "user_id", "comment"],
        "sale.order": ["partner_id", "user_id", "team_id", "company_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id"],
    }
    _order = "date_decided desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    approver_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    decision = fields.Selection([("approved", "Approved"), ("rejected", "Rejected")], readonly=True)
    date_requested = fields.Datetime(string="Requested on", readonly=True)
    date_decided = fields.Datetime(string="Decided on", readonly=True)
    lead_time_hours = fields.Float(string="Lead Time (hours)", readonly=True, aggregator="avg")
    rejection_rate = fields.Float(string="Rejection Rate (%)", readonly=True, aggregator="avg")
    reason = fields.Text(string="Comment / Rejection Reason", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT e.id, e.order_id, p.commercial_partner_id AS partner_id,
                   cp.crm_plus_category_id AS category_id, so.user_id, so.team_id,
                   e.user_id AS approver_id, so.company_id, e.decision,
                   req.date AS date_requested, e.date AS date_decided,
                   EXTRACT(EPOCH FROM (e.date - req.date)) / 3600.0 AS lead_time_hours,
                   CASE WHEN e.decision = 'rejected' THEN 100.0 ELSE 0.0 END AS rejection_rate,
                   e.comment AS reason
              FROM crm_plus_approval_entry e
              JOIN sale_order so ON so.id = e.order_id
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN LATERAL (
                    SELECT r.date FROM crm_plus_approval_entry r
                     WHERE r.order_id = e.order_id AND r.decision = 'requested'
                       AND (r.date, r.id) <= (e.date, e.id)
                     ORDER BY r.date DESC, r.id DESC LIMIT 1
                   ) req ON TRUE
             WHERE e.decision IN ('approved', 'rejected')
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
