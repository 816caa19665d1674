from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_approval import ApprovalCommon
from .test_attributes import AttributeCommon


class AttributeRuleCommon(ApprovalCommon, AttributeCommon):
    """An order attribute (seats, risk) and a customer attribute (segment) read by attribute rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seats = cls._attribute("seats", "integer", applies_to="sale.order")
        cls.risk = cls._attribute(
            "risk",
            "selection",
            applies_to="sale.order",
            option_ids=[
                Command.create({"name": "Low", "code": "low"}),
                Command.create({"name": "High", "code": "high"}),
            ],
        )
        cls.segment = cls._attribute(
            "segment",
            "selection",
            option_ids=[
                Command.create({"name": "Public", "code": "gov"}),
                Command.create({"name": "Private", "code": "pri"}),
            ],
        )

    @classmethod
    def _rule(cls, attribute, operator, value=False, **vals):
        return cls.Rule.create(
            {
                "name": f"{attribute.name} {operator} {value or ''}",
                "rule_type": "attribute",
                "attribute_id": attribute.id,
                "attribute_operator": operator,
                "attribute_value": value,
                **vals,
            }
        )

    def _confirm(self, order, user=None):
        order.with_user(user or self.salesman).action_confirm()
        return order.state, order.approval_state


@tagged("post_install", "-at_install")
class TestApprovalAttributeRule(AttributeRuleCommon):
    def test_order_attribute_holds_with_reason(self):
        rule = self._rule(self.risk, "=", "high")
        risky = self._make_order(lines=1, x_attr_risk="high")
        self.assertEqual(self._confirm(risky), ("draft", "pending"))
        self.assertEqual(risky.approval_rule_ids, rule)
        self.assertIn("Risk", risky.approval_reason)
        safe = self._make_order(lines=1, x_attr_risk="low")
        self.assertEqual(self._confirm(safe), ("sale", "none"))

    def test_operators_and_unset_values(self):
        self._rule(self.seats, ">", "10")
        for seats, held in ((11, True), (10, False), (None, False)):
            with self.subTest(seats=seats):
                order = self._make_order(lines=1, **({"x_attr_seats": seats} if seats is not None else {}))
                self.assertEqual(self._confirm(order)[1], "pending" if held else "none")
        self.Rule.search([("rule_type", "=", "attribute")]).unlink()
        self._rule(self.seats, "not set")
        order = self._make_order(lines=1)
        self.assertEqual(self._confirm(order)[1], "pending", "no value: held by 'not set'")
        zero = self._make_order(lines=1, x_attr_seats=0)
        self.assertEqual(self._confirm(zero)[1], "none", "0 is a value")

    def test_value_converted_to_the_attribute_type(self):
        with self.assertRaises(ValidationError):
            self._rule(self.seats, ">", "many")
        with self.assertRaises(ValidationError):
            self._rule(self.risk, "=", "extreme")
        with self.assertRaises(ValidationError):
            self._rule(self.risk, ">", "low")
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "No attribute", "rule_type": "attribute", "attribute_operator": "set"})
        lead_attr = self._attribute("lead_only", "char", applies_to="crm.lead")
        self._dirty()
        with self.assertRaises(ValidationError):
            self._rule(lead_attr, "set")

    def test_customer_attribute(self):
        self._rule(self.segment, "=", "gov")
        self.customer.write({"x_attr_segment": "gov"})
        order = self._make_order(lines=1)
        self.assertEqual(self._confirm(order), ("draft", "pending"))
        # a change of the customer's attribute withdraws the request (evaluated again on confirmation)
        self.customer.with_user(self.salesman).write({"x_attr_segment": "pri"})
        self.assertEqual(order.approval_state, "none")
        self.assertEqual(self._confirm(order), ("sale", "none"))


@tagged("post_install", "-at_install")
class TestApprovalAttributeBypass(AttributeRuleCommon):
    """The salesperson (attacker) changes the attribute around the approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule(cls.seats, ">", "10")

    def test_change_after_approval_is_evaluated_again(self):
        order = self._make_order(lines=1, x_attr_seats=11)
        self._confirm(order)
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        as_sales = order.with_user(self.salesman).with_context(crm_plus_approval_gate=True)
        with self.assertRaises(UserError):
            as_sales.write({"x_attr_seats": 500})
        self.assertEqual(order.x_attr_seats, 11)

    def test_confirmed_within_the_rule_then_changed(self):
        order = self._make_order(lines=1, x_attr_seats=5)
        self.assertEqual(self._confirm(order), ("sale", "none"))
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write({"x_attr_seats": 50})
        self.company.crm_plus_confirmed_change = "request"
        order.with_user(self.salesman).write({"x_attr_seats": 50})
        self.assertEqual((order.state, order.approval_state), ("sale", "pending"), "held until approved again")

    def test_pending_request_withdrawn_when_the_value_changes(self):
        order = self._make_order(lines=1, x_attr_seats=11)
        self.assertEqual(self._confirm(order), ("draft", "pending"))
        order.with_user(self.salesman).write({"x_attr_seats": 12})
        self.assertEqual(order.approval_state, "none", "the approver would approve another order")
        self.assertEqual(self._confirm(order), ("draft", "pending"))


@tagged("post_install", "-at_install")
class TestApprovalAttributeOverXmlRpc(AttributeCommon, HttpCase):
    """A consultant defines an order attribute and a rule on it over XML-RPC; a salesperson meets the rule."""

    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_define_attribute_and_rule_over_xmlrpc(self):
        self._dirty()
        attribute_id = self._call(
            self.crm_admin,
            "crm_plus.attribute",
            "create",
            [{"name": "Seats", "code": "rpc_seats", "value_type": "integer", "applies_to": "sale.order"}],
        )
        self._call(
            self.crm_admin,
            "crm_plus.approval.rule",
            "create",
            [
                {
                    "name": "Many seats",
                    "rule_type": "attribute",
                    "attribute_id": attribute_id,
                    "attribute_operator": ">=",
                    "attribute_value": "100",
                }
            ],
        )
        with self.assertRaises(Fault):
            self._call(self.salesman, "crm_plus.attribute", "write", [[attribute_id], {"edit_group_ids": [[5]]}])
        partner = self.env["res.partner"].create({"name": "RPC Customer"})
        product = self.env["product.product"].create({"name": "RPC Widget", "list_price": 10.0})
        order_id = self._call(
            self.salesman,
            "sale.order",
            "create",
            [{"partner_id": partner.id, "x_attr_rpc_seats": 150, "order_line": [[0, 0, {"product_id": product.id}]]}],
        )
        self._call(self.salesman, "sale.order", "action_confirm", [[order_id]])
        [order] = self._call(self.salesman, "sale.order", "read", [[order_id], ["state", "approval_state"]])
        self.assertEqual((order["state"], order["approval_state"]), ("draft", "pending"))
        # lowering the value withdraws the request; the gate flag sent over RPC opens nothing
        with self.assertRaises(Fault):
            self._call(
                self.salesman,
                "sale.order",
                "write",
                [[order_id], {"approval_state": "approved"}],
                context={"crm_plus_approval_gate": True},
            )
        self._call(self.salesman, "sale.order", "write", [[order_id], {"x_attr_rpc_seats": 5}])
        [order] = self._call(self.salesman, "sale.order", "read", [[order_id], ["approval_state"]])
        self.assertEqual(order["approval_state"], "none")
