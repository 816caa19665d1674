# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models

from .crm_plus_dunning_level import CHANNELS


class CrmPlusDunningCommunicationLine(models.Model):
    """One overdue payment step in a communication; its key (step, level, channel) is sent once, ever."""

    _name = "crm_plus.dunning.communication.line"
    _description = "Dunning Communication Item"
    _order = "communication_id, date_due, id"

    communication_id = fields.Many2one(
        "crm_plus.dunning.communication", required=True, index=True, ondelete="cascade", readonly=True
    )
    step_id = fields.Many2one("crm_plus.plan.step", required=True, index=True, ondelete="cascade", readonly=True)
    level_id = fields.Many2one("crm_plus.dunning.level", required=True, ondelete="restrict", readonly=True)
    channel = fields.Selection(
        CHANNELS, required=True, readonly=True, help="The channel of the level this item was due for."
    )
    # the communication's company, set once when the run inserts the item (multi-company rule)
    company_id = fields.Many2one(related="communication_id.company_id", store=True, index=True)
    order_id = fields.Many2one(related="step_id.order_id", string="Order")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    date_due = fields.Date(readonly=True)
    days_overdue = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True)
    amount_residual = fields.Monetary(readonly=True, string="Overdue")

    _step_level_channel_uniq = models.UniqueIndex(
        "(step_id, level_id, channel)", "A payment step is dunned once per level and channel."
    )
