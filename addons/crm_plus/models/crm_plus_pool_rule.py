# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError


class CrmPlusPoolRule(models.Model):
    """When owned customers return to the shared customer pool (公海), and how many a salesperson may claim.

    One rule per company applies to every customer of that company (the customer's company, else its owner's);
    a rule naming a sales team replaces it for the customers of that team (the customer's team, else its
    owner's). No rule: customers never return to the pool and claims have no limit.
    """

    _name = "crm_plus.pool.rule"
    _description = "Customer Pool Rule"
    _order = "company_id, team_id, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        check_company=True,
        help="Leave empty for the company's rule; a team's rule replaces it for that team's customers.",
    )
    days_without_followup = fields.Integer(
        string="Days without Follow-up",
        help="A customer returns to the pool when its owner logged no follow-up for this many days (0: never).",
    )
    days_without_won = fields.Integer(
        string="Days without Won Deal",
        help="A customer returns to the pool when it confirmed no order for this many days (0: never).",
    )
    notice_days = fields.Integer(
        string="Notice (days)",
        default=3,
        help="The owner gets a To-Do this many days before the customer returns to the pool.",
    )
    max_customers = fields.Integer(
        string="Max Customers per Salesperson",
        help="A salesperson may claim customers from the pool while he owns fewer than this (0: no limit).",
    )

    _non_negative = models.Constraint(
        "CHECK(days_without_followup >= 0 AND days_without_won >= 0 AND notice_days >= 0 AND max_customers >= 0)",
        "Days and limits of a pool rule are zero or more.",
    )

    @api.constrains("company_id", "team_id", "active")
    def _check_one_rule_per_scope(self):
        for rule in self.filtered("active"):
            twins = self.search_count(
                [
                    ("id", "!=", rule.id),
                    ("company_id", "=", rule.company_id.id),
                    ("team_id", "=", rule.team_id.id),
                ]
            )
            if twins:
                raise ValidationError(self.env._("One active pool rule per company and sales team."))

    def _rule_for(self, company, team):
        """The rule among ``self`` for a customer of ``company`` and ``team`` (the team's, else the company's)."""
        rules = self.filtered(lambda r: r.company_id == company)
        return rules.filtered(lambda r: team and r.team_id == team)[:1] or rules.filtered(lambda r: not r.team_id)[:1]
