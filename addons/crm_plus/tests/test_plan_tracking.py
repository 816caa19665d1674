from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tests import tagged

from .plan_common import CrmPlusPlanCommon


@tagged("post_install", "-at_install")
class TestPlanTracking(CrmPlusPlanCommon):
    def _deliver(self, order, qty):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.ensure_one()
        move = picking.move_ids
        move.quantity = qty
        move.picked = True
        picking._action_done()
        return picking

    def _done(self, plan, kind):
        return self._steps(plan, kind).mapped("amount_done")

    def test_30_60_10_from_confirmation_to_collected_and_delivered(self):
        order = self._order()
        plan = order.plan_id
        deposit, on_delivery, acceptance = self._steps(plan, "payment")
        delivery = self._steps(plan, "delivery")
        invoice_step = self._steps(plan, "invoice")

        # partial delivery, then the rest
        self._deliver(order, 4)
        self.assertEqual(delivery.amount_done, 4.0)
        self.assertNotEqual(delivery.state, "done")
        self._deliver(order, 6)
        self.assertEqual(delivery.amount_done, 10.0)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(plan.state, "in_progress")
        # the installation was planned 2 days after the delivery: it follows the actual delivery date
        today = fields.Date.today()
        self.assertEqual(self._steps(plan, "manual").date_due, today + timedelta(days=2))
        # installed (manual step): the 60% is due 1 day after
        self._steps(plan, "manual").action_done()
        self.assertEqual(on_delivery.date_due, today + timedelta(days=1))

        # invoice posted: the invoice step is done, nothing is collected yet
        invoice = self._invoice(order)
        self.assertEqual(invoice_step.state, "done")
        self.assertEqual(self._done(plan, "payment"), [0.0, 0.0, 0.0])

        # partial payment fills the deposit first
        self._pay(invoice, 2000.0)
        self.assertEqual(self._done(plan, "payment"), [2000.0, 0.0, 0.0])
        self.assertNotEqual(deposit.state, "done")

        # a second payment completes the deposit and starts the next step
        payment = self._pay(invoice, 5000.0)
        self.assertEqual(self._done(plan, "payment"), [3000.0, 4000.0, 0.0])
        self.assertEqual(deposit.state, "done")
        self.assertFalse(deposit.activity_ids, "a done step has no pending activity")

        # unreconcile that payment: the steps go back
        payment.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable").remove_move_reconcile()
        self.assertEqual(self._done(plan, "payment"), [2000.0, 0.0, 0.0])
        self.assertNotEqual(deposit.state, "done")

        # pay the balance: everything collected
        self._pay(invoice, 8000.0)
        self.assertEqual(self._done(plan, "payment"), [3000.0, 6000.0, 1000.0])
        self.assertTrue(all(step.state == "done" for step in (deposit | on_delivery | acceptance)))
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.progress, 100.0)
        self.assertEqual(plan.amount_open, 0.0)
        self.assertEqual(order.partner_id.crm_plus_plan_amount_open, 0.0)

        # a refund of one machine: invoiced drops, collected drops once the money is paid back
        refund = invoice._reverse_moves([{"ref": "one machine back"}])
        line = refund.invoice_line_ids
        refund.write({"invoice_line_ids": [Command.update(line.id, {"quantity": 1})]})
        refund.action_post()
        self.assertEqual(invoice_step.amount_done, 9000.0)
        self.assertEqual(self._done(plan, "payment"), [3000.0, 6000.0, 1000.0])
        self._pay(refund, 1000.0)
        self.assertEqual(self._done(plan, "payment"), [3000.0, 6000.0, 0.0])
        self.assertNotEqual(acceptance.state, "done")
        self.assertEqual(plan.state, "in_progress")

    def test_tracking_by_accountant_without_sales_rights(self):
        accountant = new_test_user(self.env, login="cp_accountant", groups="account.group_account_invoice")
        order = self._order()
        invoice = self._invoice(order)
        self.env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 3000.0})._create_payments()
        self.assertEqual(self._done(order.plan_id, "payment"), [3000.0, 0.0, 0.0])
        with self.assertRaises(AccessError):
            order.plan_id.with_user(accountant).read(["state"])

    def test_finance_sees_payment_steps_only(self):
        order = self._order(user=self.team_leader)
        delivery = self._steps(order.plan_id, "delivery")
        with self.assertRaises(AccessError):
            delivery.with_user(self.finance).read(["amount"])
        deposit = self._steps(order.plan_id, "payment")[0]
        self.assertEqual(deposit.with_user(self.finance).amount_residual, 3000.0)

    def test_reversal_of_unpaid_invoice(self):
        order = self._order()
        plan = order.plan_id
        invoice = self._invoice(order)
        self._pay(invoice, 2000.0)
        self.assertEqual(self._done(plan, "payment"), [2000.0, 0.0, 0.0])
        # full reversal with cancellation: Odoo unreconciles the payment (it becomes an outstanding credit of the
        # customer) and matches the invoice with its credit note: nothing is collected for the order any more
        invoice._reverse_moves(cancel=True)
        self.assertEqual(self._done(plan, "payment"), [0.0, 0.0, 0.0])
        self.assertEqual(self._steps(plan, "invoice").amount_done, 0.0)

    def test_reset_to_draft(self):
        order = self._order()
        plan = order.plan_id
        invoice = self._invoice(order)
        self.assertEqual(self._steps(plan, "invoice").state, "done")
        self._pay(invoice, 3000.0)
        self.assertEqual(self._done(plan, "payment"), [3000.0, 0.0, 0.0])
        invoice.button_draft()
        self.assertEqual(self._done(plan, "payment"), [0.0, 0.0, 0.0])
        self.assertEqual(self._steps(plan, "invoice").amount_done, 0.0)

    def test_tracking_touches_only_affected_plans(self):
        orders = self.env["sale.order"]
        for __ in range(6):
            orders |= self._order(confirm=False)
        orders.action_confirm()
        invoices = orders._create_invoices(grouped=True)
        invoices.action_post()
        target = invoices.filtered(lambda move: orders[0] in move.line_ids.sale_line_ids.order_id)
        self.assertEqual(len(target), 1)
        others = (orders - orders[0]).plan_id.step_ids
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_plus_plan_step SET write_date = '2000-01-01' WHERE id = ANY(%s)", [others.ids])
        self._pay(target, 2000.0)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM crm_plus_plan_step WHERE id = ANY(%s) AND write_date > '2000-01-01'", [others.ids]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "steps of other orders are not written")
        self.assertEqual(self._done(orders[0].plan_id, "payment"), [2000.0, 0.0, 0.0])

        # flat tracking cost: one affected plan or three, same number of queries
        Plan = self.env["crm_plus.plan"]
        self._pay(invoices.filtered(lambda m: orders[1] in m.line_ids.sale_line_ids.order_id), 500.0)
        self.env.cr.execute(
            "UPDATE crm_plus_plan_step SET amount_done = 0 WHERE plan_id = ANY(%s)", [orders.plan_id.ids]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            Plan._crm_plus_track_moves(target.ids)
        self.env.cr.execute(
            "UPDATE crm_plus_plan_step SET amount_done = 0 WHERE plan_id = ANY(%s)", [orders.plan_id.ids]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            Plan._crm_plus_track_moves(invoices.ids)
