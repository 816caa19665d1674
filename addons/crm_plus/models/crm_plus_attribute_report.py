# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer and order attributes in the reports (quotation rounds, customer value, receivables aging).

Odoo 19's ``_read_group`` accepts a many2one path (``partner_id.x_attr_tier``), but the web client does not: its
search view only turns a ``group_by`` into a group-by when the name is a field of the model, and the pivot and
graph views look the group-by up in the model's fields for its label and type. So each report gets real fields:
for every attribute of a groupable type, a manual related field ``x_attr_<code>`` =
``partner_id.x_attr_<code>`` (not stored, nothing to recompute: grouping joins the customer), plus two
generated views (search: group-by and filters; list: optional columns) showing the active ones, rebuilt with the
partner views whenever the definitions change and removed with the attributes or the module. The report models
check the attribute's *Visible to* groups themselves (``crm_plus.report.attribute.mixin``).

Order attributes follow the same way in the quotation rounds report, related to the deal's last round
(``last_order_id.x_attr_<code>``, see ``REPORT_SOURCES``). A report field is named after the attribute's field: when a
customer attribute and an order attribute share a code, the report shows the customer's.
"""

from lxml import etree
from lxml.builder import E

from odoo import Command
from odoo import api
from odoo import models
from odoo.tools import SQL

from . import crm_plus_attribute_schema  # noqa: F401  (defines the methods extended below)
from . import crm_plus_attribute_views  # noqa: F401  (idem)
from .crm_plus_attribute import FIELD_TYPES
from .crm_plus_attribute_target import FIELD_PREFIX
from .crm_plus_attribute_target import PARTNER_MODEL

# report model -> its generated views; every report has a many2one partner_id to the (commercial) customer
REPORT_MODELS = {
    "crm_plus.report.rounds": {
        "search": "crm_plus.crm_plus_report_rounds_view_search_attributes",
        "list": "crm_plus.crm_plus_report_rounds_view_list_attributes",
    },
    "crm_plus.report.customer.value": {
        "search": "crm_plus.crm_plus_report_customer_value_view_search_attributes",
        "list": "crm_plus.crm_plus_report_customer_value_view_list_attributes",
    },
    "crm_plus.report.aging": {
        "search": "crm_plus.crm_plus_report_aging_view_search_attributes",
        "list": "crm_plus.crm_plus_report_aging_view_list_attributes",
    },
}
# report model -> {attribute target: the report's many2one to a record of that target}
REPORT_SOURCES = {
    "crm_plus.report.rounds": {PARTNER_MODEL: "partner_id", "sale.order": "last_order_id"},
    "crm_plus.report.customer.value": {PARTNER_MODEL: "partner_id"},
    "crm_plus.report.aging": {PARTNER_MODEL: "partner_id"},
}
REPORT_TARGETS = (PARTNER_MODEL, "sale.order")
# attributes a report can be broken down by (free text and numbers are not categories)
GROUPABLE_TYPES = ("selection", "boolean", "tags", "date", "datetime")


class CrmPlusAttribute(models.Model):
    _inherit = "crm_plus.attribute"

    @api.model
    def _generate_views(self, exclude=None):
        super()._generate_views(exclude=exclude)
        self._generate_report_fields(exclude=exclude)
        self._refresh_report_models()

    def _sync_selection_options(self, removed_option_ids=()):
        super()._sync_selection_options(removed_option_ids=removed_option_ids)
        self._refresh_report_models()

    def _sync_field_attributes(self):
        super()._sync_field_attributes()
        # labels, help and visibility groups follow on the report fields; written through the ORM so that the
        # report models are set up again with them
        fields_ = self._report_fields()
        for attribute in self.filtered("field_id"):
            groups = attribute.visibility_group_ids
            label, help_ = attribute.name, attribute.help or False
            changed = fields_.filtered(
                lambda f, a=attribute, g=groups, lb=label, h=help_: f.name == a.field_name
                and f.related == a._report_related(f.model)
                and (f.groups != g or f.field_description != lb or (f.help or False) != h)
            )
            if changed:
                groups._ensure_xml_id()
                changed.write({"field_description": label, "help": help_, "groups": [Command.set(groups.ids)]})
        # every language at once
        self._copy_report_labels()
        self._refresh_report_models()

    # ------------------------------------------------------------------
    # report fields
    # ------------------------------------------------------------------
    @api.model
    def _report_fields(self):
        # sudo: generated fields are system records, kept in sync with the definitions (admin-only writes)
        return (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [
                    ("model", "in", list(REPORT_MODELS)),
                    ("name", "=like", FIELD_PREFIX.replace("_", "\\_") + "%"),
                    ("state", "=", "manual"),
                ]
            )
        )

    @api.model
    def _report_attributes(self, exclude=None):
        """Attributes the reports are broken down by (of customers and orders), whose field exists.

        Archived ones keep their report fields (like their own fields: archiving is cheap and leaves the
        registry alone); only the views leave them out."""
        # sudo: every definition, archived ones included, with its field (Settings only), whoever saves a definition
        attributes = (
            self.sudo()
            .with_context(active_test=False)
            .search([("field_id", "!=", False), ("applies_to", "in", REPORT_TARGETS)])
        )
        if exclude:
            attributes -= exclude
        return attributes.filtered(
            lambda a: a.value_type in GROUPABLE_TYPES
            and a.field_name in self.env[a.applies_to]._fields
            and self.env[a.applies_to]._fields[a.field_name].type == FIELD_TYPES[a.value_type]
        )

    def _report_related(self, model):
        """``related`` of this attribute's field on the report ``model`` (False: the report does not show it)."""
        self.ensure_one()
        path = REPORT_SOURCES[model].get(self.applies_to)
        return path and f"{path}.{self.field_name}"

    @api.model
    def _report_wanted(self, attributes):
        """{(report model, field name): attribute}: customer attributes first, they win a shared code."""
        wanted = {}
        for attribute in attributes.sorted(lambda a: (a.applies_to != PARTNER_MODEL, a.id)):
            for model in REPORT_MODELS:
                if attribute._report_related(model):
                    wanted.setdefault((model, attribute.field_name), attribute)
        return wanted

    def _report_field_vals(self, model):
        self.ensure_one()
        vals = {
            "model_id": self.env["ir.model"]._get_id(model),
            "name": self.field_name,
            "state": "manual",
            "field_description": self.name,
            "help": self.help,
            "ttype": FIELD_TYPES[self.value_type],
            "related": self._report_related(model),
            "store": False,
            "readonly": True,
            "copied": False,
            "groups": [Command.set(self.visibility_group_ids.ids)],
        }
        if self.value_type == "tags":
            vals["relation"] = "crm_plus.attribute.option"
        return vals

    @api.model
    def _generate_report_fields(self, exclude=None):
        """Make the report fields match the groupable attributes, then rewrite the report views (active ones).

        A field cannot be removed while a view shows it, and a view cannot show a field that does not exist yet:
        views drop the stale fields first, then fields are removed and added, then views show the new ones."""
        attributes = self._report_attributes(exclude=exclude)
        wanted = self._report_wanted(attributes)
        existing = self._report_fields()
        stale = existing.filtered(
            lambda f: (f.model, f.name) not in wanted
            or f.ttype != FIELD_TYPES[wanted[f.model, f.name].value_type]
            or f.related != wanted[f.model, f.name]._report_related(f.model)
        )
        kept = {(f.model, f.name) for f in existing - stale}

        def shown(keys):
            return {
                model: attributes.browse(
                    [a.id for (m, _name), a in wanted.items() if m == model and a.active and (m, a.field_name) in keys]
                ).sorted()
                for model in REPORT_MODELS
            }

        if stale:
            self._write_report_views(shown(kept))
            stale.unlink()
        missing = [a._report_field_vals(model) for (model, name), a in wanted.items() if (model, name) not in kept]
        if missing:
            # the registry reads the groups by external id (ir.model.fields override) when the fields are set up
            attributes.visibility_group_ids._ensure_xml_id()
            # sudo: generated report fields are system records, created from the definitions (admin-only writes)
            self.env["ir.model.fields"].sudo().create(missing)
            attributes._copy_report_labels()
        self._write_report_views(shown(set(wanted)))

    @api.model
    def _refresh_report_models(self):
        """Set the reports up again when the customer fields their fields follow were rebuilt.

        Changing a customer field (options, type, labels) sets res.partner up again with new field objects, but
        not the manual related fields of other models that point to it: the report fields would keep the old
        customer field, e.g. its old options (a new option would then be a "wrong value" on the report)."""
        stale = [
            model
            for model in REPORT_MODELS
            if any(
                field.related_field is not self.env[field.related_field.model_name]._fields.get(name)
                for name, field in self.env[model]._fields.items()
                if name.startswith(FIELD_PREFIX)
            )
        ]
        if stale:
            self.env.flush_all()
            self.pool._setup_models__(self.env.cr, stale)

    def _copy_report_labels(self):
        """Labels and help of the report fields are those of the attributes' fields, in every language."""
        if not self.filtered("field_name"):
            return
        self.env.flush_all()
        for model, sources in REPORT_SOURCES.items():
            for target, path in sources.items():
                names = [a.field_name for a in self if a.field_name and a.applies_to == target]
                if not names:
                    continue
                self.env.cr.execute(
                    SQL(
                        """UPDATE ir_model_fields r SET field_description = p.field_description, help = p.help
                             FROM ir_model_fields p
                            WHERE p.model = %s AND p.name = r.name AND r.model = %s AND r.name IN %s
                              AND r.related = %s || '.' || r.name""",
                        target,
                        model,
                        tuple(names),
                        path,
                    )
                )
        self.env["ir.model.fields"].invalidate_model(["field_description", "help"])
        self.env.registry.clear_cache("stable")

    # ------------------------------------------------------------------
    # report views
    # ------------------------------------------------------------------
    @api.model
    def _write_report_views(self, attributes_by_model):
        for model, xmlids in REPORT_MODELS.items():
            attributes = attributes_by_model[model]
            archs = {"search": attributes._report_search_arch(), "list": attributes._report_list_arch()}
            for kind, xmlid in xmlids.items():
                view = self.env.ref(xmlid, raise_if_not_found=False)
                if not view:
                    continue
                arch = etree.tostring(archs[kind], encoding="unicode", pretty_print=True)
                # sudo: generated views are compared and rewritten from the definitions (admin-only writes)
                view = view.sudo()
                if view.active == bool(attributes) and view.arch_db == arch:
                    continue  # unchanged: no write, no view validation
                view.write({"arch_db": arch, "active": bool(attributes)})

    def _report_search_arch(self):
        xpath = E.xpath(expr="/search", position="inside")
        filters, groupbys = [], []
        for attribute in self:
            if attribute.value_type in ("selection", "tags"):
                xpath.append(E.field(name=attribute.field_name, **attribute._visibility_attrs()))
            elif attribute.value_type == "boolean":
                filters.append(attribute._search_filter_node())
            groupbys.append(attribute._search_groupby_node())
        if filters:
            xpath.append(E.separator())
            xpath.extend(filters)
        if groupbys:
            xpath.append(E.group(*groupbys))
        return E.data(xpath)

    def _report_list_arch(self):
        xpath = E.xpath(expr="/list", position="inside")
        for attribute in self:
            attrs = {"optional": "hide", **attribute._visibility_attrs()}
            if attribute.value_type == "tags":
                attrs["widget"] = "many2many_tags"
            xpath.append(E.field(name=attribute.field_name, **attrs))
        return E.data(xpath)
