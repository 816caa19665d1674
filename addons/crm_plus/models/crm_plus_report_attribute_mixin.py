# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import models
from odoo.fields import Domain

from .crm_plus_attribute_target import FIELD_PREFIX


class CrmPlusReportAttributeMixin(models.AbstractModel):
    """Customer-based reports that can be broken down by custom customer attributes.

    ``crm_plus.attribute`` gives each of these reports one ``x_attr_<code>`` field per groupable attribute, a
    related field ``partner_id.x_attr_<code>`` (not stored: grouping joins the customer). Related fields are read
    as superuser by the ORM's SQL (joins of related fields skip field access checks), so the attribute's
    *Visible to* groups are checked here, on the report's own field, before any grouping, ordering, aggregate or
    search uses it.
    """

    _name = "crm_plus.report.attribute.mixin"
    _description = "Report by Customer Attributes"

    def _crm_plus_check_attribute_access(self, field_expr):
        fname = field_expr.split(".", 1)[0].split(":", 1)[0]
        if fname.startswith(FIELD_PREFIX) and fname in self._fields:
            self._check_field_access(self._fields[fname], "read")

    def _field_to_sql(self, alias, field_expr, query=None):
        self._crm_plus_check_attribute_access(field_expr)
        return super()._field_to_sql(alias, field_expr, query)

    def _read_group_groupby(self, alias, groupby_spec, query):
        # many2many (tags) group-bys do not go through _field_to_sql
        self._crm_plus_check_attribute_access(groupby_spec)
        return super()._read_group_groupby(alias, groupby_spec, query)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        # a condition on a related field becomes a superuser subquery on the customer
        for condition in Domain(domain).iter_conditions():
            self._crm_plus_check_attribute_access(condition.field_expr)
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)
