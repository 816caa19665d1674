# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import ormcache


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_plus_other_owner_quote = fields.Selection(
        [("allow", "Allowed"), ("refuse", "Refused")],
        string="Quotations for Customers of Others",
        default="allow",
        help="Refused: a salesperson cannot start a quotation for a customer owned by another salesperson (team "
        "leaders with all documents and sales managers can). To send such quotations for approval instead, add an "
        "approval rule of type 'Customer owned by another salesperson'.",
    )
    crm_plus_duplicate_customer = fields.Selection(
        [("warn", "Warned"), ("refuse", "Refused")],
        string="Duplicate Customers",
        default="warn",
        help="Warned: the customer form lists the existing customers with the same normalised name, tax id, phone or "
        "email. Refused: a salesperson cannot create such a customer either, from a form, an import or over RPC "
        "(team leaders with all documents and sales managers can); he opens the existing one or asks its owner to "
        "share it.",
    )
    crm_plus_customer_owner_edit = fields.Boolean(
        string="Customers Editable by their Owner Only",
        help="A customer with an owner (salesperson), its contacts included, is then created, changed or deleted only "
        "by its owner, the users it is shared with, the owner's team leader and department managers, and the sales "
        "managers (and billing users); customers in the pool only by managers. Everybody still reads the contact "
        "card, as in Odoo.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        if any(vals.get("crm_plus_customer_owner_edit") for vals in vals_list):
            self.env.registry.clear_cache()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if "crm_plus_customer_owner_edit" in vals:
            self.env.registry.clear_cache()
        return res

    @api.model
    @ormcache()
    def _crm_plus_owner_edit_company_ids(self):
        """Ids of the companies restricting customer editing to owners, cached: every partner write reads them,
        and none (the default) must cost no query."""
        # sudo: a setting that binds every user, whatever he may read of the companies
        companies = self.sudo().with_context(active_test=False).search([("crm_plus_customer_owner_edit", "=", True)])
        return frozenset(companies.ids)
