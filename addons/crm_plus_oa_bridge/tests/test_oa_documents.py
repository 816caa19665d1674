import base64
import hashlib

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OaCommon


@tagged("post_install", "-at_install")
class TestOaDocuments(OaCommon):
    def _approved_order(self):
        order = self._request()
        for user in (self.dept_manager, self.finance, self.finance2):
            order.with_user(user).action_approve()
        self.assertEqual(order.state, "sale")
        return order

    def test_customer_folder_created_on_first_need(self):
        Directory = self.env["dms.directory"]
        domain = [
            ("oa_folder_kind", "=", "customer"),
            ("res_id", "=", self.customer.id),
            ("res_model", "=", "res.partner"),
        ]
        self.assertFalse(Directory.search(domain))
        folder = self.customer._crm_plus_oa_folder()
        self.assertEqual(Directory.search(domain), folder)
        self.assertEqual(folder.parent_id, self.env.ref("crm_plus_oa_bridge.dms_directory_customers"))
        self.assertEqual(
            sorted(folder.child_directory_ids.mapped("oa_folder_kind")),
            ["contracts", "dunning", "orders", "quotations"],
        )
        self.assertEqual(
            sorted(folder.child_directory_ids.mapped("name")), ["Contracts", "Dunning", "Orders", "Quotations"]
        )
        # a contact of the customer files into the company's folder; no duplicates
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": self.customer.id})
        self.assertEqual(contact._crm_plus_oa_folder(), folder)
        self.assertEqual(
            self.customer._crm_plus_oa_folder("orders"),
            folder.child_directory_ids.filtered(lambda d: d.oa_folder_kind == "orders"),
        )
        self.assertEqual(len(Directory.search(domain)), 1)

    def test_approved_pdf_filed_locked_with_hash(self):
        order = self._approved_order()
        dms_file = self.env["dms.file"].search(
            [("directory_id.oa_folder_kind", "=", "order"), ("directory_id.res_id", "=", order.id)]
        )
        self.assertEqual(len(dms_file), 1)
        self.assertEqual(dms_file.directory_id.parent_id, self.customer._crm_plus_oa_folder("orders"))
        content = base64.b64decode(dms_file.content)
        self.assertTrue(content)
        entry = order.oa_log_ids.filtered(lambda e: e.action == "filed" and e.dms_file_id == dms_file)
        self.assertEqual(entry.sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(entry.dms_file_id, dms_file)
        # locked snapshot: even its owner cannot change or delete it, nor its attachment
        for user in (self.salesman, self.finance2):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    dms_file.with_user(user).write({"name": "other.pdf"})
                with self.assertRaises(AccessError):
                    dms_file.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    dms_file.attachment_id.with_user(user).write({"datas": base64.b64encode(b"forged")})
        self.assertEqual(hashlib.sha256(base64.b64decode(dms_file.content)).hexdigest(), entry.sha256)

    def test_folder_access_follows_the_crm_record(self):
        order = self._approved_order()
        dms_file = order._crm_plus_oa_order_folder("orders", create=False).file_ids
        order_folder = dms_file.directory_id
        customer_folder = self.customer._crm_plus_oa_folder()
        # the salesperson of the order sees its folder and PDF
        self.assertTrue(order_folder.with_user(self.salesman).read(["name"]))
        self.assertTrue(dms_file.with_user(self.salesman).read(["name"]))
        self.assertEqual(order.with_user(self.salesman).oa_document_count, 2)
        # another salesman reads the customer (partners are shared), not its folders, this order nor its PDF
        self.assertTrue(self.customer.with_user(self.other_salesman).read(["name"]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            customer_folder.with_user(self.other_salesman).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            order_folder.with_user(self.other_salesman).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            dms_file.with_user(self.other_salesman).read(["name"])
        self.assertFalse(self.env["dms.file"].with_user(self.other_salesman).search([("id", "=", dms_file.id)]))
        # a sales manager sees everything; a portal user of another company nothing
        self.assertTrue(dms_file.with_user(self.sales_manager).read(["name"]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            customer_folder.with_user(self.portal).read(["name"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            dms_file.with_user(self.portal).read(["name"])

    def test_smart_buttons(self):
        order = self._approved_order()
        action = order.with_user(self.salesman).action_oa_view_documents()
        self.assertEqual(
            set(self.env["dms.file"].with_user(self.salesman).search(action["domain"]).mapped("directory_id.res_id")),
            {order.id},
        )
        action = self.customer.with_user(self.salesman).action_oa_view_documents()
        self.assertEqual(len(self.env["dms.file"].with_user(self.salesman).search(action["domain"])), 2)
        self.assertEqual(self.customer.with_user(self.sales_manager).oa_document_count, 2)
        self.assertEqual(self.customer.with_user(self.sales_manager).oa_approval_count, 1)
        action = order.action_oa_view_approvals()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), order.oa_log_ids)

    def test_other_features_file_into_customer_folders(self):
        letter, digest = self.customer._crm_plus_oa_file_document("dunning", "reminder 1/2.txt", b"Please pay")
        self.assertEqual(letter.directory_id, self.customer._crm_plus_oa_folder("dunning"))
        self.assertEqual(digest, hashlib.sha256(b"Please pay").hexdigest())
        self.assertEqual(letter.name, "reminder 1-2.txt")
        again, _digest = self.customer._crm_plus_oa_file_document("dunning", "reminder 1/2.txt", b"Again")
        self.assertNotEqual(again.name, letter.name)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            letter.with_user(self.sales_manager).unlink()
