# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

# columns every decision source selects, in this order
DECISION_COLUMNS = (
    "src_id",
    "level",
    "step_name",
    "order_id",
    "approver_id",
    "decision",
    "date_requested",
    "date_decided",
    "reason",
)


class CrmPlusReportApproval(models.Model):
    """Approval decisions with their lead time (request -> decision) and rejection reasons.

    One row per decision. crm_plus decides once per request: level *Whole approval*, lead time from
    the request to the decision. Modules deciding in several steps add the decisions of each step
    as another level through ``_decision_sources()``; the levels are not to be mixed in averages
    (the action groups by level). The table is a query built from the sources when read
    (``_table_query``), so adding or removing such a module needs no view rebuild.
    """

    _name = "crm_plus.report.approval"
    _description = "Approval Analysis"
    _auto = False
    # source fields flushed before the table is read
    _depends = {
        "crm_plus.approval.entry": ["order_id", "decision", "date", "user_id", "comment"],
        "sale.order": ["partner_id", "user_id", "team_id", "company_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id"],
    }
    _order = "date_decided desc"
    _rec_name = "order_id"

    level = fields.Selection([("order", "Whole approval")], readonly=True)
    step_name = fields.Char(string="Step", readonly=True)
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

    def _decision_sources(self):
        """SEAM. Queries of decisions, each selecting ``DECISION_COLUMNS`` in this order.

        ``src_id`` is unique within its source, ``decision`` is 'approved' or 'rejected', ``level`` a value of
        the ``level`` field (extend it with ``selection_add``). crm_plus's own: each decision of the order's
        approval history, requested by the last request before it."""
        return [
            SQL(
                """
                SELECT e.id, 'order'::varchar, NULL::varchar, e.order_id, e.user_id, e.decision::varchar,
                       req.date, e.date, e.comment
                  FROM crm_plus_approval_entry e
                  LEFT JOIN LATERAL (
                        SELECT r.date FROM crm_plus_approval_entry r
                         WHERE r.order_id = e.order_id AND r.decision = 'requested'
                           AND (r.date, r.id) <= (e.date, e.id)
                         ORDER BY r.date DESC, r.id DESC LIMIT 1
                       ) req ON TRUE
                 WHERE e.decision IN ('approved', 'rejected')
                """
            )
        ]

    @property
    def _table_query(self):
        sources = self._decision_sources()
        columns = SQL(", ").join(SQL.identifier(column) for column in DECISION_COLUMNS)
        decisions = SQL(" UNION ALL ").join(
            SQL("SELECT %s AS source, * FROM (%s) AS s(%s)", index, source, columns)
            for index, source in enumerate(sources)
        )
        return SQL(
            """
            SELECT d.src_id * %(count)s + d.source AS id, d.level, d.step_name, d.order_id,
                   p.commercial_partner_id AS partner_id, cp.crm_plus_category_id AS category_id,
                   so.user_id, so.team_id, d.approver_id, so.company_id, d.decision,
                   d.date_requested, d.date_decided,
                   EXTRACT(EPOCH FROM (d.date_decided - d.date_requested)) / 3600.0 AS lead_time_hours,
                   CASE WHEN d.decision = 'rejected' THEN 100.0 ELSE 0.0 END AS rejection_rate,
                   d.reason
              FROM (%(decisions)s) d
              JOIN sale_order so ON so.id = d.order_id
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
            """,
            count=len(sources),
            decisions=decisions,
        )

    @api.private  # the ORM calls it at install/update; never a client (it rewrites the SQL view)
    def init(self):
        # a view until other modules could add decisions: the table is now a query (_table_query)
        tools.drop_view_if_exists(self.env.cr, self._table)
