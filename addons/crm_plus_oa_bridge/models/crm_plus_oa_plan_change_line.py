# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo import models


class CrmPlusOaPlanChangeLine(models.Model):
    """One step of a plan change: its date and amount before, and as requested.

    The step's name and figures are copied: approvers who may not read the
    plan still see what they decide on.
    """

    _name = "crm_plus_oa.plan.change.line"
    _description = "Plan Change Line"
    _order = "change_id, date_due_before, id"

    change_id = fields.Many2one("crm_plus_oa.plan.change", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="change_id.company_id", store=True)
    currency_id = fields.Many2one(related="change_id.currency_id")
    step_id = fields.Many2one("crm_plus.plan.step", string="Plan Step", required=True, index=True, ondelete="cascade")
    step_name = fields.Char(string="Step", required=True)
    date_due_before = fields.Date(string="Planned Date Before", required=True)
    date_due = fields.Date(string="Requested Date", required=True)
    amount_before = fields.Float(digits=(16, 2), string="Amount Before")
    amount = fields.Float(digits=(16, 2), string="Requested Amount")
