# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

from .. import dunning_channels
from ..access import FINANCE
from ..access import require_groups


class CrmPlusDunningRunWizard(models.TransientModel):
    """Manual dunning run: preview what would be sent, then run now or in the background."""

    _name = "crm_plus.dunning.run.wizard"
    _description = "Run Dunning"

    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Only These Customers")
    line_ids = fields.One2many("crm_plus.dunning.run.wizard.line", "wizard_id", string="Preview")
    customer_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Float(compute="_compute_totals", string="Amount Overdue")

    @api.depends("line_ids.amount_residual")
    def _compute_totals(self):
        for wizard in self:
            wizard.customer_count = len(wizard.line_ids.partner_id)
            wizard.amount_total = sum(wizard.line_ids.mapped("amount_residual"))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finance()
        wizards = super().create(vals_list)
        wizards._fill_preview()
        return wizards

    def _check_finance(self):
        if not self.env.su and not self.env.user.has_group(FINANCE):
            raise AccessError(self.env._("Only finance users can run dunning."))

    def _company_ids(self):
        """The companies the user works in (checked against his companies before any sudo)."""
        return self.env.companies.ids

    def _fill_preview(self):
        labels = dict(dunning_channels.selection(self))
        for wizard in self:
            # sudo (uid kept): the preview reads every customer's steps for finance (checked in create)
            preview = (
                self.env["crm_plus.dunning.run"]
                .sudo()
                ._preview(wizard.date, wizard.partner_ids.ids or None, company_ids=self._company_ids())
            )
            wizard.line_ids = [
                fields.Command.create(
                    {
                        "partner_id": row["partner_id"],
                        "level_id": row["level_id"],
                        "channels": ", ".join(labels.get(channel, channel) for channel in row["channels"]),
                        "step_count": row["step_count"],
                        "amount_residual": row["amount_residual"],
                        "missing_email": not row["has_email"],
                    }
                )
                for row in preview
            ]

    @require_groups(FINANCE)
    def action_refresh(self):
        self.ensure_one()
        self.line_ids.unlink()
        self._fill_preview()
        return self._reopen()

    @require_groups(FINANCE)
    def action_run(self):
        """Run now in this transaction (each batch in a savepoint) and show the communications."""
        self.ensure_one()
        # sudo (uid kept): finance dunns every customer, and the statements read orders of any salesperson
        self.env["crm_plus.dunning.run"].sudo()._run(
            today=self.date, partner_ids=self.partner_ids.ids or None, company_ids=self._company_ids()
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_dunning_communication_action")
        action["domain"] = [("date", "=", self.date)]
        return action

    @require_groups(FINANCE)
    def action_run_background(self):
        """Let the scheduled action do it now, committing batch by batch."""
        self.ensure_one()
        # sudo: finance users may trigger the dunning cron without managing scheduled actions
        self.env.ref("crm_plus.ir_cron_dunning").sudo()._trigger()
        return {"type": "ir.actions.act_window_close"}

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class CrmPlusDunningRunWizardLine(models.TransientModel):
    _name = "crm_plus.dunning.run.wizard.line"
    _description = "Run Dunning Preview Line"

    wizard_id = fields.Many2one("crm_plus.dunning.run.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("crm_plus.dunning.level", readonly=True)
    channels = fields.Char(readonly=True)
    step_count = fields.Integer(string="Items", readonly=True)
    amount_residual = fields.Float(string="Overdue", readonly=True)
    missing_email = fields.Boolean(readonly=True)
