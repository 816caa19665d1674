# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.base.models.ir_attachment import condition_values

from .dms_security_mixin import CUSTOMER_FOLDER_KINDS

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

    # ------------------------------------------------------------ read access
    # dms stores a filed document as an attachment of the record its folder is linked to: for the
    # customer's folders, the customer, whom every internal user reads. The content of a document filed
    # in a customer's folder is read by who may read the document (see dms_security_mixin), not the customer.
    def _crm_plus_oa_unreadable_filed(self):
        """SQL selecting the attachments of documents filed in customer folders the current user may not read."""
        readable_customers = self.env["dms.directory"]._crm_plus_oa_readable_customers()
        return SQL(
            """(SELECT f.attachment_id FROM dms_file f JOIN dms_directory d ON d.id = f.directory_id
                 WHERE f.attachment_id IS NOT NULL AND d.oa_folder_kind IN %s
                   AND NOT (d.res_model = 'res.partner' AND d.res_id IN %s))""",
            CUSTOMER_FOLDER_KINDS,
            readable_customers,
        )

    def _check_access(self, operation):
        res = super()._check_access(operation)
        if self.env.su or not self._ids:
            return res
        forbidden = res[0] if res else self.browse()
        # only a customer's attachments may be filed documents (their res_model is in cache: no query otherwise)
        # sudo: the attachments' links, as core's check just read them
        remaining = (self - forbidden).sudo().filtered(lambda a: a.res_model == "res.partner").sudo(False)
        if not remaining:
            return res
        # cheap first: are any of these documents filed in a customer's folder at all?
        self.env.cr.execute(
            SQL(
                """SELECT f.attachment_id FROM dms_file f JOIN dms_directory d ON d.id = f.directory_id
                    WHERE f.attachment_id IN %s AND d.oa_folder_kind IN %s""",
                tuple(remaining._ids),
                CUSTOMER_FOLDER_KINDS,
            )
        )
        filed = [row[0] for row in self.env.cr.fetchall()]
        if not filed:
            return res
        self.env.cr.execute(
            SQL(
                "SELECT id FROM ir_attachment WHERE id IN %s AND id IN %s",
                tuple(filed),
                self._crm_plus_oa_unreadable_filed(),
            )
        )
        hidden = self.browse(row[0] for row in self.env.cr.fetchall())
        if not hidden:
            return res
        forbidden |= hidden

        def error_func():
            return AccessError(
                self.env._("Sorry, you are not allowed to access this document (%(operation)s).", operation=operation)
            )

        return forbidden, (res[1] if res else error_func)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        if not (self.env.su or bypass_access):
            domain = Domain(domain)
            res_models = condition_values(self, "res_model", domain)
            # only searches that may return a customer's attachments pay for the check
            if res_models is None or "res.partner" in res_models:
                domain &= Domain("id", "not in", self._crm_plus_oa_unreadable_filed())
        return super()._search(domain, offset, limit, order, active_test=active_test, bypass_access=bypass_access)
