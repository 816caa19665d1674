# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError

from ..access import SALE_MANAGER


class CrmPlusPlanStep(models.Model):
    _name = "crm_plus.plan.step"
    _inherit = ["crm_plus.plan.step", "crm_plus.handoff.mixin"]

    def _crm_plus_handoff_check(self):
        """A step is handed off by its responsible or a sales manager (salespeople do not edit steps)."""
        self.check_access("read")
        if self.state in ("done", "cancelled"):
            raise AccessError(self.env._("A closed step is not handed off."))
        if self.user_id != self.env.user and not self.env.user.has_group(SALE_MANAGER):
            raise AccessError(self.env._("Only the step's responsible or a sales manager hands it off."))

    def _crm_plus_handoff_assign(self, user):
        # sudo: after _crm_plus_handoff_check (the responsible passes his own step on)
        self.sudo().write({"user_id": user.id})
