# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class CrmPlusDunningPolicy(models.Model):
    """How overdue payment steps of a customer are dunned: a ladder of levels."""

    _name = "crm_plus.dunning.policy"
    _description = "Dunning Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    company_default = fields.Boolean(
        string="Company Default",
        help="Used for every customer of the company that has no policy of its own.",
    )
    level_ids = fields.One2many("crm_plus.dunning.level", "policy_id", string="Levels", copy=True)
    reminder_days = fields.Integer(
        string="Reminder Lead Time (days)",
        help="Remind the responsible this many days before a payment step or an invoice is due (an invoice: its "
        "salesperson, when no execution plan follows it). 0 uses the lead time of the step's action type, and "
        "reminds no invoice.",
    )
    start_date = fields.Date(
        string="Start Dunning From",
        help="Payment steps due before this date are not dunned to customers (they still show in the aging "
        "report and in the customer's open items). Set to the install date on a database installed with "
        "existing orders and invoices, so that the first runs do not send the whole history at once; "
        "empty: every overdue step is dunned.",
    )
    note = fields.Text(translate=True)
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _company_default_uniq = models.UniqueIndex(
        "(company_id) WHERE company_default IS TRUE AND active IS TRUE",
        "A company can have only one default dunning policy.",
    )
    _reminder_days_positive = models.Constraint(
        "CHECK (reminder_days >= 0)", "The reminder lead time cannot be negative."
    )

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("crm_plus_dunning_policy_id", "in", self.ids)], ["crm_plus_dunning_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.partner_count = counts.get(policy, 0)

    @api.model
    def _get_company_default(self, company=None):
        company = company or self.env.company
        return self.search([("company_id", "=", company.id), ("company_default", "=", True)], limit=1)

    @api.model
    def _crm_plus_start_from_install(self, date=None):
        """Existing data was taken over at install: dun only what falls due from ``date`` (today) on.

        Only policies without a start date of their own (the defaults loaded by the install) are changed."""
        policies = self.with_context(active_test=False).search([("start_date", "=", False)])
        policies.write({"start_date": date or fields.Date.context_today(self)})
        return policies
