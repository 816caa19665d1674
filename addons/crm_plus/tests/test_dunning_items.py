# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dunning items are what customers really owe: invoices' receivable lines and uninvoiced prepayments."""

import importlib.util
import io
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from psycopg2.errors import CheckViolation
from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from odoo.addons.crm_plus.access import trusted_context

from .common import CrmPlusCommon
from .test_dunning import DunningFixtures


def _receivable(moves):
    return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")


@tagged("post_install", "-at_install")
class TestDunningItems(DunningFixtures, CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.Run = cls.env["crm_plus.dunning.run"]
        cls.Line = cls.env["crm_plus.dunning.communication.line"]
        cls.delivery_type = cls.env.ref("crm_plus.crm_plus_plan_action_type_delivery")
        cls.installment_type = cls.env.ref("crm_plus.crm_plus_plan_action_type_payment")

    @classmethod
    def _invoice(cls, partner, amount, days_overdue, order=None, move_type="out_invoice", user=None):
        """A posted customer invoice (or credit note) due ``days_overdue`` days ago, linked to ``order``'s lines."""
        line = {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
        if order:
            line["sale_line_ids"] = [Command.set(order.order_line.ids)]
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": cls.today - timedelta(days=days_overdue + 5),
                "invoice_date_due": cls.today - timedelta(days=days_overdue),
                "invoice_line_ids": [Command.create(line)],
                **({"invoice_user_id": user.id} if user else {}),
            }
        )
        move.action_post()
        return move

    def _pay(self, invoice, amount):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": self.today})
        )
        return wizard._create_payments()

    def _items(self, partner):
        return self.Line.search([("communication_id.partner_id", "=", partner.id)])

    def _email_items(self, partner):
        return self._items(partner).filtered(lambda line: line.channel == "email")

    # ---------------------------------------------------------------- selection

    def test_invoice_only_customer_is_dunned_on_the_receivable_line(self):
        customer = self._customer(self.env, "Invoice Only")
        invoice = self._invoice(customer, 300.0, 5)
        self.Run._run(partner_ids=customer.ids)
        items = self._email_items(customer)
        self.assertEqual(items.move_line_id, _receivable(invoice))
        self.assertFalse(items.step_id)
        self.assertEqual((items.move_id, items.name, items.amount_residual), (invoice, invoice.name, 300.0))
        self.assertEqual(customer.crm_plus_dunning_level_id, self.level1)
        # exactly once: a second run sends nothing more
        self.assertEqual(self.Run._run(partner_ids=customer.ids)["items"], 0)

    def test_invoice_covering_a_step_is_the_item(self):
        """Two prepayment requests of 100; an invoice of 100 covers the first: never the same money twice."""
        customer = self._customer(self.env, "Covered Steps")
        order = self._order(self.env, customer, [10, 8])
        first, second = order.plan_id.step_ids.sorted("date_due")
        self.assertEqual(self.Run._overdue_totals(partner_ids=customer.ids), {customer.id: 200.0})
        invoice = self._invoice(customer, 100.0, 4, order=order)
        self.assertEqual(self.Run._overdue_totals(partner_ids=customer.ids), {customer.id: 200.0})
        self.Run._run(partner_ids=customer.ids)
        items = self._email_items(customer)
        self.assertEqual(items.move_line_id, _receivable(invoice))
        self.assertEqual(items.step_id, second, "the invoice covers the first (earliest) step")
        self.assertNotIn(first, items.step_id)
        self.assertEqual(sum(items.mapped("amount_residual")), 200.0)
        # installments collected through their invoice (not "collect before invoicing") are never dunned
        order2 = self._order(self.env, customer, [30])
        order2.plan_id.step_ids.action_type_id = self.installment_type
        self.assertEqual(self.Run._overdue_totals(partner_ids=customer.ids), {customer.id: 200.0})

    def test_partial_payment_and_credit_note_lower_the_residual(self):
        customer = self._customer(self.env, "Partly Paid")
        invoice = self._invoice(customer, 300.0, 5)
        self._pay(invoice, 100.0)
        refund = self._invoice(customer, 50.0, 0, move_type="out_refund")
        _receivable(invoice | refund).reconcile()
        self.assertEqual(invoice.amount_residual, 150.0)
        self.Run._run(partner_ids=customer.ids)
        communication = self._email_items(customer).communication_id
        self.assertEqual(communication.amount_residual, 150.0)
        self.assertEqual(self._email_items(customer).move_line_id, _receivable(invoice))
        # fully paid: nothing more, and the level drops
        self._pay(invoice, 150.0)
        self.assertEqual(self.Run._run(partner_ids=customer.ids)["items"], 0)
        self.assertFalse(customer.crm_plus_dunning_level_id)

    def test_delivery_triggered_step_waits_for_the_delivery(self):
        customer = self._customer(self.env, "Waiting Goods")
        order = self._order(self.env, customer, [10])
        step = order.plan_id.step_ids
        trusted_context(step, crm_plus_plan_tracking=True).write({"trigger": "delivery"})
        delivery = self.env["crm_plus.plan.step"].create(
            {
                "plan_id": order.plan_id.id,
                "action_type_id": self.delivery_type.id,
                "date_due": self.today - timedelta(days=20),
                "amount": 1,
            }
        )
        self.assertEqual(self.Run._run(partner_ids=customer.ids)["items"], 0, "not due before the delivery")
        aging = self.env["crm_plus.report.aging"].search([("step_id", "=", step.id)])
        self.assertEqual((aging.days_overdue, aging.amount_residual), (0, 100.0), "owed, but not overdue")
        trusted_context(delivery, crm_plus_plan_tracking=True).write({"amount_done": 1})
        self.Run._run(partner_ids=customer.ids)
        self.assertEqual(self._email_items(customer).step_id, step)

    def test_aging_and_dunning_agree_per_customer(self):
        """The overdue total of the aging report is what the dunning run works from, customer by customer."""
        only_invoice = self._customer(self.env, "Agree Invoice")
        self._invoice(only_invoice, 300.0, 40)
        self._invoice(only_invoice, 70.0, -5)  # not due yet: in neither overdue total
        covered = self._customer(self.env, "Agree Covered")
        order = self._order(self.env, covered, [10, 8])
        self._invoice(covered, 100.0, 4, order=order)
        partly = self._customer(self.env, "Agree Partly")
        invoice = self._invoice(partly, 500.0, 20)
        self._pay(invoice, 125.0)
        refund = self._invoice(partly, 75.0, 0, move_type="out_refund")
        _receivable(invoice | refund).reconcile()
        prepaid = self._customer(self.env, "Agree Prepayment")
        self._order(self.env, prepaid, [35, 5, -3])
        credited = self._customer(self.env, "Agree Open Credit")
        self._invoice(credited, 300.0, 10)
        self._invoice(credited, 40.0, 2, move_type="out_refund")  # not reconciled: an open credit
        customers = only_invoice | covered | partly | prepaid | credited
        self.env.flush_all()
        aging = dict(
            self.env["crm_plus.report.aging"]._read_group(
                [("partner_id", "in", customers.ids), ("days_overdue", ">", 0)], ["partner_id"], ["amount_residual:sum"]
            )
        )
        dunning = self.Run._overdue_totals(partner_ids=customers.ids)
        self.assertEqual({partner.id: total for partner, total in aging.items()}, dunning)
        self.assertEqual(
            dunning,
            {only_invoice.id: 300.0, covered.id: 200.0, partly.id: 300.0, prepaid.id: 200.0, credited.id: 260.0},
        )
        # and what the run sends at the customers' levels adds up to the same (open credits are not dunned)
        self.Run._run(partner_ids=customers.ids)
        self.assertEqual(sum(self._email_items(credited).mapped("amount_residual")), 300.0)
        for customer in customers - credited:
            sent = sum(self._email_items(customer).mapped("amount_residual"))
            self.assertEqual(sent, dunning[customer.id], customer.name)

    # ----------------------------------------------------------------- the key

    def test_item_key_in_database(self):
        customer = self._customer(self.env, "Key Holder")
        self._invoice(customer, 300.0, 5)
        self._order(self.env, customer, [5])
        self.Run._run(partner_ids=customer.ids)
        line_item = self._email_items(customer).filtered("move_line_id")
        step_item = self._email_items(customer).filtered("step_id")
        insert = """INSERT INTO crm_plus_dunning_communication_line
                           (communication_id, move_line_id, step_id, level_id, channel) VALUES (%s, %s, %s, %s, %s)"""
        cases = [
            (UniqueViolation, line_item.move_line_id.id, None),
            (UniqueViolation, None, step_item.step_id.id),
            (CheckViolation, line_item.move_line_id.id, step_item.step_id.id),
            (CheckViolation, None, None),
        ]
        for error, move_line_id, step_id in cases:
            with self.subTest(move_line_id=move_line_id, step_id=step_id):
                with mute_logger("odoo.sql_db"), self.assertRaises(error), self.env.cr.savepoint():
                    self.env.cr.execute(
                        SQL(
                            insert,
                            line_item.communication_id.id,
                            move_line_id,
                            step_id,
                            self.level1.id,
                            "email",
                        )
                    )

    def test_salesperson_cannot_stop_the_dunning_of_their_customer(self):
        customer = self._customer(self.env, "Protected", user=self.salesman)
        invoice = self._invoice(customer, 300.0, 5)
        self.Run._run(partner_ids=customer.ids)
        item = self._email_items(customer)
        other = self._invoice(customer, 10.0, 5)
        for context in ({}, {"crm_plus_plan_tracking": True, "tracking_disable": True}):
            as_salesman = item.with_user(self.salesman).with_context(**context)
            with self.subTest(context=context):
                self.assertEqual(as_salesman.move_line_id, _receivable(invoice), "they read it")
                with self.assertRaises(AccessError):
                    as_salesman.write({"move_line_id": _receivable(other).id})
                with self.assertRaises(AccessError):
                    as_salesman.unlink()
                with self.assertRaises(AccessError):
                    self.Line.with_user(self.salesman).with_context(**context).create(
                        {
                            "communication_id": item.communication_id.id,
                            "move_line_id": _receivable(other).id,
                            "level_id": self.level3.id,
                            "channel": "email",
                        }
                    )

    # ------------------------------------------------------ accounting as before

    def test_accounting_flows_on_a_dunned_invoice(self):
        """Reset to draft, change and post again a dunned invoice: Odoo's flow works, the new line is dunned."""
        customer = self._customer(self.env, "Corrected")
        invoice = self._invoice(customer, 300.0, 5)
        self.Run._run(partner_ids=customer.ids)
        communication = self._email_items(customer).communication_id
        invoice.button_draft()
        invoice.invoice_line_ids.price_unit = 250.0
        invoice.action_post()
        self.assertEqual(invoice.amount_residual, 250.0)
        self.Run._run(partner_ids=customer.ids)
        self.assertEqual(self._email_items(customer).move_line_id, _receivable(invoice))
        self.assertTrue(communication.exists(), "the communication stays as history")

    def test_history_migration_maps_step_items_onto_invoice_lines(self):
        """19.0.1.7.0: items of plan steps dunned before the upgrade move onto the invoice that carries the money."""
        customer = self._customer(self.env, "Old History")
        order = self._order(self.env, customer, [12])
        step = order.plan_id.step_ids
        self.Run._run(partner_ids=customer.ids)
        old_item = self._email_items(customer)
        self.assertEqual(old_item.step_id, step)
        # before 19.0.1.7.0 every payment step was dunned: it was an installment, since invoiced
        step.action_type_id = self.installment_type
        invoice = self._invoice(customer, 100.0, 12, order=order)
        path = Path(__file__).parents[1] / "migrations" / "19.0.1.7.0" / "post-dunning_items.py"
        spec = importlib.util.spec_from_file_location("crm_plus_migration_19_0_1_4_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        self.env.flush_all()
        self.assertGreaterEqual(migration.map_history(self.env.cr), 1)
        self.env.invalidate_all()
        self.assertEqual(old_item.move_line_id, _receivable(invoice))
        self.assertFalse(old_item.step_id)
        self.assertEqual(old_item.order_id, order)
        # the invoice line is known at that level: the next run does not dun it again
        self.assertEqual(self.Run._run(partner_ids=customer.ids)["items"], 0)

    # --------------------------------------------------------------- statements

    def _statement_texts(self, communication):
        """The queued email's body and the PDF statement's HTML of ``communication``."""
        pdf_html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_plus.action_report_dunning_statement", communication.ids
        )[0]
        return communication.mail_id.body_html, pdf_html.decode()

    def test_statement_lists_invoices_and_prepayment_requests_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        for lang, words in (
            ("zh_CN", ("发票日期", "未结预付款请求")),
            ("en_US", ("Invoice date", "Open prepayment requests")),
        ):
            with self.subTest(lang=lang):
                customer = self._customer(self.env, f"Statement {lang}", lang=lang)
                invoice = self._invoice(customer, 300.0, 5)
                order = self._order(self.env, customer, [6])
                self.Run._run(partner_ids=customer.ids)
                communication = self._email_items(customer).communication_id
                self.assertEqual(communication._get_statement_lines("invoice").move_id, invoice)
                self.assertEqual(communication._get_statement_lines("prepayment").step_id, order.plan_id.step_ids)
                for text in self._statement_texts(communication):
                    for expected in (*words, invoice.name, order.name):
                        self.assertIn(expected, text)

    def test_statement_shows_open_credit_notes_and_the_balance(self):
        """An open credit note is not dunned, but the email and the PDF list it and net it: what is really owed."""
        self.env["res.lang"]._activate_lang("zh_CN")
        for lang, words in (
            ("zh_CN", ("尚未抵扣的贷项通知单", "扣除")),
            ("en_US", ("Credit notes not applied yet", "Balance after")),
        ):
            with self.subTest(lang=lang):
                customer = self._customer(self.env, f"Credited {lang}", lang=lang)
                self._invoice(customer, 300.0, 5)
                refund = self._invoice(customer, 40.0, 2, move_type="out_refund")
                applied = self._invoice(customer, 25.0, 2, move_type="out_refund")
                other = self._customer(self.env, f"Other credited {lang}")
                other_refund = self._invoice(other, 11.0, 2, move_type="out_refund")
                # an applied credit note is no longer open: it lowers the invoice instead
                second = self._invoice(customer, 25.0, 1)
                _receivable(applied | second).reconcile()
                self.Run._run(partner_ids=customer.ids)
                communication = self._email_items(customer).communication_id
                self.assertEqual(communication.amount_residual, 300.0, "the credit note is not dunned")
                self.assertEqual([row["name"] for row in communication.credit_data], [refund.name])
                self.assertEqual(communication.amount_credit, -40.0)
                self.assertEqual(communication.amount_balance, 260.0)
                for text in self._statement_texts(communication):
                    for expected in (*words, refund.name, "260.00"):
                        self.assertIn(expected, text)
                    for unexpected in (applied.name, other_refund.name):
                        self.assertNotIn(unexpected, text)
        # without open credits, nothing about them
        customer = self._customer(self.env, "Not credited")
        self._invoice(customer, 80.0, 5)
        self.Run._run(partner_ids=customer.ids)
        communication = self._email_items(customer).communication_id
        self.assertFalse(communication.credit_data)
        self.assertEqual(communication.amount_balance, 80.0)
        self.assertNotIn("Credit notes", communication.mail_id.body_html)

    def test_invoice_reminder_before_due_once(self):
        """An invoice no plan follows is reminded to its salesperson before it is due, once; a planned order's
        invoice is not (its payment steps are)."""
        self.policy.reminder_days = 5
        customer = self._customer(self.env, "Remind Invoice", user=self.salesman)
        soon = self._invoice(customer, 120.0, -3, user=self.salesman)
        later = self._invoice(customer, 80.0, -9, user=self.salesman)
        order = self._order(self.env, customer, [-30], user=self.salesman)
        order.action_confirm()
        planned = self._invoice(customer, 100.0, -2, order=order, user=self.salesman)
        nobody = self._invoice(customer, 50.0, -2)
        nobody.invoice_user_id = False
        Reminder = self.env["crm_plus.dunning.reminder"]
        self.Run._run(partner_ids=customer.ids)
        reminders = Reminder.search([("partner_id", "=", customer.id), ("move_line_id", "!=", False)])
        self.assertEqual(reminders.move_id, soon, "due within the lead time, no plan, a salesperson")
        self.assertEqual(reminders.move_line_id, _receivable(soon))
        self.assertEqual(reminders.user_id, self.salesman)
        self.assertEqual((reminders.date_due, reminders.amount_residual), (soon.invoice_date_due, 120.0))
        self.assertIn(soon.name, reminders.mail_id.subject)
        self.assertEqual(reminders.mail_id.recipient_ids, self.salesman.partner_id)
        self.assertIn(soon.name, reminders.mail_id.body_html)
        todo = soon.activity_ids.filtered(lambda activity: activity.user_id == self.salesman)
        self.assertEqual(len(todo), 1)
        self.assertIn(soon.name, str(todo.note))
        self.assertFalse(Reminder.search([("move_line_id", "in", _receivable(later | planned | nobody).ids)]))
        # the salesperson sees his reminder
        self.assertEqual(Reminder.with_user(self.salesman).search([("partner_id", "=", customer.id)]).move_id, soon)
        self.Run._run(partner_ids=customer.ids)
        self.assertEqual(Reminder.search_count([("move_line_id", "=", _receivable(soon).id)]), 1, "once")
        # an invoice and a step at once, and never both on one reminder
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_plus_dunning_reminder SET step_id = %s WHERE id = %s",
                    order.plan_id.step_ids[0].id,
                    reminders.id,
                )
            )

    def test_reminder_migration_fills_the_customer(self):
        """19.0.1.10.0: reminders of payment steps get their customer, in SQL, before the ORM sees the column."""
        customer = self._customer(self.env, "Old reminder", user=self.salesman)
        order = self._order(self.env, customer, [-2], user=self.salesman)
        self.Run._run(partner_ids=customer.ids)
        reminder = self.env["crm_plus.dunning.reminder"].search([("step_id", "in", order.plan_id.step_ids.ids)])
        self.assertEqual(reminder.partner_id, customer)
        self.env.cr.execute(SQL("UPDATE crm_plus_dunning_reminder SET partner_id = NULL WHERE id = %s", reminder.id))
        path = Path(__file__).parents[1] / "migrations" / "19.0.1.10.0" / "pre-reminder_partner.py"
        spec = importlib.util.spec_from_file_location("crm_plus_migration_19_0_1_10_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.9.0")
        reminder.invalidate_recordset(["partner_id"])
        self.assertEqual(reminder.partner_id, customer)

    def test_invoice_reminders_need_a_lead_time(self):
        self.policy.reminder_days = 0
        customer = self._customer(self.env, "No invoice reminder", user=self.salesman)
        invoice = self._invoice(customer, 120.0, -1, user=self.salesman)
        self.Run._run(partner_ids=customer.ids)
        self.assertFalse(self.env["crm_plus.dunning.reminder"].search([("move_line_id", "=", _receivable(invoice).id)]))

    def test_credits_of_many_statements_are_read_at_once(self):
        customers = self.env["res.partner"]
        for index in range(6):
            customer = self._customer(self.env, f"Credit batch {index}")
            self._invoice(customer, 100.0, 5)
            self._invoice(customer, 10.0, 2, move_type="out_refund")
            customers |= customer
        self.Run._run(partner_ids=customers.ids)
        communications = self.Line.search(
            [("communication_id.partner_id", "in", customers.ids), ("channel", "=", "email")]
        ).communication_id
        self.assertEqual(len(communications), 6)
        communications.invalidate_recordset(["credit_data", "amount_credit", "amount_balance"])
        with self.assertQueryCount(1):
            self.assertEqual(set(communications.mapped("amount_balance")), {90.0})


@tagged("post_install", "-at_install")
class TestDunningStatementPdf(TestDunningItems, HttpCase):
    """Real PDFs: wkhtmltopdf loads the report's assets from the server over HTTP.

    An HttpCase serves those requests in the test's transaction. In a TransactionCase the asset bundle that the
    first rendering creates is not committed: the server's request waits for it, wkhtmltopdf waits for the
    request, the test waits for wkhtmltopdf, and nothing ends (seen on a fresh database).
    """

    def test_statements_of_a_chunk_rendered_by_one_wkhtmltopdf_call(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        customers = self.env["res.partner"]
        for index in range(3):
            customer = self._customer(self.env, f"Chunk {index}", lang="zh_CN" if index == 1 else "en_US")
            self._invoice(customer, 100.0 * (index + 1), 5)
            customers |= customer
        self.Run._run(partner_ids=customers.ids)
        communications = self.env["crm_plus.dunning.communication"].search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(communications), 3)
        report = self.env.ref("crm_plus.action_report_dunning_statement")
        Report = type(self.env["ir.actions.report"])
        original, calls = Report._run_wkhtmltopdf, []

        def counting(report_self, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report_self, bodies, *args, **kwargs)

        with patch.object(Report, "_run_wkhtmltopdf", counting):
            contents = communications.with_context(force_report_rendering=True)._crm_plus_render_statements(report)
        self.assertEqual(calls, [1], "one wkhtmltopdf call, one document")
        self.assertEqual(set(contents), set(communications.ids))
        pages = 0
        for content, extension in contents.values():
            self.assertEqual(extension, "pdf")
            self.assertTrue(content.startswith(b"%PDF"))
            pages += PdfFileReader(io.BytesIO(content)).numPages
        self.assertGreaterEqual(pages, 3, "a statement per customer, each its own PDF")
