from xmlrpc.client import Fault

from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_approval import ApprovalCommon

# a 1x1 PNG, the smallest signature the portal accepts
PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC"


@tagged("post_install", "-at_install")
class TestApprovalOverXmlRpc(ApprovalCommon, HttpCase):
    """The same refusals as the unit tests, through the real XML-RPC endpoint."""

    def _call(self, user, method, ids, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "sale.order", method, [ids, *args], kwargs
        )

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_xmlrpc_cannot_bypass_the_approval(self):
        order = self._make_order(lines=2, price=600.0)
        self._call(self.salesman, "action_confirm", order.ids)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        for vals, context in (
            ({"state": "sale"}, {}),
            ({"approval_state": "approved"}, {}),
            ({"state": "sale"}, {"crm_plus_approval_gate": True}),
            ({"approval_user_ids": [[6, 0, self.salesman.ids]]}, {}),
        ):
            with self.subTest(vals=vals, context=context), self.assertRaises(Fault):
                self._call(self.salesman, "write", order.ids, vals, context=context)
        for method in ("_crm_plus_approval_done", "_action_confirm", "_crm_plus_gate"):
            with self.subTest(method=method), self.assertRaises(Fault):
                self._call(self.salesman, method, order.ids)
        with self.assertRaises(Fault):
            self._call(self.salesman, "action_approve", order.ids)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("draft", "pending"))
        # the approver can, over RPC too
        self._call(self.approver, "action_approve", order.ids)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))

    def test_portal_signature_goes_through_the_approval(self):
        order = self._make_order(lines=2, price=600.0, require_signature=True, require_payment=False)
        order.action_quotation_sent()
        token = order._portal_ensure_token()
        self.authenticate(None, None)
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": token,
                "name": "Customer",
                "signature": PIXEL_PNG,
            },
        )
        self.assertTrue(result.get("force_refresh"), result)
        order.invalidate_recordset()
        self.assertEqual(order.signed_by, "Customer")
        self.assertEqual((order.state, order.approval_state), ("sent", "pending"))
        self.assertFalse(order.picking_ids)
