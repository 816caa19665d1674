# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Promises to pay and disputes: finance holds the dunning, on the record; nobody else can."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CrmPlusCommon
from .test_dunning_items import TestDunningItems
from .test_dunning_items import _receivable


@tagged("post_install", "-at_install")
class TestDunningPromises(CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        TestDunningItems._dunning_setup.__func__(cls, cls.env)
        cls.Run = cls.env["crm_plus.dunning.run"]
        cls.Promise = cls.env["crm_plus.dunning.promise"]
        cls.Communication = cls.env["crm_plus.dunning.communication"]
        cls.customer = TestDunningItems._customer.__func__(cls, cls.env, "Promising", user=cls.salesman)
        cls.invoice = TestDunningItems._invoice.__func__(cls, cls.customer, 300.0, 5)

    def _record(self, **values):
        values.setdefault("partner_id", self.customer.id)
        return self.Promise.with_user(self.finance).create(values)

    def _run(self, days_later=0):
        return self.Run._run(today=self.today + timedelta(days=days_later), partner_ids=self.customer.ids)

    def _comms(self):
        return self.Communication.search([("partner_id", "=", self.customer.id)])

    def test_promise_holds_until_its_date_then_broken_escalates(self):
        promise = self._record(date_promised=self.today + timedelta(days=10), amount=300.0)
        self.assertEqual(promise.amount_target, 0.0)
        self.assertEqual(self._run()["items"], 0, "held until the promise date")
        self.assertFalse(self.customer.crm_plus_dunning_level_id)
        self.assertEqual(self._run(days_later=10)["items"], 0, "still held on the promise date")
        self.assertEqual(promise.state, "open")
        # the date passed unpaid: broken, and the items escalate to the level their days reached meanwhile
        self._run(days_later=11)
        self.assertEqual((promise.state, promise.kept_rate), ("broken", 0.0))
        communications = self._comms()
        self.assertEqual(communications.level_id, self.level2)
        self.assertTrue(all(communications.mapped("broken_promise")))
        email = communications.filtered(lambda c: c.channel == "email")
        self.assertIn("You did not pay as you promised", email.mail_id.body_html)
        self.assertTrue(promise.broken_notified)
        # shown once: the next level's communications are ordinary dunning
        self._run(days_later=26)
        self.assertFalse(any(self._comms().filtered(lambda c: c.level_id == self.level3).mapped("broken_promise")))
        self.assertIn("broken", self.customer.message_ids.mapped("body")[0].lower())

    def test_promise_kept_and_promises_kept_percentage(self):
        kept = self._record(date_promised=self.today + timedelta(days=3), amount=100.0)
        self.assertEqual(kept.amount_target, 200.0)
        TestDunningItems._pay(self, self.invoice, 100.0)
        self._run()
        self.assertEqual((kept.state, kept.kept_rate), ("kept", 100.0))
        self.assertTrue(self._comms(), "kept: the rest is dunned again")
        broken = self._record(date_promised=self.today, amount=50.0)
        self._run(days_later=1)
        self.assertEqual(broken.state, "broken")
        [(rate,)] = self.Promise._read_group([("partner_id", "=", self.customer.id)], [], ["kept_rate:avg"])
        self.assertEqual(rate, 50.0)

    def test_dispute_on_an_item_excludes_it_until_resolved(self):
        other = TestDunningItems._invoice.__func__(self, self.customer, 40.0, 5)
        dispute = self._record(kind="dispute", move_line_id=_receivable(self.invoice).id, reason="Goods damaged")
        with self.assertRaises(UserError):
            self._record(kind="dispute", reason=" ")
        self._run()
        self.assertEqual(self._comms().line_ids.move_id, other, "the disputed invoice waits")
        dispute.with_user(self.finance).action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self._run()
        self.assertIn(self.invoice, self._comms().line_ids.move_id)
        # the history: logged on the customer (and tracked on the dispute)
        self.assertTrue(any("Dispute" in body for body in self.customer.message_ids.mapped("body")))

    def test_salesperson_cannot_hold_the_dunning_of_their_customer(self):
        held = self._record(kind="dispute", reason="Price disagreement")
        for context in ({}, {"crm_plus_plan_tracking": True, "tracking_disable": True, "active_test": False}):
            Promise = self.Promise.with_user(self.salesman).with_context(**context)
            with self.subTest(context=context):
                self.assertEqual(Promise.search([("partner_id", "=", self.customer.id)]), held, "they read it")
                with self.assertRaises(AccessError):
                    Promise.create(
                        {"partner_id": self.customer.id, "date_promised": self.today, "amount": 1.0, "state": "kept"}
                    )
                with self.assertRaises(AccessError):
                    Promise.create({"partner_id": self.customer.id, "kind": "dispute", "reason": "mine"})
                mine = held.with_user(self.salesman).with_context(**context)
                for method in ("action_resolve", "action_cancel", "unlink"):
                    with self.assertRaises(AccessError):
                        getattr(mine, method)()
                with self.assertRaises(AccessError):
                    mine.write({"reason": "changed"})
        # finance neither deletes the history nor writes an outcome by hand
        with self.assertRaises(UserError):
            held.with_user(self.finance).write({"state": "resolved"})
        with self.assertRaises(AccessError):
            held.with_user(self.finance).unlink()
        self.assertEqual(held.state, "open")
