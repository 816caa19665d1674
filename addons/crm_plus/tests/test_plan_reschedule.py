# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rescheduling the remaining installments of a started plan: finance only, paid steps never move."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged

from .plan_common import CrmPlusPlanCommon


@tagged("post_install", "-at_install")
class TestPlanReschedule(CrmPlusPlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order()
        cls.plan = cls.order.plan_id
        invoice = cls._invoice(cls.order)
        cls._pay(invoice, cls.order.amount_total * 0.3)  # the deposit: the plan has started
        cls.deposit, cls.on_delivery, cls.acceptance = cls._steps(cls.plan, "payment")

    def test_finance_moves_splits_and_the_history_shows_both_schedules(self):
        self.assertTrue(self.plan.is_started)
        self.assertEqual(self.deposit.state, "done")
        # frozen for a plain write, even for finance
        with self.assertRaisesRegex(UserError, "has started"):
            self.on_delivery.with_user(self.finance).write({"date_due": self.on_delivery.date_due + timedelta(1)})
        action = self.plan.with_user(self.finance).action_open_reschedule()
        form = Form(self.env[action["res_model"]].with_user(self.finance).with_context(action["context"]))
        form.reason = "Payment extension agreed with the customer"
        wizard = form.save()
        self.assertEqual(wizard.line_ids.step_id, self.on_delivery | self.acceptance, "the paid deposit is not there")
        later = self.on_delivery.date_due + timedelta(days=30)
        half = self.acceptance.amount / 2
        wizard.line_ids.filtered(lambda line: line.step_id == self.on_delivery).date_due = later
        acceptance_line = wizard.line_ids.filtered(lambda line: line.step_id == self.acceptance)
        acceptance_line.amount = half
        wizard.line_ids = [(0, 0, {"date_due": acceptance_line.date_due + timedelta(days=30), "amount": half})]
        old_deposit = (self.deposit.date_due, self.deposit.amount)
        wizard.action_apply()
        self.assertEqual(self.on_delivery.date_due, later)
        self.assertEqual((self.deposit.date_due, self.deposit.amount), old_deposit, "paid steps never change")
        payments = self._steps(self.plan, "payment")
        self.assertEqual(len(payments), 4, "the acceptance installment was split in two")
        self.assertAlmostEqual(sum(payments.mapped("amount")), self.order.amount_total, places=2)
        body = self.plan.message_ids[0].body
        for text in ("Payment extension agreed", "Old schedule", "New schedule"):
            self.assertIn(text, body)

    def test_only_finance_and_never_a_paid_step(self):
        for context in ({}, {"crm_plus_plan_tracking": True, "crm_plus_plan_defer_check": True}):
            with self.subTest(context=context):
                Wizard = self.env["crm_plus.plan.reschedule"].with_user(self.salesman).with_context(**context)
                with self.assertRaises(AccessError):
                    Wizard.create({"plan_id": self.plan.id, "reason": "mine"})
                with self.assertRaises(UserError):  # refused (AccessError is a UserError too)
                    self.on_delivery.with_user(self.salesman).with_context(**context).write(
                        {"date_due": self.on_delivery.date_due + timedelta(days=60)}
                    )
        line = {"step_id": self.deposit.id, "date_due": self.deposit.date_due, "amount": self.deposit.amount}
        with self.assertRaisesRegex(UserError, "nothing is paid"):
            self.plan.with_user(self.finance)._crm_plus_apply_schedule([line], "move the deposit")
        with self.assertRaisesRegex(UserError, "Say why"):
            self.plan.with_user(self.finance)._crm_plus_apply_schedule([], " ")
