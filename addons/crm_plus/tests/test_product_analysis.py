from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .dashboard_common import CrmPlusDashboardCommon


@tagged("post_install", "-at_install")
class TestProductAnalysis(CrmPlusDashboardCommon):
    """crm_plus.report.product: revenue, margin, discount and rounds by product and category."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.machines = Category.create({"name": "Dash Machines"})
        cls.services = Category.create({"name": "Dash Services"})
        Product = cls.env["product.product"]
        cls.press = Product.create(
            {
                "name": "Dash Press",
                "categ_id": cls.machines.id,
                "list_price": 1000,
                "standard_price": 600,
                "taxes_id": [Command.clear()],
            }
        )
        cls.setup = Product.create(
            {
                "name": "Dash Set-up",
                "type": "service",
                "categ_id": cls.services.id,
                "list_price": 500,
                "standard_price": 100,
                "taxes_id": [Command.clear()],
            }
        )
        # round 1 quoted at 5 %, round 2 at 10 %, confirmed
        cls.round1 = cls.env["sale.order"].create(
            {
                "partner_id": cls.new_customer.id,
                "user_id": cls.salesman.id,
                "team_id": cls.team_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.press.id, "product_uom_qty": 2, "price_unit": 1000, "discount": 5}
                    ),
                    Command.create({"product_id": cls.setup.id, "product_uom_qty": 1, "price_unit": 500}),
                ],
            }
        )
        cls.round1.action_new_round()
        cls.round2 = cls.round1._crm_plus_round_siblings() - cls.round1
        cls.round2.order_line.filtered(lambda line: line.product_id == cls.press).discount = 10
        cls.round2.action_confirm()
        cls.round2.date_order = datetime(2025, 3, 12, 12)
        cls.other = cls._confirmed(
            cls.otto_customer, cls.outsider, cls.team_b, 900, datetime(2025, 3, 8, 12), product=cls.press
        )

    def test_figures_by_product_and_category(self):
        Report = self.env["crm_plus.report.product"]
        domain = [("order_id", "=", self.round2.id)]
        by_product = {
            product: figures
            for product, *figures in Report._read_group(
                domain,
                ["product_id"],
                ["revenue:sum", "list_amount:sum", "discount_amount:sum", "margin:sum", "discount:avg", "qty:sum"],
            )
        }
        # 2 x 1,000 at 10 %: 1,800, cost 2 x 600
        self.assertEqual(by_product[self.press], [1800, 2000, 200, 600, 10, 2])
        self.assertEqual(by_product[self.setup], [500, 500, 0, 400, 0, 1])
        by_category = dict(Report._read_group(domain, ["categ_id"], ["revenue:sum"]))
        self.assertEqual(by_category, {self.machines: 1800, self.services: 500})
        row = Report.search([*domain, ("product_id", "=", self.press.id)])
        self.assertEqual((row.state, row.round_number, str(row.date)), ("sale", 2, "2025-03-12"))

    def test_discount_drift_by_round(self):
        Report = self.env["crm_plus.report.product"]
        drift = dict(
            Report._read_group(
                [("order_id", "in", (self.round1 | self.round2).ids), ("product_id", "=", self.press.id)],
                ["round_number"],
                ["discount:avg"],
            )
        )
        self.assertEqual(drift, {1: 5, 2: 10})

    def test_confirmed_revenue_of_a_product_and_who_sees_it(self):
        Report = self.env["crm_plus.report.product"]
        domain = [("product_id", "=", self.press.id), ("state", "=", "sale")]
        self.assertEqual(Report._read_group(domain, [], ["revenue:sum"]), [(2700,)])
        self.assertEqual(Report.with_user(self.salesman)._read_group(domain, [], ["revenue:sum"]), [(1800,)])
        self.assertEqual(Report.with_user(self.outsider)._read_group(domain, [], ["revenue:sum"]), [(900,)])
        self.assertEqual(Report.with_user(self.leader)._read_group(domain, [], ["revenue:sum"]), [(1800,)])
        self.assertEqual(Report.with_user(self.sales_manager)._read_group(domain, [], ["revenue:sum"]), [(2700,)])
