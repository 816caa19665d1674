# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crm_plus_round_ids = fields.Many2many(
        "sale.order",
        string="Quotation Rounds",
        compute="_compute_crm_plus_rounds",
        help="Every round of every quotation of this opportunity, oldest first.",
    )
    crm_plus_round_count = fields.Integer(string="Rounds", compute="_compute_crm_plus_rounds")
    crm_plus_first_round_amount = fields.Monetary(
        string="First Offer", compute="_compute_crm_plus_rounds", currency_field="company_currency"
    )
    crm_plus_last_round_amount = fields.Monetary(
        string="Latest Offer", compute="_compute_crm_plus_rounds", currency_field="company_currency"
    )

    @api.depends("order_ids.round_number", "order_ids.round_state", "order_ids.amount_untaxed")
    def _compute_crm_plus_rounds(self):
        for lead in self:
            rounds = lead.order_ids.sorted(lambda o: (o.date_order or fields.Datetime.now(), o.id))
            lead.crm_plus_round_ids = rounds
            lead.crm_plus_round_count = len(rounds)
            open_rounds = rounds.filtered(lambda o: o.round_state != "lost" and o.state != "cancel") or rounds
            lead.crm_plus_first_round_amount = rounds[:1].amount_untaxed
            lead.crm_plus_last_round_amount = open_rounds[-1:].amount_untaxed

    def action_view_crm_plus_rounds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.sale_order_action_rounds")
        action["domain"] = [("opportunity_id", "=", self.id)]
        action["context"] = {"default_opportunity_id": self.id, "default_partner_id": self.partner_id.id}
        return action
