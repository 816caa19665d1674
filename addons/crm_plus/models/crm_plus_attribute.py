"""Customer attribute definitions and the ``x_attr_<code>`` fields generated from them.

Everything about generated fields lives here: the ``ir.model.fields`` record of each attribute (created,
altered, removed with the definition), the selection values kept in sync with the options, the three
generated views (form tab, list columns, search filters) whose arch is rebuilt whenever definitions change,
and the SQL expressions that tell whether an attribute is filled (NULL, not 0) for required checks and
completeness.
"""

import logging
import re

import psycopg2.errors
from lxml import etree
from lxml.builder import E

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..access import is_trusted

_logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
CODE_MAX_LENGTH = 40
FIELD_PREFIX = "x_attr_"
PARTNER_MODEL = "res.partner"
# above this many partners, definition changes recompute completeness in the cron job, in batches
COMPLETENESS_SYNC_ROWS = 50_000
COMPLETENESS_BATCH = 20_000
# seconds to wait for the exclusive lock that adding/altering/dropping a column on res_partner needs
LOCK_TIMEOUT = "3s"

VALUE_TYPES = [
    ("char", "Text (single line)"),
    ("text", "Text (multi-line)"),
    ("integer", "Integer"),
    ("float", "Decimal"),
    ("date", "Date"),
    ("datetime", "Date & time"),
    ("boolean", "Yes/No"),
    ("selection", "Choice"),
    ("tags", "Tags"),
]
FIELD_TYPES = {vt: vt for vt, _label in VALUE_TYPES} | {"tags": "many2many"}
# conversions PostgreSQL does without losing data: (from, to) -> column type
SAFE_CONVERSIONS = {
    ("integer", "float"): "float8",
    ("integer", "char"): "varchar",
    ("float", "char"): "varchar",
    ("char", "text"): "text",
    ("text", "char"): "varchar",
    ("selection", "char"): "varchar",
    ("selection", "text"): "text",
    ("date", "datetime"): "timestamp",
}
VIEW_XMLIDS = {
    "form": "crm_plus.res_partner_view_form_attributes",
    "list": "crm_plus.res_partner_view_list_attributes",
    "search": "crm_plus.res_partner_view_search_attributes",
}


class CrmPlusAttribute(models.Model):
    _name = "crm_plus.attribute"
    _description = "Customer Attribute"
    _order = "section_sequence, section, sequence, id"

    name = fields.Char(string="Label", required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code: lowercase letters, digits and underscores. The customer field is x_attr_<code>. "
        "It cannot change once customers hold values.",
    )
    field_name = fields.Char(compute="_compute_field_name", store=True)
    value_type = fields.Selection(VALUE_TYPES, required=True, default="char")
    option_ids = fields.One2many("crm_plus.attribute.option", "attribute_id", string="Options", copy=True)
    required = fields.Boolean(
        help="Customers of the categories below (or of any category when none is set) must fill it. "
        "Existing customers are not blocked; they show up as incomplete."
    )
    category_ids = fields.Many2many(
        "crm_plus.customer.category",
        "crm_plus_attribute_category_rel",
        "attribute_id",
        "category_id",
        string="Categories",
        help="Empty: the attribute applies to every customer.",
    )
    section = fields.Char(default="General", translate=True, help="Group of the Attributes tab.")
    section_sequence = fields.Integer(default=10)
    sequence = fields.Integer(default=10)
    help = fields.Text(string="Help Text", translate=True)
    tracking = fields.Boolean(help="Log changes in the customer's chatter.")
    indexed = fields.Boolean(help="Add a database index: faster searches on large customer bases.")
    visibility_group_ids = fields.Many2many(
        "res.groups",
        "crm_plus_attribute_visibility_group_rel",
        "attribute_id",
        "group_id",
        string="Visible to",
        help="Only these groups see and read the attribute. Empty: everybody who sees the customer.",
    )
    edit_group_ids = fields.Many2many(
        "res.groups",
        "crm_plus_attribute_edit_group_rel",
        "attribute_id",
        "group_id",
        string="Editable by",
        help="Only these groups may change the value; others see it read-only. Empty: everybody.",
    )
    active = fields.Boolean(
        default=True,
        help="Archived attributes keep their values but are hidden from views.",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Field",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    value_count = fields.Integer(string="Customers with a value", compute="_compute_value_count")

    _code_unique = models.Constraint("UNIQUE(code)", "An attribute with this code already exists.")

    @api.depends("code")
    def _compute_field_name(self):
        for attribute in self:
            attribute.field_name = f"{FIELD_PREFIX}{attribute.code}" if attribute.code else False

    def _compute_value_count(self):
        counts = self._value_counts()
        for attribute in self:
            attribute.value_count = counts.get(attribute.id, 0)

    @api.constrains("code")
    def _check_code(self):
        for attribute in self:
            if not CODE_RE.fullmatch(attribute.code or "") or len(attribute.code) > CODE_MAX_LENGTH:
                raise ValidationError(
                    self.env._(
                        "Invalid attribute code “%(code)s”: use up to %(max)s lowercase letters, digits and "
                        "underscores, starting with a letter.",
                        code=attribute.code,
                        max=CODE_MAX_LENGTH,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD: the generated field follows the definition
    # ------------------------------------------------------------------
    def _check_code_available(self, codes):
        """A readable error before the database's unique constraint fires (archived attributes count)."""
        taken = self.with_context(active_test=False).search([("code", "in", codes), ("id", "not in", self.ids)])
        duplicated = {code for code in codes if codes.count(code) > 1} | set(taken.mapped("code"))
        if duplicated:
            raise ValidationError(
                self.env._("An attribute with the code “%(code)s” already exists.", code=", ".join(sorted(duplicated)))
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_code_available([vals["code"] for vals in vals_list if vals.get("code")])
        attributes = super().create(vals_list)
        for attribute in attributes:
            attribute._create_field()
        self._generate_views()
        self._recompute_completeness()
        return attributes

    def write(self, vals):
        if vals.get("code"):
            self._check_code_available([vals["code"]] * len(self))
        if "code" in vals or "value_type" in vals:
            for attribute in self:
                attribute._check_structure_change(vals)
        old = {a.id: (a.code, a.value_type) for a in self}
        res = super().write(vals)
        for attribute in self:
            old_code, old_type = old[attribute.id]
            if attribute.code != old_code or attribute.value_type != old_type:
                attribute._change_structure(old_code, old_type)
        field_keys = {"name", "help", "tracking", "indexed", "visibility_group_ids"}
        if field_keys & set(vals):
            self._sync_field_attributes()
        if {
            "name",
            "section",
            "section_sequence",
            "sequence",
            "category_ids",
            "required",
            "active",
            "edit_group_ids",
            "visibility_group_ids",
            "value_type",
            "code",
            "option_ids",
        } & set(vals):
            self._generate_views()
        if {"category_ids", "active", "value_type", "code"} & set(vals):
            self._recompute_completeness()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_holding_values(self):
        if is_trusted(self.env, "crm_plus_confirm_delete"):
            return
        counts = self._value_counts()
        holding = self.filtered(lambda a: counts.get(a.id))
        if holding:
            raise UserError(
                self.env._(
                    "%(count)s customers hold values for “%(names)s”. Archive the attribute to keep the data, "
                    "or use “Delete…” on the attribute to confirm the loss.",
                    count=sum(counts.get(a.id, 0) for a in holding),
                    names=", ".join(holding.mapped("name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_generated_field(self):
        # views first: a field cannot be dropped while a view shows it
        self._generate_views(exclude=self)
        self._drop_fields()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for attribute, vals in zip(self, vals_list, strict=True):
            if "code" not in (default or {}):
                vals["code"] = f"{attribute.code}_copy"[:CODE_MAX_LENGTH]
        return vals_list

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_delete(self):
        """Delete at once when no customer holds a value, otherwise ask for confirmation."""
        if not any(self._value_counts().values()):
            self.unlink()
            return {"type": "ir.actions.act_window_close"}
        wizard = self.env["crm_plus.attribute.delete"].create({"attribute_ids": [Command.set(self.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Delete attributes"),
            "res_model": "crm_plus.attribute.delete",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_partners_with_values(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.res_partner_action_customer")
        action["domain"] = [(self.field_name, "!=", False)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # generated field
    # ------------------------------------------------------------------
    def _relation_table(self):
        self.ensure_one()
        return f"x_crm_plus_attr_{self.code}_rel"

    def _field_vals(self):
        self.ensure_one()
        vals = {
            "model_id": self.env["ir.model"]._get_id(PARTNER_MODEL),
            "name": self.field_name,
            "state": "manual",
            "field_description": self.name,
            "help": self.help,
            "ttype": FIELD_TYPES[self.value_type],
            "index": self.indexed and self.value_type != "tags",
            "tracking": 100 if self.tracking else 0,
            "required": False,  # never NOT NULL: required per category is checked in Python
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
                column1="partner_id",
                column2="option_id",
                domain=repr([("attribute_id", "=", self.id)]),
            )
        return vals

    def _lock_partner_table(self):
        """Take the exclusive lock DDL on res_partner needs, failing fast with a clear error.

        ALTER TABLE waits behind every running reader of res_partner and blocks every new one meanwhile;
        a short lock timeout keeps the application responsive and tells the admin to retry."""
        cr = self.env.cr
        table = self.env[PARTNER_MODEL]._table
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SET LOCAL lock_timeout = %s", LOCK_TIMEOUT))
                cr.execute(SQL("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", SQL.identifier(table)), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Customers are busy (another operation is reading or writing them), so the attribute "
                    "cannot be changed right now. Please retry in a moment."
                )
            ) from None
        finally:
            cr.execute("SET LOCAL lock_timeout TO DEFAULT")

    def _create_field(self):
        self.ensure_one()
        if self.env["ir.model.fields"]._get(PARTNER_MODEL, self.field_name):
            raise ValidationError(
                self.env._(
                    "The customer field %(field)s already exists.",
                    field=self.field_name,
                )
            )
        if self.value_type != "tags":
            self._lock_partner_table()
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
            selections = attribute.field_id.sudo().selection_ids
            existing = {s.value: s for s in selections}
            options = attribute.option_ids.filtered(lambda o: o.id not in removed)
            wanted = {o.code: o for o in options}
            selections.filtered(lambda s, wanted=wanted: s.value not in wanted).unlink()
            for code, option in wanted.items():
                selection = existing.get(code)
                if not selection:
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
        fields_ = self.sudo().field_id.filtered(lambda f: f.model == PARTNER_MODEL)
        if not fields_:
            return
        if any(f.ttype != "many2many" for f in fields_):
            self._lock_partner_table()
        # res.users mirrors every partner field through delegation: the ORM removes the mirrors itself
        fields_.unlink()

    def _check_structure_change(self, vals):
        self.ensure_one()
        new_code = vals.get("code", self.code)
        new_type = vals.get("value_type", self.value_type)
        if new_code == self.code and new_type == self.value_type:
            return
        count = self._value_counts().get(self.id, 0)
        if not count:
            return  # nothing stored: the field is simply rebuilt
        if new_code != self.code:
            raise ValidationError(
                self.env._(
                    "The code of “%(name)s” cannot change: %(count)s customers hold values for it.",
                    name=self.name,
                    count=count,
                )
            )
        if (self.value_type, new_type) not in SAFE_CONVERSIONS:
            allowed = [dict(VALUE_TYPES)[to] for (frm, to) in SAFE_CONVERSIONS if frm == self.value_type]
            raise ValidationError(
                self.env._(
                    "“%(name)s” cannot become %(new)s: %(count)s customers hold values that would not convert. "
                    "Safe conversions from %(old)s: %(allowed)s.",
                    name=self.name,
                    new=dict(VALUE_TYPES)[new_type],
                    old=dict(VALUE_TYPES)[self.value_type],
                    count=count,
                    allowed=", ".join(allowed) or self.env._("none"),
                )
            )

    def _change_structure(self, old_code, old_type):
        """Rebuild the field (no value stored) or convert its column in place (safe conversion)."""
        self.ensure_one()
        if self.option_ids and self.value_type not in ("selection", "tags"):
            self.option_ids.unlink()
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
        table = self.env[PARTNER_MODEL]._table
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
        self._lock_partner_table()
        table = self.env[PARTNER_MODEL]._table
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
        # ir.model.fields refuses type changes through write(); the column is converted above, so record it
        cr.execute(
            SQL(
                "UPDATE ir_model_fields SET ttype = %s WHERE name = %s AND model IN %s",
                FIELD_TYPES[self.value_type],
                field.name,
                tuple(self._partner_models()),
            )
        )
        if old_type == "selection":
            cr.execute(
                SQL(
                    """DELETE FROM ir_model_fields_selection WHERE field_id IN
                         (SELECT id FROM ir_model_fields WHERE name = %s AND model IN %s)""",
                    field.name,
                    tuple(self._partner_models()),
                )
            )
        self.env.invalidate_all()
        self.env.registry.clear_cache("stable")
        self.pool._setup_models__(cr, [PARTNER_MODEL])
        self.pool.init_models(
            cr,
            self._partner_models(),
            dict(self.env.context, update_custom_fields=True),
        )
        self._generate_views()

    def _recompute_completeness(self):
        """After a definition change: at once on small customer bases, else in the cron job (batched).

        Adding an attribute changes the completeness of every customer it applies to; rewriting 200,000 rows
        takes seconds, which an administrator saving a form should not wait for."""
        self.env.cr.execute("SELECT reltuples FROM pg_class WHERE relname = 'res_partner'")
        estimate = self.env.cr.fetchone()[0]
        cron = self.env.ref("crm_plus.crm_plus_attribute_completeness_cron", raise_if_not_found=False)
        if estimate < COMPLETENESS_SYNC_ROWS or not cron:
            self.env["res.partner"]._crm_plus_update_completeness()
        else:
            cron.sudo()._trigger()

    @api.model
    def _cron_update_completeness(self):
        attributes = self.sudo().search([("field_id", "!=", False)])
        self.env.cr.execute("SELECT id FROM res_partner ORDER BY id")
        ids = [row[0] for row in self.env.cr.fetchall()]
        for start in range(0, len(ids), COMPLETENESS_BATCH):
            batch = ids[start : start + COMPLETENESS_BATCH]
            self.env["res.partner"].browse(batch)._crm_plus_update_completeness(attributes)
            self.env["ir.cron"]._commit_progress(len(batch), remaining=len(ids) - start - len(batch))

    def _partner_models(self):
        return list(self.pool.descendants([PARTNER_MODEL], "_inherits"))

    # ------------------------------------------------------------------
    # values: what is filled (NULL, not 0), counts
    # ------------------------------------------------------------------
    def _filled_sql(self, alias="p"):
        """SQL boolean: the partner ``alias`` holds a value for attribute ``self``.

        Reads the column, not the ORM: an unset integer/decimal reads as 0 through the ORM."""
        self.ensure_one()
        if self.value_type == "tags":
            return SQL(
                "EXISTS (SELECT 1 FROM %s r WHERE r.partner_id = %s.id)",
                SQL.identifier(self._relation_table()),
                SQL.identifier(alias),
            )
        column = SQL.identifier(alias, self.field_name)
        if self.value_type in ("char", "text"):
            return SQL("COALESCE(%s, '') <> ''", column)
        return SQL("%s IS NOT NULL", column)

    def _applies_sql(self, alias="p", only_categorized=False):
        """SQL boolean: attribute ``self`` applies to partner ``alias``."""
        self.ensure_one()
        category = SQL.identifier(alias, "crm_plus_category_id")
        if self.category_ids:
            return SQL("%s IN %s", category, tuple(self.category_ids.ids))
        return SQL("%s IS NOT NULL", category) if only_categorized else SQL("TRUE")

    def _value_counts(self):
        """{attribute id: number of partners holding a value}, read from the columns."""
        counts = {}
        self.env.flush_all()
        for attribute in self.sudo().filtered("field_id"):
            self.env.cr.execute(
                SQL(
                    "SELECT count(*) FROM %s p WHERE %s",
                    SQL.identifier(self.env[PARTNER_MODEL]._table),
                    attribute._filled_sql(),
                )
            )
            counts[attribute.id] = self.env.cr.fetchone()[0]
        return counts

    # ------------------------------------------------------------------
    # generated views
    # ------------------------------------------------------------------
    @api.model
    def _generate_views(self, exclude=None):
        """Rewrite the arch of the three views owned by crm_plus from the active definitions."""
        attributes = self.sudo().with_context(active_test=True).search([("field_id", "!=", False)])
        if exclude:
            attributes -= exclude
        attributes = attributes.filtered(lambda a: a.field_name in self.env[PARTNER_MODEL]._fields)
        (attributes.visibility_group_ids | attributes.edit_group_ids)._ensure_xml_id()
        archs = {
            "form": attributes._form_arch(),
            "list": attributes._list_arch(),
            "search": attributes._search_arch(),
        }
        for kind, xmlid in VIEW_XMLIDS.items():
            view = self.env.ref(xmlid, raise_if_not_found=False)
            if not view:
                continue
            arch = etree.tostring(archs[kind], encoding="unicode", pretty_print=True)
            view.sudo().write({"arch_db": arch, "active": bool(attributes)})

    def _field_nodes(self, **attrs):
        """One node, or two complementary ones when edit groups lock the field for other users."""
        self.ensure_one()
        if not self.edit_group_ids:
            return [E.field(name=self.field_name, **attrs)]
        xmlids = list(self.edit_group_ids._ensure_xml_id().values())
        editable = E.field(name=self.field_name, groups=",".join(xmlids), **attrs)
        locked = E.field(
            name=self.field_name,
            groups=",".join(f"!{x}" for x in xmlids),
            readonly="1",
            **attrs,
        )
        return [editable, locked]

    def _category_expr(self, negate=False):
        ids = self.category_ids.ids
        return f"crm_plus_category_id {'not in' if negate else 'in'} {ids}"

    def _form_arch(self):
        page = E.page(name="crm_plus_attributes", string=self.env._("Attributes"))
        if all(a.category_ids for a in self):
            all_ids = sorted(set(self.category_ids.ids))
            page.set("invisible", f"crm_plus_category_id not in {all_ids}")
        sections = {}
        for attribute in self:
            sections.setdefault(attribute.section or "", self.browse())
            sections[attribute.section or ""] |= attribute
        for index, (section, attributes) in enumerate(sections.items()):
            group = E.group(name=f"crm_plus_attribute_section_{index}", string=section)
            for attribute in attributes:
                attrs = {}
                if attribute.category_ids:
                    attrs["invisible"] = attribute._category_expr(negate=True)
                if attribute.required:
                    attrs["required"] = attribute._category_expr() if attribute.category_ids else "crm_plus_category_id"
                if attribute.value_type == "tags":
                    attrs.update(widget="many2many_tags", options="{'no_create': True}")
                for node in attribute._field_nodes(**attrs):
                    group.append(node)
            page.append(group)
        return E.data(E.xpath(page, expr="//sheet/notebook", position="inside"))

    def _list_arch(self):
        xpath = E.xpath(expr="/list", position="inside")
        for attribute in self:
            attrs = {"optional": "hide"}
            if attribute.value_type == "tags":
                attrs["widget"] = "many2many_tags"
            for node in attribute._field_nodes(**attrs):
                xpath.append(node)
        return E.data(xpath)

    def _search_arch(self):
        xpath = E.xpath(expr="/search", position="inside")
        filters, groupbys = [], []
        for attribute in self:
            if attribute.value_type in ("char", "text", "integer", "float", "selection", "tags"):
                xpath.append(E.field(name=attribute.field_name, **attribute._visibility_attrs()))
            if attribute.value_type in ("boolean", "date", "datetime"):
                filters.append(attribute._search_filter_node())
            if attribute.value_type in ("selection", "boolean", "date", "datetime", "tags"):
                groupbys.append(attribute._search_groupby_node())
        if filters:
            xpath.append(E.separator())
            xpath.extend(filters)
        if groupbys:
            xpath.append(E.separator())
            xpath.extend(groupbys)
        return E.data(xpath)

    def _visibility_attrs(self):
        """Attributes of a generated view node: hidden from users outside the attribute's groups."""
        self.ensure_one()
        groups = ",".join(self.visibility_group_ids._ensure_xml_id().values())
        return {"groups": groups} if groups else {}

    def _search_filter_node(self):
        """Search filter of a yes/no attribute (is yes) or a date attribute (date filter)."""
        self.ensure_one()
        fname = self.field_name
        if self.value_type == "boolean":
            condition = {"domain": repr([(fname, "=", True)])}
        else:
            condition = {"date": fname}
        return E.filter(name=f"crm_plus_filter_{fname}", string=self.name, **condition, **self._visibility_attrs())

    def _search_groupby_node(self):
        """Search group-by of a choice, yes/no, tags or date attribute (dates by month)."""
        self.ensure_one()
        fname = self.field_name
        group_by = f"{fname}:month" if self.value_type in ("date", "datetime") else fname
        return E.filter(
            name=f"crm_plus_groupby_{fname}",
            string=self.name,
            context=repr({"group_by": group_by}),
            **self._visibility_attrs(),
        )
