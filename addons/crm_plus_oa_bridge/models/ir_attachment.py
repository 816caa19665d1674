# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import models
from odoo.exceptions import AccessError

CONTENT_FIELDS = frozenset({"datas", "raw", "db_datas", "store_fname", "res_model", "res_id"})


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _crm_plus_oa_check_not_locked(self):
        # The content of a filed snapshot (locked dms.file) never changes nor
        # goes away, even for users who may edit the document it is attached
        # to (its attachment shows in the order's chatter).
        if self.env.su or not self.ids:
            return
        # sudo: only asks whether one of these attachments is a locked snapshot
        locked = (
            self.env["dms.file"]
            .sudo()
            .search_count([("attachment_id", "in", self.ids), ("locked_by", "!=", False)], limit=1)
        )
        if locked:
            raise AccessError(self.env._("This document is a locked snapshot: it cannot be changed."))

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals):
            self._crm_plus_oa_check_not_locked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked_snapshot(self):
        self._crm_plus_oa_check_not_locked()
