from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaRoutes(OaCommon):
    def test_large_order_travels_two_steps_and_is_filed(self):
        order = self._request()
        self.assertEqual(order.oa_route_id, self.route)
        reviews = order.review_ids.sorted(lambda r: (r.sequence, r.id))
        self.assertEqual(len(reviews), 3)
        self.assertEqual(reviews.mapped("sequence"), [1, 2, 2])
        self.assertEqual(reviews[0].reviewer_ids, self.dept_manager)
        self.assertEqual(reviews[1:].mapped("reviewer_ids"), self.finance | self.finance2)
        self.assertEqual(reviews.mapped("status"), ["pending", "waiting", "waiting"])
        # the department manager has the approval on his desktop; finance not yet
        self.assertTrue(self._activity(order, self.dept_manager))
        self.assertFalse(self._activity(order, self.finance))
        self.assertEqual(order.approval_user_ids, self.dept_manager)
        self.assertEqual(order._crm_plus_approvers(), self.dept_manager)
        # finance cannot jump the queue
        with self.assertRaises(AccessError):
            order.with_user(self.finance).action_approve()
        # step 1: approved from the desktop activity, as the activity's user
        self._activity(order, self.dept_manager).with_user(self.dept_manager).action_feedback(feedback="Fine by me")
        self.assertEqual(reviews[0].status, "approved")
        self.assertEqual(reviews[0].done_by, self.dept_manager)
        self.assertEqual(reviews[1:].mapped("status"), ["pending", "pending"])
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertFalse(self._activity(order, self.dept_manager))
        self.assertTrue(self._activity(order, self.finance))
        self.assertTrue(self._activity(order, self.finance2))
        # step 2, countersign: one finance approval is not enough
        self._activity(order, self.finance).with_user(self.finance).action_done()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertEqual(order.approval_user_ids, self.finance2)
        with self.assertRaises(AccessError):
            order.with_user(self.finance).action_approve()
        # the second signature, from the To Approve list, confirms the order
        to_approve = (
            self.env["tier.review"]
            .with_user(self.finance2)
            .search([("status", "=", "pending"), ("can_review", "=", True), ("reviewer_ids", "in", self.finance2.id)])
        )
        self.assertEqual(to_approve, reviews[1:].filtered(lambda r: self.finance2 in r.reviewer_ids))
        to_approve.action_oa_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertEqual(order.validation_status, "validated")
        self.assertTrue(order.picking_ids)
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id.name == "Approval"))
        # the approved order is filed in the customer's Orders folder, locked, with its hash in the trail
        filed = order.oa_log_ids.filtered(lambda entry: entry.action == "filed").sorted("id")
        self.assertEqual(len(filed), 2, "the approved quotation, then the order")
        filed = filed[1]
        dms_file = filed.dms_file_id
        orders_folder = self.customer._crm_plus_oa_folder("orders")
        self.assertEqual(dms_file.directory_id.parent_id, orders_folder)
        self.assertEqual(dms_file.directory_id.res_model, "sale.order")
        self.assertEqual(dms_file.directory_id.res_id, order.id)
        import base64
        import hashlib

        self.assertEqual(filed.sha256, hashlib.sha256(base64.b64decode(dms_file.content)).hexdigest())
        self.assertEqual(dms_file.oa_sha256, filed.sha256)
        self.assertEqual(dms_file.locked_by, self.env.ref("base.user_root"))
        self.assertEqual(order.oa_document_count, 2)
        # the trail: request, one approval per review, filings
        actions = order.oa_log_ids.sorted("id").mapped("action")
        self.assertEqual(actions, ["requested", "approved", "approved", "approved", "filed", "filed"])
        self.assertIn("Fine by me", order.oa_log_ids.filtered(lambda e: e.user_id == self.dept_manager).comment)
        self.assertEqual(order.approval_entry_ids.sorted("id").mapped("decision"), ["requested", "approved"])

    def test_approve_with_comment_from_the_form(self):
        order = self._request()
        with self.assertRaises(AccessError):
            order.with_user(self.finance).action_oa_approve_comment()
        action = order.with_user(self.dept_manager).action_oa_approve_comment()
        wizard = Form(self.env[action["res_model"]].with_user(self.dept_manager).with_context(action["context"]))
        wizard.comment = "Checked the margin"
        wizard.save().add_comment()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        self.assertEqual((review.status, review.comment), ("approved", "Checked the margin"))

    def test_small_order_without_route_keeps_crm_plus_single_step(self):
        self.route.amount_min = 10000.0
        order = self._request(price=1000.0)
        self.assertFalse(order.review_ids)
        self.assertFalse(order.oa_route_id)
        # crm_plus's own approver (the department manager) decides alone
        self.assertEqual(order.approval_user_ids, self.dept_manager)
        order.with_user(self.dept_manager).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertFalse(order.oa_log_ids)

    def test_rejection_returns_to_requester_and_resubmission_keeps_trail(self):
        order = self._request()
        action = order.with_user(self.dept_manager).reject_tier()
        wizard = Form(self.env[action["res_model"]].with_user(self.dept_manager).with_context(action["context"]))
        wizard.reason = "Price too low for this volume"
        wizard.save().action_reject()
        self.assertEqual((order.state, order.approval_state), ("draft", "rejected"))
        self.assertFalse(order.review_ids)
        self.assertFalse(order.activity_ids.filtered(lambda a: a.user_id == self.dept_manager))
        self.assertTrue(order.activity_ids.filtered(lambda a: a.user_id == self.salesman))
        # resubmission after a change: a second round, the first one stays in the trail with what changed
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 3, "price_unit": 2500.0})
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.approval_state, order.oa_round), ("pending", 2))
        trail = order.oa_log_ids.sorted("id")
        self.assertEqual(trail.mapped("action"), ["requested", "rejected", "requested"])
        self.assertEqual(trail.mapped("round"), [1, 1, 2])
        self.assertEqual(trail[1].comment, "Price too low for this volume")
        self.assertFalse(trail[0].changes)
        self.assertIn("5000.0 -> 7500.0", trail[2].changes)
        self.assertIn("OA Widget #1: quantity 2 -> 3", trail[2].changes)
        self.assertNotIn("unit price", trail[2].changes)
        self.assertEqual(len(order.review_ids), 3)

    def test_requester_withdraws(self):
        order = self._request()
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).action_oa_withdraw()
        self.assertTrue(order.with_user(self.salesman).oa_can_withdraw)
        order.with_user(self.salesman).action_oa_withdraw()
        self.assertEqual((order.state, order.approval_state), ("draft", "none"))
        self.assertFalse(order.review_ids)
        self.assertFalse(self._activity(order, self.dept_manager))
        self.assertEqual(order.oa_log_ids.sorted("id").mapped("action"), ["requested", "withdrawn"])
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_oa_withdraw()

    def test_forward_to_colleague(self):
        order = self._request()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        action = review.with_user(self.dept_manager).action_oa_delegate()
        wizard = Form(self.env[action["res_model"]].with_user(self.dept_manager).with_context(action["context"]))
        wizard.user_id = self.colleague
        wizard.note = "On leave"
        wizard.save().action_delegate()
        self.assertEqual(review.reviewer_ids, self.colleague)
        self.assertFalse(self._activity(order, self.dept_manager))
        self.assertTrue(self._activity(order, self.colleague))
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).action_approve()
        # the requester or a finance approver of the same order cannot be forwarded to
        with self.assertRaises(UserError):
            review.with_user(self.colleague)._crm_plus_oa_delegate(self.salesman)
        order.with_user(self.colleague).action_approve()
        self.assertEqual(review.status, "approved")
        self.assertIn("delegated", order.oa_log_ids.mapped("action"))

    def test_sequential_and_any_one_steps(self):
        self.step_finance.mode = "sequential"
        self.route.step_ids = [
            Command.create(
                {
                    "sequence": 30,
                    "name": "Direction",
                    "approver_kind": "group",
                    "group_id": self.env.ref("crm_plus_oa_bridge.crm_plus_oa_bridge_group_manager").id,
                    "mode": "any",
                }
            )
        ]
        order = self._request()
        reviews = order.review_ids.sorted(lambda r: (r.sequence, r.id))
        self.assertEqual(reviews.mapped("sequence"), [1, 2, 3, 4])
        order.with_user(self.dept_manager).action_approve()
        first, second = reviews[1], reviews[2]
        with self.assertRaises(AccessError):
            order.with_user(second.reviewer_ids).action_approve()
        order.with_user(first.reviewer_ids).action_approve()
        order.with_user(second.reviewer_ids).action_approve()
        # any one of the group decides
        last = reviews[3]
        self.assertIn(self.oa_admin, last.reviewer_ids)
        self.assertGreater(len(last.reviewer_ids), 1)
        self.assertEqual(order.state, "draft")
        order.with_user(self.oa_admin).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def test_approver_kinds(self):
        Step = self.env["crm_plus_oa.route.step"]
        order = self._make_order()
        level2 = Step.create(
            {"route_id": self.route.id, "name": "Two up", "approver_kind": "department_level", "department_level": 2}
        )
        self.assertEqual(level2._crm_plus_oa_resolve(order, self.salesman), self.director)
        # above the top of the tree: the highest manager
        level2.department_level = 5
        self.assertEqual(level2._crm_plus_oa_resolve(order, self.salesman), self.director)
        # the manager requesting for himself goes to his own manager
        manager_step = self.step_manager
        self.assertEqual(manager_step._crm_plus_oa_resolve(order, self.dept_manager), self.director)
        field_step = Step.create(
            {
                "route_id": self.route.id,
                "name": "Field",
                "approver_kind": "field",
                "field_id": self.env["ir.model.fields"]._get("sale.order", "user_id").id,
            }
        )
        self.assertEqual(field_step._crm_plus_oa_resolve(order, self.salesman), self.salesman)
        with self.assertRaises(UserError):
            # nobody left once the salesperson is excluded: the request is refused, not silently approved
            self.route.step_ids = [Command.unlink(s.id) for s in self.route.step_ids - field_step]
            order.with_user(self.salesman).action_confirm()

    def test_editing_a_route_leaves_requests_in_flight_alone(self):
        order = self._request()
        before = [(r.sequence, r.reviewer_ids, r.oa_mode, r.oa_step_name) for r in order.review_ids.sorted("id")]
        self.step_finance.write({"user_ids": [Command.set(self.director.ids)], "mode": "any", "name": "Renamed"})
        self.step_manager.write({"approver_kind": "user", "user_ids": [Command.set(self.colleague.ids)]})
        self.route.write({"amount_min": 50000.0})
        with self.assertRaises(UserError):
            self.step_finance.unlink()
        with self.assertRaises(UserError):
            self.step_manager.definition_id.approve_sequence = False
        order.invalidate_recordset()
        after = [(r.sequence, r.reviewer_ids, r.oa_mode, r.oa_step_name) for r in order.review_ids.sorted("id")]
        self.assertEqual(before, after)
        for user in (self.dept_manager, self.finance, self.finance2):
            order.with_user(user).action_approve()
        self.assertEqual(order.state, "sale")

    def test_contract_required_before_approval(self):
        self.route.require_contract = True
        order = self._request()
        order.with_user(self.dept_manager).action_approve()
        order.with_user(self.finance).action_approve()
        with self.assertRaises(UserError):
            order.with_user(self.finance2).action_approve()
        # a contract uploaded through the documents app into the order's Contracts folder counts too
        contracts = order._crm_plus_oa_order_folder("contracts")
        self.env["dms.file"].create({"name": "contract.txt", "directory_id": contracts.id, "content": "Y29udHJhY3Q="})
        order.with_user(self.finance2).action_approve()
        self.assertEqual(order.state, "sale")

    def test_late_step_reminded_and_escalated(self):
        self.step_manager.write({"limit_hours": 4, "escalation_user_id": self.director.id})
        order = self._request()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        self.assertTrue(review.oa_deadline)
        Review = self.env["tier.review"]
        Review._cron_crm_plus_oa_remind()
        self.assertFalse(review.oa_reminded)
        with freeze_time(fields.Datetime.now() + timedelta(hours=5)):
            Review._cron_crm_plus_oa_remind()
        self.assertTrue(review.oa_reminded)
        reminder = self.env.ref("base_tier_validation.mail_act_tier_validation_reminder")
        self.assertTrue(
            order.activity_ids.filtered(lambda a: a.activity_type_id == reminder and a.user_id == self.dept_manager)
        )
        self.assertEqual(review.reviewer_ids, self.dept_manager | self.director)
        self.assertTrue(self._activity(order, self.director))
        self.assertEqual(
            order.oa_log_ids.filtered(lambda e: e.action in ("reminded", "escalated")).sorted("id").mapped("action"),
            ["reminded", "escalated"],
        )
        order.with_user(self.director).action_approve()
        self.assertEqual(review.status, "approved")

    def test_changing_the_order_resets_the_request(self):
        order = self._request()
        with mute_logger("odoo.models"):
            order.order_line.with_user(self.salesman).write({"price_unit": 3000.0})
        self.assertEqual(order.approval_state, "none")
        self.assertFalse(order.review_ids)
        self.assertEqual(order.oa_log_ids.sorted("id").mapped("action"), ["requested", "reset"])

    def test_portal_signature_path_is_routed_too(self):
        order = self._make_order()
        order.action_quotation_sent()
        # the portal signature / online payment confirm in sudo
        order.sudo()._validate_order()
        self.assertEqual(order.approval_state, "pending")
        self.assertFalse(order.picking_ids)
        self.assertEqual(len(order.review_ids), 3)
        self.assertEqual(order.review_ids.filtered(lambda r: r.sequence == 1).reviewer_ids, self.dept_manager)
        for user in (self.dept_manager, self.finance, self.finance2):
            order.with_user(user).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def test_route_form_and_order_form(self):
        with Form(self.env["crm_plus_oa.route"].with_user(self.oa_admin)) as route_form:
            route_form.name = "Discounts"
            route_form.document_type = "discount"
            route_form.discount_min = 15.0
            with route_form.step_ids.new() as step:
                step.name = "Two levels up"
                step.approver_kind = "department_level"
                step.department_level = 2
                step.mode = "any"
        route = route_form.record
        self.assertEqual(route.model, "sale.order")
        self.assertTrue(route.step_ids.definition_id)
        self.assertFalse(route.step_ids.definition_id.active)
        # the order form shows the approval to its approver, with the buttons he may use
        order = self._request()
        form = Form(order.with_user(self.dept_manager))
        self.assertTrue(form.oa_can_act)
        self.assertFalse(form.oa_can_withdraw)
        self.assertTrue(Form(order.with_user(self.salesman)).oa_can_withdraw)
        self.assertFalse(Form(order.with_user(self.finance)).oa_can_act)

    def test_step_names_and_to_dos_in_the_approvers_language(self):
        """An English salesperson asks; the Chinese department manager reads the step and the reasons in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.step_manager.with_context(lang="zh_CN").name = "部门经理"
        self.amount_rule.with_context(lang="zh_CN").name = "大订单"
        self.salesman.lang = "en_US"
        self.dept_manager.lang = "zh_CN"
        order = self._make_order()
        order.with_user(self.salesman).with_context(lang="en_US").action_confirm()
        review = order.review_ids.filtered(lambda r: r.oa_step_id == self.step_manager)
        self.assertEqual(review.with_context(lang="zh_CN").oa_step_name, "部门经理")
        self.assertEqual(review.with_context(lang="en_US").oa_step_name, "Department manager")
        activity = self._activity(order, self.dept_manager)
        self.assertIn("部门经理", activity.summary)
        self.assertIn("大订单", str(activity.note))
        # renaming the step later leaves the request in flight alone (a snapshot)
        self.step_manager.with_context(lang="zh_CN").name = "经理"
        review.invalidate_recordset(["oa_step_name"])
        self.assertEqual(review.with_context(lang="zh_CN").oa_step_name, "部门经理")
