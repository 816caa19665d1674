# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order attributes: sale.order as a target of the attribute engine (``crm_plus.attribute.holder``).

An order attribute shows on the orders of its sales teams and customer categories (the order's customer; empty:
all). A required one binds those orders once the quotation leaves draft: sending it (``state`` 'sent', by mail or
"mark as sent") or confirming it names every missing label in one error; a draft may be incomplete. Once sent or
confirmed, a write cannot empty a required attribute, nor move the order to a team or customer that requires one
that is empty.

Values travel one way: a quotation made from an opportunity takes the values of the opportunity's attributes of the
same code and type (``_crm_plus_take_lead_values``; an order attribute the user may not edit only from an opportunity
attribute locked to the same groups); a new round is a copy (values copied, even those the
salesperson may not edit or read); the confirmed order is the same record. Attributes marked *Print on quotation*
are printed on the quotation / order PDF and shown on the portal (``_crm_plus_printed_attributes``).
"""

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL
from odoo.tools import format_date
from odoo.tools import format_datetime

from .crm_plus_attribute_target import FIELD_PREFIX

# states in which required order attributes must be filled
BOUND_STATES = ("sent", "sale")


def _given(value):
    """A value in create values, not an empty one (False, "", no tags)."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, list | tuple):
        return any(not (isinstance(c, list | tuple) and c[0] in (5, 6) and not (c[2:] and c[2])) for c in value)
    return True


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm_plus.attribute.holder"]

    crm_plus_category_id = fields.Many2one(
        related="partner_id.commercial_partner_id.crm_plus_category_id",
        string="Customer Category",
        help="Category of the customer: decides which order attributes the order has.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._crm_plus_take_lead_values(vals_list)
        bound = orders.filtered(lambda o: o.state in BOUND_STATES)
        if bound:
            bound._crm_plus_check_required(self._crm_plus_attributes())
        return orders

    def write(self, vals):
        res = super().write(vals)
        if not self:
            return res
        touched = [fname for fname in vals if fname.startswith(FIELD_PREFIX)]
        if vals.get("state") in BOUND_STATES or {"team_id", "partner_id"} & set(vals):
            self.filtered(lambda o: o.state in BOUND_STATES)._crm_plus_check_required(self._crm_plus_attributes())
        elif touched:
            attributes = self._crm_plus_attributes().filtered(lambda a: a.field_name in touched)
            self.filtered(lambda o: o.state in BOUND_STATES)._crm_plus_check_required(attributes)
        return res

    def action_quotation_send(self):
        # before the mail composer opens: the quotation it sends must be complete
        self._crm_plus_check_required(self._crm_plus_attributes())
        return super().action_quotation_send()

    def action_confirm(self):
        # before any approval request: an approver should not receive an incomplete order
        self.filtered(lambda o: o.state in ("draft", "sent"))._crm_plus_check_required(self._crm_plus_attributes())
        return super().action_confirm()

    # ------------------------------------------------------------------ values travel, values printed
    def _crm_plus_take_lead_values(self, vals_list):
        """Opportunity -> quotation: each order attribute the values don't give takes the value of the opportunity's
        attribute of the same code and type (choices and tags by option code)."""
        order_attributes = self._crm_plus_attributes().filtered("active")
        if not order_attributes or not any(vals.get("opportunity_id") for vals in vals_list):
            return
        lead_attributes = {a.code: a for a in self.env["crm.lead"]._crm_plus_attributes().filtered("active")}
        pairs = [
            (attribute, lead_attributes[attribute.code])
            for attribute in order_attributes
            if attribute.code in lead_attributes
            and lead_attributes[attribute.code].value_type == attribute.value_type
            and self._crm_plus_may_take(attribute, lead_attributes[attribute.code])
        ]
        if not pairs:
            return
        # the opportunity is the caller's choice: its values travel only from one the user may read
        readable = set(
            self.env["crm.lead"]
            .browse({vals["opportunity_id"] for vals in vals_list if vals.get("opportunity_id")})
            ._filtered_access("read")
            .ids
        )
        for order, vals in zip(self, vals_list, strict=True):
            # a form sends every field of the view: an empty value is not a value given
            wanted = [(a, la) for a, la in pairs if not _given(vals.get(a.field_name))]
            if vals.get("opportunity_id") not in readable or not wanted:
                continue
            # sudo: the opportunity the user may read (checked above); only attributes he may read travel
            # (_crm_plus_may_take), read as the raw columns and tags below
            lead = order.sudo().opportunity_id
            columns = [la for _a, la in wanted if la.value_type != "tags"]
            raw = {}
            if columns:
                # the columns themselves: an unset number is NULL (the ORM would read 0)
                self.env.cr.execute(
                    SQL(
                        "SELECT %s FROM crm_lead WHERE id = %s",
                        SQL(", ").join(SQL.identifier(la.field_name) for la in columns),
                        lead.id,
                    )
                )
                raw = dict(zip([la.field_name for la in columns], self.env.cr.fetchone(), strict=True))
            values = {}
            for attribute, lead_attribute in wanted:
                if lead_attribute.value_type == "tags":
                    codes = set(lead[lead_attribute.field_name].mapped("code"))
                    options = attribute.option_ids.filtered(lambda o, codes=codes: o.code in codes)
                    if options:
                        values[attribute.field_name] = [Command.set(options.ids)]
                    continue
                value = raw[lead_attribute.field_name]
                if value is None or value == "":
                    continue
                if attribute.value_type == "selection" and value not in attribute.option_ids.mapped("code"):
                    continue
                values[attribute.field_name] = value
            if values:
                # sudo: the opportunity's values fill the new quotation, even attributes the user may not edit
                # (those only from an opportunity attribute locked to the same groups, _crm_plus_may_take)
                order.sudo().write(values)

    def _crm_plus_may_take(self, attribute, lead_attribute):
        """Whether the opportunity's value may fill ``attribute`` of the user's new quotation.

        *Editable by* holds here too: a value the user may not write on the order travels only when the
        opportunity's attribute is locked to (some of) the same groups, i.e. was set by someone who may. A value the
        user may not read on the opportunity (its *Visible to*) never travels."""
        if self.env.su:
            return True
        Lead = self.env["crm.lead"]
        if not Lead._has_field_access(Lead._fields[lead_attribute.field_name], "read"):
            return False
        if not attribute.edit_group_ids or attribute.edit_group_ids & self.env.user.all_group_ids:
            return True
        return bool(lead_attribute.edit_group_ids) and lead_attribute.edit_group_ids <= attribute.edit_group_ids

    def _crm_plus_printed_attributes(self):
        """[(label, value)] of the attributes marked *Print on quotation* that hold a value, in the reader's
        language: the quotation / order PDF and the portal show them."""
        self.ensure_one()
        attributes = self._crm_plus_attributes().filtered(
            lambda a: a.active and a.print_on_quotation and a.field_name in self._fields
        )
        if not attributes:
            return []
        # sudo: the consultant chose to print these values for whoever receives the document (customer included)
        order = self.sudo()
        order._crm_plus_fetch_attributes()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM sale_order p WHERE p.id = %s",
                SQL(", ").join(a._filled_sql("p") for a in attributes),
                self.id,
            )
        )
        filled = dict(zip(attributes.ids, self.env.cr.fetchone(), strict=True))
        printed = []
        for attribute in attributes.with_context(lang=self.env.lang):
            if not filled[attribute.id] and attribute.value_type != "boolean":
                continue
            field = order._fields[attribute.field_name]
            value = order[attribute.field_name]
            if attribute.value_type == "selection":
                text = dict(field._description_selection(self.env)).get(value, value)
            elif attribute.value_type == "tags":
                text = ", ".join(value.with_context(lang=self.env.lang).mapped("name"))
            elif attribute.value_type == "boolean":
                text = self.env._("Yes") if value else self.env._("No")
            elif attribute.value_type == "date":
                text = format_date(self.env, value)
            elif attribute.value_type == "datetime":
                text = format_datetime(self.env, value)
            else:
                text = str(value)
            printed.append((attribute.name, text))
        return printed

    # ------------------------------------------------------------------ attribute rules of orders
    @api.model
    def _crm_plus_attribute_applies_sql(self, attribute, alias, only_categorized=False):
        """An order attribute binds the orders of its teams and of customers of its categories (empty: all)."""
        conditions = [SQL("TRUE")]
        if attribute.team_ids:
            conditions.append(SQL("%s IN %s", SQL.identifier(alias, "team_id"), tuple(attribute.team_ids.ids)))
        if attribute.category_ids:
            conditions.append(
                SQL(
                    """EXISTS (SELECT 1 FROM res_partner cp_p JOIN res_partner cp ON cp.id = cp_p.commercial_partner_id
                                WHERE cp_p.id = %s AND cp.crm_plus_category_id IN %s)""",
                    SQL.identifier(alias, "partner_id"),
                    tuple(attribute.category_ids.ids),
                )
            )
        return SQL(" AND ").join(conditions)

    @api.model
    def _crm_plus_attribute_view_attrs(self, attribute):
        shown = []
        if attribute.team_ids:
            shown.append(f"team_id in {attribute.team_ids.ids}")
        if attribute.category_ids:
            shown.append(f"crm_plus_category_id in {attribute.category_ids.ids}")
        attrs = {}
        if shown:
            attrs["invisible"] = f"not ({' and '.join(shown)})"
        if attribute.required:
            attrs["required"] = " and ".join([f"state in {BOUND_STATES!r}", *shown])
        return attrs

    @api.model
    def _crm_plus_required_title(self):
        return self.env._("Required order attributes are missing:")
