# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taking over a database's existing orders, invoices and customers at install (the post_init_hook)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmPlusCommon
from .plan_common import CrmPlusPlanCommon
from .test_dunning import DunningFixtures


@tagged("post_install", "-at_install")
class TestExistingData(CrmPlusPlanCommon):
    """Orders made as if before the install: their plans are removed, then the take-over runs."""

    def _deliver(self, order, qty):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking._action_done()

    def _forget_plans(self, orders):
        """The database as before crm_plus: no plan, no step, no to-do."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM crm_plus_plan WHERE order_id = ANY(%s)", orders.ids))
        self.env.invalidate_all()

    def _activities(self, steps):
        return self.env["mail.activity"].search([("res_model", "=", "crm_plus.plan.step"), ("res_id", "in", steps.ids)])

    def test_open_orders_get_plans_in_line_with_history(self):
        # template 30/60/10: invoiced in full, 40% paid, 4 of 10 delivered
        started = self._order()
        invoice = self._invoice(started)
        self._pay(invoice, 4000.0)
        self._deliver(started, 4)
        # no template (payment terms): delivered, nothing invoiced
        delivered = self._order(partner=self.other_customer, qty=2)
        self._deliver(delivered, 2)
        # fully paid and delivered: nothing left to carry out
        settled = self._order(partner=self.other_customer, qty=1)
        self._pay(self._invoice(settled), settled.amount_total)
        self._deliver(settled, 1)
        draft = self._order(partner=self.other_customer, confirm=False)
        cancelled = self._order(partner=self.other_customer)
        cancelled._action_cancel()
        orders = started | delivered | settled | draft | cancelled
        self._forget_plans(orders)

        created = self.env["sale.order"]._crm_plus_plan_existing_orders(batch_size=2)

        self.assertGreaterEqual(created, 2)  # and any other order of the database left without a plan
        self.assertFalse((settled | draft | cancelled).plan_id)
        plan = started.plan_id
        self.assertEqual(plan.state, "in_progress")
        deposit, on_delivery, acceptance = self._steps(plan, "payment")
        self.assertEqual((deposit.amount_done, on_delivery.amount_done, acceptance.amount_done), (3000.0, 1000.0, 0.0))
        self.assertEqual(deposit.state, "done")
        self.assertEqual(plan.amount_collected, 4000.0)
        self.assertEqual(self._steps(plan, "invoice").state, "done")
        self.assertEqual(self._steps(plan, "delivery").amount_done, 4.0)
        # to-dos for the open steps only, none for what was done before the install
        done_steps = plan.step_ids.filtered(lambda step: step.state == "done")
        self.assertFalse(self._activities(done_steps))
        open_steps = (plan.step_ids - done_steps).filtered("user_id")
        self.assertTrue(open_steps)
        self.assertEqual(sorted(self._activities(open_steps).mapped("res_id")), sorted(open_steps.ids))
        # no chatter message on the plans made from history
        self.assertFalse(plan.message_ids.filtered(lambda msg: msg.message_type != "notification"))

        plan = delivered.plan_id
        self.assertEqual(self._steps(plan, "delivery").state, "done")
        self.assertEqual(self._steps(plan, "payment").amount_done, 0.0)
        self.assertEqual(plan.amount_open, delivered.amount_total)

        # running it again plans nothing new
        self.assertEqual(self.env["sale.order"]._crm_plus_plan_existing_orders(), 0)

    def test_inconsistent_order_is_skipped_not_the_batch(self):
        good = self._order(partner=self.other_customer)
        bad = self._order(partner=self.other_customer)
        self._forget_plans(good | bad)
        self.assertEqual(good.state, "sale")
        Plan = type(self.env["crm_plus.plan"])
        self.patch(Plan, "_check_steps", _refusing_check(Plan._check_steps, bad))
        with self.assertLogs("odoo.addons.crm_plus.models.sale_order_plan", level="WARNING") as logs:
            created = self.env["sale.order"]._crm_plus_plan_existing_orders()
        self.assertEqual(created, 1)
        self.assertTrue(good.plan_id)
        self.assertFalse(bad.plan_id)
        self.assertIn(bad.name, logs.output[0])

    def test_take_over_sets_completeness_and_dunning_start(self):
        policy = self.env["crm_plus.dunning.policy"].create({"name": "Fresh"})
        dated = self.env["crm_plus.dunning.policy"].create({"name": "Dated", "start_date": "2020-01-01"})
        order = self._order(partner=self.other_customer)
        self._forget_plans(order)
        self.env.cr.execute(SQL("UPDATE res_partner SET crm_plus_completeness = NULL WHERE id = %s", self.customer.id))
        self.env.invalidate_all()

        result = self.env["crm_plus.existing.data"]._take_over()

        self.assertGreaterEqual(result["plans"], 1)
        self.assertTrue(order.plan_id)
        self.assertEqual(policy.start_date, fields.Date.context_today(policy))
        self.assertEqual(str(dated.start_date), "2020-01-01")
        self.env.cr.execute(SQL("SELECT crm_plus_completeness FROM res_partner WHERE id = %s", self.customer.id))
        self.assertIsNotNone(self.env.cr.fetchone()[0])


def _refusing_check(original, bad_order):
    """``_check_steps`` refusing the plan of ``bad_order`` (old data the checks no longer accept)."""

    def check_steps(plans):
        if bad_order in plans.order_id:
            raise ValidationError("inconsistent old order")
        return original(plans)

    return check_steps


@tagged("post_install", "-at_install")
class TestDunningStartDate(DunningFixtures, CrmPlusCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.customer_old = cls._customer(cls.env, "Old History")
        cls.order_old = cls._order(cls.env, cls.customer_old, [40, 5])
        cls.Run = cls.env["crm_plus.dunning.run"]

    def _keys(self):
        lines = self.env["crm_plus.dunning.communication.line"].search(
            [("communication_id.partner_id", "=", self.customer_old.id)]
        )
        return lines.step_id

    def test_steps_due_before_the_start_are_not_dunned(self):
        old_step, recent_step = self.order_old.plan_id.step_ids.sorted("date_due")
        self.policy.start_date = self.today - timedelta(days=10)
        self.Run._run(partner_ids=self.customer_old.ids)
        self.assertEqual(self._keys(), recent_step)
        self.assertEqual(self.customer_old.crm_plus_dunning_level_id, self.level1)
        # still in the aging report
        aging = self.env["crm_plus.report.aging"].search([("step_id", "in", (old_step | recent_step).ids)])
        self.assertEqual(aging.step_id, old_step | recent_step)
        # moving the start back duns the history on the next run
        self.policy.start_date = False
        self.Run._run(partner_ids=self.customer_old.ids)
        self.assertEqual(self._keys(), old_step | recent_step)
