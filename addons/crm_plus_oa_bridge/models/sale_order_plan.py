# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .crm_plus_plan import plan_gate


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _crm_plus_generate_plans(self, **kwargs):
        # a new plan (confirmation, or a missing plan generated) is not a plan change; replacing an
        # existing one is (crm_plus deletes it first: refused when a plan-change route applies)
        return super(SaleOrder, plan_gate(self))._crm_plus_generate_plans(**kwargs)
