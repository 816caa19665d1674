# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        if "active" in vals and not vals["active"] and not self.env.su:
            self._crm_plus_check_nothing_to_hand_over()
        return super().write(vals)

    def _crm_plus_check_nothing_to_hand_over(self):
        """A user who still owns customers is archived through a hand-over (or after one), not silently.

        Only where the company keeps customers with it (a customer pool rule is set up): elsewhere users are
        archived as in core Odoo.
        """
        # sudo: who owns which customer, and the pool rules, are checked whatever the archiving administrator
        # may read of sales data
        users = self.filtered("active")
        companies = users.company_ids
        if not self.env["crm_plus.pool.rule"].sudo().search_count([("company_id", "in", companies.ids)], limit=1):
            return
        # sudo: as above; only the count of customers each user owns, to refuse the archiving
        owned = (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("parent_id", "=", False),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "in", companies.ids),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        if owned:
            raise UserError(
                self.env._(
                    "Hand over their customers first (CRM > Customers > Hand Over), or archive them from there: "
                    "%(users)s.",
                    users=", ".join(
                        self.env._("%(user)s owns %(count)s customers", user=user.name, count=count)
                        for user, count in owned
                    ),
                )
            )
