# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-offs: work passed to the next participant, and the chain they form on a record.

A hand-off is written only by the *Hand Off* wizard (``crm_plus.handoff.wizard``) after its checks; nobody edits
or deletes one afterwards (access rights: read only). Records that can be handed off inherit
``crm_plus.handoff.mixin``: opportunities, quotations/orders and plan steps.
"""

from odoo import api
from odoo import fields
from odoo import models


class CrmPlusHandoff(models.Model):
    _name = "crm_plus.handoff"
    _description = "Hand-off"
    _order = "id desc"

    res_model = fields.Char(string="Document Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, index=True, readonly=True
    )
    from_user_id = fields.Many2one("res.users", string="From", required=True, readonly=True, index=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True, readonly=True, index=True)
    note = fields.Text(readonly=True)
    waited_hours = fields.Float(
        string="Waited (hours)",
        readonly=True,
        digits=(16, 1),
        help="Time the document spent with the user handing it off: since the previous hand-off, else its creation.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        for handoff in self:
            handoff.display_name = f"{handoff.from_user_id.name} → {handoff.to_user_id.name}"


class CrmPlusHandoffMixin(models.AbstractModel):
    _name = "crm_plus.handoff.mixin"
    _description = "Can Be Handed Off"

    crm_plus_handoff_ids = fields.One2many(
        "crm_plus.handoff",
        "res_id",
        string="Hand-offs",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )
    crm_plus_handoff_count = fields.Integer(string="Hand-off Count", compute="_compute_crm_plus_handoff_count")

    @api.depends("crm_plus_handoff_ids")
    def _compute_crm_plus_handoff_count(self):
        counts = dict(
            self.env["crm_plus.handoff"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for record in self:
            record.crm_plus_handoff_count = counts.get(record.id, 0)

    def _crm_plus_handoff_responsible(self):
        """The user the record is with (its salesperson / responsible)."""
        return self.user_id

    def _crm_plus_handoff_check(self):
        """Who may hand this record off: whoever may edit it (overridden where editing is narrower)."""
        self.check_access("write")

    def _crm_plus_handoff_assign(self, user):
        """Give the record to ``user`` (the caller passed _crm_plus_handoff_check)."""
        self.write({"user_id": user.id})
