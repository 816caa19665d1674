"""The customer pool: return, notice, claim, limit, and the salesperson who tries to go around them (issue #16)."""

from datetime import timedelta
from xmlrpc.client import Fault

from psycopg2.errors import LockNotAvailable

from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools import mute_logger

from .customer_common import CustomerCommon


class PoolCommon(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.rule = cls.env["crm_plus.pool.rule"].create(
            {
                "name": "Company pool",
                "days_without_followup": 30,
                "days_without_won": 0,
                "notice_days": 3,
                "max_customers": 2,
            }
        )
        cls.pooled = cls.env["res.partner"].create(
            [{"name": f"Pooled {i}", "is_company": True, "crm_plus_in_pool": True} for i in range(3)]
        )

    def _owned_since(self, partners, days_ago):
        partners.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET crm_plus_owner_date = %s WHERE id IN %s",
                self.today - timedelta(days=days_ago),
                tuple(partners.ids),
            )
        )
        partners.invalidate_recordset()


@tagged("post_install", "-at_install")
class TestCustomerPool(PoolCommon):
    def _notices(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.env.ref("crm_plus.mail_activity_type_pool_notice").id),
            ]
        )

    def test_return_after_notice_and_idempotent(self):
        Pool = self.env["crm_plus.pool"]
        a, b = self.customer_a, self.customer_b
        self._owned_since(a | b, 28)  # due in 2 days: inside the notice period
        stats = Pool._run(today=self.today)
        self.assertEqual(stats, {"announced": 2, "cancelled": 0, "returned": 0})
        # nobody loses a customer unannounced: the return day is notice days away, the owner has a To-Do
        self.assertEqual(a.crm_plus_pool_return_date, self.today + timedelta(days=3))
        self.assertEqual(self._notices(a).user_id, self.salesman)
        self.assertEqual(Pool._run(today=self.today), {"announced": 0, "cancelled": 0, "returned": 0})
        self.assertEqual(len(self._notices(a | b)), 2)
        # Sally follows her customer up (Bert does not): her announcement is cancelled
        self._followup(self.salesman, a)
        self.assertEqual(
            Pool._run(today=self.today + timedelta(days=1)), {"announced": 0, "cancelled": 1, "returned": 0}
        )
        self.assertFalse(a.crm_plus_pool_return_date)
        self.assertFalse(self._notices(a))
        # on the announced day Bert's customer (and its contact he owns) returns to the pool, logged
        contact_b = self.env["res.partner"].create({"name": "Bo Beta", "parent_id": b.id, "user_id": self.seller_b.id})
        stats = Pool._run(today=self.today + timedelta(days=3))
        self.assertEqual(stats, {"announced": 0, "cancelled": 0, "returned": 1})
        self.assertTrue(b.crm_plus_in_pool)
        self.assertFalse(b.user_id)
        self.assertFalse(contact_b.user_id)
        self.assertFalse(self._notices(b))
        logged = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", b.id)], limit=1)
        self.assertIn("Returned to the customer pool", logged.body)
        self.assertEqual(a.user_id, self.salesman)
        self.assertEqual(
            Pool._run(today=self.today + timedelta(days=3)), {"announced": 0, "cancelled": 0, "returned": 0}
        )

    def test_won_deal_rule_and_team_rule(self):
        # Bert's team has its own rule: no confirmed order for 60 days
        self.env["crm_plus.pool.rule"].create(
            {"name": "South", "team_id": self.team_south.id, "days_without_won": 60, "notice_days": 0}
        )
        self._owned_since(self.customer_a | self.customer_b, 45)
        stats = self.env["crm_plus.pool"]._run(today=self.today)
        # Sally (company rule, 30 days without follow-up) is announced; Bert (team rule, 60 days) is not yet
        self.assertEqual(stats["announced"], 1)
        self.assertTrue(self.customer_a.crm_plus_pool_return_date)
        self.assertFalse(self.customer_b.crm_plus_pool_return_date)
        stats = self.env["crm_plus.pool"]._run(today=self.today + timedelta(days=15))
        self.assertEqual(stats["returned"], 2)  # notice 0: announced and returned the same day

    def test_query_count_is_constant_per_batch(self):
        Partner = self.env["res.partner"]

        def queries(count):
            partners = Partner.create(
                [{"name": f"Q{count}-{i}", "is_company": True, "user_id": self.seller_b.id} for i in range(count)]
            )
            self._owned_since(partners, 40)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            stats = self.env["crm_plus.pool"]._run(today=self.today, batch_size=1000)
            self.assertEqual(stats["returned"], 0)
            self.assertGreaterEqual(stats["announced"], count)
            return self.env.cr.sql_log_count - before

        queries(2)  # warm the caches (xmlids, defaults, subtypes)
        self.assertEqual(queries(3), queries(30))

    def test_query_count_is_pinned_per_batch(self):
        """Announcing and returning a batch: a fixed number of queries, however many customers it holds (the
        notes and To-Dos of the batch are one INSERT each)."""
        Pool = self.env["crm_plus.pool"]
        Partner = self.env["res.partner"]
        # the customers of the test class are in the batches too: they stay far from due
        self._owned_since(self.customer_a | self.customer_b, 0)
        warm = Partner.create([{"name": f"W{i}", "is_company": True, "user_id": self.seller_b.id} for i in range(2)])
        self._owned_since(warm, 40)
        Pool._run(today=self.today)
        Pool._run(today=self.today + timedelta(days=3))  # warm the caches (xmlids, defaults, subtypes)
        partners = Partner.create(
            [
                {"name": f"P{i}", "is_company": True, "user_id": (self.salesman | self.seller_b)[i % 2].id}
                for i in range(40)
            ]
        )
        self._owned_since(partners, 40)
        self.env.flush_all()
        self.env.invalidate_all()
        # one batch holds them all (the batch runs on ids: the last one closes it)
        with self.assertQueryCount(13):
            stats = Pool._run(today=self.today, batch_size=100_000)
        self.assertEqual(stats["announced"], 40)
        self.env.flush_all()
        self.env.invalidate_all()
        # (the notes' data for each reader's language: 2 of them, whatever the batch)
        with self.assertQueryCount(25):
            stats = Pool._run(today=self.today + timedelta(days=3), batch_size=100_000)
        self.assertEqual(stats["returned"], 40)

    def test_each_customer_gets_its_note_and_todo(self):
        """The To-Dos and notes of a batch are written as one: each customer gets its own, with its owner, its
        name, its day; the owner is not made a follower of a customer leaving him; a rerun adds nothing."""
        Pool = self.env["crm_plus.pool"]
        self.seller_b.tz = "Asia/Shanghai"
        self.salesman.tz = "Europe/Brussels"
        customers = self.env["res.partner"].create(
            [
                {"name": f"Gamma {i}", "is_company": True, "user_id": (self.salesman | self.seller_b)[i % 2].id}
                for i in range(4)
            ]
        )
        # Bert's team gives 4 days' notice: his customers have their own date and summary
        self.env["crm_plus.pool.rule"].create(
            {"name": "South", "team_id": self.team_south.id, "days_without_followup": 30, "notice_days": 4}
        )
        self._owned_since(customers, 40)
        self.assertEqual(Pool._run(today=self.today)["announced"], 4)
        Pool._run(today=self.today)
        for customer in customers:
            notice = self._notices(customer)
            self.assertEqual(len(notice), 1)
            self.assertEqual(notice.user_id, customer.user_id)
            self.assertEqual(notice.user_tz, customer.user_id.tz)
            self.assertEqual(notice.res_model, "res.partner")
            self.assertEqual(notice.res_name, customer.display_name)
            self.assertEqual(notice.date_deadline, customer.crm_plus_pool_return_date)
            self.assertIn(fields.Date.to_string(notice.date_deadline), notice.summary)
            self.assertEqual(customer.activity_ids, notice)
            self.assertNotIn(customer.user_id.partner_id, customer.message_partner_ids)
            # the owner finds it among his To-Dos
            self.assertIn(notice, self.env["mail.activity"].with_user(customer.user_id).search([]))
        self.assertEqual(self._notices(customers[0]).date_deadline, self.today + timedelta(days=3))
        self.assertEqual(self._notices(customers[1]).date_deadline, self.today + timedelta(days=4))
        owners = {customer: customer.user_id for customer in customers}
        self.assertEqual(Pool._run(today=self.today + timedelta(days=4))["returned"], 4)
        Pool._run(today=self.today + timedelta(days=4))
        for customer in customers:
            self.assertTrue(customer.crm_plus_in_pool)
            self.assertFalse(self._notices(customer))
            notes = customer.message_ids.filtered(lambda m: "Returned to the customer pool" in m.body)
            self.assertEqual(len(notes), 1)
            self.assertIn(owners[customer].name, notes.body)
            self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
            self.assertEqual((notes.model, notes.res_id), ("res.partner", customer.id))

    def test_claim_within_the_limit(self):
        first, second, third = self.pooled
        first.with_user(self.seller_b).action_claim()
        self.assertEqual(first.user_id, self.seller_b)
        self.assertFalse(first.crm_plus_in_pool)
        self.assertEqual(first.crm_plus_owner_date, self.today)
        # Bert owns Beta and the first: the limit is 2
        with self.assertRaises(UserError):
            second.with_user(self.seller_b).action_claim()
        # a claimed customer is no longer in the pool
        with self.assertRaises(UserError):
            first.with_user(self.salesman).action_claim()
        # Sally claims two at once: one too many
        with self.assertRaises(UserError):
            (second | third).with_user(self.salesman).action_claim()
        second.with_user(self.salesman).action_claim()
        self.assertEqual(second.user_id, self.salesman)
        # a manager assigns from the pool, whatever the limit
        third.with_user(self.sales_manager).write({"user_id": self.seller_b.id})
        self.assertFalse(third.crm_plus_in_pool)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_salesperson_cannot_go_around_the_pool(self):
        pooled = self.pooled[0].with_user(self.salesman)
        forged = {"crm_plus_pool": True, "crm_plus_plan_tracking": True}
        for vals in (
            {"user_id": self.salesman.id},
            {"crm_plus_in_pool": False},
            {"parent_id": self.customer_a.id},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                pooled.with_context(**forged).write(vals)
        # his own customer: not into / out of the pool, no restart of its clock
        mine = self.customer_a.with_user(self.salesman)
        for vals in ({"crm_plus_in_pool": True}, {"crm_plus_owner_date": self.today}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        self._owned_since(self.customer_a, 20)
        mine.write({"user_id": self.salesman.id})  # the same owner: the clock keeps running
        self.assertEqual(self.customer_a.crm_plus_owner_date, self.today - timedelta(days=20))
        # another salesperson's customer, or one for a colleague: managers only where a pool rule exists
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.salesman).write({"user_id": self.salesman.id})
        with self.assertRaises(AccessError):
            mine.write({"user_id": self.seller_b.id})
        # a customer without owner counts in the limit (Sally owns Alpha; limit 2)
        free = self.env["res.partner"].create([{"name": f"Free {i}", "is_company": True} for i in range(2)])
        free[0].with_user(self.salesman).write({"user_id": self.salesman.id})
        with self.assertRaises(UserError):
            free[1].with_user(self.salesman).write({"user_id": self.salesman.id})
        # nor into the pool at creation
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create({"name": "Sneaky", "crm_plus_in_pool": True})
        # a user without sales rights cannot claim
        with self.assertRaises(AccessError):
            self.pooled[1].with_user(self.portal).action_claim()

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_pool_customer_visible_its_documents_not(self):
        """A customer back in the pool is readable by every salesperson; its orders and follow-ups stay private."""
        order = self.env["sale.order"].create({"partner_id": self.customer_b.id, "user_id": self.seller_b.id})
        followup = self._followup(self.seller_b, self.customer_b)
        followup.flush_recordset()
        self.env.cr.execute(
            "UPDATE crm_plus_followup SET date = %s, create_date = %s WHERE id = %s",
            [self.today - timedelta(days=40), self.today - timedelta(days=40), followup.id],
        )
        self._owned_since(self.customer_b, 40)
        self.env["crm_plus.pool"]._run(today=self.today)  # announced
        self.env["crm_plus.pool"]._run(today=self.today + timedelta(days=3))  # returned
        self.assertTrue(self.customer_b.crm_plus_in_pool)
        as_sally = self.customer_b.with_user(self.salesman)
        self.assertEqual(as_sally.read(["name"])[0]["name"], "Beta Works")
        self.assertIn(
            self.customer_b, self.env["res.partner"].with_user(self.salesman).search([("crm_plus_in_pool", "=", True)])
        )
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).read(["amount_total"])
        with self.assertRaises(AccessError):
            followup.with_user(self.salesman).read(["summary"])

    def test_without_rule_owners_are_set_as_in_odoo(self):
        self.rule.active = False
        self.customer_b.with_user(self.salesman).write({"user_id": self.salesman.id})
        self.assertEqual(self.customer_b.user_id, self.salesman)
        self.assertEqual(self.env["crm_plus.pool"]._run(today=self.today + timedelta(days=400))["returned"], 0)

    def test_claim_locks_the_claimers_row(self):
        """The limit is checked under a lock of the claimer's row: a second claim of his waits (then retries)."""
        admin = self.env.ref("base.user_admin")
        self.pooled[0].with_user(admin).action_claim()
        with self.registry.cursor() as other, self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
            other.execute("SELECT id FROM res_users WHERE id = %s FOR UPDATE NOWAIT", [admin.id])


@tagged("post_install", "-at_install")
class TestCustomerPoolOverXmlRpc(PoolCommon, HttpCase):
    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")
    def test_salesperson_over_rpc(self):
        pooled = self.pooled[0]
        context = {"crm_plus_pool": True, "crm_plus_pool_claim": True}
        for vals in ({"user_id": self.salesman.id}, {"crm_plus_in_pool": False}):
            with self.subTest(vals=vals), self.assertRaises(Fault):
                self._call(self.salesman, "res.partner", "write", [pooled.ids, vals], context=context)
        with self.assertRaises(Fault):
            self._call(
                self.salesman,
                "crm_plus.followup",
                "create",
                [{"partner_id": self.customer_a.id, "summary": "x", "user_id": self.seller_b.id}],
            )
        self._call(self.salesman, "res.partner", "action_claim", [pooled.ids])
        pooled.invalidate_recordset()
        self.assertEqual(pooled.user_id, self.salesman)
        self.assertFalse(pooled.crm_plus_in_pool)
        # over the limit (Alpha + the claimed one)
        with self.assertRaises(Fault):
            self._call(self.salesman, "res.partner", "action_claim", [self.pooled[1].ids], context=context)
        self.assertEqual(self.pooled[1].with_context(active_test=False).mapped("crm_plus_in_pool"), [True])

    def test_claim_tour(self):
        self.start_tour(
            "/odoo/action-crm_plus.res_partner_action_pool", "crm_plus_pool_tour", login=self.salesman.login
        )
        self.assertEqual(self.pooled[0].user_id, self.salesman)
        self.assertTrue(self.pooled[1].crm_plus_in_pool)
