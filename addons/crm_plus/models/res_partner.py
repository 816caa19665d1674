from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..column_defaults import set_column_defaults
from .crm_plus_attribute import FIELD_PREFIX


class ResPartner(models.Model):
    _inherit = "res.partner"
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
        self._crm_plus_check_edit_groups(vals_list, create=True)
        numeric = self._crm_plus_numeric_fields()
        if numeric:
            # an empty numeric value is "unset" (NULL), not 0: let the column stay NULL
            vals_list = [
                {k: v for k, v in vals.items() if not (k in numeric and (v is False or v is None))}
                for vals in vals_list
            ]
        partners = super().create(vals_list)
        # sudo: the definitions decide what is required for every user, whatever their read rights on them
        attributes = self.env["crm_plus.attribute"].sudo().search([("field_id", "!=", False)])
        if attributes:
            self.flush_model()
            partners._crm_plus_check_options(attributes)
            partners._crm_plus_check_required(attributes.filtered("required"))
            partners._crm_plus_update_completeness(attributes)
        return partners

    def write(self, vals):
        self._crm_plus_check_edit_groups([vals])
        res = super().write(vals)
        emptied = [k for k in self._crm_plus_numeric_fields() if k in vals and (vals[k] is False or vals[k] is None)]
        if emptied and self:
            # the ORM writes 0 for an empty number; an emptied attribute is unset (NULL)
            self.flush_recordset(emptied)
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET %s WHERE id IN %s",
                    SQL(", ").join(SQL("%s = NULL", SQL.identifier(f)) for f in emptied),
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(emptied)
        touched = [fname for fname in vals if fname.startswith(FIELD_PREFIX)]
        if self and (touched or "crm_plus_category_id" in vals):
            # sudo: the definitions decide what is required for every user, whatever their read rights on them
            attributes = self.env["crm_plus.attribute"].sudo().search([("field_id", "!=", False)])
            if attributes:
                self.flush_model()
                self._crm_plus_check_options(attributes.filtered(lambda a: a.field_name in touched))
                required = attributes.filtered("required")
                if "crm_plus_category_id" not in vals:
                    # only what this write may have emptied: older incomplete customers stay editable
                    required = required.filtered(lambda a: a.field_name in touched)
                self._crm_plus_check_required(required)
                self._crm_plus_update_completeness(attributes)
        return res

    def _crm_plus_numeric_fields(self):
        return {
            name
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX) and field.type in ("integer", "float") and not field.inherited
        }

    def _crm_plus_check_edit_groups(self, vals_list, create=False):
        """Attributes with edit groups are read-only for everybody else, on the server too."""
        if self.env.su:
            return
        names = {
            fname
            for vals in vals_list
            for fname, value in vals.items()
            if fname.startswith(FIELD_PREFIX) and (value or not create)
        }
        if not names:
            return
        attributes = (
            self.env["crm_plus.attribute"]
            .sudo()
            .search([("field_name", "in", list(names)), ("edit_group_ids", "!=", False)])
        )
        user_groups = self.env.user.all_group_ids
        locked = attributes.filtered(lambda a: not (a.edit_group_ids & user_groups))
        if locked:
            raise AccessError(
                self.env._(
                    "You are not allowed to change these customer attributes: %(labels)s.",
                    labels=", ".join(locked.mapped("name")),
                )
            )

    def _crm_plus_check_options(self, attributes):
        """Tags must be options of their own attribute (the field domain only guides the UI)."""
        for attribute in attributes.filtered(lambda a: a.value_type == "tags"):
            self.env.cr.execute(
                SQL(
                    """SELECT 1 FROM %s r JOIN crm_plus_attribute_option o ON o.id = r.option_id
                        WHERE r.partner_id IN %s AND o.attribute_id != %s LIMIT 1""",
                    SQL.identifier(attribute._relation_table()),
                    tuple(self.ids),
                    attribute.id,
                )
            )
            if self.env.cr.fetchone():
                raise ValidationError(self.env._("“%(label)s” only accepts its own options.", label=attribute.name))

    def _crm_plus_check_required(self, attributes):
        """One ValidationError naming, per customer, the required attributes left empty.

        Required attributes bind customers that have a category (one of the attribute's categories, or
        any when it has none): partners created for users and companies have none and are never blocked.
        Values are read from the columns, so 0 counts as a value and NULL does not."""
        attributes = attributes.filtered("required")
        if not self.ids or not attributes:
            return
        missing_exprs = [
            SQL(
                "CASE WHEN %s AND NOT %s THEN %s END",
                a._applies_sql(only_categorized=True),
                a._filled_sql(),
                a.id,
            )
            for a in attributes
        ]
        self.env.cr.execute(
            SQL(
                """SELECT id, missing FROM (
                       SELECT p.id, array_remove(ARRAY[%s], NULL) AS missing FROM res_partner p WHERE p.id IN %s
                   ) t WHERE cardinality(missing) > 0 ORDER BY id""",
                SQL(", ").join(missing_exprs),
                tuple(self.ids),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        labels = {a.id: a.name for a in attributes.with_context(lang=self.env.lang)}
        names = dict(self.browse([r[0] for r in rows]).sudo().mapped(lambda p: (p.id, p.display_name)))
        lines = [
            self.env._(
                "%(customer)s: %(labels)s",
                customer=names.get(pid) or self.env._("New customer"),
                labels=", ".join(labels[aid] for aid in missing),
            )
            for pid, missing in rows
        ]
        raise ValidationError(
            self.env._(
                "Required customer attributes are missing:\n%(lines)s",
                lines="\n".join(lines),
            )
        )

    def _crm_plus_update_completeness(self, attributes=None):
        """Store the % of applicable attributes filled, in one UPDATE for ``self`` (all partners if empty)."""
        if attributes is None:
            # sudo: the definitions decide what is required for every user, whatever their read rights on them
            attributes = self.env["crm_plus.attribute"].sudo().search([("field_id", "!=", False)])
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
