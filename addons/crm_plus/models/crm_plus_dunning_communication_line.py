# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models

from .. import dunning_channels
from .. import receivables


class CrmPlusDunningCommunicationLine(models.Model):
    """One open item in a communication: the receivable line of a posted customer invoice, or a payment
    step collected before invoicing (money not invoiced yet). Exactly one of the two is set; the key
    (item, level, channel) is sent once, ever (see receivables.py and the dunning run)."""

    _name = "crm_plus.dunning.communication.line"
    _description = "Dunning Communication Item"
    _order = "communication_id, date_due, id"

    communication_id = fields.Many2one(
        "crm_plus.dunning.communication", required=True, index=True, ondelete="cascade", readonly=True
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Item",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The receivable line of a posted customer invoice.",
    )
    step_id = fields.Many2one(
        "crm_plus.plan.step",
        string="Prepayment Step",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="A plan payment step collected before invoicing (money not invoiced yet).",
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    invoice_date = fields.Date(related="move_line_id.move_id.invoice_date")
    level_id = fields.Many2one("crm_plus.dunning.level", required=True, ondelete="restrict", readonly=True)
    channel = fields.Selection(
        dunning_channels.selection,
        required=True,
        readonly=True,
        help="The channel of the level this item was due for (before any fallback).",
    )
    # the communication's company, set once when the run inserts the item (multi-company rule)
    company_id = fields.Many2one(related="communication_id.company_id", store=True, index=True)
    order_id = fields.Many2one(
        "sale.order",
        string="Order",
        readonly=True,
        index="btree_not_null",  # the foreign key's: deleting orders must not scan the dunning history
        help="The order of a prepayment step.",
    )
    name = fields.Char(compute="_compute_name", string="Document")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    date_due = fields.Date(readonly=True)
    days_overdue = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True)
    amount_residual = fields.Monetary(readonly=True, string="Overdue")

    _one_item = models.Constraint(
        "CHECK ((move_line_id IS NULL) <> (step_id IS NULL))",
        "A dunning item is an invoice's receivable line or a prepayment step, exactly one of them.",
    )
    _item_level_channel_uniq = models.UniqueIndex(
        "(COALESCE(move_line_id, 0), COALESCE(step_id, 0), level_id, channel)",
        "An item is dunned once per level and channel.",
    )

    @api.private  # the ORM calls it at install/update; never a client
    def init(self):
        receivables.create_indexes(self.env.cr)

    @api.depends("move_line_id", "step_id", "order_id")
    def _compute_name(self):
        # sudo: the reference of the document the item already shows (its invoice or order), whoever reads it
        for line, item in zip(self, self.sudo(), strict=True):
            if item.move_line_id:
                line.name = item.move_line_id.move_id.name
            else:
                line.name = " / ".join(filter(None, [item.order_id.name, item.step_id.name]))
