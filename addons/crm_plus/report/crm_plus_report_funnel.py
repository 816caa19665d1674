# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL


class CrmPlusReportFunnel(models.Model):
    """Sales funnel: one row per opportunity (lost ones included) with its quotations and orders."""

    _name = "crm_plus.report.funnel"
    _description = "Sales Funnel Analysis"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "crm.lead": [
            "type",
            "stage_id",
            "user_id",
            "team_id",
            "company_id",
            "partner_id",
            "won_status",
            "expected_revenue",
        ],
        "sale.order": ["opportunity_id", "state", "amount_untaxed", "currency_rate"],
        "res.partner": ["crm_plus_category_id"],
    }
    _order = "create_date desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    won_status = fields.Selection(
        [("won", "Won"), ("lost", "Lost"), ("pending", "Pending")], string="Won/Lost", readonly=True
    )
    expected_revenue = fields.Float(readonly=True, digits=(16, 2))
    quotation_count = fields.Integer(string="Quotations", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    amount_ordered = fields.Float(string="Ordered Amount", readonly=True, digits=(16, 2))
    quoted_rate = fields.Float(
        string="Quoted (%)", readonly=True, aggregator="avg", help="Share of opportunities that got a quotation."
    )
    conversion_rate = fields.Float(
        string="Quote-to-Order (%)",
        readonly=True,
        aggregator="avg",
        help="Among quoted opportunities, share that led to a confirmed order.",
    )

    def _query(self):
        return SQL(
            """
            SELECT l.id, l.id AS lead_id, l.stage_id, l.user_id, l.team_id, l.company_id,
                   l.partner_id, p.crm_plus_category_id AS category_id, l.create_date, l.won_status,
                   l.expected_revenue,
                   COALESCE(so.quotation_count, 0) AS quotation_count,
                   COALESCE(so.order_count, 0) AS order_count,
                   COALESCE(so.amount_ordered, 0) AS amount_ordered,
                   CASE WHEN COALESCE(so.quotation_count, 0) > 0 THEN 100.0 ELSE 0.0 END AS quoted_rate,
                   CASE WHEN COALESCE(so.quotation_count, 0) = 0 THEN NULL
                        WHEN so.order_count > 0 THEN 100.0 ELSE 0.0 END AS conversion_rate
              FROM crm_lead l
              LEFT JOIN res_partner p ON p.id = l.partner_id
              LEFT JOIN LATERAL (
                    SELECT COUNT(*) AS quotation_count,
                           COUNT(*) FILTER (WHERE o.state = 'sale') AS order_count,
                           SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                               FILTER (WHERE o.state = 'sale') AS amount_ordered
                      FROM sale_order o
                     WHERE o.opportunity_id = l.id
                   ) so ON TRUE
             WHERE l.type = 'opportunity'
            """
        )

    def _snapshot_indexes(self):
        return {"create_date": SQL("(create_date)")}

    @api.private  # the ORM calls it at install/update; never a client (it rewrites the SQL view)
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
        super().init()  # the dashboards' snapshot, from the view
