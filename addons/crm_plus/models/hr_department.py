# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    def write(self, vals):
        res = super().write(vals)
        if "manager_id" in vals:
            self._crm_plus_recompute_scope()
        return res

    def _crm_plus_recompute_scope(self):
        """Recompute the department managers of the users below these departments (sub-departments included).

        res.users.crm_plus_manager_user_ids depends on the direct department's manager; the managers of parent
        departments count too, which a field dependency cannot say."""
        # sudo: the data scope of record rules follows HR changes, whatever the user may read of the employees
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search([("department_id", "child_of", self.ids), ("user_id", "!=", False)])
        )
        users = employees.user_id
        if users:
            self.env.add_to_compute(users._fields["crm_plus_manager_user_ids"], users)
