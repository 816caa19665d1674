# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..access import SALESMAN


class CrmPlusHandoffWizard(models.TransientModel):
    _name = "crm_plus.handoff.wizard"
    _description = "Hand Off to the Next Participant"

    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True)
    role = fields.Selection(
        [
            ("user", "A user"),
            ("team_leader", "The sales team's leader"),
            ("department_manager", "My department manager"),
        ],
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
        if self.role == "team_leader":
            team = self.env["crm.team"]
            if "team_id" in record._fields:
                team = record.team_id
            elif "order_id" in record._fields:
                team = record.order_id.team_id
            return (team or self.env.user.sale_team_id).user_id
        if self.role == "department_manager":
            return (self.env.user.crm_plus_manager_user_ids - self.env.user)[:1]
        return self.env["res.users"]

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
        Handoff = self.env["crm_plus.handoff"].sudo()
        previous = Handoff.search([("res_model", "=", record._name), ("res_id", "=", record.id)], limit=1)
        since = previous.create_date or record.create_date or fields.Datetime.now()
        waited = (fields.Datetime.now() - since).total_seconds() / 3600
        record._crm_plus_handoff_assign(target)
        # sudo: hand-offs are written by this wizard only (read-only for everybody), after the checks above
        Handoff.create(
            {
                "res_model": record._name,
                "res_id": record.id,
                "from_user_id": source.id,
                "to_user_id": target.id,
                "note": self.note,
                "waited_hours": waited,
                "company_id": (record.company_id if "company_id" in record._fields else self.env.company).id
                or self.env.company.id,
            }
        )
        # sudo: the To-Do is the next participant's, who may see the record only once it is his
        record.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=target.id,
            summary=self.env._("Handed off by %(user)s", user=self.env.user.name),
            note=self.note,
        )
        record.sudo()._message_log(
            body=Markup("<p>%s</p><p>%s</p>") % (self.env._("Handed off to %(user)s.", user=target.name), self.note)
        )
        return {"type": "ir.actions.act_window_close"}
