import base64
import hashlib

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaQuotationsContracts(OaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # another sales team and its salesperson: sees the customer, not this team's orders
        cls.other_team = cls.env["crm.team"].create(
            {"name": "OA Other Team", "member_ids": [Command.link(cls.other_salesman.id)]}
        )

    def _content(self, dms_file):
        return base64.b64decode(dms_file.sudo().content)

    def _approve_all(self, order):
        for user in (self.dept_manager, self.finance, self.finance2):
            order.with_user(user).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def _attach(self, order, user, content=b"Signed contract", name="contract.pdf"):
        action = order.with_user(user).action_oa_attach_contract()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(action["context"]))
        wizard.file = base64.b64encode(content)
        wizard.file_name = name
        wizard.save().action_attach()
        return order._crm_plus_oa_contracts().filtered(lambda f: f.name == name)

    # ------------------------------------------------------------ quotations
    def test_approved_round_filed_as_quotation_then_as_order(self):
        order = self._request()
        self._approve_all(order)
        quotations = order._crm_plus_oa_order_folder("quotations", create=False)
        self.assertEqual(quotations.parent_id, self.customer._crm_plus_oa_folder("quotations"))
        self.assertEqual((quotations.res_model, quotations.res_id), ("sale.order", order.id))
        quotation = quotations.file_ids
        self.assertEqual(len(quotation), 1)
        self.assertEqual(quotation.name, f"{order.name} quotation approved R1.pdf")
        self.assertEqual(quotation.locked_by, self.env.ref("base.user_root"))
        # rendered before the confirmation: the quotation the approvers saw, not the order
        self.assertIn(b"Quotation # ", self._content(quotation))
        filed_order = order._crm_plus_oa_order_folder("orders", create=False).file_ids
        self.assertIn(b"Order # ", self._content(filed_order))
        # both hashes in the trail (quotation first) and in the chatter
        filed = order.oa_log_ids.filtered(lambda e: e.action == "filed").sorted("id")
        self.assertEqual(filed.dms_file_id, quotation | filed_order)
        self.assertEqual(filed[0].dms_file_id, quotation)
        self.assertEqual(filed[0].sha256, hashlib.sha256(self._content(quotation)).hexdigest())
        self.assertEqual(quotation.oa_sha256, filed[0].sha256)
        self.assertTrue(any(filed[0].sha256 in (m.body or "") for m in order.message_ids))
        self.assertEqual(order.oa_document_count, 2)

    def test_accepted_round_filed_as_quotation(self):
        first = self._make_order(price=100.0)
        second = self.env["sale.order"].browse(first.with_user(self.salesman).action_new_round()["res_id"])
        action = second.with_user(self.salesman).action_accept_round()
        Form(
            self.env[action["res_model"]].with_user(self.salesman).with_context(action["context"])
        ).save().action_accept()
        self.assertEqual((second.state, second.round_state, first.round_state), ("sale", "accepted", "lost"))
        quotation = second._crm_plus_oa_order_folder("quotations", create=False).file_ids
        self.assertEqual(quotation.name, f"{second.name} quotation accepted.pdf")
        self.assertTrue(quotation.locked_by)
        self.assertIn(b"Quotation # ", self._content(quotation))
        entry = second.oa_log_ids.filtered(lambda e: e.action == "filed")
        self.assertEqual(entry.sha256, hashlib.sha256(self._content(quotation)).hexdigest())
        self.assertFalse(first._crm_plus_oa_order_folder("quotations", create=False), "the lost round is not filed")

    def test_approved_round_filed_once(self):
        first = self._make_order()
        second = self.env["sale.order"].browse(first.with_user(self.salesman).action_new_round()["res_id"])
        second.with_user(self.salesman).action_confirm()
        self.assertEqual(second.approval_state, "pending")
        self._approve_all(second)
        self.assertEqual(second.round_state, "accepted")
        quotations = second._crm_plus_oa_order_folder("quotations", create=False).file_ids
        self.assertEqual(quotations.mapped("name"), [f"{second.name} quotation approved R1.pdf"])

    # ------------------------------------------------------------- contracts
    def test_route_requires_the_orders_contract(self):
        self.route.require_contract = True
        order = self._request()
        order.with_user(self.dept_manager).action_approve()
        order.with_user(self.finance).action_approve()
        with self.assertRaisesRegex(UserError, "Attach Contract"):
            order.with_user(self.finance2).action_approve()
        # a file in the customer's Contracts folder is not this order's contract
        contracts = self.customer._crm_plus_oa_folder("contracts")
        self.env["dms.file"].create({"name": "frame.txt", "directory_id": contracts.id, "content": "ZnJhbWU="})
        with self.assertRaises(UserError):
            order.with_user(self.finance2).action_approve()
        # only who may edit the order attaches its contract: not another team, not the customer
        for user in (self.other_salesman, self.portal):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    order.with_user(user)._crm_plus_oa_attach_contract("forged.pdf", b"forged")
        self.assertFalse(order._crm_plus_oa_contracts())
        contract = self._attach(order, self.salesman)
        self.assertEqual(contract.directory_id.parent_id, contracts)
        self.assertEqual((contract.directory_id.res_model, contract.directory_id.res_id), ("sale.order", order.id))
        self.assertFalse(contract.locked_by, "still open to corrections until the approval")
        self.assertEqual(order.approval_state, "pending", "attaching the contract does not reset the request")
        attached = order.oa_log_ids.filtered(lambda e: e.action == "filed" and e.dms_file_id == contract)
        self.assertEqual(attached.sha256, hashlib.sha256(b"Signed contract").hexdigest())
        # the last signature goes through now; the contract is locked, its hash in the trail
        order.with_user(self.finance2).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(contract.locked_by, self.env.ref("base.user_root"))
        locked = order.oa_log_ids.filtered(lambda e: e.action == "locked")
        self.assertEqual(locked.dms_file_id, contract)
        self.assertEqual(locked.sha256, hashlib.sha256(b"Signed contract").hexdigest())
        with mute_logger("odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                contract.with_user(self.salesman).write({"name": "other.pdf"})
            with self.assertRaises(AccessError):
                contract.with_user(self.salesman).unlink()
            with self.assertRaises(AccessError):
                contract.attachment_id.with_user(self.salesman).unlink()
        self.assertEqual(self._content(contract), b"Signed contract")

    def test_contract_of_a_confirmed_order_is_filed_locked(self):
        order = self._make_order(price=100.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        contract = self._attach(order, self.salesman, b"Amendment", "amendment.pdf")
        self.assertTrue(contract.locked_by)
        with self.assertRaises(UserError):
            order.with_user(self.salesman)._crm_plus_oa_attach_contract("empty.pdf", b"")
        order.with_context(disable_cancel_warning=True)._action_cancel()
        with self.assertRaises(UserError):
            order.with_user(self.salesman)._crm_plus_oa_attach_contract("late.pdf", b"late")

    def test_order_documents_follow_the_order(self):
        self.route.require_contract = True
        order = self._request()
        contract = self._attach(order, self.salesman)
        self._approve_all(order)
        quotation = order._crm_plus_oa_order_folder("quotations", create=False).file_ids
        documents = quotation | contract
        folders = documents.directory_id
        # the salesperson, a sales manager and the order's approvers read them
        for user in (self.salesman, self.sales_manager, self.finance2):
            with self.subTest(user=user.login):
                self.assertEqual(len(documents.with_user(user).read(["name"])), 2)
                self.assertEqual(len(folders.with_user(user).read(["name"])), 2)
        self.assertEqual(order.with_user(self.salesman).oa_document_count, 3)
        action = order.with_user(self.salesman).action_oa_view_documents()
        self.assertEqual(len(self.env["dms.file"].with_user(self.salesman).search(action["domain"])), 3)
        # a salesperson of another team sees the customer's Quotations folder, not this order's files
        self.assertTrue(self.customer._crm_plus_oa_folder("quotations").with_user(self.other_salesman).read(["name"]))
        for user in (self.other_salesman, self.portal):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                for record in (*documents, *folders):
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["name"])
                if not user.share:
                    self.assertFalse(
                        self.env["dms.file"].with_user(user).search([("id", "in", documents.ids)]),
                    )
