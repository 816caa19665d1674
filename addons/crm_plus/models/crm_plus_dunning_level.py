# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

from .. import dunning_channels

# The channels a level can use are declared in dunning_channels (their switches are the fields below).
COMMUNICATING_FIELDS = [channel.level_field for channel in dunning_channels.communicating()]


class CrmPlusDunningLevel(models.Model):
    """One rung of a dunning policy: from N days overdue, which channels and template."""

    _name = "crm_plus.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, days_overdue, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("crm_plus.dunning.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    days_overdue = fields.Integer(required=True, default=3, help="The level applies from this many days past due.")
    channel_email = fields.Boolean(
        string="Email", default=True, help="Email the customer a statement of the overdue items (PDF attached)."
    )
    channel_letter = fields.Boolean(string="Letter", help="Prepare a printable dunning letter.")
    channel_phone = fields.Boolean(string="Phone Call", help="Schedule a phone call activity for the salesperson.")
    channel_escalation = fields.Boolean(
        string="Escalation", help="Schedule an activity for the manager (escalation user or sales team leader)."
    )
    escalation_user_id = fields.Many2one(
        "res.users", string="Escalate To", domain=[("share", "=", False)], help="Defaults to the sales team leader."
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "crm_plus.dunning.communication")],
        default=lambda self: self.env.ref("crm_plus.mail_template_dunning", raise_if_not_found=False),
        help="Rendered in the customer's language (English and Chinese are provided).",
    )
    credit_hold = fields.Boolean(help="New orders of customers at this level need approval.")
    color = fields.Integer()

    _days_overdue_positive = models.Constraint(
        "CHECK (days_overdue >= 1)", "A dunning level starts at least one day after the due date."
    )
    _days_overdue_uniq = models.UniqueIndex(
        "(policy_id, days_overdue)", "Two levels of a policy cannot start on the same day."
    )

    @api.constrains(*COMMUNICATING_FIELDS, "mail_template_id")
    def _check_channels(self):
        for level in self:
            channels = level._get_channels()
            if not channels:
                raise ValidationError(
                    self.env._("Dunning level %(level)s needs at least one channel.", level=level.display_name)
                )
            mails = [code for code in channels if dunning_channels.REGISTRY[code].produces == "mail"]
            if mails and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Dunning level %(level)s emails customers but has no template.", level=level.display_name
                    )
                )

    def _get_channels(self):
        """The codes of the channels this level communicates through (see dunning_channels)."""
        self.ensure_one()
        return [channel.code for channel in dunning_channels.communicating() if channel.enabled(self)]
