# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    max_discount_override = fields.Boolean(
        string="Own Discount Limit", groups="hr.group_hr_user", help="Use the limit below instead of the job's."
    )
    max_discount = fields.Float(
        string="Maximum Discount (%)",
        groups="hr.group_hr_user",
        help="Highest line discount this employee may give without approval (when 'Own Discount Limit' is set).",
    )

    _max_discount_range = models.Constraint(
        "CHECK(max_discount >= 0 AND max_discount <= 100)", "A maximum discount is a percentage between 0 and 100."
    )

    def write(self, vals):
        res = super().write(vals)
        if "user_id" in vals:
            # the user managing a parent department changed: the scope of the users below it follows
            # sudo: the data scope follows HR changes, whatever the user may read of the departments
            managed = self.env["hr.department"].sudo().search([("manager_id", "in", self.ids)])
            if managed:
                managed._crm_plus_recompute_scope()
        return res

    @api.model
    def _crm_plus_max_discounts(self, users, companies):
        """Discount limits as ``{(user_id, company_id): percent or None}`` for every pair.

        The employee's own limit if set, else the job position's (if not 0),
        else the company default (also for users without an employee) if not 0;
        ``None`` when none is set: no limit. One query for the employees,
        whatever the number of users.
        """
        # sudo: limits are HR data read on behalf of the approval rules
        employees = (
            self.sudo()
            .with_context(active_test=False)
            .search([("user_id", "in", users.ids), ("company_id", "in", companies.ids)])
        )
        by_pair = {(e.user_id.id, e.company_id.id): e for e in employees}
        limits = {}
        for company in companies:
            # sudo: the company's default limit, read for the approval rules whatever companies the confirming user sees
            default = company.sudo().crm_plus_default_max_discount or None
            limits[False, company.id] = default
            for user in users:
                employee = by_pair.get((user.id, company.id))
                if employee and employee.max_discount_override:
                    limits[user.id, company.id] = employee.max_discount
                elif employee and employee.job_id.max_discount:
                    limits[user.id, company.id] = employee.job_id.max_discount
                else:
                    limits[user.id, company.id] = default
        return limits
