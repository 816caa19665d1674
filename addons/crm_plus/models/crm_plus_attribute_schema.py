# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attribute schema: the generated field ``x_attr_<code>``, its column, and the registry that knows it.

Each attribute owns one manual ``ir.model.fields`` record on its target model (``applies_to``); the ORM creates or
drops the column (or, for tags, the relation table ``<rel_prefix>_<code>_rel``) and sets the model up again.
Invariants:

* DDL on the target's table takes its ACCESS EXCLUSIVE lock first, with ``lock_timeout`` (``LOCK_TIMEOUT``): a busy
  table gives the administrator a "retry" error instead of freezing every reader behind the ALTER TABLE.
* A new column is nullable without default: PostgreSQL adds it without rewriting the table (1,000,000 orders: ms).
* A column is never NOT NULL (required is checked in Python, per category, team or stage).
* A type change keeps the values only along ``SAFE_CONVERSIONS`` (ALTER COLUMN ... TYPE in place), then the models
  of the table (and those inheriting it by delegation, e.g. res.users) are set up again.
"""

import psycopg2.errors

from odoo import Command
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .crm_plus_attribute import FIELD_TYPES
from .crm_plus_attribute import SAFE_CONVERSIONS
from .crm_plus_attribute_target import TARGETS

# seconds to wait for the exclusive lock that adding/altering/dropping a column needs
LOCK_TIMEOUT = "3s"


class CrmPlusAttribute(models.Model):
    _inherit = "crm_plus.attribute"

    def _relation_table(self):
        self.ensure_one()
        return f"{self._target().rel_prefix}_{self.code}_rel"

    def _field_vals(self):
        self.ensure_one()
        vals = {
            "model_id": self.env["ir.model"]._get_id(self.applies_to),
            "name": self.field_name,
            "state": "manual",
            "field_description": self.name,
            "help": self.help,
            "ttype": FIELD_TYPES[self.value_type],
            "index": self.indexed and self.value_type != "tags",
            "tracking": 100 if self.tracking else 0,
            "required": False,  # never NOT NULL: required is checked in Python
            "copied": True,
        }
        if self.value_type == "selection":
            vals["selection_ids"] = [
                Command.create({"value": o.code, "name": o.name, "sequence": o.sequence}) for o in self.option_ids
            ]
        elif self.value_type == "tags":
            vals.update(
                relation="crm_plus.attribute.option",
                relation_table=self._relation_table(),
                column1=self._target().rel_column,
                column2="option_id",
                domain=repr([("attribute_id", "=", self.id)]),
            )
        return vals

    def _lock_table(self):
        """Take the exclusive lock DDL on the target's table needs, failing fast with a clear error.

        ALTER TABLE waits behind every running reader of the table and blocks every new one meanwhile;
        a short lock timeout keeps the application responsive and tells the admin to retry."""
        cr = self.env.cr
        for model in set(self.mapped("applies_to")):
            table = self.env[model]._table
            try:
                with cr.savepoint(flush=False):
                    cr.execute(SQL("SET LOCAL lock_timeout = %s", LOCK_TIMEOUT))
                    cr.execute(
                        SQL("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", SQL.identifier(table)), log_exceptions=False
                    )
            except psycopg2.errors.LockNotAvailable:
                raise UserError(
                    self.env._(
                        "%(records)s are busy (another operation is reading or writing them), so the attribute "
                        "cannot be changed right now. Please retry in a moment.",
                        records=dict(self._fields["applies_to"]._description_selection(self.env))[model],
                    )
                ) from None
            finally:
                cr.execute("SET LOCAL lock_timeout TO DEFAULT")

    def _create_field(self):
        self.ensure_one()
        if self.env["ir.model.fields"]._get(self.applies_to, self.field_name):
            raise ValidationError(
                self.env._(
                    "The field %(field)s already exists.",
                    field=self.field_name,
                )
            )
        if self.value_type != "tags":
            self._lock_table()
        # sudo: generated fields are system records, created from the definition (admin-only writes)
        field = self.env["ir.model.fields"].sudo().create(self._field_vals())
        self.field_id = field
        self._copy_label_translations()
        if self.visibility_group_ids:
            self._sync_field_attributes()

    def _copy_label_translations(self):
        """Labels and help are translatable on both sides: copy every language at once."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE ir_model_fields f SET field_description = a.name, help = a.help
                     FROM crm_plus_attribute a WHERE f.id = a.field_id AND a.id IN %s""",
                tuple(self.ids),
            )
        )
        self.env["ir.model.fields"].invalidate_model(["field_description", "help"])
        self.env.registry.clear_cache("stable")

    def _sync_field_attributes(self):
        for attribute in self.filtered("field_id"):
            groups = attribute.visibility_group_ids
            groups._ensure_xml_id()
            # sudo: the generated field (Settings only) follows its definition's label, help, tracking, index and groups
            attribute.field_id.sudo().write(
                {
                    "field_description": attribute.name,
                    "help": attribute.help,
                    "tracking": 100 if attribute.tracking else 0,
                    "index": attribute.indexed and attribute.value_type != "tags",
                    "groups": [Command.set(groups.ids)],
                }
            )
        self.filtered("field_id")._copy_label_translations()

    def _sync_selection_options(self, removed_option_ids=()):
        removed = set(removed_option_ids)
        for attribute in self.filtered(lambda a: a.value_type == "selection" and a.field_id):
            # sudo: the generated field's selection values (Settings only) follow the definition's options
            selections = attribute.field_id.sudo().selection_ids
            existing = {s.value: s for s in selections}
            options = attribute.option_ids.filtered(lambda o: o.id not in removed)
            wanted = {o.code: o for o in options}
            selections.filtered(lambda s, wanted=wanted: s.value not in wanted).unlink()
            for code, option in wanted.items():
                selection = existing.get(code)
                if not selection:
                    # sudo: as above, a selection value of the attribute's own generated field (admin-only writes)
                    self.env["ir.model.fields.selection"].sudo().create(
                        {
                            "field_id": attribute.field_id.id,
                            "value": code,
                            "name": option.name,
                            "sequence": option.sequence,
                        }
                    )
                elif (selection.name, selection.sequence) != (
                    option.name,
                    option.sequence,
                ):
                    selection.write({"name": option.name, "sequence": option.sequence})

    def _drop_fields(self):
        targets = {target.model for target in TARGETS}
        # sudo: the definitions' own generated fields (Settings only) on the targets, dropped with them (admin-only)
        fields_ = self.sudo().field_id.filtered(lambda f: f.model in targets)
        if not fields_:
            return
        self.filtered(lambda a: a.value_type != "tags" and a.field_id)._lock_table()
        # res.users mirrors every partner field through delegation: the ORM removes the mirrors itself
        fields_.unlink()

    def _change_structure(self, old_code, old_type):
        """Rebuild the field (no value stored) or convert its column in place (safe conversion)."""
        self.ensure_one()
        if self.option_ids and self.value_type not in ("selection", "tags"):
            self.option_ids.unlink()
        # sudo: the definition's own generated field (ir.model.fields: Settings only), rebuilt or converted
        field = self.sudo().field_id
        if not field:
            self._create_field()
            return
        if old_code == self.code and (old_type, self.value_type) in SAFE_CONVERSIONS and self._column_has_values(field):
            self._convert_column(field, old_type)
            return
        self._generate_views(exclude=self)
        self._drop_fields()
        self._create_field()

    def _column_has_values(self, field):
        table = self._model()._table
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM %s WHERE %s IS NOT NULL LIMIT 1",
                SQL.identifier(table),
                SQL.identifier(field.name),
            )
        )
        return bool(self.env.cr.fetchone())

    def _convert_column(self, field, old_type):
        column_type = SAFE_CONVERSIONS[(old_type, self.value_type)]
        cr = self.env.cr
        self.env.flush_all()
        self._generate_views(exclude=self)
        self._lock_table()
        table = self._model()._table
        cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::%s",
                SQL.identifier(table),
                SQL.identifier(field.name),
                SQL(column_type),
                SQL.identifier(field.name),
                SQL(column_type),
            )
        )
        models_ = self._table_models()
        # ir.model.fields refuses type changes through write(); the column is converted above, so record it
        cr.execute(
            SQL(
                "UPDATE ir_model_fields SET ttype = %s WHERE name = %s AND model IN %s",
                FIELD_TYPES[self.value_type],
                field.name,
                tuple(models_),
            )
        )
        if old_type == "selection":
            cr.execute(
                SQL(
                    """DELETE FROM ir_model_fields_selection WHERE field_id IN
                         (SELECT id FROM ir_model_fields WHERE name = %s AND model IN %s)""",
                    field.name,
                    tuple(models_),
                )
            )
        self._reload_registry(models_)
        self._generate_views()

    def _table_models(self):
        """The target model and the models that inherit it by delegation (res.partner -> res.users)."""
        self.ensure_one()
        return list(self.pool.descendants([self.applies_to], "_inherits"))

    def _reload_registry(self, models_):
        """Set ``models_`` up again from ir.model.fields and bring their tables in line (custom fields only)."""
        cr = self.env.cr
        self.env.invalidate_all()
        self.env.registry.clear_cache("stable")
        self.pool._setup_models__(cr, [self.applies_to])
        self.pool.init_models(cr, models_, dict(self.env.context, update_custom_fields=True))
