"""Hand-over on departure re-routes the route approvals the leaving user must decide (issue #16)."""

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaHandover(OaCommon):
    def _hand_over(self, source, target, user=None, **values):
        wizard = (
            self.env["crm_plus.handover"]
            .with_user(user or self.sales_manager)
            .create({"from_user_id": source.id, "to_user_id": target.id, **values})
        )
        wizard.action_apply()
        return wizard

    def _open_reviews_of(self, user):
        return self.env["tier.review"].search(
            [("status", "in", ("waiting", "pending")), ("oa_user_ids", "in", user.ids)]
        )

    def test_current_step_moves_to_the_successor(self):
        order = self._request()
        first = order.review_ids.filtered(lambda r: r.sequence == 1)
        self.assertEqual(first.oa_user_ids, self.dept_manager)
        with self.assertRaises(AccessError):
            order.with_user(self.colleague).action_oa_approve()
        wizard = self._hand_over(self.dept_manager, self.colleague)
        self.assertIn("Route approvals to decide: 1", wizard.report)
        # the review, the To-Do, crm_plus's approvers and the trail follow
        self.assertEqual(first.oa_user_ids, self.colleague)
        self.assertEqual(first.reviewer_ids, self.colleague)
        self.assertFalse(self._open_reviews_of(self.dept_manager))
        self.assertTrue(self._activity(order, self.colleague))
        self.assertFalse(self._activity(order, self.dept_manager))
        self.assertEqual(order.approval_user_ids, self.colleague)
        entry = order.oa_log_ids.filtered(lambda e: e.action == "delegated")
        self.assertEqual(entry.user_id, self.sales_manager)
        self.assertIn("Colleague", entry.comment)
        # the successor decides; the leaver no longer can
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).action_oa_approve()
        order.with_user(self.colleague).action_oa_approve()
        self.assertEqual(first.status, "approved")
        self.assertEqual(first.done_by, self.colleague)
        self.assertTrue(self._activity(order, self.finance))

    def test_later_step_and_nobody_signs_twice(self):
        order = self._request()
        finance_reviews = order.review_ids.filtered(lambda r: r.sequence == 2)
        # Finn already countersigns this request: Fay's place goes to Cole, the first successor who may take it
        self._hand_over(self.finance, self.finance2, extra_user_ids=[self.colleague.id])
        self.assertEqual(finance_reviews.mapped("oa_user_ids"), self.finance2 | self.colleague)
        self.assertEqual(set(finance_reviews.mapped("status")), {"waiting"})
        self.assertFalse(self._open_reviews_of(self.finance))
        self.assertFalse(self._activity(order, self.colleague), "a later step: no To-Do yet")
        order.with_user(self.dept_manager).action_oa_approve()
        self.assertTrue(self._activity(order, self.colleague))

    def test_no_successor_may_decide_it_stays_and_is_reported(self):
        order = self._request()
        first = order.review_ids.filtered(lambda r: r.sequence == 1)
        # Sally sold the order: she never approves it
        wizard = self._hand_over(self.dept_manager, self.salesman)
        self.assertEqual(first.oa_user_ids, self.dept_manager)
        self.assertIn("Route approvals left with Dora Manager", wizard.report)
        self.assertTrue(self._activity(order, self.dept_manager))

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_attacker(self):
        """Only a sales manager or HR hands over; a salesperson cannot re-route reviews, whatever the context."""
        order = self._request()
        first = order.review_ids.filtered(lambda r: r.sequence == 1)
        forged = {"crm_plus_plan_tracking": True, "active_test": False}
        Wizard = self.env["crm_plus.handover"].with_user(self.colleague).with_context(**forged)
        with self.assertRaises(AccessError):
            Wizard.create({"from_user_id": self.dept_manager.id, "to_user_id": self.colleague.id}).action_apply()
        with self.assertRaises(AccessError):
            first.with_user(self.colleague).with_context(**forged).write({"oa_user_ids": [(4, self.colleague.id)]})
        self.assertEqual(first.oa_user_ids, self.dept_manager)
