# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("over_90", "> 90 days"),
]


class CrmPlusReportAging(models.Model):
    """Receivables aging: open payment steps of execution plans, and open customer invoices
    without a running plan (manual invoices, orders whose plan was cancelled), so that nothing
    is counted twice. Amounts in company currency, days overdue counted against today.
    """

    _name = "crm_plus.report.aging"
    _inherit = ["crm_plus.report.attribute.mixin"]
    _description = "Receivables Aging"
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "crm_plus.plan.step": [
            "kind",
            "state",
            "amount_residual",
            "order_id",
            "name",
            "partner_id",
            "company_id",
            "date_due",
        ],
        "crm_plus.plan": ["order_id", "cancelled"],
        "sale.order": ["name", "user_id", "team_id", "currency_rate"],
        "sale.order.line": ["order_id", "invoice_lines"],
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "amount_residual_signed",
            "name",
            "commercial_partner_id",
            "invoice_user_id",
            "team_id",
            "company_id",
            "invoice_date_due",
            "invoice_date",
            "date",
        ],
        "account.move.line": ["move_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id", "crm_plus_dunning_level_id"],
    }
    _order = "date_due, id"
    _rec_name = "name"

    name = fields.Char(string="Document", readonly=True)
    source = fields.Selection([("step", "Payment Step"), ("invoice", "Invoice")], readonly=True)
    step_id = fields.Many2one("crm_plus.plan.step", string="Payment Step", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    dunning_level_id = fields.Many2one("crm_plus.dunning.level", string="Dunning Level", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, string="Aging", readonly=True)
    amount_residual = fields.Float(string="Open Amount", readonly=True, digits=(16, 2))
    amount_not_due = fields.Float(string="Not Due", readonly=True, digits=(16, 2))
    amount_1_30 = fields.Float(string="1-30", readonly=True, digits=(16, 2))
    amount_31_60 = fields.Float(string="31-60", readonly=True, digits=(16, 2))
    amount_61_90 = fields.Float(string="61-90", readonly=True, digits=(16, 2))
    amount_over_90 = fields.Float(string="> 90", readonly=True, digits=(16, 2))

    def _query(self):
        return SQL(
            """
            WITH open_items AS (
                SELECT s.id * 2 AS id, 'step' AS source, s.id AS step_id, NULL::integer AS move_id,
                       s.order_id, COALESCE(so.name, '') || ' / ' || COALESCE(s.name, '') AS name,
                       s.partner_id, so.user_id, so.team_id, s.company_id, s.date_due,
                       s.amount_residual / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount_residual
                  FROM crm_plus_plan_step s
                  JOIN sale_order so ON so.id = s.order_id
                 WHERE s.kind = 'payment' AND s.state IN ('planned', 'due', 'overdue') AND s.amount_residual > 0
                UNION ALL
                SELECT m.id * 2 + 1, 'invoice', NULL, m.id, NULL, m.name,
                       m.commercial_partner_id, m.invoice_user_id, m.team_id, m.company_id,
                       COALESCE(m.invoice_date_due, m.invoice_date, m.date),
                       m.amount_residual_signed
                  FROM account_move m
                 WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial') AND m.amount_residual_signed <> 0
                   AND NOT EXISTS (
                        SELECT 1
                          FROM account_move_line aml
                          JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                          JOIN sale_order_line sol ON sol.id = rel.order_line_id
                          JOIN crm_plus_plan pl ON pl.order_id = sol.order_id AND pl.cancelled IS NOT TRUE
                         WHERE aml.move_id = m.id)
            ), aged AS (
                SELECT i.*, GREATEST(CURRENT_DATE - i.date_due, 0) AS days_overdue
                  FROM open_items i
            )
            SELECT a.id, a.source, a.step_id, a.move_id, a.order_id, a.name,
                   cp.id AS partner_id, cp.crm_plus_category_id AS category_id,
                   cp.crm_plus_dunning_level_id AS dunning_level_id,
                   a.user_id, a.team_id, a.company_id, a.date_due, a.days_overdue,
                   CASE WHEN a.days_overdue = 0 THEN 'not_due'
                        WHEN a.days_overdue <= 30 THEN '1_30'
                        WHEN a.days_overdue <= 60 THEN '31_60'
                        WHEN a.days_overdue <= 90 THEN '61_90'
                        ELSE 'over_90' END AS bucket,
                   a.amount_residual,
                   CASE WHEN a.days_overdue = 0 THEN a.amount_residual ELSE 0 END AS amount_not_due,
                   CASE WHEN a.days_overdue BETWEEN 1 AND 30 THEN a.amount_residual ELSE 0 END AS amount_1_30,
                   CASE WHEN a.days_overdue BETWEEN 31 AND 60 THEN a.amount_residual ELSE 0 END AS amount_31_60,
                   CASE WHEN a.days_overdue BETWEEN 61 AND 90 THEN a.amount_residual ELSE 0 END AS amount_61_90,
                   CASE WHEN a.days_overdue > 90 THEN a.amount_residual ELSE 0 END AS amount_over_90
              FROM aged a
              JOIN res_partner p ON p.id = a.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
