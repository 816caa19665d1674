# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..models.crm_plus_plan_action_type import KINDS


class CrmPlusReportExecution(models.Model):
    """Execution of plan steps: on-time rate by action type and responsible, overdue steps.

    A done step is on time when it was done on or before its planned date; an open step
    past its planned date counts as late; open steps not yet due are left out of the rate.
    """

    _name = "crm_plus.report.execution"
    _description = "Plan Execution Analysis"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    # source fields flushed before the view is read
    _depends = {
        "crm_plus.plan.step": [
            "plan_id",
            "order_id",
            "partner_id",
            "action_type_id",
            "kind",
            "user_id",
            "company_id",
            "date_due",
            "date_done",
            "state",
        ],
        "sale.order": ["user_id", "team_id"],
    }
    _order = "date_due desc, id"
    _rec_name = "step_id"

    step_id = fields.Many2one("crm_plus.plan.step", string="Step", readonly=True)
    plan_id = fields.Many2one("crm_plus.plan", string="Plan", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    action_type_id = fields.Many2one("crm_plus.plan.action.type", string="Action Type", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    salesperson_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_due = fields.Date(string="Planned Date", readonly=True)
    date_done = fields.Date(readonly=True)
    state = fields.Selection(
        [("planned", "Planned"), ("due", "Due"), ("overdue", "Overdue"), ("done", "Done")], readonly=True
    )
    on_time_rate = fields.Float(string="On Time (%)", readonly=True, aggregator="avg")
    is_overdue = fields.Integer(string="Overdue Steps", readonly=True)
    due_this_week = fields.Integer(
        string="Due This Week", readonly=True, help="Open steps planned this week (Monday to Sunday)."
    )
    days_late = fields.Float(string="Days Late", readonly=True, aggregator="avg")

    def _query(self):
        return SQL(
            """
            SELECT s.id, s.id AS step_id, s.plan_id, s.order_id, s.partner_id, s.action_type_id, s.kind,
                   s.user_id, so.user_id AS salesperson_id, so.team_id, s.company_id,
                   s.date_due, s.date_done, s.state,
                   CASE WHEN s.state = 'done' AND s.date_done <= s.date_due THEN 100.0
                        WHEN s.state = 'done' OR s.date_due < CURRENT_DATE THEN 0.0 END AS on_time_rate,
                   CASE WHEN s.state <> 'done' AND s.date_due < CURRENT_DATE THEN 1 ELSE 0 END AS is_overdue,
                   CASE WHEN s.state <> 'done' AND s.date_due >= date_trunc('week', CURRENT_DATE)::date
                             AND s.date_due < date_trunc('week', CURRENT_DATE)::date + 7 THEN 1 ELSE 0 END
                       AS due_this_week,
                   CASE WHEN s.state = 'done' THEN GREATEST(s.date_done - s.date_due, 0)
                        ELSE GREATEST(CURRENT_DATE - s.date_due, 0) END AS days_late
              FROM crm_plus_plan_step s
              JOIN sale_order so ON so.id = s.order_id
             WHERE s.state <> 'cancelled'
            """
        )

    def _snapshot_indexes(self):
        return {
            "date_due": SQL("(date_due)"),
            # the dashboard's overdue steps (a pivot by responsible, the latest ones) and steps due this week
            "overdue": SQL("(date_due) WHERE is_overdue = 1"),
            "this_week": SQL("(user_id) WHERE due_this_week = 1"),
        }

    @api.private  # the ORM calls it at install/update; never a client (it rewrites the SQL view)
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
        super().init()  # the dashboards' snapshot, from the view
