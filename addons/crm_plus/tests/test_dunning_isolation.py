"""One bad record never stalls the dunning of everybody else (issue #13, class 4).

A communication whose email cannot be made, a reminder that cannot be sent, a statement that cannot be
rendered: that record is marked failed with its error and attempt count, shown under "Needs attention",
notified to the workflow administrator and retried by the next runs; every other customer is dunned and
every other mail sent, in the same run.
"""

import json
from contextlib import ExitStack
from unittest.mock import MagicMock
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools import mute_logger

from odoo.addons.crm_plus.models.crm_plus_dunning_attention_mixin import MAX_ATTEMPTS
from odoo.addons.crm_plus.models.crm_plus_dunning_reminder import CrmPlusDunningReminder
from odoo.addons.crm_plus.models.crm_plus_dunning_run import CrmPlusDunningRun

from .common import CrmPlusCommon
from .test_dunning import DunningFixtures

RUN_LOGGERS = (
    "odoo.addons.crm_plus.models.crm_plus_dunning_run",
    "odoo.addons.crm_plus.models.crm_plus_dunning_attention_mixin",
    "odoo.addons.mail.models.mail_render_mixin",
)


class DunningIsolationCommon(DunningFixtures, CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.Run = cls.env["crm_plus.dunning.run"]
        cls.Communication = cls.env["crm_plus.dunning.communication"]
        # a policy whose email cannot be rendered (a template referring to a field that does not exist)
        # (written in SQL, as an import or an upgrade can leave it: Odoo's save check renders the template
        # on some existing record, so a database that already holds communications would refuse it)
        cls.broken_template = cls.env.ref("crm_plus.mail_template_dunning").copy({"name": "Broken dunning"})
        cls.env.cr.execute(
            SQL(
                "UPDATE mail_template SET subject = %s WHERE id = %s",
                json.dumps({"en_US": "{{ object.no_such_field }}"}),
                cls.broken_template.id,
            )
        )
        cls.broken_template.invalidate_recordset(["subject"])
        cls.broken_policy = cls.env["crm_plus.dunning.policy"].create(
            {
                "name": "Broken policy",
                "level_ids": [
                    Command.create({"name": "B1", "days_overdue": 3, "mail_template_id": cls.broken_template.id})
                ],
            }
        )
        cls.good = cls.env["res.partner"]
        for index in range(4):
            customer = cls._customer(cls.env, f"Good Customer {index}", user=cls.salesman)
            cls._order(cls.env, customer, [10])
            cls.good |= customer
        cls.bad = cls._customer(cls.env, "Bad Customer", user=cls.salesman)
        cls.bad.crm_plus_dunning_policy_id = cls.broken_policy
        cls._order(cls.env, cls.bad, [10])
        cls.customers = cls.good | cls.bad

    def _smtp(self):
        """Let the mail queue 'send' (tests do not send mails): every mail is accepted."""
        Server = type(self.env["ir.mail_server"])
        stack = ExitStack()
        stack.enter_context(patch.object(Server, "_disable_send", lambda server: False))
        stack.enter_context(patch.object(Server, "_connect__", lambda server, *a, **kw: MagicMock()))
        stack.enter_context(patch.object(Server, "send_email", lambda server, message, *a, **kw: "<sent@test>"))
        return stack

    def _comms(self, partners):
        return self.Communication.search([("partner_id", "in", partners.ids)])

    def _admin_todos(self, records):
        return self.env["mail.activity"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids), ("summary", "ilike", "needs attention")]
        )


@tagged("post_install", "-at_install")
class TestDunningIsolation(DunningIsolationCommon):
    @mute_logger(*RUN_LOGGERS)
    def test_failed_email_isolated_marked_and_retried(self):
        stats = self.Run._run(partner_ids=self.customers.ids)
        good = self._comms(self.good)
        self.assertEqual(len(good), 4, "every other customer dunned in the same run")
        self.assertTrue(all(good.mapped("mail_id")), "their emails queued")
        self.assertEqual(set(good.mapped("state")), {"draft"})
        bad = self._comms(self.bad)
        self.assertEqual(len(bad), 1)
        self.assertEqual(
            (bad.state, bad.failure_stage, bad.retry_count, bad.needs_attention), ("failed", "dispatch", 1, True)
        )
        self.assertIn("no_such_field", bad.failure_reason)
        self.assertFalse(bad.mail_id)
        self.assertFalse(bad.dispatch_pending)
        self.assertEqual(
            self.bad.crm_plus_dunning_level_id, self.broken_policy.level_ids, "the level is set all the same"
        )
        self.assertEqual(stats["dispatched"], 5)
        # shown under "Needs attention", notified to the workflow administrator once
        self.assertEqual(
            self.Communication.search([("needs_attention", "=", True), ("partner_id", "in", self.customers.ids)]), bad
        )
        todo = self._admin_todos(bad)
        self.assertEqual(len(todo), 1)
        self.assertTrue(todo.user_id.has_group("crm_plus.crm_plus_group_admin"))
        # the next run tries again (and fails again: counted, no second to-do); the good ones are not sent twice
        mails = good.mapped("mail_id")
        self.Run._run(partner_ids=self.customers.ids)
        bad.invalidate_recordset()
        self.assertEqual((bad.state, bad.retry_count), ("failed", 2))
        self.assertEqual(len(self._admin_todos(bad)), 1)
        self.assertEqual(self._comms(self.good).mapped("mail_id"), mails)
        # fixed: the next run sends it
        self.broken_template.subject = "Overdue"
        self.Run._run(partner_ids=self.customers.ids)
        bad.invalidate_recordset()
        self.assertEqual((bad.state, bad.needs_attention, bad.failure_reason), ("draft", False, False))
        self.assertEqual(bad.mail_id.state, "outgoing")
        self.assertEqual(bad.retry_count, 2, "the attempts stay on record")
        self.assertEqual(len(self._comms(self.bad)), 1, "still one communication: exactly once")

    @mute_logger(*RUN_LOGGERS)
    def test_retries_stop_after_the_limit(self):
        for _attempt in range(MAX_ATTEMPTS + 2):
            self.Run._run(partner_ids=self.bad.ids)
        bad = self._comms(self.bad)
        self.assertEqual((bad.state, bad.retry_count), ("failed", MAX_ATTEMPTS))
        # finance asks for another attempt: the next run makes it
        self.broken_template.subject = "Overdue"
        bad.with_user(self.finance).action_retry()
        self.assertEqual((bad.state, bad.retry_count, bad.dispatch_pending), ("draft", 0, True))
        self.Run._run(partner_ids=self.bad.ids)
        self.assertTrue(bad.mail_id)

    @mute_logger(*RUN_LOGGERS)
    def test_manual_run_is_not_refused(self):
        wizard = (
            self.env["crm_plus.dunning.run.wizard"]
            .with_user(self.finance)
            .create({"partner_ids": [Command.set(self.customers.ids)]})
        )
        wizard.action_run()
        self.assertEqual(len(self._comms(self.good).filtered("mail_id")), 4)
        self.assertEqual(self._comms(self.bad).state, "failed")

    @mute_logger(*RUN_LOGGERS)
    def test_failed_reminder_isolated(self):
        orders = self.env["sale.order"]
        for customer in self.good[:3]:
            orders |= self._order(self.env, customer, [-2])
        bad_step = orders[1].plan_id.step_ids
        original = CrmPlusDunningReminder._notify

        def failing_notify(reminders):
            if bad_step in reminders.step_id:
                raise UserError("reminder cannot be sent")
            return original(reminders)

        with patch.object(CrmPlusDunningReminder, "_notify", failing_notify):
            self.Run._run(partner_ids=self.good.ids)
        reminders = self.env["crm_plus.dunning.reminder"].search([("step_id", "in", orders.plan_id.step_ids.ids)])
        self.assertEqual(len(reminders), 3)
        failed = reminders.filtered("needs_attention")
        self.assertEqual(failed.step_id, bad_step)
        self.assertEqual((failed.retry_count, failed.failure_reason), (1, "reminder cannot be sent"))
        self.assertFalse(failed.mail_id)
        self.assertTrue((reminders - failed).mapped("mail_id"), "the other reminders were sent")
        self.assertEqual(len(self._admin_todos(bad_step)), 1, "the administrator's to-do is on the step")
        # next run: sent
        self.Run._run(partner_ids=self.good.ids)
        failed.invalidate_recordset()
        self.assertFalse(failed.needs_attention)
        self.assertTrue(failed.mail_id)

    @mute_logger(*RUN_LOGGERS, "odoo.addons.mail.models.mail_mail")
    def test_statement_failure_does_not_stop_the_mail_batch(self):
        self.Run._run(partner_ids=self.good.ids)
        comms = self._comms(self.good)
        self.assertTrue(all(comms.mapped("statement_pending")))
        bad = comms[1]
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_pdf

        def failing_render(report_self, report_ref, res_ids=None, data=None):
            if res_ids and bad.id in res_ids:
                raise UserError("statement cannot be rendered")
            return original(report_self, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_render_qweb_pdf", failing_render), self._smtp():
            comms.mail_id.send(raise_exception=False)
        comms.invalidate_recordset()
        good = comms - bad
        self.assertEqual(
            set(good.mapped("state")),
            {"sent"},
            f"every other mail of the batch sent {good.mail_id.mapped('failure_reason')}",
        )
        self.assertTrue(all(mail.attachment_ids for mail in good.mail_id))
        self.assertEqual(
            (bad.state, bad.failure_stage, bad.retry_count, bad.needs_attention), ("failed", "statement", 1, True)
        )
        self.assertIn("statement cannot be rendered", bad.failure_reason)
        failed_mail = bad.mail_id
        self.assertEqual(failed_mail.state, "exception", "held back, not sent without its statement")
        self.assertEqual(len(self._admin_todos(bad)), 1)
        # the next run queues it again, with its statement
        self.Run._run(partner_ids=self.good.ids)
        bad.invalidate_recordset()
        self.assertEqual((bad.state, failed_mail.state), ("draft", "cancel"))
        self.assertNotEqual(bad.mail_id, failed_mail)
        with self._smtp():
            bad.mail_id.send(raise_exception=False)
        self.assertEqual((bad.state, bad.needs_attention), ("sent", False))
        self.assertTrue(bad.mail_id.attachment_ids)

    @mute_logger(*RUN_LOGGERS)
    def test_customer_that_cannot_be_written_is_left_out(self):
        """Communications of one customer that cannot be written: the batch goes on without him, once."""
        self.broken_template.subject = "Overdue"
        victim = self.good[2]
        original = CrmPlusDunningRun._dunning_write

        def failing_write(run_self, today, rows):
            if any(row["partner_id"] == victim.id for row in rows):
                raise UserError("cannot write this customer's dunning")
            return original(run_self, today, rows)

        with patch.object(CrmPlusDunningRun, "_dunning_write", failing_write):
            stats = self.Run._run(partner_ids=self.customers.ids, batch_size=100)
        self.assertEqual(stats["failed_customers"], 1)
        self.assertFalse(self._comms(victim))
        self.assertEqual(self._comms(self.customers - victim).partner_id, self.customers - victim)
        self.assertEqual(len(self._admin_todos(victim)), 1)
        # the next run dunns him, and only him
        before = self._comms(self.customers - victim)
        self.Run._run(partner_ids=self.customers.ids)
        self.assertTrue(self._comms(victim))
        self.assertEqual(self._comms(self.customers - victim), before)


@tagged("post_install", "-at_install")
class TestDunningIsolationOverXmlRpc(DunningIsolationCommon, HttpCase):
    """Class 4 the way a client takes it: finance runs dunning over XML-RPC while one customer's record is broken."""

    @mute_logger(*RUN_LOGGERS)
    def test_manual_run_over_rpc_is_not_refused(self):
        uid, login = self.finance.id, self.finance.login
        wizard_id = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            login,
            "crm_plus.dunning.run.wizard",
            "create",
            [{"partner_ids": [(6, 0, self.customers.ids)]}],
        )
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, "crm_plus.dunning.run.wizard", "action_run", [[wizard_id]]
        )
        self.assertEqual(len(self._comms(self.good).filtered("mail_id")), 4, "every good customer dunned")
        bad = self._comms(self.bad)
        self.assertEqual((bad.state, bad.needs_attention, bad.retry_count), ("failed", True, 1))
        self.assertTrue(bad.failure_reason)
