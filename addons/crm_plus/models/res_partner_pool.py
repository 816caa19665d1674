# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ownership and the customer pool on the customer.

The owner is Odoo's *Salesperson* (``user_id``). What a salesperson cannot do, whatever client or context:

* write the pool fields (``crm_plus_in_pool``, its dates): only the pool job, claims and managers (team leaders
  with *All Documents*, sales managers) set them;
* take a pool customer by writing its owner (or move it under another company/parent, or archive it): he claims
  it, within the limit of owned customers of his rule;
* where a pool rule is configured for his company: give a customer owned by someone else a new owner, or take
  an unowned customer (or create a customer of his own) beyond his limit. Without any pool rule, owners are set
  as in Odoo.

A changed owner restarts the pool clock (``crm_plus_owner_date``); writing the same owner again does not.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..access import ALL_LEADS
from ..access import SALE_MANAGER
from ..access import SALESMAN
from ..access import is_trusted
from ..access import require_groups
from ..access import trusted_context
from ..messages import _lt
from ..messages import chatter_note

POOL_FIELDS = ("crm_plus_in_pool", "crm_plus_pool_date", "crm_plus_pool_return_date", "crm_plus_owner_date")
# fields of a pool customer that would take it out of the pool without a claim
POOL_LOCKED_FIELDS = ("user_id", "parent_id", "company_id", "active")


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_in_pool = fields.Boolean(
        string="In Customer Pool",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The customer has no owner: salespeople claim it, managers assign it.",
    )
    crm_plus_pool_date = fields.Datetime(string="In Pool Since", readonly=True, copy=False)
    crm_plus_pool_return_date = fields.Date(
        string="Returns to Pool On",
        readonly=True,
        copy=False,
        help="Announced to the owner: the customer returns to the pool that day unless followed up.",
    )
    crm_plus_owner_date = fields.Date(string="Owned Since", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not is_trusted(self.env, "crm_plus_pool") and not self._crm_plus_is_pool_manager():
            if any(name in vals for vals in vals_list for name in POOL_FIELDS):
                raise AccessError(self.env._("Only managers put customers in the pool."))
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if vals.get("user_id") and "crm_plus_owner_date" not in vals:
                vals["crm_plus_owner_date"] = today
        partners = super().create(vals_list)
        if not self.env.su and not self._crm_plus_is_pool_manager():
            # a new customer of his own counts as a claim: within the limit of his pool rule, if any
            mine = partners.filtered(lambda p: p.user_id == self.env.user and not p.parent_id and p.active)
            if mine and mine._crm_plus_pool_rules():
                mine._crm_plus_check_claim_limit()
        return partners

    def write(self, vals):
        if not self.env.su and not is_trusted(self.env, "crm_plus_pool"):
            self._crm_plus_check_pool_write(vals)
        changed = self.browse()
        if "user_id" in vals:
            new_owner = vals["user_id"] or False
            changed = self.filtered(lambda p: p.user_id.id != new_owner)
        res = super().write(vals)
        if changed:
            # a new owner restarts the pool clock and takes the customer out of the pool (bypasses our check)
            owned = bool(vals["user_id"])
            # sudo: bookkeeping of the owner change just allowed; the customer may now be outside the caller's
            # scope ("Customers Editable by their Owner Only")
            super(ResPartner, changed.sudo()).write(
                {
                    "crm_plus_owner_date": fields.Date.context_today(self) if owned else False,
                    "crm_plus_pool_return_date": False,
                    **({"crm_plus_in_pool": False, "crm_plus_pool_date": False} if owned else {}),
                }
            )
        return res

    # -------------------------------------------------------------- checks

    def _crm_plus_is_pool_manager(self):
        return self.env.user.has_group(ALL_LEADS) or self.env.user.has_group(SALE_MANAGER)

    def _crm_plus_check_pool_write(self, vals):
        if self._crm_plus_is_pool_manager():
            return
        if any(name in vals for name in POOL_FIELDS):
            raise AccessError(self.env._("Customers enter and leave the pool through the pool job and claims only."))
        locked = [name for name in POOL_LOCKED_FIELDS if name in vals]
        if locked and any(self.mapped("crm_plus_in_pool")):
            raise AccessError(self.env._("This customer is in the customer pool: claim it."))
        if "user_id" not in vals:
            return
        new_owner = vals["user_id"] or False
        changed = self.filtered(lambda p: p.user_id.id != new_owner)
        if not changed or not changed._crm_plus_pool_rules():
            return
        if new_owner != self.env.uid or changed.filtered("user_id"):
            raise AccessError(
                self.env._("Only managers give customers a new owner; salespeople claim customers without one.")
            )
        changed._crm_plus_check_claim_limit()

    def _crm_plus_pool_rules(self):
        """Active pool rules of the companies of these customers (else the user's), read whatever the user's rights."""
        companies = self._crm_plus_companies()
        # sudo: the rules bind every salesperson, whatever they may read of the configuration
        return self.env["crm_plus.pool.rule"].sudo().search([("company_id", "in", companies.ids)])

    def _crm_plus_companies(self):
        """The companies of these customers; a customer shared by all companies is of the user's current one."""
        if any(not partner.company_id for partner in self):
            return self.company_id | self.env.company
        return self.company_id

    def _crm_plus_check_claim_limit(self):
        """The calling user may own these customers too without passing his rule's limit (under a lock).

        The user's row is updated (to itself) first: a second claim of the same user waits for this
        transaction and then fails on the concurrent update (Odoo retries it on a fresh snapshot, which then
        counts this claim), so two simultaneous claims cannot both pass the limit. A SELECT ... FOR UPDATE would
        not do: under repeatable read, the waiting transaction would count with its older snapshot.
        """
        user = self.env.user
        self.env.cr.execute(SQL("UPDATE res_users SET write_date = write_date WHERE id = %s", user.id))
        rules = self._crm_plus_pool_rules()
        for company in self._crm_plus_companies():
            rule = rules._rule_for(company, user.sale_team_id)
            if not rule.max_customers:
                continue
            mine = self.filtered(lambda p, company=company: (p.company_id or self.env.company) == company)
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """SELECT count(*) FROM res_partner p
                        WHERE p.user_id = %s AND p.parent_id IS NULL AND p.active
                          AND COALESCE(p.company_id, %s) = %s AND p.id NOT IN %s""",
                    user.id,
                    self.env.company.id,
                    company.id,
                    tuple(mine.ids) or (0,),
                )
            )
            owned = self.env.cr.fetchone()[0]
            if owned + len(mine) > rule.max_customers:
                raise UserError(
                    self.env._(
                        "You own %(owned)s customers: %(limit)s at most in %(company)s. Hand some over first.",
                        owned=owned,
                        limit=rule.max_customers,
                        company=company.name,
                    )
                )

    # -------------------------------------------------------------- actions

    @require_groups(SALESMAN)
    def action_claim(self):
        """The calling salesperson becomes the owner of these pool customers, within his rule's limit."""
        if not self:
            return True
        self.check_access("read")
        # lock the customers: a concurrent claim of the same customer fails on the update and is retried
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT id FROM res_partner WHERE id IN %s AND crm_plus_in_pool FOR UPDATE", tuple(self.ids))
        )
        in_pool = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_recordset(["user_id", "crm_plus_in_pool"])
        taken = self.filtered(lambda p: p.id not in in_pool)
        if taken:
            raise UserError(
                self.env._(
                    "Not in the customer pool (any more): %(names)s.", names=", ".join(taken.mapped("display_name"))
                )
            )
        self._crm_plus_check_claim_limit()
        # sudo: the checks above are the claim's rights (a salesperson may not write pool customers himself)
        trusted_context(self.sudo(), crm_plus_pool=True).write({"user_id": self.env.uid})
        self._crm_plus_message_log_batch(
            dict.fromkeys(
                self.ids,
                chatter_note(self.env, _lt("Claimed from the customer pool by %(user)s.", user=self.env.user.name)),
            )
        )
        return True
