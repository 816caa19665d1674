from odoo import models

from .crm_plus_attribute_target import FIELD_PREFIX
from .crm_plus_attribute_target import PARTNER_MODEL


class IrFieldsConverter(models.AbstractModel):
    _inherit = "ir.fields.converter"

    def db_id_for(self, model, field, subfield, value, savepoint):
        """Match tags of an attribute by option name or code among that attribute's options only.

        Options of different attributes may share a name ("Other"): the generic name_search would pick
        any of them."""
        if (
            subfield is None
            and value
            and field.name.startswith(FIELD_PREFIX)
            and field.comodel_name == "crm_plus.attribute.option"
        ):
            # res.users holds its partner's attributes (delegation)
            applies_to = PARTNER_MODEL if PARTNER_MODEL in model._inherits else model._name
            option = self.env["crm_plus.attribute.option"].search(
                [
                    ("attribute_id.field_name", "=", field.name),
                    ("attribute_id.applies_to", "=", applies_to),
                    "|",
                    ("code", "=", value),
                    ("name", "=", value),
                ],
                limit=1,
            )
            if option:
                return option.id, []
        return super().db_id_for(model, field, subfield, value, savepoint)
