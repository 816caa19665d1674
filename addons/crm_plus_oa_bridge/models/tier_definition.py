# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    oa_step_ids = fields.One2many("crm_plus_oa.route.step", "definition_id", string="Route Steps")

    @api.model
    def _get_tier_validation_model_names(self):
        return [
            *super()._get_tier_validation_model_names(),
            "sale.order",
            "crm_plus_oa.plan.change",
            "crm_plus.dunning.communication",
        ]

    def write(self, vals):
        # Route steps drive these definitions; reviews in flight read their
        # sequence policy from here, so only the name follows the step.
        if set(vals) - {"name"} and self.filtered("oa_step_ids"):
            raise UserError(self.env._("This tier belongs to an approval route: edit the route instead."))
        return super().write(vals)
