"""Follow-ups: the customer's timeline, the owner's To-Do, and the data scopes (issue #16, step 1)."""

from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .customer_common import CustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerFollowup(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["crm_plus.followup"])
        cls.lead_a = cls.env["crm.lead"].create(
            {"name": "Alpha deal", "type": "opportunity", "partner_id": cls.customer_a.id, "user_id": cls.salesman.id}
        )
        cls.lead_b = cls.env["crm.lead"].create(
            {"name": "Beta deal", "type": "opportunity", "partner_id": cls.customer_b.id, "user_id": cls.seller_b.id}
        )

    def _todos(self, followups):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm_plus.followup"), ("res_id", "in", followups.ids)]
        )

    def test_next_date_is_a_todo_of_the_owner(self):
        # Bert talks to Sally's customer (through its contact): the customer's timeline shows it, Sally gets the To-Do
        followup = self._followup(
            self.seller_b, self.contact_a, followup_type="visit", next_date=self.today + timedelta(days=7)
        )
        self.assertEqual(followup.partner_id, self.customer_a)
        self.assertEqual(followup.contact_id, self.contact_a)
        todo = self._todos(followup)
        self.assertEqual(todo.user_id, self.salesman)
        self.assertEqual(todo.date_deadline, self.today + timedelta(days=7))
        self.assertIn(followup, self.customer_a.with_user(self.salesman).crm_plus_followup_ids)
        self.assertEqual(self.contact_a.crm_plus_followup_count, 1)
        # Sally follows up: Bert's next date is done, hers is the new To-Do
        mine = self._followup(self.salesman, self.customer_a, next_date=self.today + timedelta(days=3))
        self.assertFalse(self._todos(followup))
        self.assertEqual(self._todos(mine).user_id, self.salesman)
        mine.with_user(self.salesman).next_date = False
        self.assertFalse(self._todos(mine))
        # linked opportunity
        on_lead = self._followup(self.salesman, self.customer_a, lead_id=self.lead_a.id, followup_type="meeting")
        self.assertEqual(self.lead_a.crm_plus_followup_count, 1)
        self.assertEqual(on_lead.team_id, self.team_north)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_salesperson_cannot_rewrite_history(self):
        followup = self._followup(self.salesman, self.customer_a, date=self.today - timedelta(days=1))
        as_sally = followup.with_user(self.salesman)
        as_sally.write({"summary": "Corrected notes", "next_date": self.today + timedelta(days=2)})
        for vals in (
            {"date": self.today},
            {"user_id": self.seller_b.id},
            {"partner_id": self.customer_b.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_sally.with_context(crm_plus_plan_tracking=True).write(vals)
        with self.assertRaises(AccessError):
            as_sally.unlink()
        # in someone else's name, in the future, on another customer's documents
        with self.assertRaises(AccessError):
            self._followup(self.salesman, self.customer_a, user_id=self.seller_b.id)
        with self.assertRaises(ValidationError):
            self._followup(self.salesman, self.customer_a, date=self.today + timedelta(days=1))
        with self.assertRaises(AccessError):
            self._followup(self.salesman, self.customer_b, lead_id=self.lead_b.id)
        with self.assertRaises(ValidationError):
            self._followup(self.salesman, self.customer_b, lead_id=self.lead_a.id)
        # Bert cannot edit Sally's follow-up, even on his own... nor read hers on Sally's customer
        with self.assertRaises(AccessError):
            followup.with_user(self.seller_b).write({"summary": "x"})
        with self.assertRaises(AccessError):
            followup.with_user(self.seller_b).read(["summary"])
        # the sales manager corrects history
        followup.with_user(self.sales_manager).write({"date": self.today - timedelta(days=2)})
        followup.with_user(self.sales_manager).unlink()

    def test_data_scopes(self):
        sally = self._followup(self.salesman, self.customer_a)
        bert_on_a = self._followup(self.seller_b, self.customer_a)
        bert = self._followup(self.seller_b, self.customer_b)
        everything = sally | bert_on_a | bert
        Followup = self.env["crm_plus.followup"]

        def seen(user):
            return Followup.with_user(user).search([("id", "in", everything.ids)])

        self.assertEqual(seen(self.salesman), sally | bert_on_a)  # mine and those of my customers
        self.assertEqual(seen(self.seller_b), bert_on_a | bert)
        # team North, department of Sally: Sally's, and Bert's on Sally's customer (issue #16: ownership scope)
        self.assertEqual(seen(self.leader), sally | bert_on_a)
        self.assertEqual(seen(self.boss), sally | bert_on_a)
        self.assertEqual(seen(self.team_leader), everything)  # all documents
        self.assertEqual(seen(self.sales_manager), everything)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="cp_other_co",
            groups="sales_team.group_sale_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(seen(outsider))
        with self.assertRaises(AccessError):
            sally.with_user(outsider).read(["summary"])

    def test_owner_change_is_tracked(self):
        partner = self.customer_a.with_context(tracking_disable=False, mail_notrack=False)
        self.env.cr.flush()  # tracking skips records created in the same (test) transaction's pending precommit
        partner.user_id = self.seller_b
        self.env.flush_all()
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [("mail_message_id.model", "=", "res.partner"), ("mail_message_id.res_id", "=", partner.id)]
        )
        self.assertEqual(
            [(t.old_value_integer, t.new_value_integer) for t in tracked], [(self.salesman.id, self.seller_b.id)]
        )

    def test_staff_report_counts_followups(self):
        self._followup(self.salesman, self.customer_a)
        self._followup(self.salesman, self.customer_b, followup_type="visit")
        rows = self.env["crm_plus.report.staff"]._read_group(
            [("user_id", "=", self.salesman.id)], [], ["followups:sum"]
        )
        self.assertEqual(rows[0][0], 2)
