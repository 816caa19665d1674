from datetime import date
from datetime import timedelta
from xmlrpc.client import Fault

from markupsafe import Markup

from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools import mute_logger

from odoo.addons.mail.tools.discuss import Store

from ..messages import Ref
from ..messages import _lt as lazy  # (not ``_lt``: the sentences are the addon's, not exported from tests)
from ..messages import chatter_note
from .test_approval import ApprovalCommon

EVIL = "<img src=x onerror=alert(1)>"


@tagged("post_install", "-at_install")
class TestChatterLanguage(ApprovalCommon, HttpCase):
    """Our chatter notes read in each reader's language, through the route the web client fetches a thread by."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # the Chinese labels of selections (decisions, states), as when installing the language
        cls.env["ir.module.module"]._load_module_terms(["crm_plus"], ["zh_CN"])
        cls.salesman.lang = "en_US"
        cls.approver.lang = "zh_CN"
        cls.reader_zh = new_test_user(
            cls.env, login="cp_reader_zh", name="Zhang Reader", groups="sales_team.group_sale_manager", lang="zh_CN"
        )
        cls.reader_en = new_test_user(
            cls.env, login="cp_reader_en", name="Emma Reader", groups="sales_team.group_sale_manager", lang="en_US"
        )

    def _bodies(self, user, record):
        """{message id: body} of ``record``'s thread as the web client gets it for ``user``."""
        self.authenticate(user.login, user.login)
        result = self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": record._name, "thread_id": record.id}
        )
        bodies = {}
        for values in result["data"]["mail.message"]:
            body = values.get("body")
            bodies[values["id"]] = body[1] if isinstance(body, list) else body
        return bodies

    def _body(self, user, message):
        return self._bodies(user, self.env[message.model].browse(message.res_id))[message.id]

    def _call(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def test_note_of_an_english_salesperson_reads_in_each_readers_language(self):
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).with_context(lang="en_US").action_new_round()
        note = order.message_ids.filtered(lambda m: "Superseded" in (m.body or ""))
        self.assertEqual(len(note), 1, "the body keeps the poster's language (emails, search)")
        zh = self._body(self.reader_zh, note)
        self.assertIn("已被第", zh)
        self.assertIn("<a ", zh, "the link to the new round stays a link")
        self.assertNotIn("Superseded", zh)
        en = self._body(self.reader_en, note)
        self.assertIn("Superseded by round", en)
        self.assertIn("<a ", en)

    def test_approval_request_and_its_reasons_read_in_the_approvers_language(self):
        self.amount_rule.with_context(lang="zh_CN").name = "大订单"
        order = self._make_order(lines=2, price=600.0)
        order.with_user(self.salesman).with_context(lang="en_US").action_confirm()
        self.assertEqual(order.approval_state, "pending")
        note = order.message_ids.filtered(lambda m: "Big orders" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Approval requested", note.body)
        zh = self._body(self.approver, note)
        for text in ("已申请审批", "大订单", "未税金额", "1,800.00"):
            self.assertIn(text, zh)
        self.assertNotIn("Big orders", zh)
        self.assertIn("Big orders", self._body(self.reader_en, note))
        # the history entry keeps the text as written, as before
        entry = order.approval_entry_ids.filtered(lambda e: e.decision == "requested")
        self.assertIn("Big orders", entry.comment)

    def test_figures_are_escaped(self):
        customer = self.env["res.partner"].create({"name": EVIL})
        promise = (
            self.env["crm_plus.dunning.promise"]
            .with_user(self.finance)
            .with_context(lang="en_US")
            .create({"partner_id": customer.id, "date_promised": date(2030, 1, 31), "amount": 300.0})
        )
        note = customer.message_ids.filtered(lambda m: "recorded" in (m.body or ""))
        self.assertEqual(len(note), 1, promise.display_name)
        self.assertNotIn("<img", note.body)
        self.assertIn("&lt;img", note.body)
        for user in (self.reader_zh, self.reader_en):
            body = self._body(user, note)
            self.assertNotIn("<img", body)
            self.assertIn("&lt;img src=x onerror=alert(1)&gt;", body)
        # a lost reason typed by the salesperson, in a note of ours: escaped too
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).action_new_round()
        new = order._crm_plus_round_siblings() - order
        new.with_user(self.salesman)._crm_plus_accept_round(lost_reason=EVIL)
        lost = order.message_ids.filtered(lambda m: "Lost" in (m.body or ""))
        self.assertEqual(len(lost), 1)
        body = self._body(self.reader_zh, lost)
        self.assertIn("丢失", body)
        self.assertNotIn("<img", body)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_a_salesperson_cannot_forge_a_note_over_rpc(self):
        order = self._make_order(lines=1, price=100.0)
        order.with_user(self.salesman).action_new_round()
        note = order.message_ids.filtered(lambda m: "Superseded" in (m.body or ""))
        self.assertEqual(note.author_id, self.salesman.partner_id, "his own note: he may write its body")
        data = note.sudo().crm_plus_body_data
        forged = chatter_note(self.env, lazy("Plan cancelled by %(user)s.", user="Mona Manager"))
        for call in (
            ("mail.message", "write", note.ids, {"crm_plus_body_data": forged}),
            ("mail.message", "read", note.ids, ["crm_plus_body_data"]),
            (
                "mail.message",
                "create",
                {"model": "sale.order", "res_id": order.id, "body": "x", "crm_plus_body_data": forged},
            ),
            ("sale.order", "message_post", order.ids),
        ):
            kwargs = {"body": "x", "crm_plus_body_data": forged} if call[1] == "message_post" else {}
            with self.subTest(call=call[:2]), self.assertRaises(Fault):
                self._call(self.salesman, *call, **kwargs)
        # the same calls without the field go through: the field is what is refused
        self._call(self.salesman, "sale.order", "message_post", order.ids, body="mine")
        self._call(self.salesman, "mail.message", "create", {"model": "sale.order", "res_id": order.id, "body": "x"})
        self._call(self.salesman, "mail.message", "read", note.ids, ["body"])
        note.invalidate_recordset()
        self.assertEqual(note.sudo().crm_plus_body_data, data)
        self.assertFalse(
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
            .filtered(lambda m: m.crm_plus_body_data and m.crm_plus_body_data != data)
        )
        # what he may do (write the body of his own message) replaces our text for every reader
        self._call(self.salesman, "mail.message", "write", note.ids, {"body": "<p>edited</p>"})
        note.invalidate_recordset()
        self.assertFalse(note.sudo().crm_plus_body_data)
        self.assertIn("edited", self._body(self.reader_zh, note))

    def test_references_read_as_the_reader(self):
        """A figure naming a record is read in the reader's language when he may read it, else shows the label
        it was posted with: the chatter never reads for him what he may not read."""
        order = self._make_order(lines=1, price=100.0)
        hidden = self._make_order(user=self.other_salesman, lines=1, price=100.0)
        hidden.name = "S-HIDDEN-1"
        note = order._crm_plus_message_post(
            chatter_note(self.env, Markup("<p>%s</p>"), lazy("Lost: %(reason)s", reason=Ref(hidden, "name")))
        )
        hidden.name = "S-HIDDEN-2"
        self.assertIn("S-HIDDEN-2", self._body(self.reader_en, note), "a manager reads it as it is now")
        body = self._body(self.salesman, note)
        self.assertIn("S-HIDDEN-1", body, "the salesperson may not read the other order: the label as posted")
        self.assertNotIn("S-HIDDEN-2", body)

    def test_fetching_a_thread_costs_the_same_whatever_the_number_of_notes(self):
        few, many = self._make_order(lines=1, price=100.0), self._make_order(lines=1, price=100.0)
        for order, count in ((few, 2), (many, 12)):
            for index in range(count):
                order._crm_plus_message_post(
                    chatter_note(
                        self.env, lazy("Round %(number)s, revised from %(previous)s.", number=index, previous="x")
                    )
                )
        reader = self.env["mail.message"].with_user(self.reader_zh).with_context(lang="zh_CN")
        # warm-up (caches of the registry), then the same number of queries for 2 notes and for 12
        Store().add(reader.search([("model", "=", "sale.order"), ("res_id", "=", few.id)])).get_result()
        counts = []
        for order in (few, many):
            messages = reader.search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            data = Store().add(messages).get_result()
            counts.append(self.env.cr.sql_log_count - before)
            bodies = [values["body"][1] for values in data["mail.message"] if "第" in str(values.get("body"))]
            self.assertEqual(len(bodies), len(messages.filtered(lambda m: "revised" in (m.body or ""))))
        self.assertEqual(counts[0], counts[1], "no query per message")

    def test_batch_notes_cost_the_same_whatever_the_batch(self):
        """Jobs note thousands of records at once: the data of the batch's notes is written in one UPDATE."""
        Partner = self.env["res.partner"]
        counts = []
        for size in (3, 3, 30):  # the first one warms the caches up
            partners = Partner.create([{"name": f"Batch {size} {index}"} for index in range(size)])
            notes = {
                partner.id: chatter_note(
                    self.env, Markup("<p>%s</p>"), lazy("Handed off to %(user)s.", user=f"User {index % 7}")
                )
                for index, partner in enumerate(partners)
            }
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            messages = partners._crm_plus_message_log_batch(notes)
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(messages), size)
        self.assertEqual(counts[1], counts[2], counts)
        self.env.invalidate_all()
        self.assertEqual(
            messages.sudo().mapped("crm_plus_body_data"), [notes[message.res_id] for message in messages.sudo()]
        )

    def test_hand_over_report_reads_in_the_readers_language(self):
        leaver = new_test_user(self.env, login="cp_leaver", name="Lee Leaver", groups="sales_team.group_sale_salesman")
        self.env["res.partner"].create({"name": "Leaver's customer", "user_id": leaver.id})
        wizard = (
            self.env["crm_plus.handover"]
            .with_user(self.sales_manager)
            .with_context(lang="en_US")
            .create({"from_user_id": leaver.id, "to_user_id": self.salesman.id})
        )
        wizard.action_apply()
        self.assertIn("Customers: 1", wizard.report, "the wizard's report in the manager's language")
        note = leaver.partner_id.message_ids.filtered(lambda m: "handed over" in (m.body or ""))
        self.assertEqual(len(note), 1)
        zh = self._body(self.reader_zh, note)
        for text in ("已将", "客户", "报价单"):
            self.assertIn(text, zh)
        self.assertNotIn("Customers", zh)
        self.assertIn("Customers: 1", self._body(self.reader_en, note))

    def test_pool_notes_read_in_the_readers_language(self):
        """The pool job's notes (written as copies of one row for the batch) and a claim's note read in Chinese for a
        Chinese reader, each with its own owner's name, and in English for an English one."""
        owners = self.salesman | self.approver
        customers = self.env["res.partner"].create(
            [{"name": f"Pool Reader {i}", "is_company": True, "user_id": owners[i % 2].id} for i in range(3)]
        )
        today = fields.Date.context_today(customers)
        customers.flush_recordset()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET crm_plus_owner_date = %s WHERE id IN %s", today - timedelta(40), customers._ids)
        )
        customers.invalidate_recordset()
        self.env["crm_plus.pool.rule"].create(
            {"name": "All", "days_without_followup": 30, "days_without_won": 0, "notice_days": 3}
        )
        Pool = self.env["crm_plus.pool"].with_context(lang="en_US")
        Pool._run(today=today)
        Pool._run(today=today + timedelta(days=3))
        for customer, owner in zip(customers, [owners[i % 2] for i in range(3)], strict=True):
            self.assertTrue(customer.crm_plus_in_pool)
            note = customer.message_ids.filtered(lambda m: "Returned to the customer pool" in (m.body or ""))
            self.assertEqual(len(note), 1)
            zh = self._body(self.reader_zh, note)
            self.assertIn("已退回公海", zh)
            self.assertIn(owner.name, zh)
            en = self._body(self.reader_en, note)
            self.assertIn("Returned to the customer pool", en)
            self.assertIn(owner.name, en)
        customers[0].with_user(self.salesman).with_context(lang="en_US").action_claim()
        claim = customers[0].message_ids.filtered(lambda m: "Claimed from the customer pool" in (m.body or ""))
        self.assertEqual(len(claim), 1)
        self.assertIn("已从公海领取", self._body(self.reader_zh, claim))
