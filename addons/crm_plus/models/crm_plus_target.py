# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api
from odoo import fields
from odoo import models

PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year"), ("custom", "Custom")]
MEASURES = [
    ("revenue", "Revenue"),
    ("collections", "Collections"),
    ("new_customers", "New Customers"),
    ("followups", "Follow-ups"),
]


class CrmPlusTarget(models.Model):
    """A sales target: what a salesperson, or a whole sales team, should reach in a period.

    *Revenue* counts confirmed orders (untaxed, company currency), *Collections* the payments reconciled with
    customer invoices, *New Customers* the customers whose first confirmed order falls in the period, *Follow-ups*
    the follow-ups recorded; each as the staff performance report counts them (``crm_plus.report.staff``), in the
    company's days. The achievement is read from the target report (``crm_plus.report.target``), the same SQL as
    its ranking list and the dashboards.
    """

    _name = "crm_plus.target"
    _description = "Sales Target"
    _order = "date_from desc, measure, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=False
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index="btree_not_null", check_company=True)
    period = fields.Selection(PERIODS, required=True, default="month")
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(
        string="To", required=True, compute="_compute_date_to", store=True, readonly=False, precompute=True
    )
    measure = fields.Selection(MEASURES, required=True, default="revenue")
    target_amount = fields.Float(string="Target", required=True, digits=(16, 2))
    achieved_amount = fields.Float(string="Achieved", digits=(16, 2), compute="_compute_achievement")
    achievement_pct = fields.Float(string="Achievement (%)", digits=(16, 1), compute="_compute_achievement")

    _user_or_team = models.Constraint(
        "CHECK((user_id IS NULL) <> (team_id IS NULL))", "A target is for one salesperson or for one sales team."
    )
    _dates = models.Constraint("CHECK(date_from <= date_to)", "A target's period ends after it starts.")
    _positive = models.Constraint("CHECK(target_amount >= 0)", "A target is zero or more.")
    _unique = models.UniqueIndex(
        "(company_id, COALESCE(user_id, 0), COALESCE(team_id, 0), measure, date_from, date_to)",
        "This salesperson or team already has this target for this period.",
    )

    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        for target in self:
            start = target.date_from
            if not start or target.period == "custom":
                target.date_to = target.date_to or start
            elif target.period == "month":
                target.date_to = start + relativedelta(months=1, days=-1)
            elif target.period == "quarter":
                target.date_to = start + relativedelta(months=3, days=-1)
            else:
                target.date_to = start + relativedelta(years=1, days=-1)

    @api.depends("user_id", "team_id", "measure", "date_from", "date_to")
    def _compute_display_name(self):
        measures = dict(self._fields["measure"]._description_selection(self.env))
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            target.display_name = f"{measures.get(target.measure, '')} {who} {target.date_from or ''}".strip()

    @api.depends_context("uid")
    @api.depends("user_id", "team_id", "company_id", "date_from", "date_to", "measure", "target_amount")
    def _compute_achievement(self):
        saved = self.filtered("id")
        Report = self.env["crm_plus.report.target"]
        Report.invalidate_model(["achieved_amount", "achievement_pct"])  # figures of an earlier read are stale
        # sudo: the achievement of a target is part of the target, shown to whoever may read the target (its
        # record rules); the report rows are read for these targets only and only their figures are returned
        rows = Report.sudo().search_fetch([("id", "in", saved.ids)], ["achieved_amount", "achievement_pct"])
        figures = {row.id: (row.achieved_amount, row.achievement_pct) for row in rows}
        for target in self:
            target.achieved_amount, target.achievement_pct = figures.get(target.id, (0.0, 0.0))

    @api.model
    def get_import_templates(self):
        """The xlsx template offered by the import screen (its column titles are the fields' labels)."""
        return [
            {
                "label": self.env._("Import Template for Sales Targets"),
                "template": "/crm_plus/static/xls/crm_plus_target.xlsx",
            }
        ]

    @api.onchange("date_from", "period")
    def _onchange_date_from(self):
        """Snap the start to the first day of its month, quarter or year."""
        start = self.date_from
        if not start or self.period == "custom":
            return
        if self.period == "month":
            self.date_from = start.replace(day=1)
        elif self.period == "quarter":
            self.date_from = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        else:
            self.date_from = date(start.year, 1, 1)

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id:
            self.team_id = False

    @api.onchange("team_id")
    def _onchange_team_id(self):
        if self.team_id:
            self.user_id = False
