# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who reads a customer's filed documents: whoever may read the customer's commercial records.

dms gives a folder linked to a record the access of that record. A
customer's folders (Quotations, Contracts, Orders, Dunning) are linked to the
customer, and every internal user reads every customer: the letters filed
for a customer would be everybody's. The bridge narrows them to the users who
may read one of the customer's commercial records: an order (approvers of an
order included, they read it), a customer invoice, a dunning communication
(approvers of an escalation included), or who owns the customer. An order's
own folders keep following the order.
"""

from odoo import api
from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL

# Folders linked to the customer (res.partner) rather than to one of its orders.
CUSTOMER_FOLDER_KINDS = ("customer", "quotations", "contracts", "orders", "dunning")


class DmsSecurityMixin(models.AbstractModel):
    _inherit = "dms.security.mixin"

    @api.model
    def _get_domain_by_inheritance(self, operation):
        domain = super()._get_domain_by_inheritance(operation)
        if self.env.su:
            return domain
        # plain SQL on the folders: no record rule of dms.directory runs inside another one
        folder = "id" if self._name == "dms.directory" else self._directory_field
        customer_folders = SQL("(SELECT id FROM dms_directory WHERE oa_folder_kind IN %s)", CUSTOMER_FOLDER_KINDS)
        readable_folders = SQL(
            "(SELECT id FROM dms_directory WHERE oa_folder_kind IN %s AND res_model = 'res.partner' AND res_id IN %s)",
            CUSTOMER_FOLDER_KINDS,
            self._crm_plus_oa_readable_customers(),
        )
        return Domain(domain) & (Domain(folder, "not in", customer_folders) | Domain(folder, "in", readable_folders))

    @api.model
    def _crm_plus_oa_readable_customers(self):
        """SQL selecting the commercial partners whose commercial records the current user may read."""
        env = self.env
        if env.user.share:
            return SQL("(SELECT NULL::int WHERE FALSE)")
        sources = [
            ("sale.order", Domain("partner_id", "!=", False)),
            ("account.move", Domain("move_type", "in", ("out_invoice", "out_refund"))),
            ("crm_plus.dunning.communication", Domain("partner_id", "!=", False)),
        ]
        selects = []
        for model, domain in sources:
            Model = env[model].with_context(active_test=False)
            if Model.has_access("read"):
                query = Model._search(domain)
                selects.append(query.subselect(SQL.identifier(query.table, "partner_id")))
        # the customers he owns (crm_plus: the customer's salesperson)
        query = env["res.partner"].with_context(active_test=False)._search(Domain("user_id", "=", env.uid))
        selects.append(query.subselect(SQL.identifier(query.table, "id")))
        return SQL(
            "(SELECT commercial_partner_id FROM res_partner WHERE id IN (%s))",
            SQL(" UNION ").join(selects),
        )
