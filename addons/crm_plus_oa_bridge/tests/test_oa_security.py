from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OaCommon

FLAGS = {
    "skip_validation_check": True,
    "skip_check_state_condition": True,
    "crm_plus_approval_gate": True,
    "tier_validation_defer_compute_can_review": True,
    "mail_activity_automation_skip": True,
}


@tagged("post_install", "-at_install")
class TestOaSecurity(OaCommon):
    def test_only_the_steps_approvers_act(self):
        order = self._request()
        outsiders = (
            self.salesman,
            self.other_salesman,
            self.finance,
            self.sales_manager,
            self.crm_admin,
            self.oa_admin,
        )
        for user in outsiders:
            for context in ({}, FLAGS):
                as_user = order.with_user(user).with_context(**context)
                with self.subTest(user=user.login, flags=bool(context)), mute_logger("odoo.addons.base.models.ir_rule"):
                    with self.assertRaises(AccessError):
                        as_user.action_approve()
                    with self.assertRaises(AccessError):
                        as_user.validate_tier()
                    with self.assertRaises(AccessError):
                        as_user._crm_plus_oa_approve()
                    with self.assertRaises(AccessError):
                        as_user._crm_plus_reject("no")
        self.assertEqual(order.review_ids.mapped("status"), ["pending", "waiting", "waiting"])
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    def test_reviews_cannot_be_edited_created_or_deleted(self):
        order = self._request()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        for user in (self.dept_manager, self.salesman, self.finance):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    review.with_user(user).with_context(**FLAGS).write({"status": "approved"})
                with self.assertRaises(AccessError):
                    review.with_user(user).write({"oa_user_ids": [Command.link(user.id)]})
                with self.assertRaises(AccessError):
                    order.review_ids.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["tier.review"].with_user(user).create(
                        {"model": "sale.order", "res_id": order.id, "status": "approved", "sequence": 9}
                    )
        self.assertEqual(len(order.review_ids), 3)
        self.assertEqual(review.status, "pending")

    def test_comment_wizard_and_activities_are_checked(self):
        order = self._request()
        # reviews of an order one may not read cannot even be put in a wizard
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["comment.wizard"].with_user(self.other_salesman).create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(order.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "sneaky",
                }
            )
        # a forged comment wizard of a later-step approver, pointing at the current step's review
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.finance)
            .create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(order.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "sneaky",
                }
            )
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            wizard.add_comment()
        # somebody else's approval activity cannot be marked done
        activity = self._activity(order, self.dept_manager)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            activity.with_user(self.crm_admin).action_crm_plus_oa_approve()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            activity.with_user(self.crm_admin).action_done()
        self.assertEqual(order.review_ids.filtered(lambda r: r.sequence == 1).status, "pending")
        # the real reviewer's comment wizard works
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.dept_manager)
            .create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(order.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "ok",
                }
            )
        )
        wizard.add_comment()
        self.assertEqual(order.review_ids.filtered(lambda r: r.sequence == 1).status, "approved")
        # only his own review was approved, not the finance ones passed along
        self.assertEqual(order.review_ids.filtered(lambda r: r.sequence == 2).mapped("status"), ["pending", "pending"])

    def test_engine_entry_points_cannot_restart_or_inject(self):
        order = self._request()
        for method in ("request_validation", "restart_validation"):
            with self.assertRaises(UserError):
                getattr(order.with_user(self.salesman), method)()
        # changing what is being approved ends the request (crm_plus semantics), whatever the flags
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).with_context(**FLAGS).write({"approval_state": "approved"})
        self.assertEqual(order.approval_state, "pending")
        order.with_user(self.salesman).with_context(skip_validation_check=True).write(
            {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 10.0})]}
        )
        self.assertEqual(order.approval_state, "none")
        self.assertFalse(order.review_ids)
        self.assertEqual(order.oa_log_ids.sorted("id").mapped("action"), ["requested", "reset"])

    def test_portal_never_reads_reviews(self):
        order = self._make_order()
        order.partner_id = self.portal.partner_id
        order.message_subscribe(partner_ids=self.portal.partner_id.ids)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(len(order.review_ids), 3)
        self.assertTrue(order.with_user(self.portal).read(["name"]))
        self.assertFalse(self.env["tier.review"].with_user(self.portal).search([("res_id", "=", order.id)]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.review_ids.with_user(self.portal).read(["comment"])
        # the trail has no portal access at all
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.oa_log_ids.with_user(self.portal).read(["comment"])

    def test_route_access_per_role(self):
        Route = self.env["crm_plus_oa.route"]
        vals = {
            "name": "Mine",
            "step_ids": [
                Command.create({"name": "S", "approver_kind": "user", "user_ids": [Command.set(self.finance.ids)]})
            ],
        }
        for user in (self.salesman, self.dept_manager, self.finance, self.sales_manager):
            with self.subTest(user=user.login):
                self.assertTrue(Route.with_user(user).search([("id", "=", self.route.id)]))
                with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
                    self.route.with_user(user).write({"amount_min": 1.0})
                with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
                    Route.with_user(user).create(vals)
                with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
                    self.step_finance.with_user(user).write({"mode": "any"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Route.with_user(self.portal).search([])
        # workflow administrators (and crm_plus administrators) configure routes
        for user in (self.oa_admin, self.crm_admin):
            route = Route.with_user(user).create(dict(vals, name=f"By {user.login}"))
            self.assertTrue(route.step_ids.definition_id)
            route.write({"amount_min": 5.0})

    def test_trail_and_reviews_follow_the_order(self):
        order = self._request()
        Log = self.env["crm_plus_oa.approval.log"]
        Review = self.env["tier.review"]
        # the salesperson and the current approvers see it; another salesman does not
        self.assertTrue(Log.with_user(self.salesman).search([("order_id", "=", order.id)]))
        self.assertTrue(
            Review.with_user(self.dept_manager).search([("res_id", "=", order.id), ("model", "=", "sale.order")])
        )
        self.assertTrue(order.with_user(self.finance).read(["name"]))  # a later-step approver may read it
        self.assertFalse(Log.with_user(self.other_salesman).search([("order_id", "=", order.id)]))
        self.assertFalse(
            Review.with_user(self.other_salesman).search([("res_id", "=", order.id), ("model", "=", "sale.order")])
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.review_ids.with_user(self.other_salesman).read(["status"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.oa_log_ids.with_user(self.other_salesman).read(["action"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order.oa_log_ids.with_user(self.salesman).write({"comment": "edited"})

    def test_superuser_reads_stay_inside_the_bridge(self):
        order = self._request()
        as_finance = order.with_user(self.finance)
        salesperson, route = as_finance._crm_plus_oa_read("user_id", "oa_route_id")
        self.assertEqual((salesperson, route), (self.salesman, self.route))
        # relational values come back in the caller's environment, never as superuser
        for records in (
            salesperson,
            route,
            as_finance._crm_plus_oa_excluded_users(),
            as_finance._crm_plus_approvers(),
            as_finance._crm_plus_oa_actionable_reviews(self.finance),
        ):
            with self.subTest(model=records._name):
                self.assertFalse(records.env.su)
                self.assertEqual(records.env.uid, self.finance.id)
        self.assertEqual(as_finance._crm_plus_oa_excluded_users(), self.salesman)
        self.assertEqual(as_finance._crm_plus_approvers(), self.dept_manager)
        # a user who may not read the order still gets the answer "not yours to decide", not the order
        outsider = order.with_user(self.other_salesman)
        self.assertFalse(outsider._crm_plus_oa_actionable_reviews(self.other_salesman))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            outsider.read(["name"])
