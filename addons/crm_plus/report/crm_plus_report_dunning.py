# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL


class CrmPlusReportDunning(models.Model):
    """Dunning effectiveness: for each item (invoice line or prepayment step) and dunning level it
    reached, the amount overdue when the level was first sent and the amount collected since then.
    Several channels of one level count once (the first communication).
    """

    _name = "crm_plus.report.dunning"
    _description = "Dunning Effectiveness"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "crm_plus.dunning.communication.line": [
            "communication_id",
            "move_line_id",
            "step_id",
            "level_id",
            "amount_residual",
        ],
        "crm_plus.dunning.communication": ["state", "date", "partner_id", "company_id"],
        "crm_plus.plan.step": ["order_id", "amount_residual"],
        "sale.order": ["user_id", "team_id", "currency_rate"],
        "account.move.line": ["move_id", "amount_residual_currency", "balance", "amount_currency"],
        "account.move": ["invoice_user_id", "team_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id"],
    }
    _order = "date desc, id desc"
    _rec_name = "level_id"

    step_id = fields.Many2one("crm_plus.plan.step", string="Prepayment Step", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    level_id = fields.Many2one("crm_plus.dunning.level", string="Dunning Level", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Dunned on", readonly=True)
    amount_dunned = fields.Float(string="Overdue when Dunned", readonly=True, digits=(16, 2))
    amount_open = fields.Float(string="Still Open", readonly=True, digits=(16, 2))
    amount_collected = fields.Float(string="Collected Since", readonly=True, digits=(16, 2))
    collection_rate = fields.Float(string="Collected (%)", readonly=True, aggregator="avg")

    def _query(self):
        return SQL(
            """
            WITH first_sent AS (
                SELECT DISTINCT ON (COALESCE(l.move_line_id, 0), COALESCE(l.step_id, 0), l.level_id)
                       l.id, l.move_line_id, l.step_id, l.level_id, l.amount_residual, c.date, c.partner_id,
                       c.company_id
                  FROM crm_plus_dunning_communication_line l
                  JOIN crm_plus_dunning_communication c ON c.id = l.communication_id
                 WHERE c.state <> 'cancelled'
                 ORDER BY COALESCE(l.move_line_id, 0), COALESCE(l.step_id, 0), l.level_id, c.date, l.id
            ), items AS (
                -- the item now: its open amount (document currency) and its rate to the company currency
                SELECT f.*, s.order_id, aml.move_id,
                       COALESCE(s.amount_residual, aml.amount_residual_currency, 0) AS amount_now,
                       CASE WHEN f.step_id IS NOT NULL THEN 1 / COALESCE(NULLIF(so.currency_rate, 0), 1)
                            ELSE COALESCE(aml.balance / NULLIF(aml.amount_currency, 0), 1) END AS to_company,
                       COALESCE(so.user_id, am.invoice_user_id) AS user_id,
                       COALESCE(so.team_id, am.team_id) AS team_id
                  FROM first_sent f
                  LEFT JOIN crm_plus_plan_step s ON s.id = f.step_id
                  LEFT JOIN sale_order so ON so.id = s.order_id
                  LEFT JOIN account_move_line aml ON aml.id = f.move_line_id
                  LEFT JOIN account_move am ON am.id = aml.move_id
            )
            SELECT i.id, i.step_id, i.move_id, i.order_id, i.level_id, cp.id AS partner_id,
                   cp.crm_plus_category_id AS category_id, i.user_id, i.team_id, i.company_id, i.date,
                   i.amount_residual * i.to_company AS amount_dunned,
                   i.amount_now * i.to_company AS amount_open,
                   GREATEST(i.amount_residual - i.amount_now, 0) * i.to_company AS amount_collected,
                   CASE WHEN i.amount_residual > 0
                        THEN 100.0 * GREATEST(i.amount_residual - i.amount_now, 0) / i.amount_residual
                   END AS collection_rate
              FROM items i
              JOIN res_partner p ON p.id = i.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """
        )

    def _snapshot_indexes(self):
        return {"date": SQL("(date)")}

    @api.private  # the ORM calls it at install/update; never a client (it rewrites the SQL view)
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
        super().init()  # the dashboards' snapshot, from the view
