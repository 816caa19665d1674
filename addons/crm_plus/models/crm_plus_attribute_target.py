# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The models attributes can apply to: the one list the attribute engine reads (no model name elsewhere).

Every part of the engine works from ``TARGETS``:

* ``crm_plus_attribute.py`` (definition, validation): ``applies_to`` offers one choice per target;
* ``crm_plus_attribute_schema.py`` (DDL, registry reload): the ``x_attr_<code>`` column goes on ``model``'s table,
  a tag attribute's relation table is ``<rel_prefix>_<code>_rel`` with the record in ``rel_column``;
* ``crm_plus_attribute_views.py`` (generated views): each ``(kind, view xmlid, anchor)`` of ``views`` is a view
  record of crm_plus inheriting the model's own view, whose arch is rewritten inside ``anchor``;
* ``crm_plus_attribute_completeness.py``: which records an attribute binds (required) and how full they are;
* ``crm_plus_attribute_holder.py`` (``crm_plus.attribute.holder``, inherited by each target model): the server-side
  checks of every write (edit groups, options, empty numbers, required).

Adding a target is one ``AttributeTarget`` line here, its view records (``views/*_attribute_views.xml``), and
``_inherit = [model, "crm_plus.attribute.holder"]`` on the model (see the readme's developer section).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AttributeTarget:
    model: str
    label: str
    # relation table of a tag attribute: "<rel_prefix>_<code>_rel" (≤ 63 characters with a 40-character code)
    rel_prefix: str
    rel_column: str
    # (kind, xmlid of the generated view, xpath inside the inherited view where the generated nodes go)
    views: tuple


TARGETS = (
    AttributeTarget(
        model="res.partner",
        label="Customers",
        rel_prefix="x_crm_plus_attr",
        rel_column="partner_id",
        views=(
            ("form", "crm_plus.res_partner_view_form_attributes", "//sheet/notebook"),
            ("list", "crm_plus.res_partner_view_list_attributes", "/list"),
            ("search", "crm_plus.res_partner_view_search_attributes", "/search"),
        ),
    ),
    AttributeTarget(
        model="sale.order",
        label="Quotations / Orders",
        rel_prefix="x_crm_plus_so_attr",
        rel_column="order_id",
        views=(
            ("form", "crm_plus.sale_order_view_form_attributes", "//sheet/notebook"),
            ("list", "crm_plus.sale_order_view_list_attributes", "/list"),
            ("search", "crm_plus.sale_order_view_search_attributes", "/search"),
        ),
    ),
    AttributeTarget(
        model="crm.lead",
        label="Opportunities",
        rel_prefix="x_crm_plus_ld_attr",
        rel_column="lead_id",
        views=(
            ("form", "crm_plus.crm_lead_view_form_attributes", "//sheet/notebook"),
            ("list", "crm_plus.crm_lead_view_list_attributes", "/list"),
            ("search", "crm_plus.crm_lead_view_search_attributes", "/search"),
        ),
    ),
)
TARGETS_BY_MODEL = {target.model: target for target in TARGETS}
PARTNER_MODEL = "res.partner"
FIELD_PREFIX = "x_attr_"


def target_of(model):
    """The ``AttributeTarget`` of ``model`` (KeyError for a model attributes do not apply to)."""
    return TARGETS_BY_MODEL[model]
