# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import models

from odoo.addons.crm_plus.access import trusted_context

from .crm_plus_plan import plan_gate

# Step fields whose change is a plan change (crm_plus's planned fields).
PLAN_CHANGE_FIELDS = frozenset({"plan_id", "action_type_id", "date_due", "amount"})


class CrmPlusPlanStep(models.Model):
    _inherit = "crm_plus.plan.step"

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["crm_plus.plan"].browse({vals["plan_id"] for vals in vals_list if vals.get("plan_id")})
        plans._crm_plus_oa_check_no_route()
        return super().create(vals_list)

    def write(self, vals):
        if PLAN_CHANGE_FIELDS.intersection(vals):
            self.plan_id._crm_plus_oa_check_no_route()
            if vals.get("plan_id"):
                self.env["crm_plus.plan"].browse(vals["plan_id"])._crm_plus_oa_check_no_route()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_plan_change_route(self):
        self.plan_id._crm_plus_oa_check_no_route()

    def _crm_plus_oa_apply_changes(self, lines):
        """Write the new dates and amounts of ``lines`` ({step_id, date_due, amount}), then check the plans once."""
        # the steps move together: crm_plus checks the totals once all of them are written
        steps = trusted_context(plan_gate(self), crm_plus_plan_defer_check=True)
        for line in lines:
            steps.browse(line["step_id"]).write({"date_due": line["date_due"], "amount": line["amount"]})
        self.plan_id._check_steps()
