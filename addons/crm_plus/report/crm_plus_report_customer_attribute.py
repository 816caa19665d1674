# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..models.crm_plus_attribute_target import PARTNER_MODEL


class CrmPlusReportCustomerAttribute(models.Model):
    """Customers broken down by the values of their custom attributes (x_attr_* fields).

    One row per customer, attribute and value (a tag attribute gives one row per tag), with the
    customer's confirmed revenue of the last 365 days and the win rate of its quotation deals.
    The attributes are defined at run time, so the table is a query built from the current
    definitions each time it is read (``_table_query``), not a stored view.
    """

    _name = "crm_plus.report.customer.attribute"
    _description = "Customers by Attribute"
    _auto = False
    _depends = {
        "sale.order": ["state", "partner_id", "date_order", "amount_untaxed", "currency_rate", "round_root_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id", "user_id", "company_id"],
    }
    _order = "attribute_id, value, partner_id"
    _rec_name = "value"

    attribute_id = fields.Many2one("crm_plus.attribute", string="Attribute", readonly=True)
    value = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    revenue_12m = fields.Float(string="Revenue (12 months)", readonly=True, digits=(16, 2))
    order_count = fields.Integer(string="Orders (12 months)", readonly=True)
    win_rate = fields.Float(string="Deal Win Rate (%)", readonly=True, aggregator="avg")

    def _attribute_values_sql(self):
        """(partner_id, attribute_id, value) of every attribute this user may read."""
        Partner = self.env[PARTNER_MODEL]
        lang = self.env.lang or "en_US"
        parts = []
        # sudo: only the customer definitions (field_id: Settings only); values are limited below to the fields
        # the user may read
        attributes = (
            self.env["crm_plus.attribute"]
            .sudo()
            .search([("field_id", "!=", False), ("applies_to", "=", PARTNER_MODEL)])
        )
        for attribute in attributes:
            field = Partner._fields.get(attribute.field_name)
            if not field or not Partner._has_field_access(field, "read"):
                continue
            col = SQL.identifier("p", attribute.field_name)
            vtype = attribute.value_type
            if vtype == "tags":
                parts.append(
                    SQL(
                        """SELECT r.partner_id, %(attr)s AS attribute_id,
                                  COALESCE(o.name->>%(lang)s, o.name->>'en_US') AS value
                             FROM %(rel)s r JOIN crm_plus_attribute_option o ON o.id = r.option_id""",
                        attr=attribute.id,
                        lang=lang,
                        rel=SQL.identifier(attribute._relation_table()),
                    )
                )
                continue
            if vtype == "selection":
                value = SQL(
                    """(SELECT COALESCE(o.name->>%s, o.name->>'en_US', %s) FROM crm_plus_attribute_option o
                         WHERE o.attribute_id = %s AND o.code = %s LIMIT 1)""",
                    lang,
                    col,
                    attribute.id,
                    col,
                )
            elif vtype == "boolean":
                value = SQL("CASE WHEN %s THEN %s ELSE %s END", col, self.env._("Yes"), self.env._("No"))
            elif vtype in ("date", "datetime"):
                value = SQL("to_char(%s, 'YYYY-MM-DD')", col)
            else:
                value = SQL("%s::text", col)
            parts.append(
                SQL(
                    "SELECT p.id AS partner_id, %s AS attribute_id, %s AS value"
                    " FROM res_partner p WHERE %s IS NOT NULL",
                    attribute.id,
                    value,
                    col,
                )
            )
        # x_attr_* fields are not known at class definition: flush them here, not through _depends
        Partner.flush_model([f for f in attributes.mapped("field_name") if f in Partner._fields])
        if not parts:
            return SQL("SELECT NULL::integer AS partner_id, NULL::integer AS attribute_id, NULL::text AS value LIMIT 0")
        return SQL(" UNION ALL ").join(parts)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH attr AS (%(values)s),
            revenue AS (
                SELECT p.commercial_partner_id AS partner_id,
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue_12m,
                       COUNT(*) AS order_count
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= now() - interval '365 days'
                 GROUP BY p.commercial_partner_id
            ),
            deals AS (
                SELECT p.commercial_partner_id AS partner_id, COALESCE(so.round_root_id, so.id) AS deal_id,
                       bool_or(so.state = 'sale') AS won, bool_and(so.state = 'cancel') AS lost
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 GROUP BY 1, 2
            ),
            win AS (
                SELECT partner_id, AVG(CASE WHEN won THEN 100.0 WHEN lost THEN 0.0 END) AS win_rate
                  FROM deals GROUP BY partner_id
            )
            SELECT row_number() OVER (ORDER BY a.attribute_id, a.value, a.partner_id) AS id,
                   a.attribute_id, a.value, a.partner_id, p.crm_plus_category_id AS category_id,
                   p.user_id, p.company_id,
                   COALESCE(r.revenue_12m, 0) AS revenue_12m, COALESCE(r.order_count, 0) AS order_count,
                   w.win_rate
              FROM attr a
              JOIN res_partner p ON p.id = a.partner_id AND p.id = p.commercial_partner_id
              LEFT JOIN revenue r ON r.partner_id = a.partner_id
              LEFT JOIN win w ON w.partner_id = a.partner_id
             WHERE a.value IS NOT NULL AND a.value <> ''
            """,
            values=self._attribute_values_sql(),
        )
