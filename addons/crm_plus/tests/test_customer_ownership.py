"""Ownership of customers (issue #16): who reads a customer's commercial records, who shares and edits it.

Sally owns Alpha (team North led by Tina, department of Bea); Bert owns Beta (team South). Bert also works on
Alpha: his opportunity, order and follow-up there are Alpha's records, readable by Alpha's owner and her managers.
"""

from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .customer_common import CustomerCommon

# what a client may put in its context to try to pass a check
FORGED_CONTEXT = {
    "crm_plus_pool": True,
    "crm_plus_owner": True,
    "active_test": False,
    "tracking_disable": True,
    "install_mode": True,
    "su": True,
}


class OwnershipCommon(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_officer = new_test_user(
            cls.env, login="cp_hr_officer", name="Hana HR", groups="base.group_user,hr.group_hr_user"
        )
        cls.product = cls.env["product.product"].create({"name": "Ownership Service", "type": "service"})
        # Bert's records on Alpha (through its contact) and on his own Beta
        cls.order_a = cls._order(cls.contact_a, cls.seller_b)
        cls.order_b = cls._order(cls.customer_b, cls.seller_b)
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {"name": "Alpha expansion", "partner_id": cls.customer_a.id, "user_id": cls.seller_b.id}
        )
        cls.lead_b = Lead.create({"name": "Beta renewal", "partner_id": cls.customer_b.id, "user_id": cls.seller_b.id})
        cls.followup_a = cls._followup(cls.seller_b, cls.customer_a)
        cls.followup_b = cls._followup(cls.seller_b, cls.customer_b)

    @classmethod
    def _order(cls, partner, user):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 10.0})],
            }
        )

    def _records(self, which):
        if which == "a":
            return [self.order_a, self.order_a.order_line, self.lead_a, self.followup_a]
        return [self.order_b, self.order_b.order_line, self.lead_b, self.followup_b]

    def assertReads(self, user, records):
        for record in records:
            with self.subTest(user=user.login, model=record._name):
                self.assertTrue(record.with_user(user).read(["display_name"]))
                self.assertEqual(self.env[record._name].with_user(user).search([("id", "in", record.ids)]), record)

    def assertReadsNot(self, user, records):
        for record in records:
            with self.subTest(user=user.login, model=record._name), self.assertRaises(AccessError):
                record.with_user(user).read(["display_name"])

    def _owner_edit(self, on=True):
        self.env.company.crm_plus_customer_owner_edit = on


@tagged("post_install", "-at_install")
class TestCustomerOwnership(OwnershipCommon):
    # ------------------------------------------------------------------ reading commercial records

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_salesperson_reads_the_records_of_his_customers(self):
        self.assertReads(self.salesman, self._records("a"))
        self.assertReadsNot(self.salesman, self._records("b"))
        # read only: Bert's order on her customer stays Bert's to change
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.salesman).write({"note": "mine now"})
        with self.assertRaises(AccessError):
            self.lead_a.with_user(self.salesman).write({"user_id": self.salesman.id})
        # the contact card of somebody else's customer stays readable, as in Odoo
        self.assertEqual(self.customer_b.with_user(self.salesman).read(["name"])[0]["name"], "Beta Works")

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_shared_customer(self):
        self.customer_b.with_user(self.seller_b).crm_plus_shared_user_ids = self.salesman
        self.assertReads(self.salesman, self._records("b"))
        self.customer_b.with_user(self.seller_b).crm_plus_shared_user_ids = False
        self.assertReadsNot(self.salesman, self._records("b"))

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_team_leader_reads_the_customers_of_his_team(self):
        self.assertFalse(self.leader.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertReads(self.leader, self._records("a"))
        self.assertReadsNot(self.leader, self._records("b"))
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.leader).write({"note": "x"})

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_department_manager_reads_his_department_tree(self):
        self.assertReads(self.boss, self._records("a"))
        self.assertReadsNot(self.boss, self._records("b"))
        # Bert joins a sub-department of Bea's: his customers are in her scope, not in Sally's
        department = self.salesman.employee_ids.department_id
        sub = self.env["hr.department"].create({"name": "Sales North-East", "parent_id": department.id})
        self.env["hr.employee"].create({"name": "Bert Seller", "user_id": self.seller_b.id, "department_id": sub.id})
        self.assertReads(self.boss, self._records("b"))
        self.assertReadsNot(self.salesman, self._records("b"))
        # the sub-department gets a manager of its own: both managers see it
        carl = new_test_user(self.env, login="cp_carl", groups="sales_team.group_sale_salesman")
        sub.manager_id = self.env["hr.employee"].create({"name": "Carl", "user_id": carl.id})
        self.assertReads(carl, self._records("b"))
        self.assertReads(self.boss, self._records("b"))
        # the parent department changes manager: the new one takes the whole tree
        department.manager_id = self.env["hr.employee"].create({"name": "Hans", "user_id": self.hr_officer.id})
        self.assertEqual(self.seller_b.crm_plus_manager_user_ids, carl | self.hr_officer)
        self.assertReadsNot(self.boss, self._records("b"))
        # the sub-department moves out of the tree
        sub.parent_id = False
        self.assertEqual(self.seller_b.crm_plus_manager_user_ids, carl)

    def test_sales_manager_reads_and_writes_everything(self):
        self.assertReads(self.sales_manager, self._records("a") + self._records("b"))
        self.order_b.with_user(self.sales_manager).write({"note": "checked"})
        self._owner_edit()
        self.customer_b.with_user(self.sales_manager).write({"phone": "+1 555 0100"})
        self.customer_b.with_user(self.sales_manager).write({"user_id": self.salesman.id})
        self.assertEqual(self.customer_b.user_id, self.salesman)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_hr_officer_without_sales_rights(self):
        self.assertReadsNot(self.hr_officer, self._records("a") + self._records("b"))
        self.assertTrue(self.customer_a.with_user(self.hr_officer).read(["name"]))
        self._owner_edit()
        with self.assertRaises(AccessError):
            self.customer_a.with_user(self.hr_officer).write({"phone": "+1 555 0101"})

    def test_hr_officer_reaches_the_hand_over(self):
        """HR officers without sales rights hand customers over from the Employees app."""
        self.assertFalse(self.hr_officer.has_group("sales_team.group_sale_salesman"))
        menus = self.env["ir.ui.menu"].with_user(self.hr_officer)._visible_menu_ids()
        self.assertIn(self.env.ref("crm_plus.crm_plus_handover_menu_hr").id, menus)
        self.assertIn(self.env.ref("hr.menu_hr_root").id, menus)
        Handover = self.env["crm_plus.handover"].with_user(self.hr_officer)
        self.assertTrue(Handover.get_views([(False, "form")]))
        wizard = Handover.create({"from_user_id": self.seller_b.id, "to_user_id": self.salesman.id})
        self.assertIn("Customers: 1", wizard.preview)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_pool_customer_documents_stay_private(self):
        """Back in the pool, a customer loses its owner and its shares: nothing of it is granted through them."""
        for put_in_pool in (
            lambda: self.customer_b.with_user(self.sales_manager).write({"user_id": False, "crm_plus_in_pool": True}),
            lambda: self.env["crm_plus.pool"]._return({self.customer_b.id: self.seller_b.id}),
        ):
            self.customer_b.sudo().write({"user_id": self.seller_b.id, "crm_plus_shared_user_ids": self.salesman.ids})
            self.assertReads(self.salesman, self._records("b"))
            put_in_pool()
            self.env.invalidate_all()
            self.assertTrue(self.customer_b.crm_plus_in_pool)
            self.assertFalse(self.customer_b.crm_plus_shared_user_ids)
            self.assertReadsNot(self.salesman, self._records("b"))
            self.assertTrue(self.customer_b.with_user(self.salesman).read(["name"]))

    # ------------------------------------------------------------------ sharing

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_only_owner_and_managers_share(self):
        for user in (self.salesman, self.leader, self.boss, self.hr_officer):
            for forged in ({}, FORGED_CONTEXT):
                with self.subTest(user=user.login, forged=bool(forged)), self.assertRaises(AccessError):
                    self.customer_b.with_user(user).with_context(**forged).write(
                        {"crm_plus_shared_user_ids": [Command.link(user.id)]}
                    )
        # nor on a new customer owned by somebody else
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {
                    "name": "Gamma",
                    "user_id": self.seller_b.id,
                    "crm_plus_shared_user_ids": [Command.link(self.leader.id)],
                }
            )
        # a shared user does not share further
        self.customer_b.with_user(self.seller_b).crm_plus_shared_user_ids = self.salesman
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.salesman).crm_plus_shared_user_ids = self.salesman | self.leader
        self.customer_b.with_user(self.sales_manager).crm_plus_shared_user_ids = self.leader
        self.assertEqual(self.customer_b.crm_plus_shared_user_ids, self.leader)

    def test_shared_with_internal_users_only(self):
        portal = new_test_user(self.env, login="cp_owner_portal", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            self.customer_b.with_user(self.sales_manager).crm_plus_shared_user_ids = portal

    def test_users_are_created_as_in_odoo(self):
        """Creating an internal user whose notifications go to the inbox works as in core (the crm and sale test
        suites create their users so): the shares of customers are not recomputed on user creation."""
        user = new_test_user(
            self.env,
            login="cp_owner_inbox",
            notification_type="inbox",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        self.assertFalse(user.share)
        self.assertEqual(user.notification_type, "inbox")

    def test_sharing_and_owner_changes_are_logged(self):
        customer = self.customer_a.with_context(tracking_disable=False)
        customer.with_user(self.salesman).crm_plus_shared_user_ids = self.seller_b
        customer.with_user(self.sales_manager).user_id = self.seller_b
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = customer.message_ids.sudo().tracking_value_ids.mapped("field_id.name")
        self.assertIn("crm_plus_shared_user_ids", tracked)
        self.assertIn("user_id", tracked)

    # ------------------------------------------------------------------ editing, with and without the setting

    def test_without_the_setting_customers_are_edited_as_in_odoo(self):
        self.assertFalse(self.env.company.crm_plus_customer_owner_edit)
        Partner = self.env["res.partner"].with_user(self.salesman)
        self.customer_b.with_user(self.salesman).write({"phone": "+1 555 0102"})
        Partner.create({"name": "Bea Contact", "parent_id": self.customer_b.id})
        self.customer_b.with_user(self.salesman).write({"user_id": self.salesman.id})
        self.assertEqual(self.customer_b.user_id, self.salesman)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_salesperson_cannot_edit_customers_of_others(self):
        self._owner_edit()
        contact_b = self.env["res.partner"].create({"name": "Bob Beta", "parent_id": self.customer_b.id})
        Partner = self.env["res.partner"].with_user(self.salesman)
        for forged in ({}, FORGED_CONTEXT):
            as_sally = self.customer_b.with_user(self.salesman).with_context(**forged)
            attempts = {
                "write": lambda p=as_sally: p.write({"phone": "+1 555 0103"}),
                "write contact": lambda f=forged: contact_b.with_user(self.salesman)
                .with_context(**f)
                .write({"email": "bob@example.com"}),
                "take it": lambda p=as_sally: p.write({"user_id": self.salesman.id}),
                "create contact": lambda f=forged: Partner.with_context(**f).create(
                    {"name": "Sneaky", "parent_id": self.customer_b.id}
                ),
                "create for another": lambda f=forged: Partner.with_context(**f).create(
                    {"name": "Gift", "user_id": self.seller_b.id}
                ),
                "unlink": lambda f=forged: contact_b.with_user(self.salesman).with_context(**f).unlink(),
                "archive": lambda p=as_sally: p.action_archive(),
            }
            for name, attempt in attempts.items():
                with self.subTest(attempt=name, forged=bool(forged)), self.assertRaises(AccessError):
                    attempt()
        # her own contact does not move under Bert's customer
        with self.assertRaises(AccessError):
            self.contact_a.with_user(self.salesman).write({"parent_id": self.customer_b.id})
        self.assertEqual(self.contact_a.parent_id, self.customer_a)
        self.assertEqual(self.customer_b.user_id, self.seller_b)
        self.assertFalse(self.customer_b.phone)
        self.assertFalse(self.customer_b.child_ids - contact_b)
        self.assertFalse(self.customer_b.with_user(self.salesman).has_access("write"))
        # her own customers, their contacts, and nobody's contacts, as in Odoo
        self.customer_a.with_user(self.salesman).write({"phone": "+1 555 0104"})
        Partner.create({"name": "Al Alpha", "parent_id": self.customer_a.id})
        nobody = Partner.create({"name": "Walk-in"})
        nobody.write({"user_id": self.salesman.id})
        self.assertTrue(nobody.has_access("write"))

    def test_contact_managers_delete_only_their_customers(self):
        """Salespeople with *Contact Creation* may delete contacts in Odoo: not those of other owners' customers."""
        self._owner_edit()
        dan = new_test_user(
            self.env, login="cp_dan", groups="sales_team.group_sale_salesman,base.group_partner_manager"
        )
        Partner = self.env["res.partner"].with_user(dan)
        with self.assertRaisesRegex(AccessError, "operation: unlink"):
            self.customer_b.with_user(dan).with_context(**FORGED_CONTEXT).unlink()
        with self.assertRaisesRegex(AccessError, "operation: unlink"):
            self.contact_a.with_user(dan).unlink()
        Partner.create({"name": "Dan's", "user_id": dan.id}).unlink()
        self.assertTrue(self.customer_b.exists() and self.contact_a.exists())

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_scope_edits_owner_stays(self):
        self._owner_edit()
        self.customer_b.with_user(self.seller_b).crm_plus_shared_user_ids = self.salesman
        # shared: edits the card, not the owner
        self.customer_b.with_user(self.salesman).write({"phone": "+1 555 0105"})
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.salesman).write({"user_id": self.salesman.id})
        # team leader and department manager of the owner edit, do not re-assign
        for user in (self.leader, self.boss):
            self.customer_a.with_user(user).write({"street": f"{user.name} Street"})
            with self.assertRaises(AccessError):
                self.customer_a.with_user(user).write({"user_id": user.id})
            with self.assertRaises(AccessError):
                self.customer_b.with_user(user).write({"street": "x"})
        # the owner hands his customer over
        self.customer_a.with_user(self.salesman).write({"user_id": self.seller_b.id})
        self.assertEqual(self.customer_a.user_id, self.seller_b)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_pool_customers_are_edited_by_managers(self):
        self._owner_edit()
        self.customer_b.sudo().write({"user_id": False, "crm_plus_in_pool": True})
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.salesman).write({"phone": "+1 555 0106"})
        self.customer_b.with_user(self.team_leader).write({"phone": "+1 555 0106"})

    def test_core_flows_of_a_salesperson_under_the_setting(self):
        """Quoting and confirming for somebody else's customer writes nothing of the customer as the user."""
        self._owner_edit()
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer_b.id,
                    "user_id": self.salesman.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 20.0})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # logging a follow-up on it puts a To-Do on its owner's desktop
        self._followup(self.salesman, self.customer_b, next_date=order.date_order.date())
        self.assertEqual(self.customer_b.crm_plus_followup_ids.user_id, self.seller_b | self.salesman)

    # ------------------------------------------------------------------ pool limit on new customers

    def test_new_customers_count_against_the_pool_limit(self):
        self.env["crm_plus.pool.rule"].create({"name": "Limit", "days_without_followup": 30, "max_customers": 2})
        Partner = self.env["res.partner"].with_user(self.salesman)
        Partner.create({"name": "Second of mine", "is_company": True, "user_id": self.salesman.id})
        with self.assertRaises(UserError):
            Partner.create({"name": "Third of mine", "is_company": True, "user_id": self.salesman.id})
        # contacts of her customers and customers without owner do not count
        Partner.create({"name": "Contact", "parent_id": self.customer_a.id, "user_id": self.salesman.id})
        Partner.create({"name": "Nobody's"})
        self.env["res.partner"].with_user(self.sales_manager).create({"name": "Assigned", "user_id": self.salesman.id})


@tagged("post_install", "-at_install")
class TestCustomerOwnershipOverXmlRpc(OwnershipCommon, HttpCase):
    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")
    def test_salesperson_over_rpc(self):
        self._owner_edit()
        self.env.flush_all()
        context = dict(FORGED_CONTEXT)
        sally = self.salesman
        owner_only = "customers are created, changed and deleted by their salesperson"
        attempts = [
            ("res.partner", "write", [self.customer_b.ids, {"phone": "+1 555 0107"}], owner_only),
            ("res.partner", "write", [self.customer_b.ids, {"user_id": sally.id}], "change its salesperson"),
            ("res.partner", "write", [self.customer_b.ids, {"crm_plus_shared_user_ids": [(4, sally.id)]}], "share it"),
            ("res.partner", "create", [{"name": "Sneaky", "parent_id": self.customer_b.id}], owner_only),
            ("res.partner", "unlink", [self.customer_b.ids], "not allowed to delete"),  # no such right in Odoo
            ("sale.order", "read", [self.order_b.ids, ["amount_total"]], "top-secret"),  # record rules
            ("sale.order", "write", [self.order_a.ids, {"note": "mine"}], "top-secret"),
            ("crm_plus.followup", "read", [self.followup_b.ids, ["summary"]], "top-secret"),
        ]
        for model, method, args, expected in attempts:
            with self.subTest(model=model, method=method), self.assertRaises(Fault) as caught:
                self._call(sally, model, method, args, context=context)
            self.assertIn(expected, caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self.customer_b.user_id, self.seller_b)
        self.assertFalse(self.customer_b.phone)
        self.assertFalse(self.customer_b.crm_plus_shared_user_ids)
        self.assertFalse(self.customer_b.child_ids)
        # what she may do
        self.assertTrue(self._call(sally, "sale.order", "read", [self.order_a.ids, ["amount_total"]], context=context))
        self._call(sally, "res.partner", "write", [self.customer_a.ids, {"phone": "+1 555 0108"}], context=context)
        self.env.invalidate_all()
        self.assertEqual(self.customer_a.phone, "+1 555 0108")

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_duplicate_customer_over_rpc(self):
        self.env.company.crm_plus_duplicate_customer = "refuse"
        self.env.flush_all()
        vals = {"name": "BETA-WORKS, Inc", "is_company": True}
        with self.assertRaises(Fault) as caught:
            self._call(self.salesman, "res.partner", "create", [vals], context=FORGED_CONTEXT)
        self.assertIn("Beta Works", caught.exception.faultString)
        self.assertIn("Bert Seller", caught.exception.faultString)
        self.assertTrue(self._call(self.sales_manager, "res.partner", "create", [vals]))
