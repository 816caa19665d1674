# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class CrmPlusPlanStepDone(models.TransientModel):
    """Mark manual plan steps done with a note and supporting documents."""

    _name = "crm_plus.plan.step.done"
    _description = "Mark Plan Steps Done"

    step_ids = fields.Many2many("crm_plus.plan.step", string="Steps", required=True)
    note = fields.Html(string="Done Note")
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")

    def action_confirm(self):
        self.ensure_one()
        steps = self.step_ids
        if self.attachment_ids:
            # the documents uploaded in the wizard belong to the (single) step they justify
            self.attachment_ids.write({"res_model": steps._name, "res_id": steps[:1].id})
        if self.note:
            steps.write({"note": self.note})
        steps.with_context(crm_plus_plan_done_attachment_ids=self.attachment_ids.ids).action_done()
        return {"type": "ir.actions.act_window_close"}
