# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo import models

FOLDER_KINDS = [
    ("customer", "Customer"),
    ("quotations", "Quotations"),
    ("contracts", "Contracts"),
    ("orders", "Orders"),
    ("dunning", "Dunning"),
    ("order", "Order"),
]


class DmsDirectory(models.Model):
    _inherit = "dms.directory"

    oa_folder_kind = fields.Selection(FOLDER_KINDS, string="CRM Folder", readonly=True, index="btree_not_null")
