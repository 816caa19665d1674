from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_rounds import RoundsCommon


class ApprovalCommon(RoundsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm_plus.approval.rule"]
        cls.amount_rule = cls.Rule.create({"name": "Big orders", "rule_type": "amount", "amount_threshold": 1000.0})

    def _activities(self, order, user):
        return order.activity_ids.filtered(lambda a: a.user_id == user)


@tagged("post_install", "-at_install")
class TestApprovalFlow(ApprovalCommon):
    def test_small_order_confirms_directly(self):
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("sale", "none"))
        self.assertTrue(order.picking_ids)

    def test_big_order_waits_then_approver_approves(self):
        order = self._make_order(lines=2, price=600.0)  # 600 + 1200
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        self.assertFalse(order.picking_ids)
        self.assertFalse(order.invoice_ids)
        self.assertIn("1,800.00", order.approval_reason)
        self.assertIn("1,000.00", order.approval_reason)
        self.assertEqual(order.approval_rule_ids, self.amount_rule)
        # the department manager of the salesperson approves, and gets a to-do
        self.assertEqual(order._crm_plus_approvers(), self.approver)
        self.assertEqual(order.approval_user_ids, self.approver)
        activity = self._activities(order, self.approver)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(order.with_user(self.approver).crm_plus_can_approve, True)
        self.assertEqual(
            self.env["sale.order"]
            .with_user(self.approver)
            .search([("approval_user_ids", "in", self.approver.id), ("approval_state", "=", "pending")]),
            order,
        )
        # the salesperson, another salesman, the team leader cannot approve
        for user in (self.salesman, self.other_salesman, self.team_lead_user):
            with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
                order.with_user(user).action_approve()
        # a second confirmation does not skip the wait
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertTrue(order.picking_ids)
        self.assertFalse(self._activities(order, self.approver))
        entries = order.approval_entry_ids.sorted("id")
        self.assertEqual(entries.mapped("decision"), ["requested", "approved"])
        self.assertEqual(entries.mapped("user_id"), self.salesman | self.approver)
        self.assertEqual(entries[1].rule_ids, self.amount_rule)
        self.assertTrue(entries[1].date)
        # twice is refused
        with self.assertRaises(UserError):
            order.with_user(self.approver).action_approve()

    def test_reject_sends_back_to_draft_for_a_new_round(self):
        order = self._make_order(lines=2, price=600.0)
        order.action_quotation_sent()
        order.with_user(self.salesman).action_confirm()
        action = order.with_user(self.approver).action_reject()
        wizard = Form(self.env[action["res_model"]].with_user(self.approver).with_context(action["context"]))
        wizard.reason = "Too expensive for this customer, lower the quantity"
        wizard.save().action_reject()
        self.assertEqual((order.state, order.approval_state), ("draft", "rejected"))
        self.assertEqual(
            order.approval_entry_ids.sorted("id")[-1].comment, "Too expensive for this customer, lower the quantity"
        )
        self.assertTrue(self._activities(order, self.salesman))
        self.assertIn(
            "Too expensive", order.message_ids[:3].mapped("body")[0] + "".join(order.message_ids[:3].mapped("body"))
        )
        new = self.env["sale.order"].browse(order.with_user(self.salesman).action_new_round()["res_id"])
        self.assertEqual(new.approval_state, "none")
        new.order_line[1].product_uom_qty = 0.5
        new.with_user(self.salesman).action_confirm()
        self.assertEqual((new.state, new.approval_state), ("sale", "none"))
        self.assertEqual(order.round_state, "lost")

    def test_rejected_order_asks_again_when_confirmed_unchanged(self):
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.approver)._crm_plus_reject("No")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    def test_rounds_and_approval(self):
        order = self._make_order(lines=2, price=600.0)
        round2 = self.env["sale.order"].browse(order.with_user(self.salesman).action_new_round()["res_id"])
        round2.with_user(self.salesman).action_confirm()
        self.assertEqual(round2.approval_state, "pending")
        self.assertEqual(order.round_state, "superseded", "nothing is lost before the order takes effect")
        # a new round withdraws the pending request of the previous one
        round3 = self.env["sale.order"].browse(round2.with_user(self.salesman).action_new_round()["res_id"])
        self.assertEqual(round2.approval_state, "none")
        with self.assertRaises(UserError):
            round2.with_user(self.approver).action_approve()
        round3.with_user(self.salesman).action_confirm()
        round3.with_user(self.approver).action_approve()
        self.assertEqual((round3.state, round3.round_state), ("sale", "accepted"))
        self.assertEqual(set((order | round2).mapped("round_state")), {"lost"})
        self.assertEqual(set((order | round2).mapped("state")), {"cancel"})

    def test_approver_cannot_approve_own_order(self):
        order = self._make_order(user=self.approver, lines=2, price=600.0)
        order.with_user(self.approver).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        approvers = order._crm_plus_approvers()
        self.assertNotIn(self.approver, approvers)
        self.assertIn(self.sales_manager, approvers)
        with self.assertRaises(AccessError):
            order.with_user(self.approver).action_approve()
        order.with_user(self.sales_manager).action_approve()
        self.assertEqual(order.state, "sale")

    def test_fallback_to_sales_managers(self):
        order = self._make_order(user=self.other_salesman, lines=2, price=600.0)
        order.with_user(self.other_salesman).action_confirm()
        approvers = order._crm_plus_approvers()
        self.assertIn(self.sales_manager, approvers)
        self.assertIn(self.crm_admin, approvers)
        self.assertNotIn(self.other_salesman, approvers)
        self.assertNotIn(self.salesman, approvers)
        self.assertIn(self.approver, approvers)
        # an order approver (own documents only otherwise) sees the orders he is asked to approve
        self.assertTrue(order.with_user(self.approver).read(["name", "approval_reason"]))
        self.assertTrue(order.approval_entry_ids.with_user(self.approver).read(["decision"]))
        self.assertTrue(order.order_line.with_user(self.approver).read(["price_unit"]))
        # ... but not the history of orders outside his scope
        with self.assertRaises(AccessError):
            order.approval_entry_ids.with_user(self.salesman).read(["decision"])
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestApprovalRules(ApprovalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount_rule.active = False

    def _reasons(self, order):
        return self.Rule._crm_plus_evaluate(order).get(order.id, [])

    def test_discount_limit_job_employee_company(self):
        # the default rule "Discount above the salesperson's limit" of the company acts
        self.company.crm_plus_default_max_discount = 3.0
        order = self._make_order(discount=12.0)
        (reason,) = self._reasons(order)
        self.assertIn("10.0%", reason[1])
        self.assertIn("12.0%", reason[1])
        order.order_line.discount = 10.0
        self.assertFalse(self._reasons(order))
        # the employee's own limit wins over the job's
        self.salesman_employee.write({"max_discount_override": True, "max_discount": 15.0})
        order.order_line.discount = 14.0
        self.assertFalse(self._reasons(order))
        self.salesman_employee.max_discount = 0.0
        self.assertTrue(self._reasons(order))
        # no employee: company default
        order_other = self._make_order(user=self.other_salesman, discount=4.0)
        self.assertIn("3.0%", self._reasons(order_other)[0][1])
        order_other.order_line.discount = 3.0
        self.assertFalse(self._reasons(order_other))

    def test_margin_floor(self):
        self.Rule.create({"name": "Margin", "rule_type": "margin", "margin_floor": 30.0})
        order = self._make_order(price=100.0)  # cost 60: margin 40%
        self.assertFalse(self._reasons(order))
        order.order_line.price_unit = 80.0  # 25%
        self.assertIn("25.0%", self._reasons(order)[0][1])

    def test_credit_limit(self):
        self.Rule.create({"name": "Credit", "rule_type": "credit"})
        order = self._make_order(lines=1, price=500.0)
        self.assertFalse(self._reasons(order), "no credit limit: no hold")
        self.customer.credit_limit = 400.0
        self.assertIn("400.00", self._reasons(order)[0][1])
        self.customer.credit_limit = 600.0
        self.assertFalse(self._reasons(order))

    def test_payment_terms(self):
        immediate = self.env.ref("account.account_payment_term_immediate")
        self.Rule.create(
            {"name": "Terms", "rule_type": "payment_term", "payment_term_ids": [Command.set(immediate.ids)]}
        )
        order = self._make_order()
        self.assertIn(self.payment_term.name, self._reasons(order)[0][1])
        order.payment_term_id = immediate
        self.assertFalse(self._reasons(order))

    def test_rules_are_per_company(self):
        company_b = self.env["res.company"].create({"name": "Rules Company B"})
        self.Rule.create({"name": "B big", "rule_type": "amount", "amount_threshold": 1.0, "company_id": company_b.id})
        self.assertFalse(self._reasons(self._make_order()))

    def test_evaluation_query_count_is_flat(self):
        for vals in (
            {"name": "A", "rule_type": "amount", "amount_threshold": 1.0},
            {"name": "M", "rule_type": "margin", "margin_floor": 90.0},
            {"name": "C", "rule_type": "credit"},
            {"name": "P", "rule_type": "payment_term"},
        ):
            self.Rule.create(vals)
        self.customer.credit_limit = 10.0
        small = self._make_order(lines=2, discount=20.0)
        big = self._make_order(lines=20, discount=20.0)
        counts = []
        for order in (small, big, small, big):
            self.env.invalidate_all()
            self.env.flush_all()
            count0 = self.cr.sql_log_count
            reasons = self.Rule._crm_plus_evaluate(order)
            counts.append(self.cr.sql_log_count - count0)
            self.assertEqual(len(reasons[order.id]), 5)  # with the default discount rule
        self.assertEqual(counts[2], counts[3], counts)
        self.env.invalidate_all()
        with self.assertQueryCount(counts[2]):
            self.Rule._crm_plus_evaluate(big)
        self.env.invalidate_all()
        with self.assertQueryCount(counts[2]):
            self.Rule._crm_plus_evaluate(small)


@tagged("post_install", "-at_install")
class TestApprovalBypass(ApprovalCommon):
    def _pending(self):
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        return order

    def test_rpc_write_of_guarded_fields_refused(self):
        order = self._pending()
        as_rpc = order.with_user(self.salesman)
        for vals in (
            {"approval_state": "approved"},
            {"approval_state": "none"},
            {"state": "sale"},
            {"round_state": "accepted"},
            {"approval_user_ids": [Command.set(self.salesman.ids)]},
            {"approval_requested_by_id": self.sales_manager.id},
            {"round_number": 7},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_rpc.write(vals)
        # a context flag sent over RPC is a JSON value, never the gate
        for flag in (True, 1, "1", {"gate": True}):
            with self.subTest(flag=flag), self.assertRaises(AccessError):
                as_rpc.with_context(crm_plus_approval_gate=flag).write({"state": "sale"})
        # not even a sales manager (or sudo) can write the state to sale
        with self.assertRaises(AccessError):
            order.with_user(self.sales_manager).write({"state": "sale", "approval_state": "approved"})
        with self.assertRaises(AccessError):
            order.sudo().write({"state": "sale"})
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        # private methods are out of reach of RPC
        from odoo.service.model import get_public_method

        for name in ("_crm_plus_approval_done", "_crm_plus_request_approval", "_crm_plus_gate", "_action_confirm"):
            with self.subTest(name=name), self.assertRaises(AccessError):
                get_public_method(order, name)

    def test_rpc_create_cannot_bypass(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        vals = {
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product.id, "price_unit": 5000.0})],
        }
        with self.assertRaises(AccessError):
            Order.create({**vals, "approval_state": "approved"})
        with self.assertRaises(UserError):
            Order.create({**vals, "state": "sale"})
        # within the rules, an order may still be created confirmed (imports)
        small = Order.create({**vals, "state": "sale", "order_line": [Command.create({"product_id": self.product.id})]})
        self.assertEqual(small.state, "sale")

    def test_confirmed_order_cannot_go_back_by_write(self):
        order = self._make_order(lines=1)
        order.action_confirm()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({"state": "draft"})

    def test_direct_action_confirm_of_pending_refused(self):
        order = self._pending()
        with self.assertRaises(UserError):
            order._action_confirm()

    def test_portal_signature_and_payment_paths_go_through_the_gate(self):
        order = self._make_order(lines=2, price=600.0)
        order.action_quotation_sent()
        # the portal signature route and the payment transaction confirm in sudo
        order.sudo()._validate_order()
        self.assertEqual((order.state, order.approval_state), ("sent", "pending"))
        self.assertFalse(order.picking_ids)
        order2 = self._make_order(lines=2, price=600.0)
        order2.sudo().with_context(send_email=True).action_confirm()
        self.assertEqual((order2.state, order2.approval_state), ("draft", "pending"))

    def test_payment_path_of_a_small_order_confirms_and_mails(self):
        order = self._make_order(lines=1, price=100.0)
        order.action_quotation_sent()
        order.sudo().with_context(send_email=True).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("sale", "none"))
        self.assertTrue(order.picking_ids)

    def test_copy_of_approved_order_needs_approval_again(self):
        order = self._pending()
        order.with_user(self.approver).action_approve()
        copy = order.with_user(self.salesman).copy()
        self.assertEqual((copy.state, copy.approval_state), ("draft", "none"))
        self.assertFalse(copy.approval_entry_ids)
        copy.with_user(self.salesman).action_confirm()
        self.assertEqual((copy.state, copy.approval_state), ("draft", "pending"))

    def test_changing_a_pending_order_resets_the_request(self):
        order = self._pending()
        order.with_user(self.salesman).order_line[0].price_unit = 650.0
        self.assertEqual(order.approval_state, "none")
        self.assertFalse(self._activities(order, self.approver))
        self.assertEqual(order.approval_entry_ids.sorted("id")[-1].decision, "reset")
        # a write with identical figures does not reset
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.salesman).order_line[0].write({"price_unit": 650.0})
        self.assertEqual(order.approval_state, "pending")
        # adding a line resets too
        order.with_user(self.salesman).write({"order_line": [Command.create({"product_id": self.service.id})]})
        self.assertEqual(order.approval_state, "none")

    def test_changing_an_approved_order_resets_the_approval(self):
        order = self._pending()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        # a raise that still breaks a rule needs a new approval: refused on the confirmed order
        with self.assertRaises(UserError):
            order.with_user(self.salesman).order_line[0].price_unit = 700.0
        self.assertEqual(order.approval_state, "approved")
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write(
                {"order_line": [Command.create({"product_id": self.service.id, "price_unit": 5000.0})]}
            )
        # a change within the rules goes through, and the approval no longer holds
        order.with_user(self.salesman).order_line[1].product_uom_qty = 0.5
        self.assertEqual(order.approval_state, "none")
        self.assertEqual(order.approval_entry_ids.sorted("id")[-1].decision, "reset")

    def test_confirmed_without_approval_cannot_grow_past_the_rules(self):
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            order.with_user(self.salesman).order_line.product_uom_qty = 50


@tagged("post_install", "-at_install")
class TestApprovalRoles(ApprovalCommon):
    def test_rule_configuration_by_admin_only(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.sales_manager).create({"name": "x", "rule_type": "margin"})
        with self.assertRaises(AccessError):
            self.amount_rule.with_user(self.salesman).write({"amount_threshold": 1e9})
        rule = self.Rule.with_user(self.crm_admin).create({"name": "x", "rule_type": "margin", "margin_floor": 5})
        self.assertEqual(rule.company_id, self.company)
        self.assertTrue(self.amount_rule.with_user(self.salesman).read(["name"]))

    def test_rule_form(self):
        with Form(self.Rule.with_user(self.crm_admin)) as form:
            form.name = "Terms"
            form.rule_type = "payment_term"
            self.assertTrue(form._get_modifier("amount_threshold", "invisible"))
            form.payment_term_ids.add(self.payment_term)
        self.assertEqual(form.record.payment_term_ids, self.payment_term)
        with self.assertRaises(ValidationError), Form(self.Rule.with_user(self.crm_admin)) as form:
            form.name = "No threshold"  # amount rules need a positive threshold

    def test_history_is_read_only(self):
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).action_confirm()
        entry = order.approval_entry_ids
        with self.assertRaises(AccessError):
            entry.with_user(self.salesman).write({"decision": "approved"})
        with self.assertRaises(AccessError):
            self.env["crm_plus.approval.entry"].with_user(self.approver).create(
                {"order_id": order.id, "user_id": self.approver.id, "decision": "approved"}
            )

    def test_portal_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.portal).search([])

    def test_discount_limit_fields_for_hr(self):
        hr_user = new_test_user(self.env, login="cp_hr", groups="hr.group_hr_user")
        self.salesman_employee.with_user(hr_user).write({"max_discount_override": True, "max_discount": 25.0})
        self.assertEqual(self.salesman_employee.max_discount, 25.0)


@tagged("post_install", "-at_install")
class TestApprovalReasonLanguage(ApprovalCommon):
    """Reasons are stored as rule + figures and read in each reader's language."""

    def test_chinese_approver_reads_the_english_request_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.amount_rule.with_context(lang="zh_CN").name = "大订单"
        self.salesman.lang = "en_US"
        self.approver.lang = "zh_CN"
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).with_context(lang="en_US").action_confirm()
        self.assertIn("Big orders: untaxed amount", order.approval_reason)
        as_approver = order.with_user(self.approver).with_context(lang="zh_CN")
        self.assertIn("大订单", as_approver.approval_reason_display)
        self.assertIn("未税金额", as_approver.approval_reason_display)
        self.assertIn("1,800.00", as_approver.approval_reason_display)
        self.assertIn("Big orders: untaxed amount", order.with_context(lang="en_US").approval_reason_display)
        # the approver's to-do and the history read in Chinese too
        activity = self._activities(order, self.approver)
        self.assertIn("大订单", activity.note)
        entry = order.approval_entry_ids.filtered(lambda e: e.decision == "requested")
        self.assertIn("大订单", entry.with_context(lang="zh_CN").reason_display)
