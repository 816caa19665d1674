# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError


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
        steps._crm_plus_check_can_close()
        if self.attachment_ids:
            uploads = self.attachment_ids.filtered(
                lambda a: a.create_uid == self.env.user and a.res_model in (self._name, False) and not a.res_id
            )
            if uploads != self.attachment_ids:
                raise AccessError(self.env._("Attach the documents you upload in this dialog only."))
            # sudo: the user's own uploads move to the step he may close (checked above); he may not write steps
            uploads.sudo().write({"res_model": steps._name, "res_id": steps[:1].id})
        steps._crm_plus_mark_done(note=self.note or None, attachments=self.attachment_ids)
        return {"type": "ir.actions.act_window_close"}
