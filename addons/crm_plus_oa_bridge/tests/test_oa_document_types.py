from odoo import Command
from odoo.tests import tagged

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaDocumentTypes(OaCommon):
    """Discount exceptions and credit-hold releases travel their own routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_plus_default_max_discount = 10.0
        Rule = cls.env["crm_plus.approval.rule"]
        # the company's default rules (crm_plus creates them for every company)
        defaults = Rule.search([("company_id", "=", cls.company.id), ("default_key", "!=", False)])
        cls.discount_rule = defaults.filtered(lambda r: r.default_key == "discount")
        cls.hold_rule = defaults.filtered(lambda r: r.default_key == "credit_hold")
        policy = cls.env["crm_plus.dunning.policy"].create(
            {
                "name": "OA policy",
                "level_ids": [
                    Command.create({"name": "Hold", "days_overdue": 30, "channel_phone": True, "credit_hold": True})
                ],
            }
        )
        cls.hold_level = policy.level_ids
        Route = cls.env["crm_plus_oa.route"]
        cls.discount_route = Route.create(
            {
                "name": "Discount exceptions",
                "document_type": "discount",
                "discount_min": 15.0,
                "step_ids": [
                    Command.create(
                        {"name": "Director", "approver_kind": "user", "user_ids": [Command.set(cls.director.ids)]}
                    )
                ],
            }
        )
        cls.credit_route = Route.create(
            {
                "name": "Credit-hold release",
                "document_type": "credit_hold",
                "step_ids": [
                    Command.create(
                        {"name": "Finance", "approver_kind": "user", "user_ids": [Command.set(cls.finance.ids)]}
                    )
                ],
            }
        )

    def _order(self, price=100.0, discount=0.0):
        order = self._make_order(price)
        order.order_line.discount = discount
        order.with_user(self.salesman).action_confirm()
        return order

    def _reviewers(self, order):
        return order.review_ids.mapped("oa_user_ids")

    def test_discount_exception_route(self):
        order = self._order(discount=20.0)
        self.assertEqual(order.approval_rule_ids, self.discount_rule)
        self.assertEqual(order.oa_route_id, self.discount_route)
        self.assertEqual(self._reviewers(order), self.director)
        order.with_user(self.director).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def test_discount_below_the_route_falls_back_to_the_order_route(self):
        # 12% breaks the 10% limit but the discount route starts at 15%: the order route takes it (large order)
        order = self._order(price=2500.0, discount=12.0)
        self.assertEqual(order.approval_rule_ids, self.discount_rule | self.amount_rule)
        self.assertEqual(order.oa_route_id, self.route)
        # a small order that no route takes keeps crm_plus's single step
        small = self._order(discount=12.0)
        self.assertEqual(small.approval_state, "pending")
        self.assertFalse(small.oa_route_id)
        self.assertFalse(small.review_ids)

    def test_credit_hold_release_route(self):
        self.customer.crm_plus_dunning_level_id = self.hold_level
        order = self._order()
        self.assertEqual(order.approval_rule_ids, self.hold_rule)
        self.assertEqual(order.oa_route_id, self.credit_route)
        self.assertEqual(self._reviewers(order), self.finance)
        order.with_user(self.finance).action_approve()
        self.assertEqual(order.state, "sale")

    def test_credit_hold_comes_before_discount_and_order(self):
        self.customer.crm_plus_dunning_level_id = self.hold_level
        order = self._order(price=2500.0, discount=20.0)
        self.assertEqual(order.approval_rule_ids, self.discount_rule | self.hold_rule | self.amount_rule)
        self.assertEqual(order.oa_route_id, self.credit_route)
        order.with_user(self.salesman).action_oa_withdraw()
        # without a credit-hold route, the discount exception; without that, the order route
        self.credit_route.active = False
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.oa_route_id, self.discount_route)
        order.with_user(self.salesman).action_oa_withdraw()
        self.discount_route.active = False
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.oa_route_id, self.route)
        self.assertEqual(order.oa_round, 3)
