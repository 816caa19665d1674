# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError

from .tier_review import GUARDED_MODELS


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _crm_plus_oa_approval_activities(self):
        types = {
            model: self.env.ref(self.env[model]._crm_plus_oa_activity_type, raise_if_not_found=False)
            for model in GUARDED_MODELS
        }
        return self.filtered(lambda a: a.res_model in types and a.activity_type_id == types[a.res_model])

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking an approval activity done approves, as its user, from the desktop."""
        approvals = self._crm_plus_oa_approval_activities()
        for activity in approvals:
            activity.action_crm_plus_oa_approve(feedback)
        rest = (self - approvals).exists()
        return super(MailActivity, rest)._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def action_crm_plus_oa_approve(self, comment=False):
        """Approve the document of this approval activity (only its own user may)."""
        self.ensure_one()
        if self not in self._crm_plus_oa_approval_activities():
            raise AccessError(self.env._("This activity is not an approval request."))
        if self.user_id != self.env.user:
            raise AccessError(self.env._("Only %(user)s can act on this approval request.", user=self.user_id.name))
        record = self.env[self.res_model].browse(self.res_id)
        return record._crm_plus_oa_approve(comment or False)
