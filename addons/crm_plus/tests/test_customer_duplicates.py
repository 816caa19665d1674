"""Duplicate customers and quotations for customers owned by others (issue #16, step 4)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged

from .customer_common import CustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerDuplicates(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_b.write(
            {"vat": "CN-91310000 MA1FL0XX1", "phone": "+86 21 5555 1234", "email": "Info@Beta.example.com"}
        )
        cls.cn = cls.env["res.partner"].create({"name": "上海贝塔科技有限公司", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Consulting", "type": "service", "list_price": 100.0})

    def _duplicates(self, user, **vals):
        form = Form(self.env["res.partner"].with_user(user))
        for name, value in vals.items():
            setattr(form, name, value)
        return self.env["res.partner"].browse(form.crm_plus_duplicate_ids.ids)

    def test_each_key_finds_the_customer(self):
        for vals, expected in (
            ({"name": "beta works ltd."}, self.customer_b),
            ({"name": "BETA-WORKS, Inc"}, self.customer_b),
            ({"name": "Gamma", "vat": "cn91310000ma1fl0xx1"}, self.customer_b),
            ({"name": "Gamma", "phone": "021-5555-1234"}, self.customer_b),
            ({"name": "Gamma", "email": "info@beta.example.com"}, self.customer_b),
            ({"name": "上海贝塔科技 有限公司"}, self.cn),
            ({"name": "Gamma Holdings"}, self.env["res.partner"]),
            ({"name": "上海伽马科技有限公司"}, self.env["res.partner"]),
        ):
            with self.subTest(vals=vals):
                self.assertEqual(self._duplicates(self.salesman, **vals), expected)

    def test_duplicates_refused_for_salespeople(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        self.assertTrue(Partner.create({"name": "Beta Works Ltd.", "is_company": True}))  # warned only: created
        self.env.company.crm_plus_duplicate_customer = "refuse"
        for vals in ({"name": "beta works ltd."}, {"name": "Gamma", "vat": "cn91310000ma1fl0xx1"}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "Beta Works.*salesperson: Bert Seller"):
                Partner.create({"is_company": True, **vals})
        # the form warns first, then refuses the same way
        form = Form(Partner)
        form.name = "Beta Works Inc"
        self.assertIn(self.customer_b, form.crm_plus_duplicate_ids)
        with self.assertRaises(UserError):
            form.save()
        # contacts, customers without match, and managers pass
        Partner.create({"name": "Beta Works", "parent_id": self.customer_a.id})
        Partner.create({"name": "Gamma Holdings", "is_company": True})
        self.env["res.partner"].with_user(self.sales_manager).create({"name": "Beta Works Ltd", "is_company": True})

    def test_ask_the_owner(self):
        self.customer_b.with_user(self.salesman).action_crm_plus_request_share()
        todo = self.customer_b.activity_ids.filtered(lambda a: a.user_id == self.seller_b)
        self.assertIn("Sally Salesman", todo.summary)
        with self.assertRaises(UserError):
            self.customer_a.with_user(self.salesman).action_crm_plus_request_share()
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.portal).action_crm_plus_request_share()

    def _quote(self, user, partner):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,  # else Odoo makes the customer's owner the salesperson
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def test_quotation_for_another_owners_customer(self):
        # default: as in Odoo
        self._quote(self.salesman, self.customer_b)
        self.company.crm_plus_other_owner_quote = "refuse"
        contact_b = self.env["res.partner"].create({"name": "Bo Beta", "parent_id": self.customer_b.id})
        with self.assertRaises(UserError):
            self._quote(self.salesman, contact_b)
        mine = self._quote(self.salesman, self.customer_a)
        with self.assertRaises(UserError):
            mine.write({"partner_id": self.customer_b.id})
        self._quote(self.seller_b, self.customer_b)
        self._quote(self.sales_manager, self.customer_b)  # managers quote any customer
        unowned = self.env["res.partner"].create({"name": "Nobody's", "is_company": True})
        self._quote(self.salesman, unowned)

    def test_approval_rule_for_another_owners_customer(self):
        self.env["crm_plus.approval.rule"].create({"name": "Other owner", "rule_type": "customer_owner"})
        order = self._quote(self.salesman, self.customer_b)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertIn("Bert Seller", order.approval_reason)
        mine = self._quote(self.salesman, self.customer_a)
        mine.with_user(self.salesman).action_confirm()
        self.assertEqual(mine.state, "sale")
