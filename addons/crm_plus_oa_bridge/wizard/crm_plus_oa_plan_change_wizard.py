# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.fields import Command

from odoo.addons.crm_plus.access import require_groups

from ..access import OA_USER


class CrmPlusOaPlanChangeWizard(models.TransientModel):
    _name = "crm_plus_oa.plan.change.wizard"
    _description = "Request a Plan Change"

    plan_id = fields.Many2one("crm_plus.plan", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    route_id = fields.Many2one("crm_plus_oa.route", compute="_compute_route_id", string="Approval Route")
    reason = fields.Text(required=True)
    line_ids = fields.One2many(
        "crm_plus_oa.plan.change.wizard.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        string="Steps",
    )

    @api.depends("plan_id")
    def _compute_route_id(self):
        Change = self.env["crm_plus_oa.plan.change"]
        for wizard in self:
            wizard.route_id = Change._crm_plus_oa_route_for(wizard.plan_id) if wizard.plan_id else False

    @api.depends("plan_id")
    def _compute_line_ids(self):
        for wizard in self:
            steps = wizard.plan_id.step_ids.filtered(lambda s: s.state not in ("done", "cancelled"))
            wizard.line_ids = [Command.clear()] + [
                Command.create({"step_id": step.id, "date_due": step.date_due, "amount": step.amount}) for step in steps
            ]

    @require_groups(OA_USER)
    def action_request(self):
        self.ensure_one()
        changes = {line.step_id: {"date_due": line.date_due, "amount": line.amount} for line in self.line_ids}
        change = self.env["crm_plus_oa.plan.change"]._crm_plus_oa_request(self.plan_id, changes, self.reason)
        if not change:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm_plus_oa.plan.change",
            "res_id": change.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class CrmPlusOaPlanChangeWizardLine(models.TransientModel):
    _name = "crm_plus_oa.plan.change.wizard.line"
    _description = "Request a Plan Change: Step"

    wizard_id = fields.Many2one("crm_plus_oa.plan.change.wizard", required=True, ondelete="cascade")
    step_id = fields.Many2one("crm_plus.plan.step", required=True, readonly=True)
    date_due_before = fields.Date(related="step_id.date_due", string="Planned Date")
    amount_before = fields.Float(related="step_id.amount", string="Amount")
    date_due = fields.Date(string="New Date", required=True)
    amount = fields.Float(string="New Amount", digits=(16, 2))
