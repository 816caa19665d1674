# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..models.tier_review import GUARDED_MODELS


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        """On guarded documents the comment goes with the checked decision (never written on reviews first)."""
        self.ensure_one()
        if self.res_model not in GUARDED_MODELS:
            return super().add_comment()
        record = self.env[self.res_model].browse(self.res_id)
        if self.validate_reject == "validate":
            return record._crm_plus_oa_approve(self.comment, self.review_ids)
        return record._crm_plus_oa_reject(self.comment)
