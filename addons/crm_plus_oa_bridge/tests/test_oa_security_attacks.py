"""Control that holds against the people it controls (issue #13), the bridge's side.

Each class of attack, as the role it constrains: the call is refused and nothing changed.
``TestAttacksOverXmlRpc`` drives the same attacks through the real XML-RPC endpoint.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.tier_review import GUARDED_MODELS
from .common import OaCommon

# engine and crm_plus flags a client may put in its context: none of them opens anything
FLAGS = {
    "skip_validation_check": True,
    "skip_check_state_condition": True,
    "crm_plus_approval_gate": True,
    "crm_plus_oa_plan_gate": True,
    "tier_validation_defer_compute_can_review": True,
}
MUTED = ("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


class OaAttackCommon(OaCommon):
    def _state(self, order):
        """What an attack must leave as it was: the order, its reviews and its trail."""
        order.invalidate_recordset()
        reviews = order.sudo().review_ids.sorted("id")
        return (
            order.state,
            order.approval_state,
            [(r.id, r.model, r.res_id, r.status, r.done_by.id, r.sequence, r.oa_user_ids.ids) for r in reviews],
            order.sudo().oa_log_ids.ids,
        )

    def _review_vals(self, order, **extra):
        return {
            "model": "sale.order",
            "res_id": order.id,
            "status": "approved",
            "sequence": 1,
            "done_by": self.salesman.id,
            **extra,
        }


@tagged("post_install", "-at_install")
class TestReviewGuard(OaAttackCommon):
    """Class 1: reviews of a routed document are the bridge's; a user's own reviews never approve."""

    @mute_logger(*MUTED)
    def test_create_refused_whatever_the_values(self):
        order = self._request()
        before = self._state(order)
        Review = self.env["tier.review"]
        for user in (self.salesman, self.dept_manager, self.finance, self.sales_manager):
            attempts = {
                "values": lambda u: Review.with_user(u).create(self._review_vals(order)),
                "context defaults": lambda u: Review.with_user(u)
                .with_context(default_model="sale.order", default_res_id=order.id, **FLAGS)
                .create({"status": "approved", "sequence": 1}),
                "default model only": lambda u: Review.with_user(u)
                .with_context(default_model="sale.order")
                .create({"res_id": order.id, "status": "approved"}),
                "copy": lambda u: order.sudo().review_ids[:1].with_user(u).copy({"status": "approved"}),
                "import": lambda u: Review.with_user(u).load(
                    ["model", "res_id", "status", "sequence"], [["sale.order", str(order.id), "approved", "1"]]
                ),
            }
            for name, attempt in attempts.items():
                with self.subTest(user=user.login, attempt=name):
                    try:
                        with self.env.cr.savepoint():
                            result = attempt(user)
                    except AccessError:
                        continue
                    # load() reports its errors instead of raising
                    self.assertIsInstance(result, dict)
                    self.assertFalse(result["ids"])
                    self.assertTrue(result["messages"])
        self.assertEqual(self._state(order), before)

    @mute_logger(*MUTED)
    def test_write_sequences_refused(self):
        order = self._request()
        before = self._state(order)
        Review = self.env["tier.review"]
        review = order.sudo().review_ids.filtered(lambda r: r.sequence == 1).sudo(False)
        for user in (self.salesman, self.dept_manager, self.finance):
            with self.subTest(user=user.login, attempt="a review of another model turned into one of the order"):
                with self.assertRaises(AccessError):
                    other = Review.with_user(user).create(
                        {"model": "res.partner", "res_id": self.customer.id, "status": "approved"}
                    )
                    other.write({"model": "sale.order", "res_id": order.id, "sequence": 1})
            with self.subTest(user=user.login, attempt="model first, then res_id"):
                with self.assertRaises(AccessError):
                    other = Review.with_user(user).create({"model": "res.partner", "status": "approved"})
                    other.write({"res_id": order.id})
                    other.write({"model": "sale.order"})
            with self.subTest(user=user.login, attempt="edit the order's review"):
                with self.assertRaises(AccessError):
                    review.with_user(user).with_context(**FLAGS).write({"status": "approved", "done_by": user.id})
            with self.subTest(user=user.login, attempt="move the review to another order"):
                with self.assertRaises(AccessError):
                    review.with_user(user).write({"res_id": order.id + 1})
            with self.subTest(user=user.login, attempt="delete"):
                with self.assertRaises(AccessError):
                    review.with_user(user).unlink()
        # through the order's review_ids, as its salesperson (who may write the order)
        own = order.with_user(self.salesman)
        for commands in (
            [Command.create({"model": "sale.order", "status": "approved", "sequence": 1})],
            [Command.update(review.id, {"status": "approved"})],
            [Command.delete(review.id)],
            [Command.unlink(review.id)],
            [Command.clear()],
            [Command.set([])],
        ):
            with self.subTest(commands=commands), self.assertRaises(AccessError):
                own.with_context(**FLAGS).write({"review_ids": commands})
        self.assertEqual(self._state(order), before)

    @mute_logger(*MUTED)
    def test_engine_methods_follow_the_route(self):
        order = self._request()
        before = self._state(order)
        for user in (self.salesman, self.finance, self.other_salesman, self.sales_manager, self.oa_admin):
            as_user = order.with_user(user).with_context(**FLAGS)
            for name, call in (
                ("validate_tier", as_user.validate_tier),
                ("reject_tier", as_user.reject_tier),
                ("request_validation", as_user.request_validation),
                ("restart_validation", as_user.restart_validation),
                ("action_oa_approve", as_user.action_oa_approve),
                ("action_oa_approve_comment", as_user.action_oa_approve_comment),
            ):
                with self.subTest(user=user.login, method=name), self.assertRaises(UserError):
                    call()
            self.assertFalse(order.with_user(user).evaluate_tier(self.step_manager.definition_id))
        # the order and its request go together only for whoever may delete or cancel it, never while it waits
        with self.assertRaises(UserError):
            order.with_user(self.salesman).unlink()
        for call in (
            order.with_user(self.other_salesman).unlink,
            lambda: order.with_user(self.other_salesman).write({"state": "cancel"}),
        ):
            with self.assertRaises(AccessError):
                call()
        # a review from the To Approve list, or a desktop activity, is acted on by its approver only
        review = order.sudo().review_ids.filtered(lambda r: r.sequence == 1)
        for user in (self.salesman, self.finance):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.with_user(user).action_oa_approve()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.with_user(user).action_oa_reject()
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.with_user(user).action_oa_delegate()
        self.assertEqual(self._state(order), before)
        # the step's approver decides through the engine's button; the decision is recorded as his
        order.with_user(self.dept_manager).with_context(**FLAGS).validate_tier()
        review.invalidate_recordset()
        self.assertEqual((review.status, review.done_by), ("approved", self.dept_manager))
        entry = order.oa_log_ids.filtered(lambda e: e.action == "approved")
        self.assertEqual(entry.user_id, self.dept_manager)
        # deciding once is all: he cannot decide the next step
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).validate_tier()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    def test_escalation_never_reaches_the_requester(self):
        self.step_manager.write({"limit_hours": 1, "escalation_user_id": self.salesman.id})
        order = self._request()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        review.sudo().oa_pending_since = "2020-01-01 00:00:00"
        self.env["tier.review"]._cron_crm_plus_oa_remind()
        self.assertTrue(review.oa_reminded)
        self.assertEqual(review.oa_user_ids, self.dept_manager)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_approve()

    def test_other_models_keep_oca_tier_validation(self):
        """Reviews of documents the bridge does not route stay as base_tier_validation makes them."""
        Review = self.env["tier.review"].with_user(self.salesman)
        review = Review.create({"model": "res.partner", "res_id": self.customer.id, "sequence": 1})
        review.write({"status": "approved", "done_by": self.salesman.id})
        self.assertEqual(review.status, "approved")
        review.unlink()
        # the guarded models are the users of the approval mixin
        self.assertEqual(GUARDED_MODELS, set(self.env.registry["crm_plus_oa.approval.mixin"]._inherit_children))


@tagged("post_install", "-at_install")
class TestDecidersLoseWriteAccess(OaAttackCommon):
    """Class 5: an approver reads what he decided on; he no longer edits it."""

    @mute_logger(*MUTED)
    def test_department_manager_edits_until_he_decides(self):
        order = self._request()
        line = order.order_line[:1]
        manager = self.dept_manager
        # the department manager may edit his salesperson's orders (crm_plus rule)...
        order.with_user(manager).write({"client_order_ref": "before deciding"})
        self.assertFalse(order.with_user(manager).oa_decided)
        order.with_user(manager).action_approve()
        self.assertTrue(order.with_user(manager).oa_decided)
        # ...not once he approved it: reading stays, writing goes
        self.assertTrue(order.with_user(manager).read(["name"]))
        self.assertTrue(order.oa_log_ids.with_user(manager).read(["action"]))
        for call in (
            lambda: order.with_user(manager).write({"client_order_ref": "after deciding"}),
            lambda: line.with_user(manager).write({"discount": 40.0}),
            lambda: order.with_user(manager).write(
                {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 1.0})]}
            ),
            lambda: line.with_user(manager).unlink(),
            lambda: order.with_user(manager).unlink(),
        ):
            with self.subTest(call=call), self.assertRaises(AccessError):
                call()
        order.invalidate_recordset()
        self.assertEqual((order.client_order_ref, line.discount, len(order.order_line)), ("before deciding", 0.0, 1))
        # the other approvers go on deciding; after the last one, the order is confirmed and still his to read only
        order.with_user(self.finance).action_approve()
        order.with_user(self.finance2).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        with self.assertRaises(AccessError):
            line.with_user(manager).write({"discount": 40.0})
        with self.assertRaises(AccessError):
            order.with_user(self.finance).write({"client_order_ref": "finance"})
        # whoever did not decide keeps his rights
        order.with_user(self.salesman).write({"client_order_ref": "salesperson"})
        self.assertEqual(order.client_order_ref, "salesperson")

    @mute_logger(*MUTED)
    def test_rejecting_approver_until_a_new_request(self):
        order = self._request()
        order.with_user(self.dept_manager)._crm_plus_reject("Too cheap")
        self.assertEqual((order.state, order.approval_state), ("draft", "rejected"))
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).write({"client_order_ref": "mine now"})
        # the salesperson changes the order and asks again: a new request, the manager decides again
        order.order_line.with_user(self.salesman).write({"price_unit": 2600.0})
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertFalse(order.with_user(self.dept_manager).oa_decided)
        order.with_user(self.dept_manager).write({"client_order_ref": "before deciding again"})
