# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class CrmPlusPortal(CustomerPortal):
    """The customer's open items in the portal: the invoices and prepayment requests the dunning works from."""

    def _crm_plus_open_items(self):
        partner = request.env.user.partner_id.commercial_partner_id
        # sudo: the logged-in customer's own open items only (their commercial partner), read with the dunning
        # run's query; nothing else of the run or of other customers is exposed
        return request.env["crm_plus.dunning.run"].sudo()._crm_plus_open_items_of(partner)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_plus_open_item_count" in counters:
            values["crm_plus_open_item_count"] = len(self._crm_plus_open_items())
        return values

    @http.route("/my/open_items", type="http", auth="user", website=True)
    def portal_my_open_items(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update({"items": self._crm_plus_open_items(), "page_name": "crm_plus_open_items"})
        return request.render("crm_plus.portal_my_open_items", values)
