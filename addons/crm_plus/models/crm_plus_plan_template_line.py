# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models

TRIGGERS = [
    ("approval", "Order approval"),
    ("delivery", "Expected delivery"),
    ("previous", "Previous step"),
]


class CrmPlusPlanTemplateLine(models.Model):
    _name = "crm_plus.plan.template.line"
    _description = "Execution Plan Template Step"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("crm_plus.plan.template", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="template_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    action_type_id = fields.Many2one("crm_plus.plan.action.type", required=True, ondelete="restrict")
    kind = fields.Selection(related="action_type_id.kind")
    name = fields.Char(string="Description", translate=True)
    trigger = fields.Selection(TRIGGERS, required=True, default="approval")
    offset_days = fields.Integer(string="Offset (days)", help="Days after the trigger date.")
    percent = fields.Float(
        string="% of Total", help="Share of the order total for payment and invoice steps; they must add up to 100."
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", domain=[("share", "=", False)], help="Overrides the action type default."
    )

    _percent_range = models.Constraint(
        "CHECK (percent >= 0 AND percent <= 100)", "The share of a template step must be between 0 and 100%."
    )
    _offset_positive = models.Constraint(
        "CHECK (offset_days >= 0)", "A template step cannot be planned before its trigger."
    )
