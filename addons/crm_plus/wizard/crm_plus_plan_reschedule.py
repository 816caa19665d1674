# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

from ..access import FINANCE
from ..access import require_groups


class CrmPlusPlanReschedule(models.TransientModel):
    """Finance moves, splits or merges the remaining installments of a (started) plan."""

    _name = "crm_plus.plan.reschedule"
    _description = "Reschedule Installments"

    plan_id = fields.Many2one("crm_plus.plan", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    reason = fields.Text(required=True)
    line_ids = fields.One2many("crm_plus.plan.reschedule.line", "wizard_id", string="New Schedule")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finance()
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: not w.line_ids):
            wizard.line_ids = [
                fields.Command.create({"step_id": step.id, "date_due": step.date_due, "amount": step.amount})
                for step in wizard.plan_id._crm_plus_reschedulable_steps()
            ]
        return wizards

    def _check_finance(self):
        if not (self.env.su or self.env.user.has_group(FINANCE)):
            raise AccessError(self.env._("Only finance reschedules installments."))

    @require_groups(FINANCE)
    def action_apply(self):
        """Apply the new schedule: installments moved, split (new lines), merged (removed lines)."""
        self.ensure_one()
        plan = self.plan_id
        plan.check_access("read")
        removed = plan._crm_plus_reschedulable_steps() - self.line_ids.step_id
        lines = [
            {"step_id": line.step_id.id, "date_due": line.date_due, "amount": line.amount}
            for line in self.line_ids.sorted(lambda line: (not line.step_id, line.date_due))
        ]
        plan._crm_plus_apply_schedule(lines, self.reason, removed=removed)
        return {"type": "ir.actions.act_window_close"}


class CrmPlusPlanRescheduleLine(models.TransientModel):
    _name = "crm_plus.plan.reschedule.line"
    _description = "Reschedule Installments Line"
    _order = "date_due, id"

    wizard_id = fields.Many2one("crm_plus.plan.reschedule", required=True, ondelete="cascade")
    step_id = fields.Many2one(
        "crm_plus.plan.step", string="Installment", readonly=True, help="Empty: a new installment (a split)."
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    date_due = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
