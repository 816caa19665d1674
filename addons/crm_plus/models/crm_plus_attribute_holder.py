# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The server side of attributes on a target record: what every create/write/import goes through.

Each target model of ``TARGETS`` inherits ``crm_plus.attribute.holder``. Whatever the channel (form, import,
XML-RPC), a write of an ``x_attr_*`` field:

* is refused (AccessError) when the attribute has *Editable by* groups the user is not in (``_crm_plus_check_edit_
  groups``; the superuser and our own code under ``sudo()`` pass); *Visible to* groups are the field's ``groups``,
  enforced by the ORM itself (``ir.model.fields._instanciate_attrs``);
* stores an emptied number as NULL (unset), not 0;
* keeps tags among the attribute's own options.

Which records a required attribute binds, and when it is checked, is the model's own rule:
``_crm_plus_attribute_applies_sql`` (SQL), ``_crm_plus_attribute_view_attrs`` (the form's conditions) and its own
calls of ``_crm_plus_check_required``. Nothing here runs a query when no ``x_attr_*`` field is written, so
Odoo's flows are unchanged while no attribute is defined.
"""

from odoo import api
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..access import is_trusted
from ..access import trusted_context
from .crm_plus_attribute_target import FIELD_PREFIX

_COPY_KEY = "crm_plus_attribute_copy"


class CrmPlusAttributeHolder(models.AbstractModel):
    _name = "crm_plus.attribute.holder"
    _description = "Record with Custom Attributes"

    @api.model_create_multi
    def create(self, vals_list):
        if is_trusted(self.env, _COPY_KEY):
            # values copied from a record the user reads (see copy); nested creates are checked again
            self = trusted_context(self, **{_COPY_KEY: False})
        else:
            self._crm_plus_check_edit_groups(vals_list, create=True)
        numeric = self._crm_plus_numeric_fields()
        if numeric:
            # an empty numeric value is "unset" (NULL), not 0: let the column stay NULL
            vals_list = [
                {k: v for k, v in vals.items() if not (k in numeric and (v is False or v is None))}
                for vals in vals_list
            ]
        records = super().create(vals_list)
        touched = {fname for vals in vals_list for fname in vals if fname.startswith(FIELD_PREFIX)}
        if touched:
            attributes = self._crm_plus_attributes().filtered(lambda a: a.field_name in touched)
            if attributes:
                records.flush_model()
                records._crm_plus_check_options(attributes)
        return records

    def copy(self, default=None):
        """A copy keeps the attribute values of the original, even those the user may not edit or read.

        Only the values the caller chooses (``default``) are checked; the rest comes from the original. Values the
        user may not read (*Visible to*) are not shown to him: they are left out of the copied values and written
        on the copy as superuser (a salesperson's new round keeps them)."""
        self._crm_plus_check_edit_groups([default or {}])
        hidden = self._crm_plus_hidden_fields(default)
        new = super(CrmPlusAttributeHolder, trusted_context(self, **{_COPY_KEY: True})).copy(default=default)
        if hidden:
            # sudo: values the user may not read travel to the copy without being read by him
            for original, copy in zip(self.sudo(), new.sudo(), strict=True):
                copy.write({name: original._fields[name].convert_to_write(original[name], original) for name in hidden})
        return new

    def copy_data(self, default=None):
        hidden = self._crm_plus_hidden_fields(default)
        self._crm_plus_fetch_attributes(exclude=hidden)
        if not hidden:
            return super().copy_data(default=default)
        # given as defaults, the fields are not read; then left out (copy writes them as superuser)
        vals_list = super().copy_data(default=dict(default or {}, **dict.fromkeys(hidden, False)))
        for vals in vals_list:
            for name in hidden:
                (vals or {}).pop(name, None)
        return vals_list

    def _crm_plus_fetch_attributes(self, exclude=()):
        """Read every attribute column of ``self`` in one query.

        Odoo never prefetches manual fields (``x_attr_*``): reading them one by one (copy, printing) would cost a
        query per attribute."""
        names = [
            name
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX)
            and field.column_type
            and name not in exclude
            and self._has_field_access(field, "read")
        ]
        if names and self.ids:
            self.fetch(names)

    def _crm_plus_hidden_fields(self, default=None):
        """Copied attribute fields the user may not read (and did not give in ``default``)."""
        if self.env.su:
            return []
        return [
            name
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX)
            and field.copy
            and name not in (default or {})
            and not self._has_field_access(field, "read")
        ]

    def write(self, vals):
        touched = [fname for fname in vals if fname.startswith(FIELD_PREFIX)]
        if touched:
            self._crm_plus_check_edit_groups([vals])
        res = super().write(vals)
        if touched and self:
            emptied = [
                k for k in self._crm_plus_numeric_fields() if k in vals and (vals[k] is False or vals[k] is None)
            ]
            if emptied:
                # the ORM writes 0 for an empty number; an emptied attribute is unset (NULL)
                self.flush_recordset(emptied)
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s WHERE id IN %s",
                        SQL.identifier(self._table),
                        SQL(", ").join(SQL("%s = NULL", SQL.identifier(f)) for f in emptied),
                        tuple(self.ids),
                    )
                )
                self.invalidate_recordset(emptied)
            attributes = self._crm_plus_attributes().filtered(lambda a: a.field_name in touched)
            if attributes:
                self.flush_model()
                self._crm_plus_check_options(attributes)
        return res

    # ------------------------------------------------------------------ definitions of this model
    @api.model
    def _crm_plus_attributes(self):
        """The attributes of this model that have their field (archived ones included: they keep values).

        Cached ids: no query while the model has no attribute."""
        Attribute = self.env["crm_plus.attribute"]
        # sudo: the definitions decide for every user, whatever their read rights on them
        return (
            Attribute.sudo()
            .with_context(active_test=False)
            .browse(Attribute._crm_plus_attribute_ids(self._crm_plus_attribute_model()))
        )

    @api.model
    def _crm_plus_attribute_model(self):
        """The target model whose attributes these records hold (res.users holds res.partner's)."""
        return self._name

    def _crm_plus_numeric_fields(self):
        return {
            name
            for name, field in self._fields.items()
            if name.startswith(FIELD_PREFIX) and field.type in ("integer", "float") and not field.inherited
        }

    # ------------------------------------------------------------------ the model's own rules (override)
    @api.model
    def _crm_plus_attribute_applies_sql(self, attribute, alias, only_categorized=False):
        """SQL boolean: ``attribute`` binds the record ``alias`` (when required). Default: every record."""
        return SQL("TRUE")

    @api.model
    def _crm_plus_attribute_view_attrs(self, attribute):
        """Attributes of ``attribute``'s node on the generated form (``invisible``, ``required`` expressions)."""
        return {"required": "1"} if attribute.required else {}

    @api.model
    def _crm_plus_attribute_page_invisible(self, attributes):
        """``invisible`` expression of the form's Attributes tab showing ``attributes`` (None: always shown)."""
        return None

    @api.model
    def _crm_plus_required_title(self):
        return self.env._("Required attributes are missing:")

    # ------------------------------------------------------------------ checks
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
        # sudo: the edit groups bind every writer (portal users included), whatever he may read of the definitions
        attributes = (
            self.env["crm_plus.attribute"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("field_name", "in", list(names)),
                    ("applies_to", "=", self._crm_plus_attribute_model()),
                    ("edit_group_ids", "!=", False),
                ]
            )
        )
        user_groups = self.env.user.all_group_ids
        locked = attributes.filtered(lambda a: not (a.edit_group_ids & user_groups))
        if locked:
            raise AccessError(
                self.env._(
                    "You are not allowed to change these attributes: %(labels)s.",
                    labels=", ".join(locked.mapped("name")),
                )
            )

    def _crm_plus_check_options(self, attributes):
        """Tags must be options of their own attribute (the field domain only guides the UI): one query for all."""
        tags = attributes.filtered(lambda a: a.value_type == "tags")
        if not tags or not self.ids:
            return
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                SQL(
                    """(SELECT %s FROM %s r JOIN crm_plus_attribute_option o ON o.id = r.option_id
                        WHERE %s IN %s AND o.attribute_id != %s LIMIT 1)""",
                    attribute.id,
                    SQL.identifier(attribute._relation_table()),
                    SQL.identifier("r", attribute._target().rel_column),
                    tuple(self.ids),
                    attribute.id,
                )
                for attribute in tags
            )
        )
        wrong = tags.browse([row[0] for row in self.env.cr.fetchall()])
        if wrong:
            raise ValidationError(self.env._("“%(label)s” only accepts its own options.", label=wrong[0].name))

    def _crm_plus_check_required(self, attributes):
        """One ValidationError naming, per record, the required attributes of ``attributes`` left empty.

        Which records an attribute binds is ``_crm_plus_attribute_applies_sql``; values are read from the columns,
        so 0 counts as a value and NULL does not."""
        attributes = attributes.filtered(lambda a: a.required and a.active)
        if not self.ids or not attributes:
            return
        self.flush_model()
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
                       SELECT p.id, array_remove(ARRAY[%s], NULL) AS missing FROM %s p WHERE p.id IN %s
                   ) t WHERE cardinality(missing) > 0 ORDER BY id""",
                SQL(", ").join(missing_exprs),
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        labels = {a.id: a.name for a in attributes.with_context(lang=self.env.lang)}
        # sudo: only the names of the records being written, for the message
        names = dict(self.browse([r[0] for r in rows]).sudo().mapped(lambda p: (p.id, p.display_name)))
        lines = [
            self.env._(
                "%(customer)s: %(labels)s",
                customer=names.get(pid) or self.env._("New record"),
                labels=", ".join(labels[aid] for aid in missing),
            )
            for pid, missing in rows
        ]
        raise ValidationError(f"{self._crm_plus_required_title()}\n" + "\n".join(lines))
