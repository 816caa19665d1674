# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL


class CrmPlusReportCustomerValue(models.Model):
    """Confirmed revenue per customer, salesperson and month, with the customer's ABC class.

    The ABC class ranks customers (per company) by their confirmed untaxed revenue of the
    last 365 days: the customers making the first 80 % of revenue are A, the next 15 % B,
    the rest (and customers without revenue in the period) C.
    """

    _name = "crm_plus.report.customer.value"
    _inherit = ["crm_plus.report.attribute.mixin"]
    _description = "Customer Value Analysis"
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "sale.order": [
            "state",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "date_order",
            "amount_untaxed",
            "currency_rate",
        ],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id", "country_id"],
    }
    _order = "revenue desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    revenue = fields.Float(string="Revenue", readonly=True, digits=(16, 2))
    order_count = fields.Integer(string="Orders", readonly=True)
    revenue_12m = fields.Float(string="Customer Revenue (12 months)", readonly=True, aggregator="max", digits=(16, 2))
    revenue_share = fields.Float(string="Cumulative Share (%)", readonly=True, aggregator="max")
    abc_class = fields.Selection([("a", "A"), ("b", "B"), ("c", "C")], string="ABC Class", readonly=True)

    def _query(self):
        return SQL(
            """
            WITH orders AS (
                SELECT p.commercial_partner_id AS partner_id,
                       so.user_id, so.team_id, so.company_id,
                       date_trunc('month', so.date_order)::date AS date,
                       so.date_order,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS revenue
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
            ), customer AS (
                SELECT partner_id, company_id,
                       SUM(revenue) FILTER (WHERE date_order >= now() - interval '365 days') AS revenue_12m
                  FROM orders GROUP BY partner_id, company_id
            ), ranked AS (
                SELECT partner_id, company_id, COALESCE(revenue_12m, 0) AS revenue_12m,
                       100.0 * SUM(COALESCE(revenue_12m, 0)) OVER w
                           / NULLIF(SUM(COALESCE(revenue_12m, 0)) OVER (PARTITION BY company_id), 0) AS share,
                       100.0 * (SUM(COALESCE(revenue_12m, 0)) OVER w - COALESCE(revenue_12m, 0))
                           / NULLIF(SUM(COALESCE(revenue_12m, 0)) OVER (PARTITION BY company_id), 0) AS share_before
                  FROM customer
                WINDOW w AS (PARTITION BY company_id ORDER BY COALESCE(revenue_12m, 0) DESC, partner_id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            )
            SELECT row_number() OVER (ORDER BY o.partner_id, o.company_id, o.user_id, o.team_id, o.date) AS id,
                   o.partner_id, p.crm_plus_category_id AS category_id, p.country_id,
                   o.user_id, o.team_id, o.company_id, o.date,
                   SUM(o.revenue) AS revenue, COUNT(*) AS order_count,
                   r.revenue_12m, COALESCE(r.share, 100.0) AS revenue_share,
                   CASE WHEN r.revenue_12m <= 0 OR r.share_before IS NULL THEN 'c'
                        WHEN r.share_before < 80 THEN 'a'
                        WHEN r.share_before < 95 THEN 'b'
                        ELSE 'c' END AS abc_class
              FROM orders o
              JOIN ranked r ON r.partner_id = o.partner_id AND r.company_id = o.company_id
              JOIN res_partner p ON p.id = o.partner_id
             GROUP BY o.partner_id, p.crm_plus_category_id, p.country_id, o.user_id, o.team_id, o.company_id,
                      o.date, r.revenue_12m, r.share, r.share_before
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
