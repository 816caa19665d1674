# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo import models
from odoo.tools import format_date

from ..report.crm_plus_report_customer_value import DEFAULT_PERIOD_DAYS
from ..report.crm_plus_report_customer_value import PERIOD_FROM
from ..report.crm_plus_report_customer_value import PERIOD_TO


class CrmPlusReportCustomerValuePeriod(models.TransientModel):
    """Choose the period of the customer value analysis: revenue and ABC classes over it."""

    _name = "crm_plus.report.customer.value.period"
    _description = "Customer Value Period"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=DEFAULT_PERIOD_DAYS),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    def action_open(self):
        """The customer value analysis over the period (checked by the report, which reads it)."""
        self.ensure_one()
        context = {PERIOD_FROM: fields.Date.to_string(self.date_from), PERIOD_TO: fields.Date.to_string(self.date_to)}
        self.env["crm_plus.report.customer.value"].with_context(context)._abc_period()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_report_customer_value_action")
        action["name"] = action["display_name"] = self.env._(
            "Customer Value (ABC) %(date_from)s - %(date_to)s",
            date_from=format_date(self.env, self.date_from),
            date_to=format_date(self.env, self.date_to),
        )
        # the period replaces the default "this month" date filter
        action["context"] = context
        return action
