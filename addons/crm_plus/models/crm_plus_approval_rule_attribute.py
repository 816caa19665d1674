# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Approval rule type 'attribute': an attribute of the order, or of its customer, compared with a value.

``attribute_id`` (an attribute of ``sale.order`` or ``res.partner``), ``attribute_operator`` (``=``, ``!=``, ``>``,
``>=``, ``<``, ``<=``, ``set``, ``not set``) and ``attribute_value`` (text, converted to the attribute's type; an
option's code for choices and tags). ``_evaluate_attribute`` reads the values of the whole batch from the column in
one query (NULL is unset, 0 is a value). An unset value matches only ``!=`` and ``not set``; ``=``/``!=`` on tags
mean "has / has not this option".

Not bypassable: the attribute is a rule input like the order's amounts. A write of an order attribute used by an
attribute rule withdraws a pending or granted approval and re-evaluates a confirmed order
(``sale.order._crm_plus_approval_order_fields``); a write of a customer attribute used by one withdraws the approvals
of the customer's quotations (evaluated again on confirmation).
"""

import datetime

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..messages import Ref
from ..messages import _lt
from . import sale_order  # noqa: F401  (defines _crm_plus_approval_order_fields, extended below)
from .crm_plus_attribute_target import FIELD_PREFIX
from .crm_plus_attribute_target import PARTNER_MODEL

ATTRIBUTE_OPERATORS = [
    ("=", "is"),
    ("!=", "is not"),
    (">", "is above"),
    (">=", "is at least"),
    ("<", "is below"),
    ("<=", "is at most"),
    ("set", "is set"),
    ("not set", "is not set"),
]
ORDERED_TYPES = ("integer", "float", "date", "datetime", "char", "text")
RULE_MODELS = ("sale.order", PARTNER_MODEL)


class CrmPlusApprovalRule(models.Model):
    _inherit = "crm_plus.approval.rule"

    rule_type = fields.Selection(
        selection_add=[("attribute", "Attribute condition")], ondelete={"attribute": "cascade"}
    )
    attribute_id = fields.Many2one(
        "crm_plus.attribute",
        string="Attribute",
        ondelete="restrict",
        domain=[("applies_to", "in", RULE_MODELS)],
        help="An attribute of the order, or of its customer.",
    )
    attribute_operator = fields.Selection(ATTRIBUTE_OPERATORS, string="Condition", default="=")
    attribute_value = fields.Char(
        string="Value",
        help="Converted to the attribute's type: a number, a date (YYYY-MM-DD), yes/no, or an option's code.",
    )

    @api.constrains("rule_type", "attribute_id", "attribute_operator", "attribute_value")
    def _check_attribute_condition(self):
        for rule in self.filtered(lambda r: r.rule_type == "attribute"):
            # sudo: only the rule's own attribute (type, options), checked the same whoever saves the rule
            attribute = rule.attribute_id.sudo()
            if not attribute or attribute.applies_to not in RULE_MODELS or not rule.attribute_operator:
                raise ValidationError(
                    self.env._("Rule %(rule)s needs an attribute of the order or of its customer.", rule=rule.name)
                )
            if rule.attribute_operator in ("set", "not set"):
                continue
            if rule.attribute_operator not in ("=", "!=") and attribute.value_type not in ORDERED_TYPES:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: “%(attribute)s” can only be compared with is / is not / is set.",
                        rule=rule.name,
                        attribute=attribute.name,
                    )
                )
            rule._attribute_expected()

    def _attribute_expected(self):
        """``attribute_value`` converted to the attribute's type (ValidationError when it does not convert)."""
        self.ensure_one()
        # sudo: the rule's attribute (type, options), read when the rule is saved and for whoever confirms,
        # portal customers included, who may not read attribute definitions
        attribute = self.attribute_id.sudo()
        text = (self.attribute_value or "").strip()
        vtype = attribute.value_type
        try:
            if vtype == "integer":
                return int(text)
            if vtype == "float":
                return float(text)
            if vtype == "date":
                return fields.Date.to_date(text)
            if vtype == "datetime":
                return fields.Datetime.to_datetime(text)
            if vtype == "boolean":
                if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(text)
                return text.lower() in ("1", "true", "yes")
            if vtype in ("selection", "tags"):
                option = attribute.option_ids.filtered(lambda o: o.code == text)
                if not option:
                    raise ValueError(text)
                return option.code if vtype == "selection" else option.id
        except (ValueError, TypeError):
            raise ValidationError(
                self.env._(
                    "Rule %(rule)s: “%(value)s” is not a value of “%(attribute)s” (%(type)s).",
                    rule=self.name,
                    value=text,
                    attribute=attribute.name,
                    type=dict(attribute._fields["value_type"]._description_selection(self.env))[vtype],
                )
            ) from None
        return text

    def _attribute_values(self, records):
        """{record id: value} of ``self.attribute_id`` for ``records``, from the column in one query.

        Unset values are None (0 stays 0); tags give the set of option ids."""
        # sudo: the rule's attribute definition only, for whoever confirms; values are read for the orders evaluated
        attribute = self.attribute_id.sudo()
        records.flush_model([attribute.field_name])
        if not records.ids:
            return {}
        if attribute.value_type == "tags":
            column = attribute._target().rel_column
            self.env.cr.execute(
                SQL(
                    "SELECT %s, array_agg(option_id) FROM %s WHERE %s IN %s GROUP BY 1",
                    SQL.identifier(column),
                    SQL.identifier(attribute._relation_table()),
                    SQL.identifier(column),
                    tuple(records.ids),
                )
            )
            values = {rid: set(option_ids) for rid, option_ids in self.env.cr.fetchall()}
            return {rid: values.get(rid) for rid in records.ids}
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id IN %s",
                SQL.identifier(attribute.field_name),
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )
        values = dict(self.env.cr.fetchall())
        if attribute.value_type in ("char", "text"):
            values = {rid: value or None for rid, value in values.items()}
        return values

    def _attribute_matches(self, value, expected):
        operator = self.attribute_operator
        if operator == "set":
            return value is not None
        if operator == "not set":
            return value is None
        # sudo: the type of the rule's attribute only, whoever confirms (portal customers may not read definitions)
        if self.attribute_id.sudo().value_type == "tags":
            has = expected in (value or ())
            return has if operator == "=" else not has
        if value is None:
            return operator == "!="
        if isinstance(value, datetime.datetime) and not isinstance(expected, datetime.datetime):
            value = value.date()
        return {
            "=": value == expected,
            "!=": value != expected,
            ">": value > expected,
            ">=": value >= expected,
            "<": value < expected,
            "<=": value <= expected,
        }[operator]

    def _evaluate_attribute(self, orders):
        self.ensure_one()
        # sudo: the rule's attribute definition, read for whoever confirms (salesperson, portal customer, payment)
        attribute = self.attribute_id.sudo()
        if not attribute.active or attribute.field_name not in self.env[attribute.applies_to]._fields:
            return {}
        expected = None if self.attribute_operator in ("set", "not set") else self._attribute_expected()
        if attribute.applies_to == PARTNER_MODEL:
            holder = {order.id: order.partner_id.commercial_partner_id.id for order in orders}
            values = self._attribute_values(orders.partner_id.commercial_partner_id)
        else:
            holder = {order.id: order.id for order in orders}
            values = self._attribute_values(orders)
        operators = dict(self._fields["attribute_operator"]._description_selection(self.env))
        result = {}
        for order in orders:
            value = values.get(holder[order.id])
            if self._attribute_matches(value, expected):
                result[order.id] = _lt(
                    "%(rule)s: %(attribute)s %(operator)s %(value)s.",
                    rule=Ref(self, "name"),
                    attribute=Ref(attribute, "name"),
                    operator=operators[self.attribute_operator],
                    value=self.attribute_value or "",
                )
        return result

    @api.model
    def _crm_plus_attribute_rule_fields(self, model):
        """Field names of ``model``'s attributes that active attribute rules read."""
        # sudo: rules are read for every user whose change they may withdraw an approval for
        rules = self.sudo().search([("rule_type", "=", "attribute"), ("attribute_id.applies_to", "=", model)])
        return set(rules.attribute_id.mapped("field_name"))


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _crm_plus_approval_order_fields(self, vals):
        names = super()._crm_plus_approval_order_fields(vals)
        if any(name.startswith(FIELD_PREFIX) for name in vals):
            names = names | self.env["crm_plus.approval.rule"]._crm_plus_attribute_rule_fields("sale.order")
        return names


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        watched = set()
        if self and any(name.startswith(FIELD_PREFIX) for name in vals):
            watched = self.env["crm_plus.approval.rule"]._crm_plus_attribute_rule_fields(PARTNER_MODEL) & set(vals)
        res = super().write(vals)
        if watched:
            # sudo: the approvals of the customer's quotations no longer hold, whoever can read them
            orders = (
                self.env["sale.order"]
                .sudo()
                .search(
                    [
                        ("partner_id.commercial_partner_id", "in", self.commercial_partner_id.ids),
                        ("state", "in", ("draft", "sent")),
                        ("approval_state", "in", ("pending", "approved")),
                    ]
                )
            )
            orders._crm_plus_reset_approval(self.env._("A customer attribute an approval rule reads changed."))
        return res
