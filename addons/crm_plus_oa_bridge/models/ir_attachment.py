# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError

CONTENT_FIELDS = frozenset({"datas", "raw", "db_datas", "store_fname", "res_model", "res_id"})


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        # The content of a filed snapshot (locked dms.file) never changes,
        # even for users who may edit the document it is attached to.
        if not self.env.su and CONTENT_FIELDS.intersection(vals) and self.ids:
            locked = (
                self.env["dms.file"]
                .sudo()
                .search_count([("attachment_id", "in", self.ids), ("locked_by", "!=", False)], limit=1)
            )
            if locked:
                raise AccessError(self.env._("This document is a locked snapshot: it cannot be changed."))
        return super().write(vals)
