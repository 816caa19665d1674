from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_plus.access import trusted_context

from .common import OaCommon

RPC_FLAGS = {"crm_plus_plan_tracking": True, "crm_plus_plan_defer_check": True, "crm_plus_oa_plan_gate": True}


@tagged("post_install", "-at_install")
class TestOaPlanChange(OaCommon):
    """Dates and amounts of a confirmed order's plan change through the plan-change route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        payment = cls.env.ref("crm_plus.crm_plus_plan_action_type_payment")
        cls.customer.crm_plus_plan_template_id = cls.env["crm_plus.plan.template"].create(
            {
                "name": "40/60",
                "line_ids": [
                    Command.create({"sequence": 1, "action_type_id": payment.id, "percent": 40, "name": "Deposit"}),
                    Command.create(
                        {
                            "sequence": 2,
                            "action_type_id": payment.id,
                            "percent": 60,
                            "name": "Balance",
                            "trigger": "previous",
                            "offset_days": 30,
                        }
                    ),
                ],
            }
        )
        cls.plan_route = cls.env["crm_plus_oa.route"].create(
            {
                "name": "Plan changes",
                "document_type": "plan_change",
                "step_ids": [
                    Command.create(
                        {
                            "name": "Finance countersign",
                            "approver_kind": "user",
                            "user_ids": [Command.set((cls.finance | cls.finance2).ids)],
                            "mode": "all",
                        }
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.order = self._make_order(price=100.0)
        self.order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.order.state, "sale")
        self.plan = self.order.plan_id
        self.deposit, self.balance = self.plan.step_ids.sorted("sequence")
        self.total = self.order.amount_total

    def _request(self, user=None, deposit=None, balance=None, balance_date=None, reason="Customer pays more upfront"):
        user = user or self.salesman
        action = self.plan.with_user(user).action_oa_request_plan_change()
        form = Form(self.env[action["res_model"]].with_user(user).with_context(action["context"]))
        deposit = self.total / 2 if deposit is None else deposit
        with form.line_ids.edit(0) as line:
            line.amount = deposit
        with form.line_ids.edit(1) as line:
            line.amount = self.total - deposit if balance is None else balance
            line.date_due = balance_date or self.balance.date_due + timedelta(days=15)
        form.reason = reason
        result = form.save().action_request()
        return self.env["crm_plus_oa.plan.change"].browse(result.get("res_id"))

    def _activity(self, change, user):
        activity_type = self.env.ref("crm_plus_oa_bridge.mail_activity_type_oa_plan_change")
        return change.activity_ids.filtered(lambda a: a.user_id == user and a.activity_type_id == activity_type)

    def test_direct_changes_refused_with_a_route(self):
        with self.assertRaisesRegex(UserError, "Request Plan Change"):
            self.balance.with_user(self.salesman).write({"date_due": self.balance.date_due + timedelta(days=1)})
        # crm_plus's context flags sent over RPC do not open the way
        with self.assertRaises(UserError):
            self.balance.with_user(self.salesman).with_context(**RPC_FLAGS).write({"amount": 1.0})
        with self.assertRaises(UserError):
            self.env["crm_plus.plan.step"].with_user(self.salesman).create(
                {
                    "plan_id": self.plan.id,
                    "action_type_id": self.deposit.action_type_id.id,
                    "date_due": self.deposit.date_due,
                    "amount": 1.0,
                }
            )
        with self.assertRaises(UserError):
            self.balance.with_user(self.salesman).unlink()
        with self.assertRaises(UserError):
            self.order.with_user(self.salesman).action_generate_plan()
        self.assertEqual(len(self.plan.step_ids), 2)
        # what crm_plus changes on its own still goes through (responsible, automatic follow-up)
        self.balance.with_user(self.sales_manager).write({"user_id": self.colleague.id})

    def test_without_route_plans_change_as_before(self):
        self.plan_route.active = False
        new_date = self.balance.date_due + timedelta(days=3)
        self.balance.with_user(self.sales_manager).write({"date_due": new_date})
        self.assertEqual(self.balance.date_due, new_date)
        # without a route a salesperson cannot change the plan (finance and sales managers can)
        with self.assertRaises(AccessError):
            self._request()
        # the request path applies at once, without a request
        change = self._request(user=self.sales_manager)
        self.assertFalse(change)
        self.assertAlmostEqual(self.deposit.amount, self.total / 2, places=2)
        self.assertFalse(self.env["crm_plus_oa.plan.change"].search([("plan_id", "=", self.plan.id)]))

    def test_request_travels_the_route_then_applies(self):
        old = (self.deposit.amount, self.balance.amount, self.balance.date_due)
        new_date = self.balance.date_due + timedelta(days=15)
        change = self._request()
        self.assertEqual((change.state, change.oa_route_id), ("pending", self.plan_route))
        self.assertEqual(change.requested_by_id, self.salesman)
        self.assertEqual(len(change.line_ids), 2)
        self.assertEqual((self.deposit.amount, self.balance.amount, self.balance.date_due), old, "nothing moves yet")
        self.assertEqual(change.review_ids.mapped("oa_user_ids"), self.finance | self.finance2)
        self.assertTrue(self._activity(change, self.finance))
        self.assertTrue(self._activity(change, self.finance2))
        # the requester, a sales manager and the plan's salesperson do not decide
        for user in (self.salesman, self.sales_manager, self.other_salesman):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    change.with_user(user).action_oa_approve()
        # countersign: the first signature is not enough
        self._activity(change, self.finance).with_user(self.finance).action_done()
        self.assertEqual(change.state, "pending")
        self.assertEqual(self.deposit.amount, old[0])
        with self.assertRaises(AccessError):
            change.with_user(self.finance).action_oa_approve()
        change.with_user(self.finance2).action_oa_approve()
        self.assertEqual(change.state, "applied")
        self.assertAlmostEqual(self.deposit.amount, self.total / 2, places=2)
        self.assertAlmostEqual(self.balance.amount, self.total - self.total / 2, places=2)
        self.assertEqual(self.balance.date_due, new_date)
        self.assertFalse(change.activity_ids.filtered(lambda a: a.activity_type_id.name == "Plan Change Approval"))
        # the order's trail tells the story
        trail = self.order.oa_log_ids.filtered(lambda e: e.plan_change_id == change).sorted("id")
        self.assertEqual(trail.mapped("action"), ["requested", "approved", "approved"])
        self.assertIn("Balance", trail[0].changes)
        self.assertIn("approved and applied", self.plan.message_ids[0].body)

    def test_rejection_and_withdrawal(self):
        change = self._request()
        action = change.with_user(self.finance).action_reject()
        wizard = Form(self.env[action["res_model"]].with_user(self.finance).with_context(action["context"]))
        wizard.comment = "No: the deposit stays"
        wizard.save().add_comment()
        self.assertEqual(change.state, "rejected")
        self.assertFalse(change.review_ids)
        self.assertAlmostEqual(self.deposit.amount, self.total * 0.4, places=2)
        self.assertTrue(change.activity_ids.filtered(lambda a: a.user_id == self.salesman))
        self.assertEqual(
            self.order.oa_log_ids.filtered(lambda e: e.plan_change_id == change).sorted("id").mapped("action"),
            ["requested", "rejected"],
        )
        with self.assertRaises(UserError):
            change.with_user(self.finance2).action_oa_approve()
        # a second request, withdrawn by its requester only
        again = self._request(reason="Second try")
        self.assertEqual(again.name, f"{self.order.name}: plan change 2")
        with self.assertRaises(AccessError):
            again.with_user(self.finance).action_oa_withdraw()
        again.with_user(self.salesman).action_oa_withdraw()
        self.assertEqual(again.state, "withdrawn")
        self.assertFalse(self._activity(again, self.finance))

    def test_bad_proposals_are_refused_at_once(self):
        Change = self.env["crm_plus_oa.plan.change"]
        with self.assertRaisesRegex(UserError, "add up to"):
            self._request(deposit=self.total / 2, balance=self.total)
        with self.assertRaises(UserError):
            self._request(balance_date=self.order.date_order.date() - timedelta(days=1))
        with self.assertRaises(UserError):
            self._request(reason=" ")
        self.assertFalse(Change.search([("plan_id", "=", self.plan.id)]))
        # the plan starts while the request waits: the paid deposit never moves, the last approval is refused
        change = self._request()
        trusted_context(self.deposit, crm_plus_plan_tracking=True).write({"amount_done": 1.0})
        change.with_user(self.finance).action_oa_approve()
        with self.assertRaisesRegex(UserError, "nothing is paid"):
            change.with_user(self.finance2).action_oa_approve()

    def test_started_plan_reschedules_its_remaining_installments(self):
        """A payment extension on a started plan: the approved change moves the open installment only."""
        trusted_context(self.deposit, crm_plus_plan_tracking=True).write({"amount_done": 1.0})
        self.assertTrue(self.plan.is_started)
        new_date = self.balance.date_due + timedelta(days=45)
        with self.assertRaisesRegex(UserError, "nothing is paid"):
            self._request(deposit=self.total / 2)
        change = self._request(deposit=self.deposit.amount, balance=self.balance.amount, balance_date=new_date)
        self.assertEqual(change.line_ids.step_id, self.balance)
        change.with_user(self.finance).action_oa_approve()
        change.with_user(self.finance2).action_oa_approve()
        self.assertEqual((change.state, self.balance.date_due), ("applied", new_date))
        self.assertAlmostEqual(self.deposit.amount, self.total * 0.4, places=2)
        history = self.plan.message_ids.filtered(lambda m: "Old schedule" in (m.body or ""))
        self.assertTrue(history, "the old and the new schedule in the plan's chatter")
        self.assertIn("New schedule", history[0].body)

    def test_access_to_requests(self):
        change = self._request()
        # the salesperson and the approvers read it; another team's salesperson and the customer do not
        for user in (self.salesman, self.finance, self.sales_manager):
            with self.subTest(user=user.login):
                self.assertTrue(change.with_user(user).read(["name"]))
                self.assertTrue(change.line_ids.with_user(user).read(["step_name", "amount"]))
        for user in (self.other_salesman, self.portal):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    change.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.env["crm_plus_oa.plan.change"].with_user(user)._crm_plus_oa_request(
                        self.plan.with_user(user), {self.deposit.with_user(user): {"amount": 1.0}}, "forged"
                    )
        # requests change only through their actions
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            change.with_user(self.salesman).write({"reason": "edited"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            change.line_ids.with_user(self.salesman).write({"amount": 1.0})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["crm_plus_oa.plan.change"].with_user(self.salesman).create(
                {"name": "x", "plan_id": self.plan.id, "requested_by_id": self.salesman.id, "reason": "x"}
            )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            change.review_ids.with_user(self.finance).write({"status": "approved"})
        self.assertEqual(change.state, "pending")
