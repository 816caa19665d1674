# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools import float_compare

from ..access import FINANCE
from ..access import SALE_MANAGER
from ..access import require_groups
from ..access import trusted_context
from ..messages import Message
from ..messages import Ref
from ..messages import _lt

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_plus_plan_ids = fields.One2many("crm_plus.plan", "order_id", string="Execution Plans", copy=False)
    plan_id = fields.Many2one(
        "crm_plus.plan", string="Execution Plan", compute="_compute_plan_id", store=True, index="btree_not_null"
    )
    crm_plus_plan_step_ids = fields.One2many(related="plan_id.step_ids", readonly=False, string="Plan Steps")
    crm_plus_plan_progress = fields.Float(related="plan_id.progress", string="Plan Progress")
    crm_plus_plan_state = fields.Selection(related="plan_id.state", string="Plan Status")

    @api.depends("crm_plus_plan_ids")
    def _compute_plan_id(self):
        for order in self:
            order.plan_id = order.crm_plus_plan_ids[:1]

    # --------------------------------------------------------------- actions

    def _action_confirm(self):
        res = super()._action_confirm()
        self._crm_plus_plan_on_confirm()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.plan_id._crm_plus_cancel()
        return res

    @require_groups(FINANCE, SALE_MANAGER)
    def action_generate_plan(self):
        """(Re)generate the execution plans of these orders from their template or payment terms."""
        cancelled = self.filtered(lambda order: order.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "Cancelled order %(orders)s cannot get an execution plan.",
                    orders=", ".join(cancelled.mapped("name")),
                )
            )
        started = self.plan_id.filtered("is_started")
        if started:
            raise UserError(
                self.env._(
                    "Execution plan %(plans)s has started and cannot be generated again.",
                    plans=", ".join(started.mapped("display_name")),
                )
            )
        # sudo: finance and sales managers (checked by the decorator) replace plans they may not all see
        self.plan_id.sudo().unlink()
        self.sudo()._crm_plus_generate_plans()
        empty = self.filtered(lambda order: not order.plan_id)
        if empty:
            raise UserError(
                self.env._(
                    "Order %(orders)s has nothing to plan: nothing to collect, deliver or do.",
                    orders=", ".join(empty.mapped("name")),
                )
            )
        if len(self) == 1:
            return self.action_open_plan()
        return True

    def action_open_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Execution Plan"),
            "res_model": "crm_plus.plan",
            "res_id": self.plan_id.id,
            "view_mode": "form",
        }

    # -------------------------------------------------------------- business

    def _crm_plus_plan_on_confirm(self):
        """Generate plans of newly confirmed orders; reconfirmed orders get their cancelled plan back."""
        # sudo: the plan is a consequence of a confirmation the user was allowed to make (an approver confirming
        # someone else's order may not create plans for it otherwise).
        orders = self.sudo().filtered(lambda order: order.state == "sale")
        cancelled_plans = orders.plan_id.filtered("cancelled")
        started = cancelled_plans.filtered("is_started")
        started._crm_plus_reopen()
        (cancelled_plans - started).unlink()
        orders.filtered(lambda order: not order.plan_id)._crm_plus_generate_plans()

    def _crm_plus_plan_template(self):
        """The plan template for this order: customer's, else the customer category's, else the payment term's."""
        self.ensure_one()
        partner = self.partner_id
        template = partner.crm_plus_plan_template_id or partner.commercial_partner_id.crm_plus_plan_template_id
        if not template:
            template = partner.commercial_partner_id.crm_plus_category_id.crm_plus_plan_template_id
        if not template:
            template = self.payment_term_id.crm_plus_plan_template_id
        return template.filtered(
            lambda tmpl: tmpl.active and (not tmpl.company_id or tmpl.company_id == self.company_id)
        )

    def _crm_plus_generate_plans(self, sync_activities=True):
        """Create the plans and steps of these orders in one batch (constant number of queries per order).

        An order with no step to plan (zero, negative or free order without template steps) gets no plan.
        ``sync_activities=False``: no step to-do yet (the caller tracks the steps first, then syncs the open ones).
        """
        orders = self.filtered(lambda order: order.state != "cancel")
        if not orders:
            return self.env["crm_plus.plan"]
        default_types = self.env["crm_plus.plan.action.type"]._crm_plus_default_types()
        plan_vals, steps_per_order = [], []
        for order in orders:
            template = order._crm_plus_plan_template()
            step_values = order._crm_plus_plan_step_values(template, default_types)
            if not step_values:
                continue  # nothing to collect, deliver or do (free or refund order): no plan, as in core
            plan_vals.append({"order_id": order.id, "template_id": template.id})
            steps_per_order.append(step_values)
        if not plan_vals:
            return self.env["crm_plus.plan"]
        Plan = trusted_context(self.env["crm_plus.plan"], crm_plus_plan_defer_check=True).with_context(
            mail_create_nolog=True
        )
        plans = Plan.create(plan_vals)
        step_vals = [
            dict(vals, plan_id=plan.id) for plan, values in zip(plans, steps_per_order, strict=True) for vals in values
        ]
        steps = (
            trusted_context(
                self.env["crm_plus.plan.step"], crm_plus_plan_defer_check=True, crm_plus_plan_no_activity=True
            )
            .with_context(mail_create_nolog=True)
            .create(step_vals)
        )
        steps._crm_plus_store_name_translations([vals["name"].data for vals in step_vals])
        plans = plans.with_env(self.env)
        plans._check_steps()
        if sync_activities:
            plans.step_ids._crm_plus_sync_activities()
        return plans

    @api.model
    def _crm_plus_plan_existing_orders(self, batch_size=500):
        """Plans for the confirmed orders that have none (orders confirmed before crm_plus was installed).

        Run by the install hook; safe to run again (orders with a plan are skipped). Per batch of
        ``batch_size`` orders: the invoiced, paid and delivered figures are read once; orders already fully
        paid and delivered get no plan (their history stays in accounting and stock, nothing is left to
        carry out); the others get their plan from their template or payment terms, quietly (no chatter
        message, no tracking, no follower), then their steps are brought in line with what is already
        invoiced, paid and delivered by the plan tracking; only the steps still open get their to-do.
        An order whose plan cannot be made (inconsistent old data) is skipped with a warning, never the
        batch. Returns the number of plans created.
        """
        self.env["crm_plus.plan"].flush_model(["order_id"])
        self.flush_model(["state"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id FROM sale_order so
                 WHERE so.state = 'sale'
                   AND NOT EXISTS (SELECT 1 FROM crm_plus_plan pl WHERE pl.order_id = so.id)
              ORDER BY so.id
                """
            )
        )
        order_ids = [row[0] for row in rows]
        # sudo: run by the install hook (or an administrator's shell) for every order, whoever can see it
        Order = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
        created = 0
        for start in range(0, len(order_ids), batch_size):
            orders = Order.browse(order_ids[start : start + batch_size])
            created += orders._crm_plus_plan_existing_batch()
            self.env.flush_all()
            self.env.invalidate_all()  # keep memory flat on large databases
            _logger.info("crm_plus: planned existing orders %s/%s", start + len(orders), len(order_ids))
        return created

    def _crm_plus_plan_existing_batch(self):
        """One batch of ``_crm_plus_plan_existing_orders``; falls back to one order at a time on an error."""
        Plan = self.env["crm_plus.plan"]
        invoiced = Plan._crm_plus_order_invoice_figures(self.ids)
        stock = Plan._crm_plus_order_stock_figures(self.ids)
        todo = self.filtered(lambda order: not order._crm_plus_is_settled(invoiced, stock))
        try:
            with self.env.cr.savepoint():
                return len(todo._crm_plus_plan_and_track())
        except (UserError, ValidationError):
            self.env.invalidate_all()  # one order's old data is inconsistent: find it, plan the others
        created = 0
        for order in todo:
            try:
                with self.env.cr.savepoint():
                    created += len(order._crm_plus_plan_and_track())
            except (UserError, ValidationError) as error:
                self.env.invalidate_all()
                _logger.warning("crm_plus: no execution plan for existing order %s: %s", order.name, error)
        return created

    def _crm_plus_plan_and_track(self):
        plans = self._crm_plus_generate_plans(sync_activities=False)
        plans._crm_plus_track()
        plans.step_ids.filtered(lambda step: step.state not in ("done", "cancelled"))._crm_plus_sync_activities()
        return plans

    def _crm_plus_is_settled(self, invoice_figures, stock_figures):
        """Whether this order was fully paid and delivered (figures as ``crm_plus.plan`` tracks them)."""
        self.ensure_one()
        paid = invoice_figures.get(self.id, (0.0, 0.0))[1]
        delivered = stock_figures.get(self.id, (0.0, 0.0))[0]
        goods_qty = sum(
            line.product_uom_qty
            for line in self.order_line
            if not line.display_type and line.product_id.type == "consu"
        )
        return (
            self.currency_id.compare_amounts(paid, max(self.amount_total, 0.0)) >= 0
            and float_compare(delivered, goods_qty, precision_digits=4) >= 0
        )

    def _crm_plus_plan_step_values(self, template, default_types):
        """Values of the steps of this order's plan, from ``template`` or else from the payment terms."""
        self.ensure_one()
        currency = self.currency_id
        order_date = (self.date_order or fields.Datetime.now()).date()
        delivery_dt = self.commitment_date or self.expected_date or self.date_order
        delivery_date = max(delivery_dt.date() if delivery_dt else order_date, order_date)
        goods_qty = sum(
            line.product_uom_qty
            for line in self.order_line
            if not line.display_type and line.product_id.type == "consu"
        )
        total = self.amount_total
        values = []
        if template:
            shares = {}
            for kind in ("payment", "invoice"):
                lines = template.line_ids.filtered(lambda line, kind=kind: line.kind == kind)
                allocated = 0.0
                for index, line in enumerate(lines):
                    if index == len(lines) - 1:
                        shares[line.id] = currency.round(total - allocated)
                    else:
                        shares[line.id] = currency.round(total * line.percent / 100.0)
                        allocated += shares[line.id]
            previous = order_date
            for line in template.line_ids:
                base = {"approval": order_date, "delivery": delivery_date}.get(line.trigger, previous)
                date_due = base + timedelta(days=line.offset_days)
                previous = date_due
                if line.kind in ("payment", "invoice"):
                    amount = shares[line.id]
                elif line.kind in ("delivery", "receipt"):
                    amount = goods_qty
                else:
                    amount = 1.0
                if amount <= 0:
                    continue
                values.append(
                    {
                        "sequence": line.sequence,
                        "name": Message(self.env, Ref(line, "name") if line.name else Ref(line.action_type_id, "name")),
                        "action_type_id": line.action_type_id.id,
                        "trigger": line.trigger,
                        "offset_days": line.offset_days,
                        "date_due": date_due,
                        "amount": amount,
                        "user_id": (line.user_id or self._crm_plus_plan_responsible(line.action_type_id)).id,
                        "handoff_role": line.handoff_role,
                        "handoff_user_id": line.handoff_user_id.id,
                    }
                )
            return values
        payment_type = default_types.get("payment")
        # nothing to collect on a free, zero or negative (refund) order: no payment step
        if payment_type and currency.compare_amounts(total, 0.0) > 0:
            if self.payment_term_id:
                terms = self.payment_term_id._compute_terms(
                    date_ref=order_date,
                    currency=currency,
                    company=self.company_id,
                    tax_amount=self.amount_tax,
                    tax_amount_currency=self.amount_tax,
                    sign=1,
                    untaxed_amount=self.amount_untaxed,
                    untaxed_amount_currency=self.amount_untaxed,
                )
                installments = [(term["date"], term["foreign_amount"]) for term in terms["line_ids"]]
                if any(currency.compare_amounts(amount, 0.0) < 0 for _date, amount in installments):
                    # terms that split a total into negative parts: collect the total at once
                    installments = [(order_date, total)]
            else:
                installments = [(order_date, total)]
            user = self._crm_plus_plan_responsible(payment_type)
            for sequence, (date_due, amount) in enumerate(installments, start=1):
                if currency.is_zero(amount):
                    continue
                values.append(
                    {
                        "sequence": sequence * 10,
                        "name": Message(
                            self.env,
                            _lt("Collect %(percent)s%%", percent=round(100.0 * amount / total, 2))
                            if len(installments) > 1
                            else Ref(payment_type, "name"),
                        ),
                        "action_type_id": payment_type.id,
                        "date_due": max(date_due, order_date),
                        "amount": amount,
                        "user_id": user.id,
                    }
                )
        delivery_type = default_types.get("delivery")
        if delivery_type and goods_qty > 0:
            values.append(
                {
                    "sequence": 5,
                    "name": Message(self.env, Ref(delivery_type, "name")),
                    "action_type_id": delivery_type.id,
                    "trigger": "delivery",
                    "date_due": delivery_date,
                    "amount": goods_qty,
                    "user_id": self._crm_plus_plan_responsible(delivery_type).id,
                }
            )
        return values

    def _crm_plus_plan_responsible(self, action_type):
        """Default responsible of a step of ``action_type`` on this order."""
        self.ensure_one()
        if action_type.responsible == "user" and action_type.user_id:
            return action_type.user_id
        if action_type.responsible == "team_leader" and self.team_id.user_id:
            return self.team_id.user_id
        return self.user_id
