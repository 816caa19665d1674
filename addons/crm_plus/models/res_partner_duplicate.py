# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Duplicate customers: same normalised name, tax id, phone or email as an existing customer.

The keys are SQL expressions over the columns, each with an expression index (``init``), so that looking a new
customer up reads a few index entries whatever the number of customers. Normalised name: lower case, without
spaces and ASCII/CJK punctuation, without a trailing legal form (Ltd, Inc, Co., 有限公司...). Tax id: letters and
digits, upper case. Phone: the last 9 digits (7 digits at least). Email: Odoo's ``email_normalized``.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..access import ALL_LEADS
from ..access import SALE_MANAGER
from ..access import SALESMAN
from ..access import require_groups

# separators: ASCII and CJK punctuation (full-width parentheses and comma, middle dot, ideographic full stop
# and comma); the hyphen last, literal
_SEPARATORS = "[ \t\r\n.,;:&'\"()/_+\uff08\uff09\u00b7\uff0c\u3002\u3001-]"
# a legal form ending the name: Latin ones after a separator (repeated: "Co., Ltd."), Chinese ones as a suffix
_LATIN_FORMS = f"({_SEPARATORS}+(co|corp|corporation|inc|ltd|limited|llc|gmbh|sa|sarl|bv|plc|company))+{_SEPARATORS}*$"
_CHINESE_FORMS = "(股份有限公司|有限责任公司|有限公司|集团|公司)$"


def name_key(column):
    return SQL(
        "regexp_replace(regexp_replace(regexp_replace(lower(%s), %s, ''), %s, ''), %s, '', 'g')",
        column,
        _LATIN_FORMS,
        _CHINESE_FORMS,
        _SEPARATORS + "+",
    )


def vat_key(column):
    return SQL("upper(regexp_replace(%s, '[^0-9A-Za-z]', '', 'g'))", column)


def phone_key(column):
    return SQL("right(regexp_replace(%s, '[^0-9]', '', 'g'), 9)", column)


KEYS = {"name": name_key, "vat": vat_key, "phone": phone_key}


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_duplicate_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_crm_plus_duplicate_ids",
        help="Customers with the same normalised name, tax id, phone or email.",
    )

    @api.private
    def init(self):
        super().init()
        for key, expression in KEYS.items():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON res_partner ((%s)) WHERE parent_id IS NULL",
                    SQL.identifier(f"res_partner_crm_plus_{key}_key_index"),
                    expression(SQL.identifier(key)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if not self.env.su:
            partners._crm_plus_check_duplicates()
        return partners

    @api.depends("name", "vat", "phone", "email", "parent_id", "is_company")
    def _compute_crm_plus_duplicate_ids(self):
        for partner in self:
            partner.crm_plus_duplicate_ids = partner._crm_plus_find_duplicates()

    def _crm_plus_find_duplicates(self, limit=8):
        """Other customers (commercial partners) matching one of this one's keys, among those the user may read."""
        self.ensure_one()
        if self.parent_id or not (self.name or self.vat or self.phone or self.email):
            return self.browse()
        conditions = []
        for key, expression in KEYS.items():
            value = self[key]
            if not value:
                continue
            self.env.cr.execute(SQL("SELECT %s", expression(SQL("%s", value))))
            normalised = self.env.cr.fetchone()[0]
            if not normalised or (key == "phone" and len(normalised) < 7) or (key == "vat" and len(normalised) < 4):
                continue
            conditions.append(SQL("%s = %s", expression(SQL.identifier("p", key)), normalised))
        email = self.email and self.env["res.partner"]._fields["email_normalized"] and self.email_normalized
        if email:
            conditions.append(SQL("p.email_normalized = %s", email))
        if not conditions:
            return self.browse()
        self.env.cr.execute(
            SQL(
                """SELECT p.id FROM res_partner p
                    WHERE p.parent_id IS NULL AND p.active AND p.id != %s AND (%s)
                    ORDER BY p.id LIMIT %s""",
                self._origin.id or 0,
                SQL(" OR ").join(conditions),
                limit * 4,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.search([("id", "in", ids)], limit=limit) if ids else self.browse()

    def _crm_plus_check_duplicates(self):
        """Refuse new customers duplicating existing ones, for salespeople of companies that refuse duplicates."""
        user = self.env.user
        if not user.has_group(SALESMAN) or user.has_group(ALL_LEADS) or user.has_group(SALE_MANAGER):
            return
        for partner in self.filtered(lambda p: not p.parent_id):
            # sudo: a company setting that binds the salesperson, whatever he may read of the companies
            if (partner.company_id or self.env.company).sudo().crm_plus_duplicate_customer != "refuse":
                continue
            duplicates = partner._crm_plus_find_duplicates(limit=3)
            if duplicates:
                raise UserError(
                    self.env._(
                        "%(name)s is already a customer: %(customers)s. Open it, or ask its salesperson to share "
                        "it with you (Ask the Owner); a sales manager can create it if it really is another one.",
                        name=partner.name,
                        customers=", ".join(
                            self.env._(
                                "%(customer)s (salesperson: %(owner)s)", customer=d.display_name, owner=d.user_id.name
                            )
                            if d.user_id
                            else d.display_name
                            for d in duplicates
                        ),
                    )
                )

    @require_groups(SALESMAN)
    def action_crm_plus_request_share(self):
        """Ask the owner of this customer (a To-Do on his desktop) to share it or hand it over."""
        self.ensure_one()
        self.check_access("read")
        owner = self.user_id
        if not owner or owner == self.env.user:
            raise UserError(self.env._("Only a customer owned by someone else can be asked for."))
        # sudo: the To-Do is the owner's, on a customer the caller may read but not write
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=owner.id,
            summary=self.env._(
                "%(user)s asks to work with %(customer)s", user=self.env.user.name, customer=self.display_name
            ),
        )
        return True
