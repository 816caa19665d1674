# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrRule(models.Model):
    _inherit = "ir.rule"

    def _compute_domain(self, model_name, mode="read"):
        # The department rules read res.users.crm_plus_manager_user_ids, a stored computed Many2many. Odoo
        # flushes the columns a search reads, not the pending computations of a Many2many: process them first,
        # so that an HR change made earlier in the transaction counts. No query when nothing is pending.
        self.env["res.users"]._recompute_model(["crm_plus_manager_user_ids"])
        return super()._compute_domain(model_name, mode)
