# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attribute definitions: what a consultant declares, its validation, and the order in which the engine follows it.

An attribute applies to one target model (``applies_to``, see ``crm_plus_attribute_target.TARGETS``) and becomes
the real field ``x_attr_<code>`` of that model. This file holds the definition and its rules (code syntax, a code
unique per target, which changes keep stored values); ``create``/``write``/``unlink`` then hand over to the other
parts of the engine, each in its own file on the same model:

* ``crm_plus_attribute_schema.py``: the generated ``ir.model.fields``, its column (DDL under a lock timeout) and the
  registry reload;
* ``crm_plus_attribute_views.py``: the generated form/list/search views of every target;
* ``crm_plus_attribute_completeness.py``: which records an attribute binds, what is filled, customers' completeness.
"""

import re

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from ..access import is_trusted
from .crm_plus_attribute_target import FIELD_PREFIX
from .crm_plus_attribute_target import PARTNER_MODEL
from .crm_plus_attribute_target import TARGETS
from .crm_plus_attribute_target import target_of

CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
CODE_MAX_LENGTH = 40

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
# definition fields whose change rewrites the generated views / recomputes customers' completeness
VIEW_KEYS = frozenset(
    {
        "name",
        "section",
        "section_sequence",
        "sequence",
        "category_ids",
        "required",
        "active",
        "team_ids",
        "lead_stage_ids",
        "edit_group_ids",
        "visibility_group_ids",
        "value_type",
        "code",
        "option_ids",
    }
)
FIELD_KEYS = frozenset({"name", "help", "tracking", "indexed", "visibility_group_ids"})
COMPLETENESS_KEYS = frozenset({"category_ids", "active", "value_type", "code"})


class CrmPlusAttribute(models.Model):
    _name = "crm_plus.attribute"
    _description = "Custom Attribute"
    _order = "applies_to, section_sequence, section, sequence, id"

    name = fields.Char(string="Label", required=True, translate=True)
    applies_to = fields.Selection(
        [(target.model, target.label) for target in TARGETS],
        required=True,
        default=PARTNER_MODEL,
        help="The records that get this attribute (a field x_attr_<code> of that model).",
    )
    code = fields.Char(
        required=True,
        help="Technical code: lowercase letters, digits and underscores. The field is x_attr_<code>. "
        "It cannot change once records hold values.",
    )
    field_name = fields.Char(compute="_compute_field_name", store=True)
    value_type = fields.Selection(VALUE_TYPES, required=True, default="char")
    option_ids = fields.One2many("crm_plus.attribute.option", "attribute_id", string="Options", copy=True)
    required = fields.Boolean(
        help="Customers of the categories below (or of any category when none is set) must fill it. "
        "Existing customers are not blocked; they show up as incomplete. Orders must fill it when the quotation "
        "is sent or confirmed (drafts may be incomplete); opportunities in the stages below."
    )
    category_ids = fields.Many2many(
        "crm_plus.customer.category",
        "crm_plus_attribute_category_rel",
        "attribute_id",
        "category_id",
        string="Categories",
        help="Customers and orders (the order's customer): empty, the attribute applies to every customer.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        "crm_plus_attribute_team_rel",
        "attribute_id",
        "team_id",
        string="Sales Teams",
        help="Orders only: the attribute shows on (and, when required, binds) the orders of these sales teams. "
        "Empty: every team.",
    )
    lead_stage_ids = fields.Many2many(
        "crm.stage",
        "crm_plus_attribute_stage_rel",
        "attribute_id",
        "stage_id",
        string="Required from Stages",
        help="Opportunities only: a required attribute must be filled when the opportunity is in one of these "
        "stages. Empty: in every stage.",
    )
    print_on_quotation = fields.Boolean(
        string="Print on Quotation",
        help="Orders only: print the value on the quotation / order PDF and show it on the customer portal.",
    )
    section = fields.Char(default="General", translate=True, help="Group of the Attributes tab.")
    section_sequence = fields.Integer(default=10)
    sequence = fields.Integer(default=10)
    help = fields.Text(string="Help Text", translate=True)
    tracking = fields.Boolean(help="Log changes in the record's chatter.")
    indexed = fields.Boolean(help="Add a database index: faster searches on large tables.")
    visibility_group_ids = fields.Many2many(
        "res.groups",
        "crm_plus_attribute_visibility_group_rel",
        "attribute_id",
        "group_id",
        string="Visible to",
        help="Only these groups see and read the attribute. Empty: everybody who sees the record.",
    )
    edit_group_ids = fields.Many2many(
        "res.groups",
        "crm_plus_attribute_edit_group_rel",
        "attribute_id",
        "group_id",
        string="Editable by",
        help="Only these groups may change the value (forms, import and the API alike); others see it read-only. "
        "Empty: everybody.",
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
    value_count = fields.Integer(string="Records with a value", compute="_compute_value_count")

    _code_unique = models.Constraint(
        "UNIQUE(code, applies_to)", "An attribute with this code already exists for these records."
    )

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

    @api.model
    @ormcache("model")
    def _crm_plus_attribute_ids(self, model):
        """Ids of the attributes of ``model`` that have their field (archived included), cached: a write of a
        target record asks for them without a query (the cache is cleared when a definition changes)."""
        # sudo: the definitions decide for every user, whatever their read rights on them
        Attribute = self.sudo().with_context(active_test=False)
        return tuple(Attribute.search([("field_id", "!=", False), ("applies_to", "=", model)]).ids)

    def _target(self):
        """The ``AttributeTarget`` of this attribute's model."""
        self.ensure_one()
        return target_of(self.applies_to)

    def _model(self):
        """The (empty) recordset of the model this attribute applies to."""
        self.ensure_one()
        return self.env[self.applies_to]

    # ------------------------------------------------------------------
    # CRUD: the generated field follows the definition
    # ------------------------------------------------------------------
    def _check_code_available(self, keys):
        """A readable error before the database's unique constraint fires (archived attributes count).

        ``keys``: [(code, applies_to)] about to be written."""
        duplicated = {key for key in keys if keys.count(key) > 1}
        for code, applies_to in set(keys):
            if self.with_context(active_test=False).search_count(
                [("code", "=", code), ("applies_to", "=", applies_to), ("id", "not in", self.ids)], limit=1
            ):
                duplicated.add((code, applies_to))
        if duplicated:
            raise ValidationError(
                self.env._(
                    "An attribute with the code “%(code)s” already exists.",
                    code=", ".join(sorted(code for code, _model in duplicated)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        default_model = self.default_get(["applies_to"]).get("applies_to") or PARTNER_MODEL
        self._check_code_available(
            [(vals["code"], vals.get("applies_to") or default_model) for vals in vals_list if vals.get("code")]
        )
        attributes = super().create(vals_list)
        for attribute in attributes:
            attribute._create_field()
        self.env.registry.clear_cache()
        self._generate_views()
        attributes._recompute_completeness()
        return attributes

    def write(self, vals):
        if "applies_to" in vals and any(a.applies_to != vals["applies_to"] for a in self):
            raise ValidationError(
                self.env._("An attribute keeps the records it applies to: create a new attribute instead.")
            )
        if vals.get("code"):
            self._check_code_available([(vals["code"], a.applies_to) for a in self])
        if "code" in vals or "value_type" in vals:
            for attribute in self:
                attribute._check_structure_change(vals)
        old = {a.id: (a.code, a.value_type) for a in self}
        res = super().write(vals)
        for attribute in self:
            old_code, old_type = old[attribute.id]
            if attribute.code != old_code or attribute.value_type != old_type:
                attribute._change_structure(old_code, old_type)
        self.env.registry.clear_cache()
        if FIELD_KEYS & set(vals):
            self._sync_field_attributes()
        if VIEW_KEYS & set(vals):
            self._generate_views()
        if COMPLETENESS_KEYS & set(vals):
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
                    "%(count)s records hold values for “%(names)s”. Archive the attribute to keep the data, "
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

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

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
        """Delete at once when no record holds a value, otherwise ask for confirmation."""
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
        """The records (customers, orders or opportunities) holding a value for this attribute."""
        self.ensure_one()
        if self.applies_to == PARTNER_MODEL:
            action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.res_partner_action_customer")
        else:
            action = {
                "type": "ir.actions.act_window",
                "name": self.name,
                "res_model": self.applies_to,
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
            }
        action["domain"] = [(self.field_name, "!=", False)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # which changes keep the stored values
    # ------------------------------------------------------------------
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
                    "The code of “%(name)s” cannot change: %(count)s records hold values for it.",
                    name=self.name,
                    count=count,
                )
            )
        if (self.value_type, new_type) not in SAFE_CONVERSIONS:
            allowed = [dict(VALUE_TYPES)[to] for (frm, to) in SAFE_CONVERSIONS if frm == self.value_type]
            raise ValidationError(
                self.env._(
                    "“%(name)s” cannot become %(new)s: %(count)s records hold values that would not convert. "
                    "Safe conversions from %(old)s: %(allowed)s.",
                    name=self.name,
                    new=dict(VALUE_TYPES)[new_type],
                    old=dict(VALUE_TYPES)[self.value_type],
                    count=count,
                    allowed=", ".join(allowed) or self.env._("none"),
                )
            )
