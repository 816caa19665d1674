# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.crm_plus_target import MEASURES
from ..models.crm_plus_target import PERIODS
from .crm_plus_report_common import ensure_expression_statistics
from .crm_plus_report_staff import TARGET_MEASURES


class CrmPlusReportTarget(models.Model):
    """Targets with their achievement and rank: the ranking list, the dashboards, and ``crm_plus.target``'s own
    *Achieved* figure all read this one query.

    The achievement sums, over the target's period and company, the staff performance rows of the target's measure
    (``crm_plus.report.staff``: confirmed orders, collections, new customers, follow-ups) of its salesperson, or of
    its sales team. The rank orders the targets of the same measure and period, salespeople and teams apart, by
    achievement. *Sales Team* is the team of a team target, or the team the salesperson is in today.
    """

    _name = "crm_plus.report.target"
    _description = "Sales Target Achievement"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    _order = "date_from desc, measure, rank, id"
    _rec_name = "target_id"

    target_id = fields.Many2one("crm_plus.target", string="Sales Target", readonly=True)
    target_type = fields.Selection([("user", "Salesperson"), ("team", "Sales Team")], string="For", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Selection(PERIODS, readonly=True)
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    measure = fields.Selection(MEASURES, readonly=True)
    target_amount = fields.Float(string="Target", readonly=True, digits=(16, 2))
    achieved_amount = fields.Float(string="Achieved", readonly=True, digits=(16, 2))
    remaining_amount = fields.Float(string="Remaining", readonly=True, digits=(16, 2))
    achievement_pct = fields.Float(string="Achievement (%)", readonly=True, aggregator="avg", digits=(16, 1))
    rank = fields.Integer(readonly=True, aggregator="min")

    # the target fields, and through the staff report the fields of every source
    _depends = {
        "crm_plus.target": ["user_id", "team_id", "company_id", "period", "date_from", "date_to", "measure"],
        "crm_plus.report.staff": [],
        "res.users": ["sale_team_id"],
    }

    @property
    def _table_query(self):
        sources = {source for source, _column in TARGET_MEASURES.values()}
        whens = SQL(" ").join(SQL("WHEN %s THEN %s", m, s) for m, (s, _c) in TARGET_MEASURES.items())
        measure_source = SQL("CASE t.measure %s END", whens)
        amount = SQL(" + ").join(SQL.identifier("f", column) for _s, column in TARGET_MEASURES.values())
        return SQL(
            """
            WITH daily AS MATERIALIZED (  -- the facts of the target measures, per salesperson, team and day
                SELECT f.source, f.company_id, f.user_id, f.team_id, f.date, SUM(%(amount)s) AS amount
                  FROM (%(facts)s) f
                 WHERE f.date >= (SELECT MIN(date_from) FROM crm_plus_target)
                 GROUP BY 1, 2, 3, 4, 5
            ), achieved AS (
                SELECT t.id, SUM(d.amount) AS amount
                  FROM crm_plus_target t
                  JOIN daily d ON d.source = %(measure_source)s AND d.company_id = t.company_id
                              AND d.user_id = t.user_id AND d.date BETWEEN t.date_from AND t.date_to
                 GROUP BY t.id
                 UNION ALL
                SELECT t.id, SUM(d.amount)
                  FROM crm_plus_target t
                  JOIN daily d ON d.source = %(measure_source)s AND d.company_id = t.company_id
                              AND d.team_id = t.team_id AND d.date BETWEEN t.date_from AND t.date_to
                 WHERE t.user_id IS NULL
                 GROUP BY t.id
            ), figures AS (
                SELECT t.id, t.user_id, t.company_id, t.period, t.date_from, t.date_to, t.measure, t.target_amount,
                       CASE WHEN t.user_id IS NULL THEN 'team' ELSE 'user' END AS target_type,
                       COALESCE(t.team_id, u.sale_team_id) AS team_id,
                       COALESCE(a.amount, 0) AS achieved_amount,
                       CASE WHEN t.target_amount > 0 THEN 100.0 * COALESCE(a.amount, 0) / t.target_amount END
                           AS achievement_pct
                  FROM crm_plus_target t
                  LEFT JOIN res_users u ON u.id = t.user_id
                  LEFT JOIN achieved a ON a.id = t.id
            )
            SELECT f.id, f.id AS target_id, f.target_type, f.user_id, f.team_id, f.company_id, f.period,
                   f.date_from, f.date_to, f.measure, f.target_amount, f.achieved_amount,
                   GREATEST(f.target_amount - f.achieved_amount, 0) AS remaining_amount, f.achievement_pct,
                   RANK() OVER (PARTITION BY f.company_id, f.measure, f.date_from, f.date_to, f.target_type
                                ORDER BY f.achievement_pct DESC NULLS LAST) AS rank
              FROM figures f
            """,
            amount=amount,
            facts=self.env["crm_plus.report.staff"]._facts_sql(sources),
            measure_source=measure_source,
        )

    @api.private  # the ORM calls it at install/update; never a client
    def init(self):
        # the target's type (the query's target_type, filtered on by the dashboards): without statistics the planner
        # guesses 1 target of a month's 50 and rescans the achievements per target (Team dashboard: 3.7 s -> 1.3 s)
        ensure_expression_statistics(
            self.env.cr,
            "crm_plus_target_type_stat",
            "crm_plus_target",
            SQL("CASE WHEN user_id IS NULL THEN 'team' ELSE 'user' END"),
        )
        super().init()  # the dashboards' snapshot

    def _snapshot_indexes(self):
        return {"date_from": SQL("(date_from)")}
