# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_dunning_policy_id = fields.Many2one(
        "crm_plus.dunning.policy",
        string="Dunning Policy",
        help="Leave empty to use the company's default policy.",
    )
    crm_plus_dunning_level_id = fields.Many2one(
        "crm_plus.dunning.level",
        string="Dunning Level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Highest level reached by the customer's overdue payment steps, updated by the dunning run.",
    )
    crm_plus_credit_hold = fields.Boolean(
        related="crm_plus_dunning_level_id.credit_hold",
        string="Credit Hold",
        help="The customer's dunning level holds credit: new orders need approval.",
    )
    crm_plus_dunning_communication_ids = fields.One2many(
        "crm_plus.dunning.communication", "partner_id", string="Dunning Communications"
    )
    crm_plus_dunning_communication_count = fields.Integer(
        compute="_compute_crm_plus_dunning_communication_count", string="Dunning"
    )

    def _compute_crm_plus_dunning_communication_count(self):
        counts = dict(
            self.env["crm_plus.dunning.communication"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_plus_dunning_communication_count = counts.get(partner.commercial_partner_id, 0)

    def action_crm_plus_dunning_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_dunning_communication_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_partner_id": self.commercial_partner_id.id}
        return action
