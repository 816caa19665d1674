# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..access import SALESMAN
from ..models.crm_plus_handoff import HANDOFF_ROLES


class CrmPlusHandoffWizard(models.TransientModel):
    _name = "crm_plus.handoff.wizard"
    _description = "Hand Off to the Next Participant"

    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True)
    role = fields.Selection(
        HANDOFF_ROLES,
        string="Hand Off To",
        default="user",
        required=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Next Participant",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('share', '=', False)]",
        help="The role resolved to a user: the leader of the document's sales team (else of yours), or the manager "
        "of your department.",
    )
    note = fields.Text(required=True)

    @api.depends("role", "res_model", "res_id")
    def _compute_user_id(self):
        for wizard in self:
            wizard.user_id = wizard.user_id if wizard.role == "user" else wizard._resolve_role()

    def _resolve_role(self):
        record = self.env["crm_plus.handoff"]
        if self.res_model in self.env and "crm_plus_handoff_ids" in self.env[self.res_model]._fields:
            record = self.env[self.res_model].browse(self.res_id).exists()
        return self.env["crm_plus.handoff"]._crm_plus_resolve_role(self.role, record, self.env.user)

    def action_apply(self):
        self.ensure_one()
        if self.res_model not in self.env or "crm_plus_handoff_ids" not in self.env[self.res_model]._fields:
            raise UserError(self.env._("This document cannot be handed off."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("This document no longer exists."))
        record._crm_plus_handoff_check()
        target = self.user_id
        if not target:
            raise UserError(self.env._("Nobody holds that role: pick the next participant."))
        if target.share or not target.active or not target.has_group(SALESMAN):
            raise UserError(self.env._("%(user)s cannot take this over.", user=target.name))
        source = record._crm_plus_handoff_responsible() or self.env.user
        if target == source:
            raise UserError(self.env._("Hand off to someone else."))
        record._crm_plus_handoff_apply({record.id: (source, target, self.note)})
        if record.has_access("read"):
            return {"type": "ir.actions.act_window_close"}
        # the record went with the hand-off (a salesperson sees his own documents): reloading it would fail,
        # back to the list of what the caller still sees
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("Handed off to %(user)s.", user=target.name),
                "type": "success",
                "next": {
                    "type": "ir.actions.act_window",
                    "name": self.env["ir.model"]._get(record._name).name,
                    "res_model": record._name,
                    "views": [[False, "list"], [False, "form"]],
                    "target": "main",
                },
            },
        }
