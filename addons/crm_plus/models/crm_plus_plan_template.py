# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class CrmPlusPlanTemplate(models.Model):
    """A reusable execution plan (e.g. 30% deposit / delivery / 60% / 10%)."""

    _name = "crm_plus.plan.template"
    _description = "Execution Plan Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the template between companies.")
    line_ids = fields.One2many("crm_plus.plan.template.line", "template_id", string="Steps", copy=True)
    payment_percent = fields.Float(compute="_compute_payment_percent", string="Payment %")
    note = fields.Text(translate=True)

    @api.depends("line_ids.percent", "line_ids.kind")
    def _compute_payment_percent(self):
        for template in self:
            template.payment_percent = sum(
                template.line_ids.filtered(lambda line: line.kind == "payment").mapped("percent")
            )

    @api.constrains("line_ids")
    def _check_payment_percent(self):
        for template in self:
            payment_lines = template.line_ids.filtered(lambda line: line.kind == "payment")
            if payment_lines and float_compare(template.payment_percent, 100.0, precision_digits=4):
                raise ValidationError(
                    self.env._(
                        "The payment steps of template %(template)s add up to %(percent)s%%, "
                        "they must add up to 100%%.",
                        template=template.name,
                        percent=round(template.payment_percent, 4),
                    )
                )
