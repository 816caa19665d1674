# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo.tools import SQL

from .crm_plus_report_common import company_date
from .crm_plus_report_common import company_timezones
from .crm_plus_report_common import in_company_currency

ORDER_STATES = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order"), ("cancel", "Cancelled")]


class CrmPlusReportProduct(models.Model):
    """Product analysis: one row per product line of every quotation round and order.

    Revenue is the untaxed line amount, the list amount the unit price times the quantity (before the line's
    discount), the margin sale_margin's line margin; all in company currency at the order's rate. *Round* is the
    round number of the line's quotation: on confirmed orders, the rounds it took to win the deal. Analyse
    revenue and margin on confirmed orders (*Status* = Sales Order), discounts and rounds on every round.
    """

    _name = "crm_plus.report.product"
    _description = "Product Analysis"
    _inherit = ["crm_plus.report.snapshot.mixin"]
    _auto = False
    # source fields flushed before the table is read
    _depends = {
        "sale.order.line": [
            "order_id",
            "display_type",
            "product_id",
            "product_uom_qty",
            "price_unit",
            "discount",
            "price_subtotal",
            "margin",
        ],
        "sale.order": [
            "state",
            "date_order",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "currency_rate",
            "round_number",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.partner": ["commercial_partner_id", "crm_plus_category_id", "tz"],
    }
    _order = "date desc, id desc"
    _rec_name = "product_id"

    line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    order_id = fields.Many2one("sale.order", string="Quotation / Order", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm_plus.customer.category", string="Customer Category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Order Date", readonly=True)
    state = fields.Selection(ORDER_STATES, string="Status", readonly=True)
    round_number = fields.Integer(string="Round", readonly=True, aggregator="avg")
    qty = fields.Float(string="Quantity", readonly=True, digits="Product Unit")
    revenue = fields.Float(string="Revenue", readonly=True, digits=(16, 2))
    list_amount = fields.Float(string="List Amount", readonly=True, digits=(16, 2), help="Unit price x quantity.")
    discount_amount = fields.Float(
        string="Discount Amount", readonly=True, digits=(16, 2), help="List amount minus the untaxed amount."
    )
    discount = fields.Float(string="Discount (%)", readonly=True, aggregator="avg", help="The line's discount.")
    margin = fields.Float(string="Margin", readonly=True, digits=(16, 2))
    line_count = fields.Integer(string="Lines", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id, l.id AS line_id, so.id AS order_id, l.product_id, pp.product_tmpl_id, pt.categ_id,
                   p.commercial_partner_id AS partner_id, cp.crm_plus_category_id AS category_id,
                   so.user_id, so.team_id, so.company_id, %(date)s AS date, so.state,
                   so.round_number, l.product_uom_qty AS qty,
                   %(revenue)s AS revenue, %(list_amount)s AS list_amount,
                   %(list_amount)s - %(revenue)s AS discount_amount,
                   COALESCE(l.discount, 0) AS discount, %(margin)s AS margin, 1 AS line_count
              FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id
              JOIN %(timezones)s ON ctz.company_id = so.company_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE l.display_type IS NULL
            """,
            date=company_date(SQL("so.date_order"), SQL("ctz.tz")),
            revenue=in_company_currency(SQL("l.price_subtotal"), SQL("so.currency_rate")),
            list_amount=in_company_currency(SQL("l.price_unit * l.product_uom_qty"), SQL("so.currency_rate")),
            margin=in_company_currency(SQL("COALESCE(l.margin, 0)"), SQL("so.currency_rate")),
            timezones=company_timezones(self.env),
        )

    def _snapshot_indexes(self):
        return {"date": SQL("(date)")}
