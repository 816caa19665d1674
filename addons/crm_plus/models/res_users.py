# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    crm_plus_manager_user_ids = fields.Many2many(
        "res.users",
        "crm_plus_res_users_manager_rel",
        "user_id",
        "manager_user_id",
        string="Department Managers",
        compute="_compute_crm_plus_manager_user_ids",
        store=True,
        groups="base.group_user",
        help="Users managing a department one of this user's employees belongs to, or one of its parent "
        "departments (archived employees included): the record rules let them see this user's orders and leads.",
    )

    @api.depends("employee_ids.department_id.manager_id.user_id", "employee_ids.department_id.parent_path")
    def _compute_crm_plus_manager_user_ids(self):
        # Computed when employees, departments or managers change, so that record rules read one relation
        # instead of walking users -> employees -> departments -> managers at every search. Employees of
        # every company, archived ones included (as the rules did): one search for the batch. A department's
        # manager manages its sub-departments too: the managers of every department of the parent path count
        # (hr.department recomputes the users below a department whose manager changes).
        # sudo: the users' employees of every company (HR data), whoever changes them: a stored scope of record rules
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", [uid for uid in self._origin.ids if uid])])
        )
        paths = {
            employee.id: [int(dep_id) for dep_id in (employee.department_id.parent_path or "").split("/") if dep_id]
            for employee in employees
        }
        # sudo: as the employees above (a stored scope of record rules, whoever changes HR data)
        departments = self.env["hr.department"].sudo().with_context(active_test=False)
        department_ids = {dep_id for path in paths.values() for dep_id in path}
        manager_by_department = {dep.id: dep.manager_id.user_id for dep in departments.browse(department_ids)}
        managers = defaultdict(lambda: self.env["res.users"])
        for employee in employees:
            for dep_id in paths[employee.id]:
                managers[employee.user_id.id] |= manager_by_department[dep_id]
        for user in self:
            user.crm_plus_manager_user_ids = managers[user._origin.id]
