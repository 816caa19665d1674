from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..column_defaults import set_column_defaults
from .crm_plus_attribute_target import FIELD_PREFIX


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm_plus.attribute.holder"]
    _crm_plus_column_defaults = ("crm_plus_completeness",)

    crm_plus_category_id = fields.Many2one(
        "crm_plus.customer.category",
        string="Customer Category",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        help="Decides which custom attributes the customer has and which of them are required.",
    )
    crm_plus_completeness = fields.Integer(
        string="Attribute Completeness (%)",
        default=100,
        readonly=True,
        copy=False,
        help="Share of the attributes applicable to this customer that hold a value.",
    )

    @api.private
    def init(self):
        super().init()
        set_column_defaults(self)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        attributes = self._crm_plus_attributes()
        if attributes:
            self.flush_model()
            partners._crm_plus_check_required(attributes)
            partners._crm_plus_update_completeness(attributes)
        return partners

    def write(self, vals):
        res = super().write(vals)
        touched = [fname for fname in vals if fname.startswith(FIELD_PREFIX)]
        if self and (touched or "crm_plus_category_id" in vals):
            attributes = self._crm_plus_attributes()
            if attributes:
                self.flush_model()
                required = attributes
                if "crm_plus_category_id" not in vals:
                    # only what this write may have emptied: older incomplete customers stay editable
                    required = required.filtered(lambda a: a.field_name in touched)
                self._crm_plus_check_required(required)
                self._crm_plus_update_completeness(attributes)
        return res

    # ------------------------------------------------------------------ attribute rules of customers
    @api.model
    def _crm_plus_attribute_applies_sql(self, attribute, alias, only_categorized=False):
        """A customer attribute binds the customers of its categories (any category when it has none).

        Required attributes bind categorized customers only (``only_categorized``): partners created for users and
        companies have no category and are never blocked."""
        category = SQL.identifier(alias, "crm_plus_category_id")
        if attribute.category_ids:
            return SQL("%s IN %s", category, tuple(attribute.category_ids.ids))
        return SQL("%s IS NOT NULL", category) if only_categorized else SQL("TRUE")

    @api.model
    def _crm_plus_attribute_view_attrs(self, attribute):
        attrs = {}
        ids = attribute.category_ids.ids
        if ids:
            attrs["invisible"] = f"crm_plus_category_id not in {ids}"
        if attribute.required:
            attrs["required"] = f"crm_plus_category_id in {ids}" if ids else "crm_plus_category_id"
        return attrs

    @api.model
    def _crm_plus_attribute_page_invisible(self, attributes):
        if all(a.category_ids for a in attributes):
            return f"crm_plus_category_id not in {sorted(set(attributes.category_ids.ids))}"
        return None

    @api.model
    def _crm_plus_required_title(self):
        return self.env._("Required customer attributes are missing:")

    def _crm_plus_update_completeness(self, attributes=None):
        """Store the % of applicable attributes filled, in one UPDATE for ``self`` (all partners if empty)."""
        if attributes is None:
            attributes = self._crm_plus_attributes()
        attributes = attributes.filtered(lambda a: a.active and a.field_name in self._fields)
        self.flush_model()
        if attributes:
            # COALESCE: "category IN (...)" is NULL for a customer without category, which would null the sum
            applicable = SQL(" + ").join(SQL("COALESCE((%s)::int, 0)", a._applies_sql()) for a in attributes)
            filled = SQL(" + ").join(
                SQL("COALESCE((%s AND %s)::int, 0)", a._applies_sql(), a._filled_sql()) for a in attributes
            )
            value = SQL(
                "CASE WHEN %(n)s = 0 THEN 100 ELSE floor(100.0 * (%(f)s) / (%(n)s))::int END",
                n=applicable,
                f=filled,
            )
        else:
            value = SQL("100")
        where = SQL("p.id IN %s", tuple(self.ids)) if self.ids else SQL("TRUE")
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET crm_plus_completeness = %s
                    WHERE %s AND crm_plus_completeness IS DISTINCT FROM %s""",
                value,
                where,
                value,
            )
        )
        self.invalidate_model(["crm_plus_completeness"])
