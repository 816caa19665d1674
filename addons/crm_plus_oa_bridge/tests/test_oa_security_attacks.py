"""Control that holds against the people it controls (issue #13), the bridge's side.

Each class of attack, as the role it constrains: the call is refused and nothing changed.
``TestAttacksOverXmlRpc`` drives the same attacks through the real XML-RPC endpoint.
"""

import hashlib
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import HttpCase
from odoo.tests import new_test_user
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

    @mute_logger(*MUTED)
    def test_engine_wizard_and_links_around_the_guard(self):
        """base_tier_validation's comment wizard on another model, a review of another model linked to the order."""
        order = self._request()
        before = self._state(order)
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model": "res.partner",
                    "res_id": self.customer.id,
                    "review_ids": [Command.set(order.sudo().review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "approved by me",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.add_comment()
        # a review of another model linked to the order stays a review of that model: not the order's
        other = self.env["tier.review"].with_user(self.salesman).create({"model": "res.partner", "status": "approved"})
        order.with_user(self.salesman).write({"review_ids": [Command.link(other.id)]})
        self.assertNotIn(other, order.review_ids)
        self.assertEqual(self._state(order), before)
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    def test_forward_never_to_another_approver_of_the_request(self):
        """Forwarding a step to an approver of another step would let one person sign twice."""
        order = self._request()
        review = order.review_ids.filtered(lambda r: r.sequence == 1)
        for user in (self.finance, self.finance2, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                review.with_user(self.dept_manager)._crm_plus_oa_delegate(user)
        self.assertEqual(review.oa_user_ids, self.dept_manager)

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
    def test_single_step_approver_too(self):
        """Without a route (crm_plus's single-step approval), the department manager who approved reads only."""
        self.route.amount_min = 100000.0
        order = self._request()
        self.assertFalse(order.review_ids)
        order.with_user(self.dept_manager).write({"client_order_ref": "before deciding"})
        order.with_user(self.dept_manager).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        with self.assertRaises(AccessError):
            order.order_line[:1].with_user(self.dept_manager).write({"discount": 40.0})
        with self.assertRaises(AccessError):
            order.with_user(self.dept_manager).write({"client_order_ref": "after deciding"})
        self.assertEqual(order.client_order_ref, "before deciding")

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


@tagged("post_install", "-at_install")
class TestFiledDocumentsAccess(OaAttackCommon):
    """Class 5: a customer's filed documents are read by who may read the customer's commercial records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.letter, _digest = cls.customer._crm_plus_oa_file_document("dunning", "letter.pdf", b"Please pay")
        cls.Directory = cls.env["dms.directory"]
        cls.File = cls.env["dms.file"]

    def _reads(self, user, dms_file):
        return bool(self.File.with_user(user).search([("id", "=", dms_file.id)]))

    @mute_logger(*MUTED)
    def test_letters_of_a_customer_are_not_everybodys(self):
        # nobody has an order, invoice or dunning of this customer yet: only who bypasses records reads it
        for user in (self.salesman, self.other_salesman, self.dept_manager, self.portal):
            with self.subTest(user=user.login):
                self.assertFalse(self._reads(user, self.letter))
                with self.assertRaises(AccessError):
                    self.letter.with_user(user).read(["name", "content"])
                folder = self.customer._crm_plus_oa_folder("dunning")
                self.assertFalse(self.Directory.with_user(user).search([("id", "=", folder.id)]))
        # the sales manager reads every order, so the documents of every customer he has orders of
        self.assertFalse(self._reads(self.sales_manager, self.letter))
        self._make_order()
        self.assertTrue(self._reads(self.sales_manager, self.letter))

    @mute_logger(*MUTED)
    def test_content_not_read_through_the_attachment(self):
        """dms keeps the content as an attachment of the customer: reading it there is refused as well."""
        attachment = self.letter.attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("res.partner", self.customer.id))
        Attachment = self.env["ir.attachment"]
        for user in (self.other_salesman, self.salesman):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    attachment.with_user(user).read(["datas"])
                for domain in (
                    [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)],
                    [("id", "=", attachment.id)],
                    [("name", "=", attachment.name)],
                ):
                    self.assertFalse(Attachment.with_user(user).search(domain), domain)
        # who may read the customer's orders reads the letter, there too
        self._make_order()
        self.assertTrue(attachment.with_user(self.salesman).read(["datas"]))
        self.assertEqual(
            Attachment.with_user(self.salesman).search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            ),
            attachment,
        )
        # other attachments of the customer stay as core makes them
        note = Attachment.create(
            {"name": "note.txt", "raw": b"hi", "res_model": "res.partner", "res_id": self.customer.id}
        )
        self.assertTrue(note.with_user(self.other_salesman).read(["datas"]))

    @mute_logger(*MUTED)
    def test_access_follows_the_commercial_records(self):
        order = self._request()
        # the salesperson reads his order: the customer's documents are his to read
        self.assertTrue(self._reads(self.salesman, self.letter))
        # the approver of the current step reads the order, so what he must review
        self.assertTrue(self._reads(self.dept_manager, self.letter))
        contract = order.with_user(self.salesman)._crm_plus_oa_attach_contract("contract.pdf", b"%PDF signed")
        self.assertTrue(contract.with_user(self.dept_manager).read(["name"]))
        # another salesman has nothing with this customer
        self.assertFalse(self._reads(self.other_salesman, self.letter))
        self.assertFalse(self._reads(self.other_salesman, contract))
        # owning the customer is enough
        self.customer.user_id = self.other_salesman
        self.assertTrue(self._reads(self.other_salesman, self.letter))
        # a contact's order opens the company's folder (the customer's commercial entity)
        self.customer.user_id = False
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self._make_order(user=self.other_salesman).partner_id = contact
        self.assertTrue(self._reads(self.other_salesman, self.letter))
        # a portal user reads none of the internal filing, even about his own company
        self.assertFalse(self._reads(self.portal, self.letter))

    @mute_logger(*MUTED)
    def test_crm_folders_stay_linked(self):
        """Relinking or moving a folder would hand its documents to other readers: refused, even to who reads it."""
        self._request()
        other_customer = self.env["res.partner"].create({"name": "Other Customer", "user_id": self.salesman.id})
        folder = self.customer._crm_plus_oa_folder("dunning").with_user(self.salesman)
        root = self.env.ref("crm_plus_oa_bridge.dms_directory_customers")
        for vals in (
            {"res_id": other_customer.id},
            {"parent_id": root.id},
            {"oa_folder_kind": False},
            {"model_id": self.env["ir.model"]._get_id("res.users")},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                folder.write(vals)
        with self.assertRaises(AccessError):
            folder.unlink()
        with self.assertRaises(AccessError):
            self.Directory.with_user(self.salesman).create(
                {"name": "Mine", "parent_id": root.id, "oa_folder_kind": "customer", "res_id": other_customer.id}
            )
        folder.invalidate_recordset()
        self.assertEqual((folder.sudo().res_id, folder.sudo().oa_folder_kind), (self.customer.id, "dunning"))
        self.assertEqual(self.letter.sudo().directory_id, folder)


@tagged("post_install", "-at_install")
class TestFiledDocumentsIntegrity(OaAttackCommon):
    """Class 5: the SHA-256 of filed documents is verified, by hand and nightly; a change is flagged once."""

    def _approved_order(self):
        order = self._request()
        for user in (self.dept_manager, self.finance, self.finance2):
            order.with_user(user).action_approve()
        return order

    def _forge(self, dms_file, content):
        # what a database or file-store edit does: the ORM's locks are not in the way
        dms_file.attachment_id.sudo().raw = content

    def test_verify_flags_a_changed_document_on_the_trail(self):
        order = self._approved_order()
        filed = order.oa_log_ids.filtered(lambda e: e.action == "filed").dms_file_id
        self.assertEqual(len(filed), 2)
        dms_file = filed.sorted("id")[-1]
        action = dms_file.with_user(self.salesman).action_oa_verify()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(dms_file.oa_integrity, "ok")
        self.assertFalse(order.oa_log_ids.filtered(lambda e: e.action == "mismatch"))
        self._forge(dms_file, b"%PDF forged")
        action = dms_file.with_user(self.salesman).action_oa_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(dms_file.oa_integrity, "mismatch")
        mismatch = order.oa_log_ids.filtered(lambda e: e.action == "mismatch")
        self.assertEqual(len(mismatch), 1)
        self.assertEqual(mismatch.dms_file_id, dms_file)
        self.assertEqual(mismatch.sha256, hashlib.sha256(b"%PDF forged").hexdigest())
        self.assertIn(dms_file.oa_sha256, mismatch.comment)
        self.assertIn("Integrity mismatch", dms_file.message_ids[0].body)
        # visible under the filters
        self.assertIn(dms_file, self.env["dms.file"].search([("oa_integrity", "=", "mismatch")]))
        # verifying again flags nothing more
        dms_file.with_user(self.salesman).action_oa_verify()
        self.assertEqual(len(order.oa_log_ids.filtered(lambda e: e.action == "mismatch")), 1)
        # who may not read the document may not verify it
        with self.assertRaises(AccessError), mute_logger(*MUTED):
            dms_file.with_user(self.other_salesman).action_oa_verify()

    def test_nightly_job_batched_and_idempotent(self):
        self._approved_order()
        letter, _digest = self.customer._crm_plus_oa_file_document("dunning", "letter.pdf", b"Please pay")
        File = self.env["dms.file"]
        filed = File.search([("oa_sha256", "!=", False)])
        self.assertGreaterEqual(len(filed), 3)
        self._forge(letter, b"Paid, thank you")
        since = fields.Datetime.now()
        # one file per batch: each run takes the oldest verification first, until none is due
        batches = 0
        while File._crm_plus_oa_verify_due(since, limit=1):
            batches += 1
        self.assertEqual(batches, len(filed))
        self.assertEqual(filed.filtered(lambda f: f.oa_integrity == "mismatch"), letter)
        self.assertIn("Integrity mismatch", letter.message_ids[0].body)
        # the next night (every file due again), the scheduled job commits per batch; twice: flagged once
        filed.sudo().write({"oa_verified_date": "2020-01-01 00:00:00"})
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=60.0) as progress:
            File._cron_crm_plus_oa_verify()
            File._cron_crm_plus_oa_verify()
        self.assertTrue(progress.called)
        self.assertEqual(filed.filtered(lambda f: f.oa_integrity == "mismatch"), letter)
        self.assertEqual(len(letter.message_ids.filtered(lambda m: "Integrity mismatch" in (m.body or ""))), 1)
        self.assertTrue(self.env.ref("crm_plus_oa_bridge.ir_cron_oa_verify_documents").active)


@tagged("post_install", "-at_install")
class TestAttacksOverXmlRpc(OaAttackCommon, HttpCase):
    """The attacks above through the real XML-RPC endpoint, with the values and context a client chooses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "OA Other Company"})
        cls.finance_b = new_test_user(
            cls.env,
            login="oa_finance_b",
            name="Fiona Elsewhere",
            groups="crm_plus.crm_plus_group_finance",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def _call(self, user, model, method, args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, password, model, method, args, kwargs)

    def _refused(self, user, model, method, args, **kwargs):
        with self.subTest(user=user.login, model=model, method=method, args=args), self.assertRaises(Fault):
            self._call(user, model, method, args, **kwargs)

    def _self_approval_attempts(self, user, order, review):
        """What a client may send to approve ``order`` by itself (``review``: one of its reviews)."""
        vals = self._review_vals(order, done_by=user.id)
        defaults = {"default_model": "sale.order", "default_res_id": order.id, **FLAGS}
        self._refused(user, "tier.review", "create", [vals])
        self._refused(user, "tier.review", "create", [{"status": "approved", "sequence": 1}], context=defaults)
        self._refused(user, "tier.review", "write", [review.ids, {"status": "approved", "done_by": user.id}])
        self._refused(user, "tier.review", "write", [review.ids, {"oa_user_ids": [[4, user.id, 0]]}])
        self._refused(user, "tier.review", "unlink", [review.ids])
        self._refused(user, "tier.review", "copy", [review.ids[0], {"status": "approved"}])
        # one2many commands as a client sends them: create, update, delete
        for commands in (
            [[0, 0, {"model": "sale.order", "status": "approved", "sequence": 1}]],
            [[1, review.id, {"status": "approved"}]],
            [[2, review.id, 0]],
        ):
            self._refused(user, "sale.order", "write", [order.ids, {"review_ids": commands}], context=FLAGS)
        for method in ("validate_tier", "reject_tier", "request_validation", "restart_validation", "action_approve"):
            self._refused(user, "sale.order", method, [order.ids], context=FLAGS)
        self._refused(user, "tier.review", "action_oa_approve", [review.ids], context=FLAGS)
        result = self._call(
            user,
            "tier.review",
            "load",
            [["model", "res_id", "status", "sequence"], [["sale.order", str(order.id), "approved", "1"]]],
        )
        self.assertFalse(result["ids"])

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", *MUTED)
    def test_salesperson_cannot_approve_his_own_order(self):
        order = self._request()
        before = self._state(order)
        review = order.sudo().review_ids.filtered(lambda r: r.sequence == 1)
        self._self_approval_attempts(self.salesman, order, review)
        # a review of another model, then turned into one of the order, one field at a time
        other = self._call(self.salesman, "tier.review", "create", [{"model": "res.partner", "status": "approved"}])
        self._refused(self.salesman, "tier.review", "write", [[other], {"res_id": order.id, "model": "sale.order"}])
        self._call(self.salesman, "tier.review", "write", [[other], {"res_id": order.id}])
        self._refused(self.salesman, "tier.review", "write", [[other], {"model": "sale.order"}])
        self.assertEqual(self._state(order), before)
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", *MUTED)
    def test_approver_decides_his_step_only_and_then_reads(self):
        order = self._request()
        line = order.order_line[:1]
        first, *later = order.sudo().review_ids.sorted("sequence")
        # before deciding: no shortcut to the next step, no review of his own
        for review in later:
            self._refused(self.dept_manager, "tier.review", "write", [review.ids, {"status": "approved"}])
        self._refused(self.dept_manager, "tier.review", "create", [self._review_vals(order, sequence=2)])
        # his decision goes through the route, recorded as his
        self._call(self.dept_manager, "sale.order", "validate_tier", [order.ids], context=FLAGS)
        first.invalidate_recordset()
        self.assertEqual((first.status, first.done_by), ("approved", self.dept_manager))
        before = self._state(order)
        # after deciding: neither the next step nor the order are his
        self._self_approval_attempts(self.dept_manager, order, later[0])
        self._refused(self.dept_manager, "sale.order", "write", [order.ids, {"client_order_ref": "mine"}])
        self._refused(self.dept_manager, "sale.order.line", "write", [line.ids, {"discount": 50.0}])
        self.assertTrue(self._call(self.dept_manager, "sale.order", "read", [order.ids, ["name"]]))
        self.assertEqual(self._state(order), before)
        line.invalidate_recordset()
        self.assertEqual(line.discount, 0.0)
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", *MUTED)
    def test_finance_of_another_company(self):
        order = self._request()
        before = self._state(order)
        review = order.sudo().review_ids.filtered(lambda r: r.sequence == 1)
        self._self_approval_attempts(self.finance_b, order, review)
        self._refused(self.finance_b, "sale.order", "read", [order.ids, ["name"]])
        self.assertFalse(self._call(self.finance_b, "tier.review", "search", [[("res_id", "=", order.id)]]))
        self.assertEqual(self._state(order), before)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", *MUTED)
    def test_portal_customer(self):
        order = self._make_order()
        order.partner_id = self.portal.partner_id
        order.with_user(self.salesman).action_confirm()
        before = self._state(order)
        review = order.sudo().review_ids.filtered(lambda r: r.sequence == 1)
        self.assertTrue(self._call(self.portal, "sale.order", "read", [order.ids, ["name"]]))
        self._self_approval_attempts(self.portal, order, review)
        self.assertFalse(self._call(self.portal, "tier.review", "search", [[("res_id", "=", order.id)]]))
        self.assertEqual(self._state(order), before)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", *MUTED)
    def test_filed_documents_over_rpc(self):
        letter, _digest = self.customer._crm_plus_oa_file_document("dunning", "letter.pdf", b"Please pay")
        self._request()
        for user in (self.other_salesman, self.finance_b, self.portal):
            with self.subTest(user=user.login):
                self.assertFalse(self._call(user, "dms.file", "search", [[("id", "=", letter.id)]]))
            self._refused(user, "dms.file", "read", [letter.ids, ["name", "content"]])
            self._refused(user, "dms.file", "action_oa_verify", [letter.ids])
            self._refused(user, "dms.file", "write", [letter.ids, {"oa_sha256": "0" * 64}])
            self._refused(user, "ir.attachment", "read", [letter.attachment_id.ids, ["datas"]])
            domain = [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            try:
                found = self._call(user, "ir.attachment", "search_read", [domain, ["datas"]])
            except Fault:  # portal users search no attachments at all
                found = []
            self.assertFalse(found)
        self.assertTrue(self._call(self.salesman, "dms.file", "search", [[("id", "=", letter.id)]]))
        # the integrity result is the bridge's: nobody writes it, even who reads the file
        self._refused(self.salesman, "dms.file", "write", [letter.ids, {"oa_integrity": "ok"}])
        # not on a contract he may still edit either: the digest is what the content is checked against
        order = self.env["sale.order"].search([("partner_id", "=", self.customer.id)], limit=1)
        contract = order.with_user(self.salesman)._crm_plus_oa_attach_contract("contract.pdf", b"%PDF v1")
        self.assertFalse(contract.locked_by)
        forged = hashlib.sha256(b"%PDF v2").hexdigest()
        self._refused(self.salesman, "dms.file", "write", [contract.ids, {"oa_sha256": forged}])
        try:
            created = self._call(
                self.salesman,
                "dms.file",
                "create",
                [{"name": "c2.pdf", "directory_id": contract.directory_id.id, "content": "JVBERg=="}],
                context={"default_oa_sha256": forged, "default_oa_integrity": "ok"},
            )
        except Fault:
            created = None
        if created:  # the ORM left the defaults out: the file carries no digest of the client's
            self.assertFalse(self.env["dms.file"].browse(created).read(["oa_sha256", "oa_integrity"])[0]["oa_sha256"])
        self._call(self.salesman, "dms.file", "action_oa_verify", [letter.ids])
        contract.invalidate_recordset()
        self.assertEqual(contract.oa_sha256, hashlib.sha256(b"%PDF v1").hexdigest())
        letter.invalidate_recordset()
        self.assertEqual((letter.oa_integrity, letter.oa_sha256), ("ok", hashlib.sha256(b"Please pay").hexdigest()))
