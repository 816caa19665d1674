# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class HrJob(models.Model):
    _inherit = "hr.job"

    max_discount = fields.Float(
        string="Maximum Discount (%)",
        help="Highest line discount people in this position may give without approval. "
        "0 means: use the company default.",
    )

    _max_discount_range = models.Constraint(
        "CHECK(max_discount >= 0 AND max_discount <= 100)", "A maximum discount is a percentage between 0 and 100."
    )
