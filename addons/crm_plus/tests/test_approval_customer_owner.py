"""A quotation for a customer owned by another salesperson, held by the approval rule *Customer owned by another
salesperson*, goes to the customer's owner (and his department manager) for approval (issue #16)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .customer_common import CustomerCommon


@tagged("post_install", "-at_install")
class TestApprovalCustomerOwner(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["crm_plus.approval.rule"]
        Rule.search([]).active = False
        cls.owner_rule = Rule.create({"name": "Other owner", "rule_type": "customer_owner"})
        cls.product = cls.env["product.product"].create({"name": "Service", "type": "service", "list_price": 100.0})

    def _quote(self, user, partner, price=100.0):
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": price})],
                }
            )
        )
        order.action_confirm()
        return order.with_env(self.env)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_owner_and_his_manager_decide(self):
        # Bert quotes Sally's customer: Sally (the owner) and Bea (her department manager) decide
        order = self._quote(self.seller_b, self.customer_a)
        self.assertEqual(order.approval_state, "pending")
        self.assertEqual(order.approval_user_ids, self.salesman | self.boss)
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertTrue(todo, "the approval is on the owner's desktop")
        # neither the requester nor another salesperson decides, whatever the context
        for user in (self.seller_b, self.leader):
            with self.assertRaises(AccessError):
                order.with_user(user).with_context(crm_plus_approval_gate=True).action_approve()
        order.with_user(self.salesman).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def test_owner_without_manager(self):
        # Sally quotes Bert's customer: Bert decides (no department above him)
        order = self._quote(self.salesman, self.customer_b)
        self.assertEqual(order.approval_user_ids, self.seller_b)

    def test_other_reasons_go_to_the_usual_approvers(self):
        self.env["crm_plus.approval.rule"].create({"name": "Big", "rule_type": "amount", "amount_threshold": 500.0})
        order = self._quote(self.seller_b, self.customer_a, price=1000.0)
        self.assertEqual(order.approval_state, "pending")
        self.assertNotIn(self.salesman, order.approval_user_ids, "the owner does not approve the amount")
