"""Control that holds against the people it controls (issue #13), crm_plus side.

Each class of attack, as the role it constrains: the call is refused and nothing changed.
The XML-RPC class at the end drives the same attacks through the real endpoint.
"""

from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import mute_logger

from .plan_common import CrmPlusPlanCommon
from .test_approval import ApprovalCommon


@tagged("post_install", "-at_install")
class TestSelfApproval(ApprovalCommon):
    """Class 1: nobody approves their own order, whatever values or context they send."""

    def test_context_defaults_cannot_preset_guarded_fields(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        for key, value in (
            ("default_approval_state", "approved"),
            ("default_round_state", "accepted"),
            ("default_approval_user_ids", [self.salesman.id]),
            ("default_approval_requested_by_id", self.approver.id),
            ("default_round_number", 7),
        ):
            with self.subTest(key=key):
                try:
                    order = Order.with_context(**{key: value}).create(
                        {
                            "partner_id": self.customer.id,
                            "order_line": [Command.create({"product_id": self.product.id})],
                        }
                    )
                except AccessError:
                    continue
                # when the ORM ignores the default, the order starts as every order does
                self.assertEqual((order.approval_state, order.round_state, order.round_number), ("none", "current", 1))
                self.assertFalse(order.approval_user_ids | order.approval_requested_by_id)
        self.assertFalse(
            self.env["sale.order"].search([("partner_id", "=", self.customer.id), ("approval_state", "!=", "none")])
        )

    def test_approver_cannot_edit_the_order(self):
        """Being asked to approve an order gives read access to it, never write access."""
        self.approver_employee.user_id = False  # no department manager: the approver group decides
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).action_confirm()
        self.assertIn(self.approver, order.approval_user_ids)
        self.assertTrue(order.with_user(self.approver).read(["name"]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.with_user(self.approver).write({"note": "approved by me"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.order_line[:1].with_user(self.approver).write({"discount": 50.0})
        order.with_user(self.approver).action_approve()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.order_line[:1].with_user(self.approver).write({"discount": 50.0})
        self.assertEqual(order.order_line[:1].discount, 0.0)


@tagged("post_install", "-at_install")
class TestApprovalReevaluated(ApprovalCommon):
    """Class 3: approval is checked whenever its inputs change, not once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount_rule.active = False
        cls.credit_rule = cls.Rule.create({"name": "Credit", "rule_type": "credit"})
        cls.terms_rule = cls.Rule.create(
            {"name": "Terms", "rule_type": "payment_term", "payment_term_ids": [Command.set(cls.payment_term.ids)]}
        )
        cls.margin_rule = cls.Rule.create({"name": "Margin", "rule_type": "margin", "margin_floor": 20.0})
        cls.risky = cls.env["res.partner"].create({"name": "Risky Customer", "credit_limit": 50.0})

    def _confirmed(self):
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("sale", "none"))
        return order

    def test_confirmed_order_changes_refused_when_a_rule_holds(self):
        order = self._confirmed()
        line = order.order_line
        taxes = line.tax_ids
        immediate = self.env.ref("account.account_payment_term_immediate")
        tax = self.env["account.tax"].create({"name": "Tax 90%", "amount": 90.0, "type_tax_use": "sale"})
        attacks = [
            (order, {"partner_id": self.risky.id}),  # credit limit of the new customer
            (order, {"payment_term_id": immediate.id}),  # terms not allowed
            (line, {"price_unit": 70.0}),  # margin 14%
            (line, {"purchase_price": 95.0}),  # cost raised: margin 5%
            (line, {"discount": 50.0}),  # discount above the job's 10% limit
        ]
        for record, vals in attacks:
            with self.subTest(vals=vals), self.assertRaises(UserError):
                record.with_user(self.salesman).write(vals)
        # taxes raise the total above the credit limit of the customer
        self.customer.credit_limit = 150.0
        with self.assertRaises(UserError):
            line.with_user(self.salesman).write({"tax_ids": [Command.set(tax.ids)]})
        order.invalidate_recordset()
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.payment_term_id, self.payment_term)
        self.assertEqual((line.price_unit, line.discount, line.tax_ids), (100.0, 0.0, taxes))
        self.assertEqual(line.purchase_price, 60.0)
        # a change that breaks no rule goes through
        order.with_user(self.salesman).write({"client_order_ref": "PO-1"})
        line.with_user(self.salesman).write({"price_unit": 110.0})

    def test_change_turned_into_an_approval_request(self):
        """Where the company asks for it, the change is kept and the order held until an approver decides."""
        self.company.crm_plus_confirmed_change = "request"
        order = self._confirmed()
        line = order.order_line
        line.with_user(self.salesman).write({"discount": 50.0})
        self.assertEqual((order.state, order.approval_state, line.discount), ("sale", "pending", 50.0))
        self.assertIn(self.approver, order.approval_user_ids)
        with self.assertRaisesRegex(UserError, "held"):
            order._create_invoices()
        with self.assertRaisesRegex(UserError, "held"):
            order.picking_ids._action_done()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_approve()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        # a new change asks again; a rejection keeps the order held until the change is undone
        line.with_user(self.salesman).write({"discount": 60.0})
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.approver)._crm_plus_reject("Too much")
        self.assertEqual((order.state, order.approval_state), ("sale", "rejected"))
        with self.assertRaisesRegex(UserError, "held"):
            order._create_invoices()
        line.with_user(self.salesman).write({"discount": 5.0})
        self.assertEqual((order.state, order.approval_state), ("sale", "none"))
        self.assertEqual(
            order.approval_entry_ids.sorted("id").mapped("decision"),
            ["requested", "approved", "reset", "requested", "rejected", "reset"],
        )

    def test_new_line_on_confirmed_order_is_evaluated(self):
        order = self._confirmed()
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write(
                {"order_line": [Command.create({"product_id": self.product.id, "discount": 40.0})]}
            )
        self.assertEqual(len(order.order_line), 1)

    def test_cancel_and_draft_drop_the_approval(self):
        self.amount_rule.active = True
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        order.with_user(self.salesman)._action_cancel()
        self.assertEqual(order.approval_state, "none")
        order.with_user(self.salesman).action_draft()
        # the customer is now over his credit limit: confirming again asks for an approval
        self.customer.credit_limit = 100.0
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertIn("Credit", order.approval_reason)
        self.assertEqual(order.approval_entry_ids.sorted("id").mapped("decision")[-2:], ["reset", "requested"])


@tagged("post_install", "-at_install")
class TestOrderApprovalSetting(ApprovalCommon):
    """Class 6: approval is not opt-in: default rules act as soon as a limit or a hold is set."""

    def test_default_rules_exist_and_act(self):
        self.amount_rule.active = False
        rules = self.Rule.search([("company_id", "=", self.company.id), ("default_key", "!=", False)])
        self.assertEqual(sorted(rules.mapped("rule_type")), ["discount", "dunning_level"])
        self.assertTrue(all(rules.mapped("active")))
        # the job of the salesperson limits discounts to 10%: no rule to write
        order = self._make_order(discount=15.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertIn("10.0%", order.approval_reason)
        # without any limit (other salesperson, no employee, no company default) nothing is held
        other = self._make_order(user=self.other_salesman, discount=90.0)
        other.with_user(self.other_salesman).action_confirm()
        self.assertEqual((other.state, other.approval_state), ("sale", "none"))

    def test_new_company_gets_default_rules(self):
        company = self.env["res.company"].create({"name": "CP New Co"})
        rules = self.Rule.search([("company_id", "=", company.id)])
        self.assertEqual(sorted(rules.mapped("default_key")), ["credit_hold", "discount"])

    def test_every_order_and_never(self):
        self.amount_rule.active = False
        self.company.crm_plus_order_approval = "always"
        order = self._make_order(lines=1, price=1.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.company.crm_plus_order_approval = "never"
        self.amount_rule.active = True
        big = self._make_order(lines=2, price=600.0, discount=50.0)
        big.with_user(self.salesman).action_confirm()
        self.assertEqual((big.state, big.approval_state), ("sale", "none"))

    def test_salesperson_cannot_change_the_setting(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).write({"crm_plus_order_approval": "never"})
        self.assertEqual(self.company.crm_plus_order_approval, "rules")


@tagged("post_install", "-at_install")
class TestPlanControl(CrmPlusPlanCommon):
    """Class 2: a salesperson cannot switch off what collects his customer's money."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order()
        cls.plan = cls.order.plan_id
        cls.payment = cls.plan.step_ids.filtered(lambda s: s.kind == "payment")[:1]
        cls.install = cls.plan.step_ids.filtered(lambda s: s.kind == "manual")[:1]

    def _snapshot(self):
        self.plan.invalidate_recordset()
        self.plan.step_ids.invalidate_recordset()
        return (
            self.plan.cancelled,
            self.plan.state,
            [(s.state, s.amount, s.amount_done, s.date_due, s.cancelled) for s in self.plan.step_ids.sorted("id")],
        )

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_salesperson_cannot_cancel_reopen_or_close(self):
        before = self._snapshot()
        plan = self.plan.with_user(self.salesman)
        payment = self.payment.with_user(self.salesman)
        for call in (
            plan.action_cancel,
            payment.action_cancel,
            payment.action_reopen,
            payment.action_done,
            lambda: plan.write({"cancelled": True}),
            lambda: payment.write({"cancelled": True}),
            lambda: payment.write({"amount_done": payment.amount}),
            lambda: payment.write({"state": "done"}),
            lambda: payment.write({"date_due": "2099-01-01"}),
            lambda: payment.write({"amount": 1.0}),
            lambda: payment.copy(),
            lambda: payment.unlink(),
            lambda: self.order.with_user(self.salesman).action_generate_plan(),
        ):
            with self.subTest(call=call), self.assertRaises(UserError):
                call()
        self.assertEqual(self._snapshot(), before)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_internal_context_keys_are_not_honoured(self):
        before = self._snapshot()
        for key in ("crm_plus_plan_tracking", "crm_plus_plan_defer_check", "crm_plus_approval_gate"):
            payment = self.payment.with_user(self.finance).with_context(**{key: True})
            with self.subTest(key=key), self.assertRaises(UserError):
                payment.write({"amount_done": payment.amount, "cancelled": True})
        self.assertEqual(self._snapshot(), before)

    def test_finance_and_manager_act_and_are_logged(self):
        self.install.user_id = self.salesman
        self.install.with_user(self.salesman).action_done()
        self.assertEqual(self.install.state, "done")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.install.with_user(self.finance).action_reopen()  # finance follows payment steps only
        self.install.with_user(self.sales_manager).action_reopen()
        self.assertNotEqual(self.install.state, "done")
        self.assertIn("reopened", self.install.message_ids[0].body)
        self.plan.with_user(self.sales_manager).action_cancel()
        self.assertTrue(self.plan.cancelled)
        self.assertIn("cancelled", self.plan.message_ids[0].body)

    def test_manual_step_closed_by_its_responsible_only(self):
        self.install.user_id = self.sales_manager
        with self.assertRaises(AccessError):
            self.install.with_user(self.salesman).action_done()
        self.assertNotEqual(self.install.state, "done")


@tagged("post_install", "-at_install")
class TestControlOverXmlRpc(ApprovalCommon, HttpCase):
    """The attacks above through the real XML-RPC endpoint, with the context a client chooses."""

    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_self_approval_by_context_defaults(self):
        with self.assertRaises(Fault):
            self._call(
                self.salesman,
                "sale.order",
                "create",
                [{"partner_id": self.customer.id}],
                context={"default_approval_state": "approved"},
            )
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id)]))

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_confirmed_order_change_refused(self):
        self.amount_rule.active = False
        self.Rule.create({"name": "Credit", "rule_type": "credit"})
        risky = self.env["res.partner"].create({"name": "Risky", "credit_limit": 10.0})
        order = self._make_order(lines=1, price=100.0)
        self._call(self.salesman, "sale.order", "action_confirm", [order.ids])
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(Fault):
            self._call(self.salesman, "sale.order", "write", [order.ids, {"partner_id": risky.id}])
        order.invalidate_recordset()
        self.assertEqual(order.partner_id, self.customer)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_plan_tracking_context_over_rpc(self):
        self.amount_rule.active = False
        order = self._make_order(lines=1, price=100.0)
        order.action_confirm()
        step = order.plan_id.step_ids.filtered(lambda s: s.kind == "payment")[:1]
        self.assertTrue(step)
        attacks = [
            (self.salesman, "write", [step.ids, {"amount_done": step.amount}]),
            (self.salesman, "write", [step.ids, {"cancelled": True}]),
            (self.salesman, "action_cancel", [step.ids]),
            (self.finance, "write", [step.ids, {"amount_done": step.amount}]),
            (self.finance, "write", [step.ids, {"cancelled": True}]),
        ]
        context = {"crm_plus_plan_tracking": True, "crm_plus_plan_defer_check": True}
        for user, method, args in attacks:
            with self.subTest(user=user.login, method=method), self.assertRaises(Fault):
                self._call(user, "crm_plus.plan.step", method, args, context=context)
        step.invalidate_recordset()
        self.assertEqual((step.amount_done, step.cancelled), (0.0, False))

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_default_discount_rule_holds_over_rpc(self):
        """Class 6: nothing to configure but the job's 10% limit: a 15% discount waits for approval."""
        self.amount_rule.active = False
        order = self._make_order(discount=15.0)
        self._call(self.salesman, "sale.order", "action_confirm", [order.ids])
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        with self.assertRaises(Fault):
            self._call(self.salesman, "res.company", "write", [self.company.ids, {"crm_plus_order_approval": "never"}])
        self.assertEqual(self.company.crm_plus_order_approval, "rules")

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")
    def test_approver_cannot_edit_over_rpc(self):
        """Class 5: being asked to approve gives read access only, before and after deciding."""
        self.approver_employee.user_id = False
        order = self._make_order(lines=2, price=600.0)
        self._call(self.salesman, "sale.order", "action_confirm", [order.ids])
        self.assertTrue(self._call(self.approver, "sale.order", "read", [order.ids, ["name"]]))
        line = order.order_line[:1]
        with self.assertRaises(Fault):
            self._call(self.approver, "sale.order.line", "write", [line.ids, {"discount": 60.0}])
        self._call(self.approver, "sale.order", "action_approve", [order.ids])
        with self.assertRaises(Fault):
            self._call(self.approver, "sale.order.line", "write", [line.ids, {"discount": 60.0}])
        line.invalidate_recordset()
        self.assertEqual(line.discount, 0.0)
