from odoo import api
from odoo import fields
from odoo import models


class CrmPlusCustomerCategory(models.Model):
    _name = "crm_plus.customer.category"
    _description = "Customer Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, unique; used in imports and integrations.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    attribute_ids = fields.Many2many(
        "crm_plus.attribute",
        "crm_plus_attribute_category_rel",
        "category_id",
        "attribute_id",
        string="Attributes",
        help="Attributes restricted to this category. Attributes without category apply to every customer.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")
    crm_plus_plan_template_id = fields.Many2one(
        "crm_plus.plan.template",
        string="Execution Plan Template",
        help="Plan of the orders of this category's customers, unless the customer has a template of its own.",
    )
    crm_plus_dunning_policy_id = fields.Many2one(
        "crm_plus.dunning.policy",
        string="Dunning Policy",
        help="Dunning of this category's customers, unless the customer has a policy of its own; "
        "else the company's default policy.",
    )

    _code_unique = models.Constraint("UNIQUE(code)", "The code of a customer category must be unique.")

    @api.depends()
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("crm_plus_category_id", "in", self.ids)],
                ["crm_plus_category_id"],
                ["__count"],
            )
        )
        for category in self:
            category.partner_count = counts.get(category, 0)

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.res_partner_action_customer")
        action["domain"] = [("crm_plus_category_id", "=", self.id)]
        action["context"] = {"default_crm_plus_category_id": self.id}
        return action
