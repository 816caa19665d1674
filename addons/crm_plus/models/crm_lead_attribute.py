# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Opportunity attributes: crm.lead as a target of the attribute engine (``crm_plus.attribute.holder``).

A required opportunity attribute binds opportunities (not leads) in the stages its definition marks (*Required from
Stages*; empty: every stage). It is checked when an opportunity is created or moves to such a stage, and when a
write empties it; opportunities already in a stage before the attribute was defined stay editable.
"""

from odoo import api
from odoo import models
from odoo.tools import SQL

from . import crm_plus_attribute_holder  # noqa: F401  (defines the mixin inherited below)
from .crm_plus_attribute_target import FIELD_PREFIX


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm_plus.attribute.holder"]

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        attributes = self._crm_plus_attributes().filtered("required")
        if attributes:
            leads._crm_plus_check_required(attributes)
        return leads

    def write(self, vals):
        res = super().write(vals)
        touched = [fname for fname in vals if fname.startswith(FIELD_PREFIX)]
        if self and (touched or {"stage_id", "type"} & set(vals)):
            attributes = self._crm_plus_attributes().filtered("required")
            if not {"stage_id", "type"} & set(vals):
                attributes = attributes.filtered(lambda a: a.field_name in touched)
            self._crm_plus_check_required(attributes)
        return res

    # ------------------------------------------------------------------ attribute rules of opportunities
    @api.model
    def _crm_plus_attribute_applies_sql(self, attribute, alias, only_categorized=False):
        condition = SQL("%s = 'opportunity'", SQL.identifier(alias, "type"))
        if attribute.lead_stage_ids:
            condition = SQL(
                "%s AND %s IN %s", condition, SQL.identifier(alias, "stage_id"), tuple(attribute.lead_stage_ids.ids)
            )
        return condition

    @api.model
    def _crm_plus_attribute_view_attrs(self, attribute):
        if not attribute.required:
            return {}
        required = "type == 'opportunity'"
        if attribute.lead_stage_ids:
            required += f" and stage_id in {attribute.lead_stage_ids.ids}"
        return {"required": required}

    @api.model
    def _crm_plus_required_title(self):
        return self.env._("Required opportunity attributes are missing:")
