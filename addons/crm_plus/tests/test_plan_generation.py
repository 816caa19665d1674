from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tests import users
from odoo.tests import warmup

from .plan_common import CrmPlusPlanCommon


@tagged("post_install", "-at_install")
class TestPlanGeneration(CrmPlusPlanCommon):
    @contextmanager
    def _raises(self, exception, text):
        # assertRaises (not assertRaisesRegex) rolls back to a savepoint, so the next check starts clean
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    def test_generated_on_confirmation_from_customer_template(self):
        order = self._order(confirm=False)
        self.assertFalse(order.plan_id, "A quotation has no plan")
        order.action_confirm()
        plan = order.plan_id
        self.assertTrue(plan)
        self.assertEqual(plan.template_id, self.template)
        self.assertEqual(plan.state, "planned")
        self.assertEqual(self._steps(plan, "payment").mapped("amount"), [3000.0, 6000.0, 1000.0])
        self.assertEqual(self._steps(plan, "invoice").amount, 10000.0)
        self.assertEqual(self._steps(plan, "delivery").amount, 10.0)
        self.assertEqual(self._steps(plan, "manual").amount, 1.0)
        order_date = order.date_order.date()
        delivery = self._steps(plan, "delivery")
        install = self._steps(plan, "manual")
        self.assertEqual(delivery.date_due, order_date + timedelta(days=10))
        self.assertEqual(install.date_due, delivery.date_due + timedelta(days=2))
        self.assertEqual(self._steps(plan, "payment")[2].date_due, install.date_due + timedelta(days=31))
        self.assertEqual(set(plan.step_ids.mapped("user_id")), {self.salesman})
        self.assertEqual(plan.amount_planned, order.amount_total)
        # every step has an activity for its responsible ahead of its date
        for step in plan.step_ids:
            self.assertEqual(len(step.activity_ids), 1)
            self.assertEqual(step.activity_ids.user_id, self.salesman)
            self.assertEqual(
                step.activity_ids.date_deadline, step.date_due - timedelta(days=step.action_type_id.lead_days)
            )

    def test_follows_payment_terms_without_template(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, balance 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 30}),
                ],
            }
        )
        order = self._order(partner=self.other_customer, payment_term_id=term.id)
        plan = order.plan_id
        self.assertFalse(plan.template_id)
        payments = self._steps(plan, "payment")
        self.assertEqual(payments.mapped("amount"), [3000.0, 7000.0])
        self.assertEqual(payments[1].date_due, order.date_order.date() + timedelta(days=30))
        self.assertEqual(self._steps(plan, "delivery").amount, 10.0)
        # a payment term template wins over the payment terms themselves
        term.crm_plus_plan_template_id = self.template
        order2 = self._order(partner=self.other_customer, payment_term_id=term.id)
        self.assertEqual(order2.plan_id.template_id, self.template)

    def test_services_only_single_payment(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "order_line": [Command.create({"product_id": self.service.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        self.assertEqual(order.plan_id.step_ids.mapped("kind"), ["payment"])
        self.assertEqual(order.plan_id.step_ids.amount, 1000.0)

    def test_category_template(self):
        order = self._order(partner=self.other_customer, confirm=False)
        self.assertFalse(order._crm_plus_plan_template(), "no template on the customer, its category or the terms")
        category = self.env["crm_plus.customer.category"].create({"name": "Key accounts", "code": "key"})
        self.other_customer.crm_plus_category_id = category
        category.crm_plus_plan_template_id = self.template
        self.assertEqual(order._crm_plus_plan_template(), self.template)
        own = self.template.copy({"name": "Own terms"})
        self.other_customer.crm_plus_plan_template_id = own
        self.assertEqual(order._crm_plus_plan_template(), own, "the customer's own template wins over its category's")

    def test_validations(self):
        order = self._order()
        plan = order.plan_id
        deposit = self._steps(plan, "payment")[0]
        with self._raises(ValidationError, "add up to"):
            deposit.amount = 2000.0
        with self._raises(ValidationError, "before the order date"):
            deposit.date_due = order.date_order.date() - timedelta(days=1)
        with self._raises(ValidationError, "positive"):
            self._steps(plan, "delivery").amount = -1
        # moving money between steps in one plan write is fine
        balance = self._steps(plan, "payment")[2]
        plan.write(
            {
                "step_ids": [
                    Command.update(deposit.id, {"amount": 2500.0}),
                    Command.update(balance.id, {"amount": 1500.0}),
                ]
            }
        )
        self.assertEqual(deposit.amount, 2500.0)
        # currency rounding: a sub-cent difference is accepted
        plan.write({"step_ids": [Command.update(balance.id, {"amount": 1500.004})]})
        with self.assertRaises(ValidationError):
            self.env["crm_plus.plan.template"].create(
                {"name": "Bad", "line_ids": [Command.create({"action_type_id": self.type_payment.id, "percent": 50})]}
            )
        with self.assertRaises(UserError):
            deposit.write({"amount_done": 1.0})

    def test_edit_plan_in_form(self):
        order = self._order()
        plan = order.plan_id
        with Form(plan) as form:
            with form.step_ids.edit(0) as deposit:
                deposit.amount = 2500.0
            with form.step_ids.edit(5) as acceptance:
                acceptance.amount = 1500.0
        self.assertEqual(self._steps(plan, "payment").mapped("amount"), [2500.0, 6000.0, 1500.0])
        form = Form(plan)
        with form.step_ids.edit(0) as deposit:
            deposit.amount = 100.0
        with self._raises(ValidationError, "add up to"):
            form.save()

    def test_started_plan_frozen_and_not_deletable(self):
        order = self._order()
        plan = order.plan_id
        install = self._steps(plan, "manual")
        plan.step_ids.with_user(self.sales_manager).write({"user_id": self.salesman.id})
        with self.assertRaises(AccessError):
            plan.step_ids.with_user(self.salesman).write({"user_id": self.salesman.id})
        install.with_user(self.salesman).action_done()
        self.assertTrue(plan.is_started)
        self.assertEqual(plan.state, "in_progress")
        with self._raises(UserError, "has started"):
            self._steps(plan, "payment")[0].date_due += timedelta(days=1)
        with self._raises(UserError, "has started"):
            plan.unlink()
        with self._raises(UserError, "has started"):
            order.action_generate_plan()
        # responsibles can still be changed
        self._steps(plan, "delivery").user_id = self.team_leader

    def test_regenerate_and_cancel(self):
        order = self._order()
        old_plan = order.plan_id
        order.action_generate_plan()
        self.assertFalse(old_plan.exists())
        plan = order.plan_id
        self.assertTrue(plan)
        order._action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertTrue(all(state == "cancelled" for state in plan.step_ids.mapped("state")))
        self.assertFalse(plan.step_ids.activity_ids)
        with self.assertRaises(UserError):
            order.action_generate_plan()
        order.action_draft()
        order.action_confirm()
        self.assertNotEqual(order.plan_id.state, "cancelled")

    def test_manual_step_done_by_responsible(self):
        order = self._order()
        install = self._steps(order.plan_id, "manual")
        install.user_id = self.team_leader
        with self._raises(UserError, "responsible"):
            install.with_user(self.salesman).action_done()
        action = install.with_user(self.team_leader).action_open_done_wizard()
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.team_leader)
            .create({"name": "acceptance.pdf", "raw": b"%PDF-1.4 signed", "res_model": "crm_plus.plan.step.done"})
        )
        wizard = Form(self.env["crm_plus.plan.step.done"].with_user(self.team_leader).with_context(action["context"]))
        wizard.note = "<p>Installed, signed acceptance attached</p>"
        wizard = wizard.save()
        wizard.attachment_ids = attachment
        wizard.action_confirm()
        self.assertEqual(install.state, "done")
        self.assertEqual(install.date_done, fields.Date.today())
        self.assertFalse(install.activity_ids)
        self.assertIn("signed acceptance", install.message_ids[0].body)
        self.assertEqual(install.message_ids[0].attachment_ids, attachment)
        self.assertEqual(attachment.res_id, install.id)
        with self.assertRaises(UserError):
            self._steps(order.plan_id, "payment")[0].action_done()

    def test_step_states_over_time(self):
        order = self._order()
        deposit = self._steps(order.plan_id, "payment")[0]
        self.assertEqual(deposit.state, "due", "due from the reminder date (today - lead time)")
        acceptance = self._steps(order.plan_id, "payment")[2]
        self.assertEqual(acceptance.state, "planned")
        # make the deposit's date pass: the daily cron turns it overdue
        self.env.cr.execute("UPDATE crm_plus_plan_step SET date_due = date_due - 1 WHERE id = %s", [deposit.id])
        deposit.invalidate_recordset(["date_due"])
        self.env.flush_all()
        with self.assertQueryCount(1):  # one UPDATE, however many steps change
            self.assertEqual(self.env["crm_plus.plan.step"]._cron_update_state(), 1)
        self.assertEqual(deposit.state, "overdue")
        self.assertEqual(acceptance.state, "planned")
        self.assertEqual(order.plan_id.state, "planned", "a step turning overdue changes nothing on the plan")
        self.assertEqual(order.partner_id.crm_plus_plan_amount_overdue, 3000.0)
        self.assertEqual(order.partner_id.crm_plus_plan_amount_open, 10000.0)

    def test_roles(self):
        own = self._order(user=self.salesman)
        other = self._order(user=self.team_leader)
        Plan = self.env["crm_plus.plan"]
        self.assertEqual(
            Plan.with_user(self.salesman).search([("id", "in", (own.plan_id | other.plan_id).ids)]), own.plan_id
        )
        with self.assertRaises(AccessError):
            other.plan_id.with_user(self.salesman).read(["name"])
        finance_steps = self.env["crm_plus.plan.step"].with_user(self.finance).search([("order_id", "=", other.id)])
        self.assertEqual(set(finance_steps.mapped("kind")), {"payment"})
        manager_steps = (
            self.env["crm_plus.plan.step"].with_user(self.sales_manager).search([("order_id", "=", other.id)])
        )
        self.assertEqual(manager_steps, other.plan_id.step_ids)
        with self.assertRaises(AccessError):
            self.env["crm_plus.plan.step"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.type_payment.with_user(self.salesman).write({"lead_days": 1})
        self.type_payment.with_user(self.crm_admin).write({"lead_days": 4})
        with self.assertRaises(AccessError):
            self.template.with_user(self.sales_manager).unlink()

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Plans Company B"})
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.other_customer.id,
                    "company_id": company_b.id,
                    "order_line": [Command.create({"product_id": self.service.id, "product_uom_qty": 1})],
                }
            )
        )
        order_b.with_company(company_b).action_confirm()
        plan_b = order_b.plan_id
        self.assertEqual(plan_b.company_id, company_b)
        self.assertEqual(plan_b.step_ids.company_id, company_b)
        self.assertFalse(self.env["crm_plus.plan"].with_user(self.sales_manager).search([("id", "=", plan_b.id)]))
        self.sales_manager.company_ids |= company_b
        manager_b = (
            self.env["crm_plus.plan"].with_user(self.sales_manager).with_context(allowed_company_ids=[company_b.id])
        )
        self.assertEqual(manager_b.search([("id", "=", plan_b.id)]), plan_b)

    @users("cp_admin")
    @warmup
    def test_generation_query_count(self):
        orders = self.env["sale.order"]
        for __ in range(4):
            orders |= self._order(confirm=False)
        orders.action_confirm()
        orders.plan_id.unlink()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        orders[:1]._crm_plus_generate_plans()
        self.env.flush_all()
        one = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        orders[1:]._crm_plus_generate_plans()
        self.env.flush_all()
        three = self.env.cr.sql_log_count - before
        if self.warm:  # @warmup runs the test once with cold caches first
            # modules extending the generation (e.g. the OA bridge) add a few queries, never per order
            self.assertEqual(three, one, "three orders: still the same queries, batched")
            self.assertLessEqual(one, 40)
        self.assertEqual(len(orders.plan_id), 4)

    def test_step_names_in_each_readers_language(self):
        """Generated step names read in each reader's language; a to-do reads in its responsible's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        term = self.env["account.payment.term"].create(
            {
                "name": "30/70",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 30}),
                ],
            }
        )
        self.salesman.lang = "zh_CN"
        order = self._order(partner=self.other_customer, payment_term_id=term.id, confirm=False)
        order.with_context(lang="en_US").action_confirm()
        payments = self._steps(order.plan_id, "payment")
        self.assertEqual(payments.with_context(lang="en_US").mapped("name"), ["Collect 30.0%", "Collect 70.0%"])
        self.assertEqual(payments.with_context(lang="zh_CN").mapped("name"), ["收款 30.0%", "收款 70.0%"])
        # the salesperson (zh_CN) is responsible: the to-do reads in Chinese though an English user confirmed
        self.assertEqual(payments[0].activity_ids.summary, "收款 30.0%")
        delivery = self._steps(order.plan_id, "delivery")
        action = delivery.action_type_id
        self.assertEqual(delivery.with_context(lang="zh_CN").name, action.with_context(lang="zh_CN").name)
        # the receivables aging shows the step in the reader's language too
        self.env.flush_all()
        aging = self.env["crm_plus.report.aging"].search([("step_id", "=", payments[0].id)])
        self.assertEqual(aging.with_context(lang="zh_CN").name, f"{order.name} / 收款 30.0%")
        self.assertEqual(aging.with_context(lang="en_US").name, f"{order.name} / Collect 30.0%")
        # a name typed by hand is the user's, in the language of the user who typed it
        payments[1].with_context(lang="en_US").sudo().name = "Balance"
        self.assertEqual(payments[1].with_context(lang="en_US").name, "Balance")
