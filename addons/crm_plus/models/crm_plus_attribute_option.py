from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

from .crm_plus_attribute import CODE_RE


class CrmPlusAttributeOption(models.Model):
    _name = "crm_plus.attribute.option"
    _description = "Customer Attribute Option"
    _order = "attribute_id, sequence, id"

    attribute_id = fields.Many2one("crm_plus.attribute", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Value stored for choice attributes; used by imports and the API.",
    )
    sequence = fields.Integer(default=10)

    _code_unique = models.Constraint(
        "UNIQUE(attribute_id, code)",
        "The code of an option must be unique within its attribute.",
    )

    @api.constrains("code")
    def _check_code(self):
        for option in self:
            if not CODE_RE.fullmatch(option.code or ""):
                raise ValidationError(
                    self.env._(
                        "Invalid option code “%(code)s”: use lowercase letters, digits and underscores, "
                        "starting with a letter.",
                        code=option.code,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        options = super().create(vals_list)
        options.attribute_id._sync_selection_options()
        return options

    def write(self, vals):
        if "code" in vals:
            for option in self.filtered(lambda o: o.code != vals["code"] and o.attribute_id.value_type == "selection"):
                # rename the stored value instead of dropping it: the ORM rewrites the column for manual fields
                # sudo: the generated field's selection (Settings only) follows the renamed option (admin-only writes)
                selection = option.attribute_id.sudo().field_id.selection_ids.filtered(
                    lambda s, code=option.code: s.value == code
                )
                selection.write({"value": vals["code"]})
        res = super().write(vals)
        if {"name", "code", "sequence"} & set(vals):
            self.attribute_id._sync_selection_options()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_sync_selection(self):
        # the selection values of the generated field follow the options; values set NULL by the ORM
        self.attribute_id._sync_selection_options(removed_option_ids=self.ids)
