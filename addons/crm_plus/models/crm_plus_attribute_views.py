# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generated views: the attributes of each target shown on its form (a tab), list (optional columns) and search.

For every target of ``TARGETS`` crm_plus owns three inheriting views (``views/*_attribute_views.xml``, noupdate)
whose arch is rewritten here from the active definitions whenever they change, and archived while the target has
no attribute: Odoo's own views are then exactly as without crm_plus. Per-target conditions of a form node (which
records an attribute shows on, when it is required) come from the target model's
``_crm_plus_attribute_view_attrs`` (``crm_plus.attribute.holder``). An attribute with *Editable by* groups gets two
complementary nodes: editable for those groups, read-only for the others (the server refuses their writes too).
"""

from lxml import etree
from lxml.builder import E

from odoo import api
from odoo import models

from .crm_plus_attribute_target import TARGETS


class CrmPlusAttribute(models.Model):
    _inherit = "crm_plus.attribute"

    @api.model
    def _generate_views(self, exclude=None):
        """Rewrite the arch of the generated views of every target from the active definitions."""
        # sudo: every active definition builds the views, and their groups get external ids (Settings only),
        # whoever's change rewrites them (admin-only writes)
        attributes = self.sudo().with_context(active_test=True).search([("field_id", "!=", False)])
        if exclude:
            attributes -= exclude
        (attributes.visibility_group_ids | attributes.edit_group_ids)._ensure_xml_id()
        for target in TARGETS:
            Model = self.env[target.model]
            shown = attributes.filtered(
                lambda a, t=target, m=Model: a.applies_to == t.model and a.field_name in m._fields
            )
            builders = {"form": shown._form_arch, "list": shown._list_arch, "search": shown._search_arch}
            for kind, xmlid, anchor in target.views:
                view = self.env.ref(xmlid, raise_if_not_found=False)
                if not view:
                    continue
                arch = etree.tostring(builders[kind](anchor), encoding="unicode", pretty_print=True)
                # sudo: generated views are compared and rewritten from the definitions (admin-only writes)
                view = view.sudo()
                if view.active == bool(shown) and view.arch_db == arch:
                    continue  # unchanged (e.g. another target's attribute changed): no write, no view validation
                view.write({"arch_db": arch, "active": bool(shown)})

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

    def _form_arch(self, anchor):
        Model = self.env[self[:1].applies_to] if self else None
        page = E.page(name="crm_plus_attributes", string=self.env._("Attributes"))
        page_invisible = Model._crm_plus_attribute_page_invisible(self) if self else None
        if page_invisible:
            page.set("invisible", page_invisible)
        sections = {}
        for attribute in self:
            sections.setdefault(attribute.section or "", self.browse())
            sections[attribute.section or ""] |= attribute
        for index, (section, attributes) in enumerate(sections.items()):
            group = E.group(name=f"crm_plus_attribute_section_{index}", string=section)
            for attribute in attributes:
                attrs = Model._crm_plus_attribute_view_attrs(attribute)
                if attribute.value_type == "tags":
                    attrs.update(widget="many2many_tags", options="{'no_create': True}")
                for node in attribute._field_nodes(**attrs):
                    group.append(node)
            page.append(group)
        return E.data(E.xpath(page, expr=anchor, position="inside"))

    def _list_arch(self, anchor):
        xpath = E.xpath(expr=anchor, position="inside")
        for attribute in self:
            attrs = {"optional": "hide"}
            if attribute.value_type == "tags":
                attrs["widget"] = "many2many_tags"
            for node in attribute._field_nodes(**attrs):
                xpath.append(node)
        return E.data(xpath)

    def _search_arch(self, anchor):
        xpath = E.xpath(expr=anchor, position="inside")
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
