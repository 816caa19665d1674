# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib

from odoo import fields
from odoo import models

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


class DmsDirectory(models.Model):
    _inherit = "dms.directory"

    oa_folder_kind = fields.Selection(FOLDER_KINDS, string="CRM Folder", readonly=True, index="btree_not_null")

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
