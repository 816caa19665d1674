# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo import api
from odoo import fields
from odoo.exceptions import AccessError
from odoo.orm.environments import Transaction
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import SQL
from odoo.tools import mute_logger

from odoo.addons.crm_plus.access import trusted_context
from odoo.addons.crm_plus.models.crm_plus_dunning_run import CrmPlusDunningRun

from .common import CrmPlusCommon


class DunningFixtures:
    """Builds policies, customers, orders and plans with overdue payment steps."""

    @classmethod
    def _dunning_setup(cls, env):
        cls.today = fields.Date.context_today(env["res.partner"])
        cls.payment_type = env["crm_plus.plan.action.type"].create(
            {
                "name": "Collect (dunning test)",
                "code": "DUN_TEST_PAY",
                "kind": "payment",
                "lead_days": 5,
                # prepayment requests: dunned on the step until an invoice covers it
                "collect_before_invoice": True,
            }
        )
        template = env.ref("crm_plus.mail_template_dunning")
        cls.escalation_user = env.ref("base.user_admin")
        cls.policy = env["crm_plus.dunning.policy"].create(
            {
                "name": "Test policy",
                "level_ids": [
                    Command.create(
                        {"name": "L1", "days_overdue": 3, "channel_email": True, "mail_template_id": template.id}
                    ),
                    Command.create(
                        {
                            "name": "L2",
                            "days_overdue": 15,
                            "channel_email": True,
                            "channel_phone": True,
                            "mail_template_id": template.id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "L3",
                            "days_overdue": 30,
                            "channel_email": True,
                            "channel_letter": True,
                            "channel_escalation": True,
                            "escalation_user_id": cls.escalation_user.id,
                            "credit_hold": True,
                            "mail_template_id": template.id,
                        }
                    ),
                ],
            }
        )
        cls.level1, cls.level2, cls.level3 = cls.policy.level_ids.sorted("days_overdue")
        cls.product = env["product.product"].create(
            {"name": "Dunning widget", "list_price": 100.0, "taxes_id": [Command.clear()], "type": "consu"}
        )

    @classmethod
    def _customer(cls, env, name, user=None, email=True, lang="en_US"):
        return env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.lower().replace(' ', '.')}@example.com" if email else False,
                "lang": lang,
                "user_id": user.id if user else False,
                "crm_plus_dunning_policy_id": cls.policy.id,
            }
        )

    @classmethod
    def _order(cls, env, partner, days_overdue_list, amount=100.0, user=None):
        """A draft order whose plan has one payment step per entry, due that many days ago (negative: ahead)."""
        user = user or partner.user_id or env.ref("base.user_admin")
        total = amount * len(days_overdue_list)
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "date_order": fields.Datetime.now() - timedelta(days=200),
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": total})
                ],
            }
        )
        env["crm_plus.plan"].create(
            {
                "order_id": order.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": f"Payment {index}",
                            "action_type_id": cls.payment_type.id,
                            "date_due": cls.today - timedelta(days=days),
                            "amount": amount,
                            "user_id": user.id,
                        }
                    )
                    for index, days in enumerate(days_overdue_list)
                ],
            }
        )
        return order


@tagged("post_install", "-at_install")
class TestDunning(DunningFixtures, CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls._dunning_setup(cls.env)
        cls.customer_en = cls._customer(cls.env, "Alpha Trading", user=cls.salesman)
        cls.customer_zh = cls._customer(cls.env, "Beta Shanghai", user=cls.salesman, lang="zh_CN")
        cls.customer_noemail = cls._customer(cls.env, "Gamma Nomail", user=cls.salesman, email=False)
        cls.customer_other = cls._customer(cls.env, "Delta Other", user=cls.sales_manager)
        cls.order_en = cls._order(cls.env, cls.customer_en, [5, 1])  # one step at level 1, one too recent
        cls.order_zh = cls._order(cls.env, cls.customer_zh, [5])
        cls.order_noemail = cls._order(cls.env, cls.customer_noemail, [4])
        cls.order_other = cls._order(cls.env, cls.customer_other, [40, 20], user=cls.sales_manager)
        cls.Run = cls.env["crm_plus.dunning.run"]
        cls.Communication = cls.env["crm_plus.dunning.communication"]
        cls.customers = cls.customer_en | cls.customer_zh | cls.customer_noemail | cls.customer_other

    def _run(self, **kwargs):
        kwargs.setdefault("partner_ids", self.customers.ids)
        return self.Run._run(**kwargs)

    def _keys(self, partners=None):
        lines = self.env["crm_plus.dunning.communication.line"].search(
            [("communication_id.partner_id", "in", (partners or self.customers).ids)]
        )
        return Counter((line.step_id.id, line.level_id.id, line.channel) for line in lines)

    def _comms(self, partner):
        return self.Communication.search([("partner_id", "=", partner.id)])

    # ----------------------------------------------------------- exactly once

    def test_run_creates_communications_and_is_exactly_once(self):
        stats = self._run()
        comm_en = self._comms(self.customer_en)
        self.assertEqual(len(comm_en), 1)
        self.assertEqual(comm_en.level_id, self.level1)
        self.assertEqual(comm_en.channel, "email")
        self.assertEqual(comm_en.state, "draft", "queued, not sent inside the run")
        self.assertEqual(len(comm_en.line_ids), 1, "the step overdue by 1 day has not reached a level yet")
        self.assertEqual(comm_en.amount_residual, 100.0)
        self.assertTrue(comm_en.mail_id)
        self.assertEqual(comm_en.mail_id.state, "outgoing")
        self.assertEqual(comm_en.mail_id.recipient_ids, self.customer_en)
        self.assertEqual(self.customer_en.crm_plus_dunning_level_id, self.level1)
        self.assertEqual(self.order_en.crm_plus_dunning_level_id, self.level1)
        keys = self._keys()
        self.assertTrue(keys)
        self.assertEqual(set(keys.values()), {1})
        self.assertEqual(sum(keys.values()), stats["items"])

        comm_count = self.Communication.search_count([("partner_id", "in", self.customers.ids)])
        mail_count = self.env["mail.mail"].search_count([("model", "=", "crm_plus.dunning.communication")])
        stats = self._run()
        self.assertEqual(stats["items"], 0)
        self.assertEqual(self.Communication.search_count([("partner_id", "in", self.customers.ids)]), comm_count)
        self.assertEqual(
            self.env["mail.mail"].search_count([("model", "=", "crm_plus.dunning.communication")]), mail_count
        )
        self.assertEqual(self._keys(), keys)

    def test_queued_mail_content(self):
        self._run()
        mail = self._comms(self.customer_en).mail_id
        self.assertEqual(
            (mail.model, mail.res_id), ("crm_plus.dunning.communication", self._comms(self.customer_en).id)
        )
        self.assertTrue(mail.email_from)
        self.assertIn(self.order_en.name, mail.body_html, "the overdue items are listed in the body")
        self.assertFalse(mail.auto_delete, "the dunning email is kept as history")

    def test_mail_body_compiled_once_per_batch(self):
        """The run compiles a template's body once per language for all its mails; bodies are Odoo's own."""
        customers = self.customer_en
        for index in range(3):
            customer = self._customer(self.env, f"Compile {index}", user=self.salesman)
            self._order(self.env, customer, [5])
            customers |= customer
        self.env["crm_plus.plan.step"]._cron_update_state()
        self._run(partner_ids=(customers | self.customer_zh).ids)
        comms = self.Communication.search([("partner_id", "in", (customers | self.customer_zh).ids)])
        self.assertEqual(len(comms), 5)
        template = self.level1.mail_template_id
        # each body as Odoo renders it alone, without the run's compile cache
        for comm in comms:
            alone = template._generate_template(comm.ids, ["body_html"])[comm.id]["body_html"]
            self.assertEqual(comm.mail_id.body_html, alone)
        compiled = []
        uncached = type(self.env["ir.qweb"])._generate_code_uncached

        def counting(qweb, tmpl):
            compiled.append(tmpl)
            return uncached(qweb, tmpl)

        def compiles(records):
            compiled.clear()
            with patch.object(type(self.env["ir.qweb"]), "_generate_code_uncached", counting):
                self.Run._render_mail_values(template, records.ids)
            return len(compiled)

        english = comms.filtered(lambda c: c.partner_id != self.customer_zh)
        self.assertEqual(compiles(english[:1]), compiles(english), "one compile for 1 or 4 mails")
        self.assertEqual(compiles(comms), compiles(english) + 1, "one more for the other language")
        compiled.clear()
        with patch.object(type(self.env["ir.qweb"]), "_generate_code_uncached", counting):
            template._generate_template(english.ids, ["body_html"])
        self.assertEqual(len(compiled), len(english), "without the run's cache, Odoo compiles per mail")

    def _batch_queries(self, partners):
        """Queries one batch runs for these customers (and the communications it made)."""
        self.env.flush_all()
        self.env.invalidate_all()
        queries = []
        execute = type(self.env.cr).execute

        def counting_execute(cr, query, params=None, log_exceptions=True):
            queries.append(query)
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", counting_execute):
            result = self.Run._dunning_batch(self.today, partners.ids)
            dispatched = self.Run._dispatch_chunk(2000)
            self.env.flush_all()
        self.assertTrue(dispatched)
        pending = self.Communication.search_count([("partner_id", "in", partners.ids), ("dispatch_pending", "=", True)])
        self.assertEqual(pending, 0, "every email, call and escalation made")
        return len(queries), result["communications"]

    def test_batch_queries_stay_flat(self):
        """Queries of a batch do not grow with its customers: mails are rendered and inserted in bulk."""
        customers = self.env["res.partner"]
        for index in range(10):
            customer = self._customer(self.env, f"Flat {index}", user=self.salesman)
            self._order(self.env, customer, [5, 16, 31])
            customers |= customer
        self.env["crm_plus.plan.step"]._cron_update_state()
        self._batch_queries(customers[:2])  # warms the caches (templates, views, parameters)
        queries_few, comms_few = self._batch_queries(customers[2:4])
        queries_many, comms_many = self._batch_queries(customers[4:])
        self.assertEqual(comms_many, 3 * comms_few)
        self.assertLessEqual(queries_many, queries_few, f"{queries_few} queries for 2 customers, {queries_many} for 6")
        self.assertLessEqual(queries_few, 46)  # one of them reads the customers' open credit notes

    def test_crash_after_some_batches_then_rerun(self):
        """A batch that dies rolls back alone; the rerun sends exactly what was missing."""
        expected = self.Run.with_context()._preview(partner_ids=self.customers.ids)
        expected_steps = sum(row["step_count"] for row in expected)
        calls = {"n": 0}
        original = CrmPlusDunningRun._dunning_batch

        def crashing_batch(run_self, today, partner_ids, *args):
            calls["n"] += 1
            result = original(run_self, today, partner_ids, *args)
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return result

        # not assertRaises: it would roll the whole block back, and the point is what survives the crash
        crashed = False
        with patch.object(CrmPlusDunningRun, "_dunning_batch", crashing_batch):
            try:
                self._run(batch_size=1)
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        after_crash = self._keys()
        self.assertTrue(after_crash, "the first batch was kept")
        self.assertEqual(set(after_crash.values()), {1})
        self.assertLess(len({step for step, _level, _channel in after_crash}), expected_steps)

        self._run(batch_size=1)
        keys = self._keys()
        self.assertEqual(set(keys.values()), {1}, "no key sent twice")
        self.assertEqual(len({step for step, _level, _channel in keys}), expected_steps, "no step lost")
        for partner in self.customers:
            per_channel = Counter((c.level_id, c.channel) for c in self._comms(partner))
            self.assertEqual(set(per_channel.values()), {1}, "one communication per customer, level and channel")

    def test_unique_key_in_database(self):
        self._run()
        line = self._comms(self.customer_en).line_ids
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation), self.cr.savepoint():
            self.env.cr.execute(
                SQL(
                    """INSERT INTO crm_plus_dunning_communication_line (communication_id, step_id, level_id, channel)
                       VALUES (%s, %s, %s, %s)""",
                    line.communication_id.id,
                    line.step_id.id,
                    line.level_id.id,
                    line.channel,
                )
            )

    # ------------------------------------------------------------- payments

    def test_paid_customer_gets_nothing(self):
        trusted_context(self.order_zh.plan_id.step_ids, crm_plus_plan_tracking=True).write({"amount_done": 100.0})
        self._run()
        self.assertFalse(self._comms(self.customer_zh))
        self.assertFalse(self.customer_zh.crm_plus_dunning_level_id)

    def test_paid_in_between_gets_nothing(self):
        """Payment recorded after the run planned its batches but before the batch: re-checked under lock."""
        original = CrmPlusDunningRun._plan_batches
        order_zh = self.order_zh

        def plan_then_pay(run_self, today, batch_size, partner_ids=None, *args):
            batches = original(run_self, today, batch_size, partner_ids, *args)
            trusted_context(order_zh.plan_id.step_ids, crm_plus_plan_tracking=True).write({"amount_done": 100.0})
            order_zh.env.flush_all()
            return batches

        with patch.object(CrmPlusDunningRun, "_plan_batches", plan_then_pay):
            self._run()
        self.assertFalse(self._comms(self.customer_zh))
        self.assertTrue(self._comms(self.customer_en))

    def test_level_drops_when_paid(self):
        self._run()
        self.assertEqual(self.customer_other.crm_plus_dunning_level_id, self.level3)
        self.assertTrue(self.customer_other.crm_plus_credit_hold)
        trusted_context(self.order_other.plan_id.step_ids, crm_plus_plan_tracking=True).write({"amount_done": 100.0})
        self._run()
        self.assertFalse(self.customer_other.crm_plus_dunning_level_id)
        self.assertFalse(self.customer_other.crm_plus_credit_hold)

    def test_policy_of_the_customer_category(self):
        """Customer's own policy, else its category's, else the company default."""
        fast = self.policy.copy({"name": "Fast policy", "company_default": False})
        fast.level_ids.unlink()
        fast.write({"level_ids": [Command.create({"name": "F1", "days_overdue": 1, "channel_phone": True})]})
        category = self.env["crm_plus.customer.category"].create(
            {"name": "Fast payers", "code": "fast", "crm_plus_dunning_policy_id": fast.id}
        )
        customer = self._customer(self.env, "Epsilon Fast", user=self.salesman)
        customer.write({"crm_plus_dunning_policy_id": False, "crm_plus_category_id": category.id})
        self._order(self.env, customer, [2])
        self._run(partner_ids=customer.ids)
        self.assertEqual(customer.crm_plus_dunning_level_id, fast.level_ids, "2 days overdue: the category's level")
        customer.crm_plus_dunning_policy_id = self.policy
        self._run(partner_ids=customer.ids)
        self.assertFalse(customer.crm_plus_dunning_level_id, "the customer's own policy wins: nothing before 3 days")

    def test_credit_hold_needs_approval(self):
        # only our rule: other rules (amount, margin...) would hold these orders for their own reasons
        self.env["crm_plus.approval.rule"].search([]).active = False
        rule = self.env["crm_plus.approval.rule"].create({"name": "Dunning hold", "rule_type": "dunning_level"})
        new_order = self._order(self.env, self.customer_other, [0], user=self.sales_manager)
        self.assertFalse(self.env["crm_plus.approval.rule"]._crm_plus_evaluate(new_order))
        self._run()
        reasons = self.env["crm_plus.approval.rule"]._crm_plus_evaluate(new_order)
        self.assertEqual(reasons[new_order.id][0][0], rule)
        self.assertIn(self.level3.name, reasons[new_order.id][0][1])
        en_order = self._order(self.env, self.customer_en, [0])
        self.assertFalse(self.env["crm_plus.approval.rule"]._crm_plus_evaluate(en_order), "level 1 holds no credit")

    # --------------------------------------------------------------- channels

    def test_channels_per_level(self):
        self._run()
        comms = self._comms(self.customer_other)
        self.assertEqual(comms.level_id, self.level3, "the customer is dunned at its highest level")
        self.assertEqual(sorted(comms.mapped("channel")), ["email", "escalation", "letter"])
        for comm in comms:
            self.assertEqual(len(comm.line_ids), 2, "all overdue items, the 20-day one included")
        escalation = comms.filtered(lambda c: c.channel == "escalation")
        self.assertEqual(escalation.state, "sent")
        self.assertEqual(escalation.activity_ids.user_id, self.escalation_user)
        letter = comms.filtered(lambda c: c.channel == "letter")
        self.assertEqual(letter.state, "draft")
        self.assertFalse(letter.mail_id)
        report = self.env["ir.actions.report"]._render_qweb_html("crm_plus.action_report_dunning_letter", letter.ids)[0]
        self.assertIn(self.order_other.name, report.decode())
        letter.action_print()
        self.assertEqual(letter.state, "sent")

    def test_level2_phone_call(self):
        order = self._order(self.env, self.customer_en, [16])
        self._run()
        comms = self._comms(self.customer_en)
        self.assertEqual(comms.level_id, self.level2)
        phone = comms.filtered(lambda c: c.channel == "phone")
        self.assertEqual(phone.activity_ids.user_id, self.salesman)
        self.assertEqual(phone.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(order.plan_id.step_ids, phone.line_ids.step_id)

    def test_customer_without_email_gets_letter_and_call(self):
        self._run()
        comm = self._comms(self.customer_noemail)
        self.assertEqual(comm.channel, "letter")
        self.assertTrue(comm.missing_email)
        self.assertFalse(comm.mail_id)
        self.assertEqual(comm.line_ids.channel, "email", "the email key is fulfilled by the letter")
        self.assertEqual(comm.activity_ids.user_id, self.salesman)
        self.assertEqual(comm.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_call"))

    # ------------------------------------------------------------ templates

    def test_template_language_by_customer(self):
        self._run()
        mail_zh = self._comms(self.customer_zh).mail_id
        mail_en = self._comms(self.customer_en).mail_id
        self.assertIn("逾期", mail_zh.subject)
        self.assertIn("尊敬的", mail_zh.body_html)
        self.assertIn("overdue", mail_en.subject)
        self.assertIn("Dear", mail_en.body_html)
        self.assertNotIn("尊敬的", mail_en.body_html)
        # the run queues the mail without rendering the PDF; the mail queue attaches it when sending
        comm_en = self._comms(self.customer_en)
        self.assertFalse(mail_en.attachment_ids)
        self.assertTrue(comm_en.statement_pending)
        # the queue renders and sends in chunks (here one mail each)
        with patch("odoo.addons.crm_plus.models.crm_plus_dunning_statement.STATEMENT_CHUNK", 1):
            (mail_en | mail_zh).send(raise_exception=False)
        self.assertEqual(len(mail_en.attachment_ids), 1, "the statement is attached")
        self.assertEqual(len(mail_zh.attachment_ids), 1)
        self.assertIn("Alpha Trading", mail_en.attachment_ids.name)
        self.assertIn("Alpha Trading", mail_en.attachment_ids.raw.decode())
        self.assertIn("逾期款项对账单", mail_zh.attachment_ids.raw.decode())
        self.assertFalse(comm_en.statement_pending)
        mail_en.write({"state": "outgoing"})
        mail_en.send(raise_exception=False)
        self.assertEqual(len(mail_en.attachment_ids), 1, "attached once")
        statement = self.env["ir.actions.report"]._render_qweb_html(
            "crm_plus.action_report_dunning_statement", self._comms(self.customer_zh).ids
        )[0]
        self.assertIn("逾期款项对账单", statement.decode())

    # --------------------------------------------------------- mail outcome

    def test_mail_failure_and_bounce_mark_failed(self):
        self._run()
        comm_en = self._comms(self.customer_en)
        comm_zh = self._comms(self.customer_zh)
        comm_en.mail_id._postprocess_sent_message(
            success_pids=self.env["res.partner"],
            success_emails=[],
            failure_reason="SMTP down",
            failure_type="mail_smtp",
        )
        self.assertEqual(comm_en.state, "failed")
        self.assertEqual(comm_en.failure_reason, "SMTP down")
        comm_zh.mail_id._postprocess_sent_message(success_pids=self.customer_zh, success_emails=[])
        self.assertEqual(comm_zh.state, "sent")
        comm_zh._message_receive_bounce(self.customer_zh.email, self.customer_zh)
        self.assertEqual(comm_zh.state, "failed")
        # queue again once fixed
        comm_en.action_retry()
        self.assertEqual(comm_en.state, "draft")
        self.assertEqual(comm_en.mail_id.state, "outgoing")

    def test_real_send_failure_marks_failed(self):
        """Through the mail queue: a delivery exception marks the communication failed."""
        self._run()
        comm = self._comms(self.customer_en)
        with (
            patch.object(type(self.env["ir.mail_server"]), "_connect__", side_effect=OSError("connection refused")),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            comm.mail_id.send(raise_exception=False)
        self.assertEqual(comm.state, "failed")

    # --------------------------------------------------------------- reminders

    def test_reminder_before_due_once(self):
        order = self._order(self.env, self.customer_en, [-3])  # due in 3 days, lead time 5
        step = order.plan_id.step_ids
        self._run()
        reminder = self.env["crm_plus.dunning.reminder"].search([("step_id", "=", step.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.salesman)
        self.assertTrue(reminder.mail_id)
        self.assertIn(order.name, reminder.mail_id.subject)
        self.assertEqual(reminder.mail_id.recipient_ids, self.salesman.partner_id)
        self.assertEqual((reminder.mail_id.model, reminder.mail_id.res_id), (reminder._name, reminder.id))
        self.assertTrue(step.activity_ids.filtered(lambda a: a.user_id == self.salesman))
        self._run()
        self.assertEqual(self.env["crm_plus.dunning.reminder"].search_count([("step_id", "=", step.id)]), 1)

    def test_to_dos_in_the_responsibles_language(self):
        """The job runs in English; a Chinese salesperson reads his reminder and phone call in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.salesman.lang = "zh_CN"
        soon = self._order(self.env, self.customer_en, [-3])
        self._order(self.env, self.customer_en, [16])  # level 2: a phone call
        # the step's own to-do done: the reminder schedules one again
        soon.plan_id.step_ids.activity_ids.unlink()
        self.env.flush_all()
        self._run()
        reminder_todo = soon.plan_id.step_ids.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(reminder_todo.summary, "收款")
        self.assertIn(f"{soon.name} 的", str(reminder_todo.note))
        phone = self._comms(self.customer_en).filtered(lambda c: c.channel == "phone")
        self.assertEqual(phone.activity_ids.summary, "致电客户催收逾期款项")

    def test_reminder_policy_lead_time(self):
        order = self._order(self.env, self.customer_en, [-8])  # beyond the action type's 5 days
        self._run()
        self.assertFalse(self.env["crm_plus.dunning.reminder"].search([("step_id", "in", order.plan_id.step_ids.ids)]))
        self.policy.reminder_days = 10
        self._run()
        self.assertTrue(self.env["crm_plus.dunning.reminder"].search([("step_id", "in", order.plan_id.step_ids.ids)]))

    # ------------------------------------------------------------------ roles

    def test_finance_runs_with_preview(self):
        wizard = (
            self.env["crm_plus.dunning.run.wizard"]
            .with_user(self.finance)
            .create({"partner_ids": [Command.set(self.customers.ids)]})
        )
        previewed = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(set(previewed), set(self.customers))
        self.assertTrue(previewed[self.customer_noemail].missing_email)
        self.assertEqual(previewed[self.customer_other].level_id, self.level3)
        self.assertEqual(previewed[self.customer_other].step_count, 2)
        self.assertFalse(
            self.Communication.search([("partner_id", "in", self.customers.ids)]), "a preview sends nothing"
        )
        wizard.action_run()
        self.assertTrue(self._comms(self.customer_other))

    def test_salesman_cannot_run(self):
        with self.assertRaises(AccessError):
            self.env["crm_plus.dunning.run.wizard"].with_user(self.salesman).create({})
        with self.assertRaises(AccessError):
            self.env["crm_plus.dunning.policy"].with_user(self.salesman).create({"name": "Mine"})

    def test_salesman_sees_own_customers_only(self):
        self._run()
        visible = self.Communication.with_user(self.salesman).search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(visible.partner_id, self.customer_en | self.customer_zh | self.customer_noemail)
        other = self._comms(self.customer_other)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            self._comms(self.customer_en).with_user(self.salesman).write({"state": "cancelled"})
        self.assertEqual(
            self.Communication.with_user(self.sales_manager).search_count([("partner_id", "in", self.customers.ids)]),
            self.Communication.search_count([("partner_id", "in", self.customers.ids)]),
        )
        self._comms(self.customer_en).with_user(self.finance).action_cancel()
        with self.assertRaises(AccessError):
            self.Communication.with_user(self.portal).search([])


@tagged("post_install", "-at_install")
class TestDunningConcurrency(DunningFixtures, TransactionCase):
    """Committed data in separate cursors: two workers at once, and a crash between commits."""

    CUSTOMERS = 12
    STEPS = 3

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            self._dunning_setup(env)
            partners = env["res.partner"]
            for index in range(self.CUSTOMERS):
                partner = self._customer(env, f"Concurrent {index}")
                self._order(env, partner, [10 + i for i in range(self.STEPS)])
                partners |= partner
            self.partner_ids = partners.ids
            self.policy_id, self.product_id, self.type_id = self.policy.id, self.product.id, self.payment_type.id
            cr.commit()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            partners = tuple(self.partner_ids)
            cr.execute(SQL("SELECT id FROM crm_plus_dunning_communication WHERE partner_id IN %s", partners))
            comm_ids = tuple(r[0] for r in cr.fetchall()) or (0,)
            cr.execute(
                SQL(
                    "DELETE FROM mail_activity WHERE res_model = 'crm_plus.dunning.communication' AND res_id IN %s",
                    comm_ids,
                )
            )
            cr.execute(
                SQL(
                    "DELETE FROM mail_message WHERE model = 'crm_plus.dunning.communication' AND res_id IN %s", comm_ids
                )
            )
            cr.execute(SQL("DELETE FROM crm_plus_dunning_communication WHERE id IN %s", comm_ids))
            cr.execute(SQL("SELECT id FROM sale_order WHERE partner_id IN %s", partners))
            order_ids = tuple(r[0] for r in cr.fetchall()) or (0,)
            cr.execute(SQL("SELECT id FROM crm_plus_plan_step WHERE order_id IN %s", order_ids))
            step_ids = tuple(r[0] for r in cr.fetchall()) or (0,)
            cr.execute(
                SQL("DELETE FROM mail_activity WHERE res_model = 'crm_plus.plan.step' AND res_id IN %s", step_ids)
            )
            cr.execute(SQL("DELETE FROM crm_plus_dunning_reminder WHERE step_id IN %s", step_ids))
            cr.execute(SQL("DELETE FROM crm_plus_plan WHERE order_id IN %s", order_ids))
            cr.execute(SQL("DELETE FROM sale_order WHERE id IN %s", order_ids))
            cr.execute(SQL("DELETE FROM crm_plus_plan_action_type WHERE id = %s", self.type_id))
            cr.execute(
                SQL(
                    "UPDATE res_partner SET crm_plus_dunning_level_id = NULL, crm_plus_dunning_policy_id = NULL"
                    " WHERE id IN %s",
                    partners,
                )
            )
            cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", partners))
            cr.execute(SQL("DELETE FROM crm_plus_dunning_policy WHERE id = %s", self.policy_id))
            cr.execute(
                SQL(
                    "DELETE FROM product_template"
                    " WHERE id IN (SELECT product_tmpl_id FROM product_product WHERE id = %s)",
                    self.product_id,
                )
            )

    def _committed_keys(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """SELECT k.step_id, k.level_id, k.channel, count(*)
                         FROM crm_plus_dunning_communication_line k
                         JOIN crm_plus_dunning_communication c ON c.id = k.communication_id
                        WHERE c.partner_id IN %s GROUP BY 1, 2, 3""",
                    tuple(self.partner_ids),
                )
            )
            rows = cr.fetchall()
            cr.execute(
                SQL(
                    """SELECT partner_id, level_id, channel, count(*) FROM crm_plus_dunning_communication
                        WHERE partner_id IN %s GROUP BY 1, 2, 3""",
                    tuple(self.partner_ids),
                )
            )
            comms = cr.fetchall()
            cr.execute(
                SQL(
                    """SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
                         JOIN crm_plus_dunning_communication c
                           ON msg.model = 'crm_plus.dunning.communication' AND msg.res_id = c.id
                        WHERE c.partner_id IN %s""",
                    tuple(self.partner_ids),
                )
            )
            mails = cr.fetchone()[0]
        return {(s, lv, ch): n for s, lv, ch, n in rows}, comms, mails

    def _worker(self, results, name, barrier=None, batch_size=4):
        try:
            with self.registry.cursor() as cr:
                # the test thread holds the Registry lock: give the worker's cursor this registry directly
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                if barrier:
                    barrier.wait(timeout=30)
                results[name] = env["crm_plus.dunning.run"]._run(
                    batch_size=batch_size, commit=True, partner_ids=self.partner_ids
                )
        except Exception as error:
            results[name] = error

    def test_two_workers_at_once(self):
        results = {}
        original = CrmPlusDunningRun._dunning_batch

        def slow_batch(run_self, today, partner_ids, *args):
            result = original(run_self, today, partner_ids, *args)
            time.sleep(0.2)  # hold the batch's locks long enough for the other worker to meet them
            return result

        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=self._worker, args=(results, name, barrier)) for name in ("a", "b")]
        # a conflict between the workers is possible (logged by sql_db, the batch retried): keep the log clean
        with (
            mute_logger("odoo.addons.crm_plus.models.crm_plus_dunning_run", "odoo.sql_db"),
            patch.object(CrmPlusDunningRun, "_dunning_batch", slow_batch),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        for name in ("a", "b"):
            self.assertNotIsInstance(results.get(name), Exception, results.get(name))
        keys, comms, mails = self._committed_keys()
        self.assertEqual(len(keys), self.CUSTOMERS * self.STEPS, "every key sent")
        self.assertEqual(set(keys.values()), {1}, "no key sent twice")
        self.assertEqual({n for *_key, n in comms}, {1}, "one communication per customer, level, channel")
        self.assertEqual(len(comms), self.CUSTOMERS)
        self.assertEqual(mails, self.CUSTOMERS, "one queued mail per customer")
        self.assertEqual(results["a"]["items"] + results["b"]["items"], self.CUSTOMERS * self.STEPS)
        self.assertTrue(results["a"]["items"] and results["b"]["items"], "both workers did part of the work")
        self.assertTrue(results["a"]["locked_out"] + results["b"]["locked_out"], "the workers met on locked rows")

    def _dispatch_worker(self, results, name, start=None):
        try:
            if start:
                start.wait(timeout=30)
            with self.registry.cursor() as cr:
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                results[name] = env["crm_plus.dunning.run"]._cron_dispatch()
        except Exception as error:
            results[name] = error

    def test_dispatch_worker_beside_the_run(self):
        """The run wakes the dispatch job; a second worker mails committed batches while the run goes on."""
        cron = self.env.ref("crm_plus.ir_cron_dunning_dispatch")
        self.addCleanup(self._remove_triggers, cron.id)
        self._remove_triggers(cron.id)
        original = CrmPlusDunningRun._dunning_batch
        started = threading.Event()

        def slow_batch(run_self, today, partner_ids, *args):
            started.set()
            result = original(run_self, today, partner_ids, *args)
            time.sleep(0.3)  # the run writes its batches slowly: the worker mails the committed ones meanwhile
            return result

        results = {}
        helper = threading.Thread(target=self._dispatch_worker, args=(results, "helper", started))
        with (
            patch.object(CrmPlusDunningRun, "_dunning_batch", slow_batch),
            # full chunks of a few communications, so that the worker takes some while the run writes
            patch("odoo.addons.crm_plus.models.crm_plus_dunning_run.DISPATCH_CHUNK", 3),
            patch("odoo.addons.crm_plus.models.crm_plus_dunning_run.DISPATCH_POLL_S", 0.05),
        ):
            helper.start()
            self._worker(results, "run")
            helper.join(timeout=60)
        self.assertFalse(helper.is_alive(), "the worker stops once the run is over and nothing is left")
        for name in ("run", "helper"):
            self.assertNotIsInstance(results.get(name), Exception, results.get(name))
        keys, comms, mails = self._committed_keys()
        self.assertEqual(len(keys), self.CUSTOMERS * self.STEPS)
        self.assertEqual(set(keys.values()), {1}, "no key sent twice")
        self.assertEqual(mails, self.CUSTOMERS, "one mail per customer, made by one worker or the other")
        self.assertEqual(results["run"]["dispatched"] + results["helper"]["dispatched"], self.CUSTOMERS)
        self.assertTrue(results["helper"]["dispatched"], "the worker mailed batches while the run went on")
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", cron.id))
            self.assertEqual(cr.fetchone()[0], 1, "the run woke the dispatch job")
        # nothing going on: the job has nothing to wait for
        t0 = time.monotonic()
        self._dispatch_worker(results, "idle")
        self.assertEqual(results["idle"]["dispatched"], 0)
        self.assertLess(time.monotonic() - t0, 5)

    def _remove_triggers(self, cron_id):
        with self.registry.cursor() as cr:
            cr.execute(SQL("DELETE FROM ir_cron_trigger WHERE cron_id = %s", cron_id))

    def test_crash_before_dispatch_then_rerun(self):
        """Communications committed by their batches but not dispatched yet are mailed by the next run, once."""
        original = CrmPlusDunningRun._dispatch_chunk
        calls = {"n": 0}

        def crashing_dispatch(run_self, *args):
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("worker killed")
            return original(run_self, *args)

        results = {}
        with patch.object(CrmPlusDunningRun, "_dispatch_chunk", crashing_dispatch):
            self._worker(results, "crash")
        self.assertIsInstance(results["crash"], RuntimeError)
        keys, comms, mails = self._committed_keys()
        self.assertEqual(len(keys), self.CUSTOMERS * self.STEPS, "every batch committed its keys")
        self.assertEqual((len(comms), mails), (self.CUSTOMERS, 0), "no mail queued yet")
        self._worker(results, "rerun")
        self.assertNotIsInstance(results["rerun"], Exception, results["rerun"])
        self.assertEqual(results["rerun"]["items"], 0, "no key sent again")
        self.assertEqual(results["rerun"]["dispatched"], self.CUSTOMERS)
        keys, comms, mails = self._committed_keys()
        self.assertEqual(set(keys.values()), {1})
        self.assertEqual(mails, self.CUSTOMERS, "each communication mailed once")
        self._worker(results, "again")
        self.assertEqual(self._committed_keys()[2], self.CUSTOMERS, "a third run mails nothing")

    def test_crash_between_commits_then_rerun(self):
        original = CrmPlusDunningRun._dunning_batch
        calls = {"n": 0}

        def crashing_batch(run_self, today, partner_ids, *args):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("worker killed")
            return original(run_self, today, partner_ids, *args)

        results = {}
        with patch.object(CrmPlusDunningRun, "_dunning_batch", crashing_batch):
            self._worker(results, "crash")
        self.assertIsInstance(results["crash"], RuntimeError)
        keys, _comms, _mails = self._committed_keys()
        self.assertEqual(len(keys), 2 * self.STEPS, "two committed batches survive the crash")
        self._worker(results, "rerun")
        self.assertNotIsInstance(results["rerun"], Exception, results["rerun"])
        keys, comms, mails = self._committed_keys()
        self.assertEqual(len(keys), self.CUSTOMERS * self.STEPS, "nothing lost")
        self.assertEqual(set(keys.values()), {1}, "nothing sent twice")
        self.assertEqual(len(comms), self.CUSTOMERS)
        self.assertEqual(mails, self.CUSTOMERS)
