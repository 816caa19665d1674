# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models

KINDS = [
    ("payment", "Collect payment"),
    ("dunning", "Dunning"),
    ("delivery", "Delivery (goods out)"),
    ("receipt", "Receipt (goods in)"),
    ("invoice", "Invoice"),
    ("manual", "Manual"),
]


class CrmPlusPlanActionType(models.Model):
    """A kind of action users put in execution plans (collect 30%, install...)."""

    _name = "crm_plus.plan.action.type"
    _description = "Execution Plan Action Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code used by integrations, unique per company.")
    kind = fields.Selection(
        KINDS,
        required=True,
        default="manual",
        help="How steps of this type are tracked: payment steps from reconciled payments, invoice steps from "
        "posted invoices, delivery/receipt steps from done stock moves, manual and dunning steps by hand.",
    )
    collect_before_invoice = fields.Boolean(
        string="Collect Before Invoicing",
        help="Deposits and prepayments: the customer owes the step's amount before any invoice, so the dunning "
        "run and the receivables aging count its part that no posted invoice of the order covers yet. Other "
        "payment steps are collected through their invoices (the invoice's receivable lines are dunned).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    responsible = fields.Selection(
        [
            ("salesperson", "Salesperson of the order"),
            ("team_leader", "Leader of the sales team"),
            ("user", "Specific user"),
        ],
        required=True,
        default="salesperson",
        string="Default Responsible",
    )
    user_id = fields.Many2one("res.users", string="Responsible User", domain=[("share", "=", False)])
    lead_days = fields.Integer(
        string="Reminder Lead Time (days)",
        default=3,
        help="The responsible gets an activity this many days before the step is due; the step is 'due' from then.",
    )
    company_id = fields.Many2one("res.company", help="Leave empty to share the action type between companies.")
    description = fields.Text(translate=True)

    _code_company_uniq = models.UniqueIndex(
        "(code, COALESCE(company_id, 0))", "The code of an action type must be unique per company."
    )
    _lead_days_positive = models.Constraint("CHECK (lead_days >= 0)", "The reminder lead time cannot be negative.")

    @api.model
    def _crm_plus_default_types(self):
        """{kind: action type} used when a plan follows the payment terms (first by sequence, company's first)."""
        types = self.search(
            [("kind", "in", ("payment", "delivery")), ("company_id", "in", (False, self.env.company.id))],
            order="company_id, sequence, id",
        )
        result = {}
        for action_type in types:
            result.setdefault(action_type.kind, action_type)
        return result
