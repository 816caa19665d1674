# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL


class CrmPlusReportRounds(models.Model):
    """Quotation rounds: one row per deal (the first round and all its later rounds).

    A deal is won when one of its rounds is a confirmed order, lost when every round is
    cancelled or lost, open otherwise. The discount of a round is the untaxed amount's
    reduction against list price x quantity of its lines.
    """

    _name = "crm_plus.report.rounds"
    _description = "Quotation Rounds Analysis"
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "sale.order": [
            "round_root_id",
            "round_number",
            "state",
            "round_state",
            "amount_untaxed",
            "currency_rate",
            "opportunity_id",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "date_order",
        ],
        "sale.order.line": ["order_id", "display_type", "price_subtotal", "price_unit", "product_uom_qty"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id"],
    }
    _order = "date desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Deal (First Round)", readonly=True)
    last_order_id = fields.Many2one("sale.order", string="Last Round", readonly=True)
    opportunity_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Date", readonly=True)
    round_count = fields.Integer(string="Rounds", readonly=True, aggregator="avg")
    outcome = fields.Selection([("won", "Won"), ("lost", "Lost"), ("open", "Open")], readonly=True)
    win_rate = fields.Float(
        string="Win Rate (%)", readonly=True, aggregator="avg", help="100 for won deals, 0 for lost, empty while open."
    )
    rounds_to_close = fields.Float(string="Rounds to Close", readonly=True, aggregator="avg")
    discount_first = fields.Float(string="First Round Discount (%)", readonly=True, aggregator="avg")
    discount_last = fields.Float(string="Last Round Discount (%)", readonly=True, aggregator="avg")
    discount_change = fields.Float(
        string="Discount Change per Round (pts)",
        readonly=True,
        aggregator="avg",
        help="(last round discount - first round discount) / (rounds - 1); empty for single-round deals.",
    )
    amount_first = fields.Float(string="First Round Amount", readonly=True, digits=(16, 2))
    amount_last = fields.Float(string="Last Round Amount", readonly=True, digits=(16, 2))

    def _query(self):
        return SQL(
            """
            WITH disc AS (
                SELECT so.id AS order_id,
                       COALESCE(so.round_root_id, so.id) AS deal_id,
                       so.round_number, so.state, so.round_state,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                       COALESCE(100.0 * (1 - SUM(l.price_subtotal)
                                          / NULLIF(SUM(l.price_unit * l.product_uom_qty), 0)), 0) AS discount
                  FROM sale_order so
                  LEFT JOIN sale_order_line l ON l.order_id = so.id AND l.display_type IS NULL
                 GROUP BY so.id
            ), deal AS (
                SELECT deal_id,
                       COUNT(*) AS round_count,
                       bool_or(state = 'sale') AS won,
                       bool_and(state = 'cancel' OR round_state = 'lost') AS lost,
                       (array_agg(order_id ORDER BY round_number DESC, order_id DESC))[1] AS last_order_id,
                       (array_agg(discount ORDER BY round_number, order_id))[1] AS discount_first,
                       (array_agg(discount ORDER BY round_number DESC, order_id DESC))[1] AS discount_last,
                       (array_agg(amount ORDER BY round_number, order_id))[1] AS amount_first,
                       (array_agg(amount ORDER BY round_number DESC, order_id DESC))[1] AS amount_last
                  FROM disc GROUP BY deal_id
            )
            SELECT root.id, root.id AS order_id, d.last_order_id, root.opportunity_id,
                   p.commercial_partner_id AS partner_id, cp.crm_plus_category_id AS category_id,
                   root.user_id, root.team_id, root.company_id, root.date_order::date AS date,
                   d.round_count,
                   CASE WHEN d.won THEN 'won' WHEN d.lost THEN 'lost' ELSE 'open' END AS outcome,
                   CASE WHEN d.won THEN 100.0 WHEN d.lost THEN 0.0 END AS win_rate,
                   CASE WHEN d.won THEN d.round_count END AS rounds_to_close,
                   d.discount_first, d.discount_last,
                   CASE WHEN d.round_count > 1
                        THEN (d.discount_last - d.discount_first) / (d.round_count - 1) END AS discount_change,
                   d.amount_first, d.amount_last
              FROM deal d
              JOIN sale_order root ON root.id = d.deal_id
              JOIN res_partner p ON p.id = root.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
