from odoo import models
from odoo.tools import SQL

from .crm_plus_attribute_report import REPORT_MODELS
from .crm_plus_attribute_target import FIELD_PREFIX
from .crm_plus_attribute_target import TARGETS

ATTRIBUTE_MODELS = frozenset({*(target.model for target in TARGETS), *REPORT_MODELS})


class IrModelFields(models.Model):
    _inherit = "ir.model.fields"

    def _instanciate_attrs(self, field_data):
        """Give the generated attribute fields the groups of their ``groups`` (visibility groups).

        Core keeps ``ir.model.fields.groups`` but does not apply it to manual fields; for ``x_attr_*``
        fields of every target model we turn it into the field's ``groups``, so the ORM enforces read/write access
        and views drop the field for other users. The reports' ``x_attr_*`` fields (related to the partner's) get
        the same groups."""
        attrs = super()._instanciate_attrs(field_data)
        if attrs and field_data["model"] in ATTRIBUTE_MODELS and field_data["name"].startswith(FIELD_PREFIX):
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT d.module || '.' || d.name
                         FROM ir_model_fields_group_rel r
                         JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.group_id
                        WHERE r.field_id = %s
                     ORDER BY 1""",
                    field_data["id"],
                )
            )
            groups = [row[0] for row in self.env.cr.fetchall()]
            if groups:
                attrs["groups"] = ",".join(groups)
        return attrs
