# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        # a held order (a change of it waits for an approval) delivers nothing meanwhile
        # sudo: the warehouse user validating may not read the orders; only their approval state is read
        self.sudo().sale_id._crm_plus_check_not_held()
        return super()._action_done()
