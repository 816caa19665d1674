from odoo import models

from .crm_plus_attribute import FIELD_PREFIX


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
            option = self.env["crm_plus.attribute.option"].search(
                [("attribute_id.field_name", "=", field.name), "|", ("code", "=", value), ("name", "=", value)],
                limit=1,
            )
            if option:
                return option.id, []
        return super().db_id_for(model, field, subfield, value, savepoint)
