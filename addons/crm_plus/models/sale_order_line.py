# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import models

from .sale_order import APPROVAL_LINE_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _crm_plus_counts_for_approval(self):
        """Lines whose figures the approval rules look at."""
        return self.filtered(lambda line: not line.display_type and not line.is_downpayment)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._crm_plus_counts_for_approval().order_id._crm_plus_on_lines_changed()
        return lines

    def write(self, vals):
        if not APPROVAL_LINE_FIELDS.intersection(vals):
            return super().write(vals)
        # only a real change of figures resets the approval
        changed = self._crm_plus_counts_for_approval().filtered(
            lambda line: any(
                line._fields[name].convert_to_write(line[name], line) != vals[name]
                for name in APPROVAL_LINE_FIELDS.intersection(vals)
            )
        )
        orders = changed.order_id
        res = super().write(vals)
        orders._crm_plus_on_lines_changed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_round(self):
        # removing lines of a quotation on hold or approved withdraws the approval
        orders = self._crm_plus_counts_for_approval().order_id
        orders._crm_plus_check_round_open()
        orders._crm_plus_reset_approval()
