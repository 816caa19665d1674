# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo import models


class DmsFile(models.Model):
    _inherit = "dms.file"

    oa_sha256 = fields.Char(
        string="SHA-256", readonly=True, copy=False, help="Digest of the content when it was filed."
    )
