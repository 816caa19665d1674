from odoo import Command
from odoo.tests import tagged

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaAttributeRoutes(OaCommon):
    """A route's extra condition reads an order attribute (a real field of the order)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm_plus.attribute"].with_user(cls.crm_admin).create(
            {
                "name": "Risk",
                "code": "oa_risk",
                "value_type": "selection",
                "applies_to": "sale.order",
                "option_ids": [
                    Command.create({"name": "Low", "code": "low"}),
                    Command.create({"name": "High", "code": "high"}),
                ],
            }
        )
        cls.risky_route = cls.route.copy(
            {"name": "Risky large orders", "sequence": 1, "filter_domain": "[('x_attr_oa_risk', '=', 'high')]"}
        )

    def test_route_condition_on_an_order_attribute(self):
        Route = self.env["crm_plus_oa.route"]
        order = self._make_order()
        self.assertEqual(Route._crm_plus_oa_find(order, ["order"]), self.route)
        order.with_user(self.salesman).write({"x_attr_oa_risk": "high"})
        self.assertEqual(Route._crm_plus_oa_find(order, ["order"]), self.risky_route)

    def test_changing_the_attribute_withdraws_the_request(self):
        order = self._request()
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.salesman).write({"x_attr_oa_risk": "high"})
        self.assertEqual(order.approval_state, "none", "another route takes the order now")
        self.assertFalse(order.review_ids)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(self.env["crm_plus_oa.route"]._crm_plus_oa_find(order, ["order"]), self.risky_route)
