# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models

# who takes a step over when the step before it is done (crm_plus.plan.step._crm_plus_handoff_next):
# the roles of the Hand Off wizard (crm_plus.handoff._crm_plus_resolve_role), seen from the previous participant
NEXT_PARTICIPANTS = [
    ("user", "A fixed user"),
    ("team_leader", "The order's sales team leader"),
    ("department_manager", "The previous participant's department manager"),
]

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

    handoff_role = fields.Selection(
        NEXT_PARTICIPANTS,
        string="Hand Off To",
        help="When the step before this one is done, this step is handed off automatically: assigned to this "
        "participant, with a To-Do on their desktop and an entry in the step's hand-off chain. Roles are resolved "
        "as in the Hand Off wizard, from the responsible of the step just done.",
    )
    handoff_user_id = fields.Many2one(
        "res.users", string="Next Participant", domain=[("share", "=", False)], help="The user, for a fixed user."
    )

    _percent_range = models.Constraint(
        "CHECK (percent >= 0 AND percent <= 100)", "The share of a template step must be between 0 and 100%."
    )
    _handoff_user = models.Constraint(
        "CHECK (handoff_role IS NULL OR handoff_role != 'user' OR handoff_user_id IS NOT NULL)",
        "A template step handed off to a fixed user names that user.",
    )
    _offset_positive = models.Constraint(
        "CHECK (offset_days >= 0)", "A template step cannot be planned before its trigger."
    )
