# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

FOLDER_KINDS = [
    ("customer", "Customer"),
    ("quotations", "Quotations"),
    ("contracts", "Contracts"),
    ("orders", "Orders"),
    ("dunning", "Dunning"),
    ("order", "Order"),
    ("order_quotation", "Order Quotations"),
    ("order_contract", "Order Contracts"),
]
# What ties a CRM folder to its customer or order (and so decides who reads it): the bridge's to set.
LINK_FIELDS = frozenset({"oa_folder_kind", "model_id", "res_model", "res_id", "parent_id", "storage_id"})


class DmsDirectory(models.Model):
    _inherit = "dms.directory"

    oa_folder_kind = fields.Selection(FOLDER_KINDS, string="CRM Folder", readonly=True, index="btree_not_null")

    # A CRM folder's access follows the record it is linked to: relinking or moving it would hand its documents
    # to other readers. The bridge creates them (as superuser); users may rename them, nothing else.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("oa_folder_kind") for vals in vals_list):
            raise AccessError(self.env._("CRM folders are created by the OA app when a document is filed."))
        return super().create(vals_list)

    def write(self, vals):
        # sudo: which of these folders are CRM folders, before any access check
        if not self.env.su and LINK_FIELDS.intersection(vals) and self.sudo().filtered("oa_folder_kind"):
            raise AccessError(self.env._("A CRM folder stays linked to its customer or order."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_crm_folder(self):
        # sudo: as in write
        if not self.env.su and self.sudo().filtered("oa_folder_kind"):
            raise AccessError(self.env._("A CRM folder stays linked to its customer or order."))

    def _crm_plus_oa_file(self, name, content, lock=True):
        """File ``content`` (bytes) as ``name`` in this folder; return (dms.file, sha256).

        Called by the bridge's filing methods only, after their own checks:
        the file is created as superuser and its access then follows the
        record the folder is linked to. A locked file (locked by the
        superuser) cannot be changed or deleted by anybody else.
        """
        self.ensure_one()
        # sudo: see the docstring
        folder = self.sudo()
        digest = hashlib.sha256(content).hexdigest()
        name = name.replace("/", "-")
        names = set(folder.file_ids.mapped("name"))
        if name in names:
            stem, dot, ext = name.rpartition(".")
            stem, ext = (stem, ext) if dot else (ext, "")
            number = len(names) + 1
            while f"{stem} ({number}){dot}{ext}" in names:
                number += 1
            name = f"{stem} ({number}){dot}{ext}"
        # sudo: see the docstring
        dms_file = (
            self.env["dms.file"]
            .sudo()
            .create(
                {
                    "name": name,
                    "directory_id": folder.id,
                    "content": base64.b64encode(content),
                    "oa_sha256": digest,
                    "locked_by": self.env.ref("base.user_root").id if lock else False,
                }
            )
        )
        return dms_file.with_env(self.env), digest
