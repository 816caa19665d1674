from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..access import trusted_context


class CrmPlusAttributeDelete(models.TransientModel):
    _name = "crm_plus.attribute.delete"
    _description = "Confirm the deletion of attributes holding values"

    attribute_ids = fields.Many2many(
        "crm_plus.attribute", string="Attributes", required=True, context={"active_test": False}
    )
    partner_count = fields.Integer(string="Records losing data", compute="_compute_partner_count")
    message = fields.Text(compute="_compute_partner_count")

    @api.depends("attribute_ids")
    def _compute_partner_count(self):
        for wizard in self:
            counts = wizard.attribute_ids._value_counts()
            # one record may hold values for several attributes: count records, not values
            wizard.partner_count = wizard._partners_with_values()
            wizard.message = self.env._(
                "%(count)s records (customers, orders or opportunities) hold values for %(names)s. Deleting "
                "removes the field and these values for good. Archiving hides the attribute and keeps the values.",
                count=wizard.partner_count,
                names=", ".join(f"{a.name} ({counts.get(a.id, 0)})" for a in wizard.attribute_ids),
            )

    def _partners_with_values(self):
        self.ensure_one()
        # sudo: field_id (ir.model.fields) is readable by Settings only; the administrator gets a count of records
        attributes = self.attribute_ids.sudo().filtered("field_id")
        if not attributes:
            return 0

        self.env.flush_all()
        total = 0
        # one count per target model: a record holding values for several attributes counts once
        for model in set(attributes.mapped("applies_to")):
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM %s p WHERE %s",
                    SQL.identifier(self.env[model]._table),
                    SQL(" OR ").join(a._filled_sql() for a in attributes if a.applies_to == model),
                )
            )
            total += self.env.cr.fetchone()[0]
        return total

    def action_archive_attributes(self):
        self.attribute_ids.action_archive()
        return {"type": "ir.actions.act_window_close"}

    def action_confirm_delete(self):
        trusted_context(self.with_context(active_test=False).attribute_ids, crm_plus_confirm_delete=True).unlink()
        return {"type": "ir.actions.act_window_close"}
