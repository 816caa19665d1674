# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import fields
from odoo import models

from odoo.addons.crm_plus.access import require_groups

from ..access import OA_USER


class SaleOrderContractAttach(models.TransientModel):
    _name = "sale.order.contract.attach"
    _description = "Attach a Contract to an Order"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    file = fields.Binary(string="Contract", required=True, attachment=False)
    file_name = fields.Char(required=True)

    @require_groups(OA_USER)
    def action_attach(self):
        """File the contract in the customer's Contracts folder, in the order's own folder."""
        self.ensure_one()
        self.order_id._crm_plus_oa_attach_contract(self.file_name, base64.b64decode(self.file))
        return {"type": "ir.actions.act_window_close"}
