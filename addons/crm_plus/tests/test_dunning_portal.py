# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer sees their own open items in the portal, and nobody else's."""

from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged

from .test_dunning_items import TestDunningItems


@tagged("post_install", "-at_install")
class TestDunningPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        TestDunningItems._dunning_setup.__func__(cls, cls.env)
        customer = TestDunningItems._customer.__func__(cls, cls.env, "Portal Customer")
        other = TestDunningItems._customer.__func__(cls, cls.env, "Portal Other")
        cls.invoice = TestDunningItems._invoice.__func__(cls, customer, 300.0, 5)
        cls.order = TestDunningItems._order.__func__(cls, cls.env, customer, [-10])
        cls.other_invoice = TestDunningItems._invoice.__func__(cls, other, 70.0, 5)
        cls.refund = TestDunningItems._invoice.__func__(cls, customer, 30.0, 1, move_type="out_refund")
        cls.other_refund = TestDunningItems._invoice.__func__(cls, other, 20.0, 1, move_type="out_refund")
        cls.user = new_test_user(cls.env, login="cp_dun_portal", groups="base.group_portal", password="cp_dun_portal")
        cls.user.partner_id.parent_id = customer

    def test_portal_lists_the_customers_open_items_only(self):
        self.authenticate("cp_dun_portal", "cp_dun_portal")
        page = self.url_open("/my/open_items")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice.name, page.text)
        self.assertIn(self.order.name, page.text, "the prepayment request not due yet")
        self.assertNotIn(self.other_invoice.name, page.text)
        self.assertIn(self.refund.name, page.text, "the customer's open credit note")
        self.assertIn("Credit note", page.text)
        self.assertNotIn(self.other_refund.name, page.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/open_items", home.text)
