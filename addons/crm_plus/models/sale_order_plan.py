# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..access import FINANCE
from ..access import SALE_MANAGER
from ..access import require_groups
from ..access import trusted_context
from ..messages import Message
from ..messages import Ref
from ..messages import _lt


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

    def _crm_plus_generate_plans(self):
        """Create the plans and steps of these orders in one batch (constant number of queries per order).

        An order with no step to plan (zero, negative or free order without template steps) gets no plan.
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
        plans.step_ids._crm_plus_sync_activities()
        return plans

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
