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
        help="Users managing a department one of this user's employees belongs to (archived employees "
        "included): the record rules let them see this user's orders and leads.",
    )

    @api.depends("employee_ids.department_id.manager_id.user_id")
    def _compute_crm_plus_manager_user_ids(self):
        # Computed when employees, departments or managers change, so that record rules read one relation
        # instead of walking users -> employees -> departments -> managers at every search. Employees of
        # every company, archived ones included (as the rules did): one search for the batch.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", [uid for uid in self._origin.ids if uid])])
        )
        managers = defaultdict(lambda: self.env["res.users"])
        for employee in employees:
            managers[employee.user_id.id] |= employee.department_id.manager_id.user_id
        for user in self:
            user.crm_plus_manager_user_ids = managers[user._origin.id]
