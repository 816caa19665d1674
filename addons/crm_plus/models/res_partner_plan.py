# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_plan_template_id = fields.Many2one(
        "crm_plus.plan.template",
        string="Execution Plan Template",
        help="Plan template for this customer's orders; overrides the category's and the payment term's.",
    )
    crm_plus_plan_amount_open = fields.Monetary(
        compute="_compute_crm_plus_plan_amounts",
        string="Open Plan Amount",
        currency_field="currency_id",
        help="Amount of the payment steps of this customer's execution plans still to collect.",
    )
    crm_plus_plan_amount_overdue = fields.Monetary(
        compute="_compute_crm_plus_plan_amounts", string="Overdue Plan Amount", currency_field="currency_id"
    )
    crm_plus_plan_count = fields.Integer(compute="_compute_crm_plus_plan_amounts", string="Execution Plans")

    def _compute_crm_plus_plan_amounts(self):
        commercial = self.commercial_partner_id
        domain = (
            Domain("partner_id", "in", commercial.ids)
            & Domain("kind", "=", "payment")
            & Domain("state", "not in", ("done", "cancelled"))
        )
        steps = self.env["crm_plus.plan.step"]
        open_amounts = dict(steps._read_group(domain, ["partner_id"], ["amount_residual:sum"]))
        overdue = dict(
            steps._read_group(domain & Domain("state", "=", "overdue"), ["partner_id"], ["amount_residual:sum"])
        )
        counts = dict(
            self.env["crm_plus.plan"]._read_group(
                [("partner_id", "in", commercial.ids), ("state", "!=", "cancelled")], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            key = partner.commercial_partner_id
            partner.crm_plus_plan_amount_open = open_amounts.get(key, 0.0)
            partner.crm_plus_plan_amount_overdue = overdue.get(key, 0.0)
            partner.crm_plus_plan_count = counts.get(key, 0)

    def action_open_crm_plus_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_plan_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
