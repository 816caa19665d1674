from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_plus.tests.test_dunning import DunningFixtures

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaDunningEscalation(DunningFixtures, OaCommon):
    """crm_plus's "escalation to the manager" travels the dunning route when one takes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.debtor = cls._customer(cls.env, "Escalated Debtor", user=cls.salesman)
        cls.debt = cls._order(cls.env, cls.debtor, [40], user=cls.salesman)
        cls.dunning_route = cls.env["crm_plus_oa.route"].create(
            {
                "name": "Dunning escalations",
                "document_type": "dunning",
                "step_ids": [
                    Command.create(
                        {"sequence": 10, "name": "Manager", "approver_kind": "department_manager", "mode": "any"}
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Finance",
                            "approver_kind": "user",
                            "user_ids": [Command.set((cls.finance | cls.finance2).ids)],
                            "mode": "any",
                        }
                    ),
                ],
            }
        )

    def _run(self):
        self.env["crm_plus.dunning.run"]._run(partner_ids=self.debtor.ids)
        communications = self.env["crm_plus.dunning.communication"].search([("partner_id", "=", self.debtor.id)])
        return communications.filtered(lambda c: c.channel == "escalation"), communications

    def _approval_activity(self, communication, user):
        activity_type = self.env.ref("crm_plus_oa_bridge.mail_activity_type_oa_dunning")
        return communication.activity_ids.filtered(lambda a: a.activity_type_id == activity_type and a.user_id == user)

    def test_escalation_travels_the_route(self):
        escalation, communications = self._run()
        self.assertEqual(sorted(communications.mapped("channel")), ["email", "escalation", "letter"])
        self.assertEqual((escalation.state, escalation.oa_route_id), ("draft", self.dunning_route))
        # no crm_plus to-do for the level's escalation user: the route's approvers decide, step by step
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertFalse(escalation.activity_ids.filtered(lambda a: a.activity_type_id == todo))
        self.assertTrue(self._approval_activity(escalation, self.dept_manager))
        self.assertFalse(self._approval_activity(escalation, self.finance))
        self.assertEqual(communications.filtered(lambda c: c.channel == "email").state, "draft", "mail queued")
        # nobody skips the route: not by marking it sent, not as another user
        with self.assertRaises(UserError):
            escalation.with_user(self.finance).action_mark_sent()
        for user in (self.salesman, self.finance, self.other_salesman):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    escalation.with_user(user).action_oa_approve()
        # the department manager reads what he decides on, from his desktop
        self.assertTrue(escalation.with_user(self.dept_manager).line_ids.read(["amount_residual"]))
        self._approval_activity(escalation, self.dept_manager).with_user(self.dept_manager).action_done()
        self.assertEqual(escalation.state, "draft")
        escalation.with_user(self.finance2).action_oa_approve()
        self.assertEqual(escalation.state, "sent")
        self.assertFalse(self._approval_activity(escalation, self.finance))
        self.assertEqual(escalation.oa_log_ids.sorted("id").mapped("action"), ["requested", "approved", "approved"])
        self.assertEqual(escalation.oa_log_ids.partner_id, self.debtor)
        # the trail follows the communication: finance reads it, another team's salesperson does not
        self.assertEqual(len(escalation.oa_log_ids.with_user(self.finance).read(["action"])), 3)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            escalation.oa_log_ids.with_user(self.other_salesman).read(["action"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            escalation.with_user(self.other_salesman).read(["state"])

    def test_without_a_matching_route_crm_plus_escalates_as_before(self):
        self.dunning_route.amount_min = 1000.0  # 100 overdue: the route does not take it
        escalation, _communications = self._run()
        self.assertFalse(escalation.oa_route_id)
        self.assertFalse(escalation.review_ids)
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(escalation.activity_ids.user_id, self.escalation_user)

    def test_rejected_or_cancelled_escalation(self):
        escalation, _communications = self._run()
        action = escalation.with_user(self.dept_manager).action_reject()
        wizard = Form(self.env[action["res_model"]].with_user(self.dept_manager).with_context(action["context"]))
        wizard.comment = "Customer paid by cheque yesterday"
        wizard.save().add_comment()
        self.assertEqual(escalation.state, "cancelled")
        self.assertFalse(escalation.review_ids)
        self.assertFalse(self._approval_activity(escalation, self.dept_manager))
        self.assertEqual(escalation.oa_log_ids.sorted("id").mapped("action"), ["requested", "rejected"])
        # a second debtor's escalation, cancelled by finance while on its way: the request ends with it
        other = self._customer(self.env, "Second Debtor", user=self.salesman)
        self._order(self.env, other, [40], user=self.salesman)
        self.env["crm_plus.dunning.run"]._run(partner_ids=other.ids)
        second = self.env["crm_plus.dunning.communication"].search(
            [("partner_id", "=", other.id), ("channel", "=", "escalation")]
        )
        self.assertTrue(second.review_ids)
        second.with_user(self.finance).action_cancel()
        self.assertEqual(second.state, "cancelled")
        self.assertFalse(second.review_ids)
        self.assertEqual(second.oa_log_ids.sorted("id").mapped("action"), ["requested", "cancelled"])

    def test_route_without_approver_does_not_stall_the_run(self):
        """Issue #13 class 4: a route step resolving to nobody fails that escalation alone, retried next run."""
        self.dunning_route.amount_min = 1000.0  # only the big debt takes the route
        finance_step = self.dunning_route.step_ids.sorted("sequence")[-1]
        finance_step.user_ids = self.salesman  # the salesperson never approves his own customer: nobody left
        big = self._customer(self.env, "Big Debtor", user=self.salesman)
        self._order(self.env, big, [40], amount=5000.0, user=self.salesman)
        customers = self.debtor | big
        Communication = self.env["crm_plus.dunning.communication"]
        with mute_logger(
            "odoo.addons.crm_plus.models.crm_plus_dunning_run",
            "odoo.addons.crm_plus.models.crm_plus_dunning_attention_mixin",
        ):
            self.env["crm_plus.dunning.run"]._run(partner_ids=customers.ids)
        communications = Communication.search([("partner_id", "in", customers.ids)])
        by_key = {(c.partner_id, c.channel): c for c in communications}
        # the other customer is dunned in full, and the big debtor's email goes out
        self.assertEqual(by_key[self.debtor, "escalation"].state, "sent")
        self.assertTrue(by_key[self.debtor, "email"].mail_id)
        self.assertTrue(by_key[big, "email"].mail_id)
        failed = by_key[big, "escalation"]
        self.assertEqual((failed.state, failed.failure_stage, failed.retry_count), ("failed", "dispatch", 1))
        self.assertIn("no approver", failed.failure_reason)
        self.assertFalse(failed.review_ids, "nothing half-made")
        self.assertFalse(failed.oa_log_ids)
        self.assertEqual(
            Communication.search([("needs_attention", "=", True), ("id", "in", communications.ids)]), failed
        )
        self.assertTrue(failed.activity_ids.filtered(lambda a: "needs attention" in (a.summary or "")))
        # a manual run for the other customer is not refused because of it
        wizard = (
            self.env["crm_plus.dunning.run.wizard"]
            .with_user(self.finance)
            .create({"partner_ids": [Command.set(self.debtor.ids)]})
        )
        wizard.action_run()
        # the route fixed, the next run sends the escalation along it
        finance_step.user_ids = self.finance | self.finance2
        self.env["crm_plus.dunning.run"]._run(partner_ids=customers.ids)
        failed.invalidate_recordset()
        self.assertEqual(
            (failed.state, failed.needs_attention, failed.oa_route_id), ("draft", False, self.dunning_route)
        )
        self.assertTrue(failed.review_ids)
