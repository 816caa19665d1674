# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who owns a customer, who shares it, and who may change it.

* The owner is Odoo's *Salesperson* (``user_id``, tracked by ``mail``); ``crm_plus_shared_user_ids`` lists the
  users it is shared with (tracked). Both are read on the commercial partner: a contact belongs to its company.
* Reading: the contact card stays readable as in Odoo. The commercial records of a customer (opportunities,
  quotations/orders and their lines, follow-ups, plans) are readable by its owner, the users it is shared with,
  the leader of the owner's main team and the owner's department managers (``security/crm_plus_owner_security.xml``,
  rules added to core's: read only). Pool customers have no owner: nothing is granted on their documents.
* Sharing: only the owner and the managers (*All Documents*, sales managers) write ``crm_plus_shared_user_ids``.
* Editing, with the company setting *Customers Editable by their Owner Only* (off unless configured): creating,
  changing or deleting a customer with an owner or in the pool, or one of its contacts, is reserved to the same
  users as reading its records (pool customers: managers only), plus the users of ``OWNER_EDIT_EXEMPT_GROUPS``.
  The check lives in ``_check_access``, the ORM's access point behind ``check_access``/``has_access``: it binds
  every path (forms, import, XML-RPC, any context); only superuser code passes. Owners then change only the owner
  of their own customers (or of unowned ones).
"""

import functools

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError

from ..access import ALL_LEADS
from ..access import SALE_MANAGER

# Users who change any customer under the setting: managers of sales, and billing (invoicing keeps payment terms,
# bank accounts and addresses of every customer up to date).
OWNER_EDIT_EXEMPT_GROUPS = (ALL_LEADS, SALE_MANAGER, "account.group_account_invoice")
OWNER_EDIT_OPERATIONS = ("create", "write", "unlink")


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_shared_user_ids = fields.Many2many(
        "res.users",
        "crm_plus_res_partner_shared_user_rel",
        "partner_id",
        "user_id",
        string="Shared With",
        # a string: a list domain on a relational field makes the ORM recompute it when users change (a search on
        # every user creation, which flushes the half-created user: core's user creation then fails its checks)
        domain="[('share', '=', False)]",
        copy=False,
        tracking=True,
        help="Users who work with this customer besides its salesperson: they see its opportunities, quotations, "
        "orders, follow-ups and plans. Set by the salesperson or a sales manager.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self._crm_plus_is_owner_manager():
            for vals in vals_list:
                if vals.get("crm_plus_shared_user_ids") and vals.get("user_id") != self.env.uid:
                    raise AccessError(self.env._("Only the salesperson of a customer and the sales managers share it."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._crm_plus_check_owner_write(vals)
        if vals.get("crm_plus_in_pool"):
            # the owner's shares go with him (as in the pool job): nothing of a pool customer is granted through them
            vals = {**vals, "crm_plus_shared_user_ids": [Command.clear()]}
        res = super().write(vals)
        if "parent_id" in vals and vals["parent_id"] and not self.env.su:
            # moved under another customer: the new customer's editors only (checked before the write too)
            self.check_access("write")
        return res

    # -------------------------------------------------------------- checks

    @api.constrains("crm_plus_shared_user_ids")
    def _check_crm_plus_shared_users_internal(self):
        # sudo: whether a user is internal, whatever the writer may read of users
        if self.sudo().crm_plus_shared_user_ids.filtered("share"):
            raise ValidationError(self.env._("A customer is shared with internal users only."))

    def _crm_plus_is_owner_manager(self):
        return self.env.user.has_group(ALL_LEADS) or self.env.user.has_group(SALE_MANAGER)

    def _crm_plus_check_owner_write(self, vals):
        """Sharing is the owner's (always); under the setting, the owner is changed by the owner or a manager."""
        if self._crm_plus_is_owner_manager():
            return
        user = self.env.user
        # sudo: the owner decides, whatever the caller may read of the customers (checked as a rule would be)
        customers = self.sudo().with_context(active_test=False).commercial_partner_id
        if "crm_plus_shared_user_ids" in vals and customers.filtered(lambda c: c.user_id != user):
            raise AccessError(self.env._("Only the salesperson of a customer and the sales managers share it."))
        if "user_id" in vals and self._crm_plus_owner_edit_companies():
            others = customers.filtered(lambda c: (c.user_id and c.user_id != user) or c.crm_plus_in_pool)
            new_owner = vals["user_id"] or False
            if others.filtered(lambda c: c.user_id.id != new_owner):
                raise AccessError(
                    self.env._(
                        "Only the salesperson of %(customers)s and the sales managers change its salesperson.",
                        customers=", ".join(others.mapped("display_name")),
                    )
                )

    def _crm_plus_owner_edit_companies(self):
        """The user's companies that restrict customer editing to the owners (empty: as in Odoo).

        All the user's companies, not the ones his context selects: a client chooses its context."""
        restricting = self.env["res.company"]._crm_plus_owner_edit_company_ids()
        if not restricting:
            return self.env["res.company"]
        # sudo: a company setting that binds the user, whatever he may read of the companies
        return self.env.user.sudo().company_ids.filtered(lambda c: c.id in restricting)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or operation not in OWNER_EDIT_OPERATIONS or self.env.su or not any(self._ids):
            return result
        forbidden = self._crm_plus_owner_edit_forbidden()
        if forbidden:
            return forbidden, functools.partial(self._crm_plus_owner_edit_error, operation, forbidden)
        return None

    def _crm_plus_owner_edit_forbidden(self):
        """The partners of ``self`` the user may not create, change or delete under the owner-only setting."""
        companies = self._crm_plus_owner_edit_companies()
        if not companies:
            return self.browse()
        user = self.env.user
        if not user._is_internal() or any(user.has_group(group) for group in OWNER_EDIT_EXEMPT_GROUPS):
            return self.browse()
        forbidden = self.browse()
        # sudo: ownership, scope and settings are read as a record rule reads them, whatever the user may read
        real_ids = [pid for pid in self._ids if isinstance(pid, int)]
        for partner in self.sudo().with_context(active_test=False).browse(real_ids):
            customer = partner.commercial_partner_id
            if customer.company_id and customer.company_id not in companies:
                continue
            if not (customer.user_id or customer.crm_plus_in_pool) or not all(customer.user_ids.mapped("share")):
                continue  # nobody's customer, or an employee's own contact: as in Odoo
            if not customer._crm_plus_in_user_scope(user):
                forbidden |= self.browse(partner.id)
        return forbidden

    def _crm_plus_in_user_scope(self, user):
        """Whether ``user`` owns this customer, shares it, leads its owner's team or manages his department."""
        self.ensure_one()
        owner = self.user_id
        return bool(owner) and (
            owner == user
            or user in self.crm_plus_shared_user_ids
            or owner.sale_team_id.user_id == user
            or user in owner.crm_plus_manager_user_ids
        )

    def _crm_plus_owner_edit_error(self, operation, forbidden):
        # sudo: the names of the refused customers, which the user can read anyway (contact cards stay readable)
        names = ", ".join(forbidden[:5].sudo().mapped("display_name"))
        return AccessError(
            self.env._(
                "%(customers)s: customers are created, changed and deleted by their salesperson, the users they are "
                "shared with and their managers only (operation: %(operation)s).",
                customers=names,
                operation=operation,
            )
        )
