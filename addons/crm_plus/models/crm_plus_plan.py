# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
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
from ..access import is_trusted
from ..access import require_groups
from ..access import trusted_context
from ..messages import _lt
from ..messages import chatter_note
from .crm_plus_plan_step import MONEY_KINDS
from .crm_plus_plan_step import check_hand_written_fields

TRACKED_KINDS = ("payment", "invoice", "delivery", "receipt")


class CrmPlusPlan(models.Model):
    """How a confirmed order is carried out: its steps, tracked against invoices, payments and deliveries.

    Who changes what: salespeople read their plans (and chat on them); state and done amounts move only
    through tracking (accounting and stock events, trusted context ``crm_plus_plan_tracking``) or an
    authorised action (finance or sales manager: cancel, and the step actions), each in the chatter.
    Finance and sales managers edit planned dates and amounts until the plan starts.
    """

    _name = "crm_plus.plan"
    _description = "Order Execution Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(related="order_id.name", store=True)
    order_id = fields.Many2one(
        "sale.order", string="Order", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", related="order_id.partner_id.commercial_partner_id", store=True, index=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", related="order_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    template_id = fields.Many2one("crm_plus.plan.template", string="Template", check_company=True)
    step_ids = fields.One2many("crm_plus.plan.step", "plan_id", string="Steps", copy=True)
    cancelled = fields.Boolean(readonly=True, copy=False, tracking=True)
    amount_total = fields.Monetary(related="order_id.amount_total", string="Order Total")
    amount_planned = fields.Monetary(compute="_compute_amounts", store=True, string="Planned Collections")
    amount_collected = fields.Monetary(compute="_compute_amounts", store=True, string="Collected")
    amount_open = fields.Monetary(compute="_compute_amounts", store=True, string="Open Amount")
    progress = fields.Float(compute="_compute_amounts", store=True, aggregator="avg")
    is_started = fields.Boolean(
        compute="_compute_amounts", store=True, string="Started", help="A step is done or partially done."
    )
    date_next = fields.Date(compute="_compute_amounts", store=True, string="Next Step Date")
    step_count = fields.Integer(compute="_compute_amounts", store=True)
    state = fields.Selection(
        [("planned", "Planned"), ("in_progress", "In Progress"), ("done", "Done"), ("cancelled", "Cancelled")],
        compute="_compute_amounts",
        store=True,
        index=True,
        tracking=True,
    )

    _order_uniq = models.UniqueIndex("(order_id)", "An order has a single execution plan.")

    @api.depends("cancelled", "step_ids.amount", "step_ids.amount_done", "step_ids.state", "step_ids.kind")
    def _compute_amounts(self):
        for plan in self:
            planned = collected = open_amount = progress = 0.0
            count = 0
            started, all_done = False, True
            open_dates = []
            for step in plan.step_ids:
                state = step.state
                if state == "cancelled":
                    continue
                count += 1
                progress += step.progress
                started = started or step.amount_done > 0
                if state != "done":
                    all_done = False
                    if step.date_due:
                        open_dates.append(step.date_due)
                if step.kind == "payment":
                    planned += step.amount
                    collected += step.amount_done
                    open_amount += step.amount_residual
            plan.amount_planned = planned
            plan.amount_collected = collected
            plan.amount_open = open_amount
            plan.progress = progress / count if count else 0.0
            plan.is_started = started
            plan.step_count = count
            plan.date_next = min(open_dates) if open_dates else False
            if plan.cancelled:
                plan.state = "cancelled"
            elif count and all_done:
                plan.state = "done"
            elif started:
                plan.state = "in_progress"
            else:
                plan.state = "planned"

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_hand_written_fields(self, vals, {"cancelled"})
        plans = super(CrmPlusPlan, trusted_context(self, crm_plus_plan_defer_check=True)).create(vals_list)
        plans = plans.with_env(self.env)
        plans._check_steps()
        return plans

    def write(self, vals):
        if "order_id" in vals and not is_trusted(self.env, "crm_plus_plan_tracking"):
            raise UserError(self.env._("The order of an execution plan cannot be changed."))
        check_hand_written_fields(self, vals, {"cancelled"})
        res = super(CrmPlusPlan, trusted_context(self, crm_plus_plan_defer_check=True)).write(vals)
        if "step_ids" in vals:
            self._check_steps()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        started = self.filtered("is_started")
        if started:
            raise UserError(
                self.env._(
                    "Execution plan %(plans)s has started (a step is done or partially done) and cannot be deleted; "
                    "cancel the order instead.",
                    plans=", ".join(started.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------ validation

    def _check_steps(self):
        """Payment steps add up to the order total, dates not before the order date, amounts positive."""
        if is_trusted(self.env, "crm_plus_plan_defer_check"):
            return
        for plan in self:
            if plan.cancelled:
                continue
            order = plan.order_id
            steps = plan.step_ids.filtered(lambda step: not step.cancelled)
            order_date = order.date_order.date() if order.date_order else False
            for step in steps:
                if float_compare(step.amount, 0.0, precision_digits=6) <= 0:
                    raise ValidationError(
                        self.env._(
                            "Step %(step)s of plan %(plan)s must have a positive amount or quantity.",
                            step=step.display_name,
                            plan=plan.display_name,
                        )
                    )
                if order_date and step.date_due and step.date_due < order_date:
                    raise ValidationError(
                        self.env._(
                            "Step %(step)s of plan %(plan)s is planned on %(date)s, "
                            "before the order date %(order_date)s.",
                            step=step.display_name,
                            plan=plan.display_name,
                            date=step.date_due,
                            order_date=order_date,
                        )
                    )
            payments = steps.filtered(lambda step: step.kind == "payment")
            currency = plan.currency_id
            if payments and currency.compare_amounts(sum(payments.mapped("amount")), order.amount_total):
                raise ValidationError(
                    self.env._(
                        "The payment steps of plan %(plan)s add up to %(planned)s but the order total is %(total)s.",
                        plan=plan.display_name,
                        planned=currency.round(sum(payments.mapped("amount"))),
                        total=order.amount_total,
                    )
                )

    def _check_editable(self):
        """A plan is editable until it starts; a cancelled plan is frozen."""
        if is_trusted(self.env, "crm_plus_plan_tracking"):
            return
        for plan in self:
            if plan.cancelled:
                raise UserError(self.env._("Execution plan %(plan)s is cancelled.", plan=plan.display_name))
            if plan.is_started:
                raise UserError(
                    self.env._(
                        "Execution plan %(plan)s has started: its steps can no longer be changed.",
                        plan=plan.display_name,
                    )
                )

    # --------------------------------------------------------------- actions

    @require_groups(FINANCE, SALE_MANAGER)
    def action_cancel(self):
        """Cancel the plans and their open steps by hand (finance, sales manager): logged on each plan."""
        plans = self.filtered(lambda plan: not plan.cancelled)
        plans._crm_plus_cancel()
        for plan in plans:
            plan._crm_plus_message_post(
                chatter_note(self.env, _lt("Plan cancelled by %(user)s.", user=self.env.user.name))
            )
        return True

    def _crm_plus_cancel(self):
        """Cancel the plans and their open steps (the order was cancelled, or an authorised user asked)."""
        plans = self.filtered(lambda plan: not plan.cancelled)
        if not plans:
            return True
        # sudo: a consequence of a cancellation the caller was allowed to make (order or plan)
        plans = trusted_context(plans.sudo(), crm_plus_plan_tracking=True)
        plans.write({"cancelled": True})
        steps = plans.step_ids.filtered(lambda step: step.state != "done")
        steps.write({"cancelled": True})
        steps._crm_plus_sync_activities()
        return True

    def _crm_plus_reopen(self):
        """Reactivate cancelled plans (the order was confirmed again)."""
        # sudo: a consequence of the confirmation the caller was allowed to make
        plans = trusted_context(self.sudo().filtered("cancelled"), crm_plus_plan_tracking=True)
        plans.write({"cancelled": False})
        plans.step_ids.write({"cancelled": False})
        plans._crm_plus_track()
        plans.step_ids._crm_plus_sync_activities()
        return True

    def action_open_steps(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_plan_step_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_track(self):
        """Recompute done amounts from invoices, payments and deliveries (normally automatic)."""
        self.check_access("read")
        # sudo: the figures come from the accounting and stock documents themselves, whoever asks
        self.sudo()._crm_plus_track()
        return True

    # -------------------------------------------------------------- tracking

    @api.model
    def _crm_plus_track_moves(self, move_ids):
        """Update the plans of the orders invoiced by ``move_ids`` (reconciliation, posting, reset, reversal)."""
        if not move_ids:
            return
        # sudo: tracking follows accounting documents the user could already change (an accountant posting or
        # reconciling may not see the order); only done amounts are written.
        plans = self.sudo()
        self.env["account.move.line"].flush_model(["move_id", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])
        self.flush_model(["order_id", "cancelled"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT plan.id
                  FROM account_move_line aml
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN crm_plus_plan plan ON plan.order_id = sol.order_id
                 WHERE aml.move_id = ANY(%s) AND plan.cancelled IS NOT TRUE
                """,
                list(move_ids),
            )
        )
        if rows:
            plans.browse([row[0] for row in rows])._crm_plus_track(("payment", "invoice"))

    @api.model
    def _crm_plus_track_orders(self, order_ids, kinds=TRACKED_KINDS):
        if not order_ids:
            return
        # sudo: as for moves, tracking follows stock documents the user could already validate.
        plans = self.sudo().search([("order_id", "in", list(order_ids)), ("cancelled", "=", False)])
        plans._crm_plus_track(kinds)

    def _crm_plus_invoice_figures(self):
        """{order_id: (invoiced, paid)} of these plans' orders (``_crm_plus_order_invoice_figures``)."""
        return self._crm_plus_order_invoice_figures(self.order_id.ids)

    @api.model
    def _crm_plus_order_invoice_figures(self, order_ids):
        """{order_id: (invoiced, paid)} from posted customer invoices minus refunds, shared per order."""
        self.env["account.move"].flush_model(["state", "move_type", "amount_total", "amount_residual"])
        self.env["account.move.line"].flush_model(["move_id", "sale_line_ids", "price_total"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH moves AS (
                    SELECT DISTINCT aml.move_id
                      FROM sale_order_line sol
                      JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     WHERE sol.order_id = ANY(%(orders)s)
                ), parts AS (
                    SELECT sol.order_id, aml.move_id, SUM(aml.price_total) AS part
                      FROM moves
                      JOIN account_move_line aml ON aml.move_id = moves.move_id
                      JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                      JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  GROUP BY sol.order_id, aml.move_id
                ), totals AS (
                    SELECT move_id, SUM(part) AS total FROM parts GROUP BY move_id
                )
                SELECT parts.order_id,
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * am.amount_total * COALESCE(parts.part / NULLIF(totals.total, 0), 1)),
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * (am.amount_total - am.amount_residual) * COALESCE(parts.part / NULLIF(totals.total, 0), 1))
                  FROM parts
                  JOIN totals ON totals.move_id = parts.move_id
                  JOIN account_move am ON am.id = parts.move_id
                 WHERE parts.order_id = ANY(%(orders)s)
                   AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
              GROUP BY parts.order_id
                """,
                orders=list(order_ids),
            )
        )
        return {order_id: (invoiced or 0.0, paid or 0.0) for order_id, invoiced, paid in rows}

    def _crm_plus_stock_figures(self):
        """{order_id: (delivered, received)} of these plans' orders (``_crm_plus_order_stock_figures``)."""
        return self._crm_plus_order_stock_figures(self.order_id.ids)

    @api.model
    def _crm_plus_order_stock_figures(self, order_ids):
        """{order_id: (delivered net of returns, received)} from done moves of the orders' transfers."""
        self.env["stock.move"].flush_model(["state", "quantity", "picking_id", "origin_returned_move_id"])
        self.env["stock.picking"].flush_model(["sale_id", "picking_type_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT picking.sale_id,
                       SUM(CASE WHEN ptype.code = 'outgoing' THEN move.quantity
                                WHEN ptype.code = 'incoming' AND move.origin_returned_move_id IS NOT NULL
                                THEN -move.quantity ELSE 0 END),
                       SUM(CASE WHEN ptype.code = 'incoming' THEN move.quantity ELSE 0 END)
                  FROM stock_move move
                  JOIN stock_picking picking ON picking.id = move.picking_id
                  JOIN stock_picking_type ptype ON ptype.id = picking.picking_type_id
                 WHERE picking.sale_id = ANY(%s) AND move.state = 'done'
              GROUP BY picking.sale_id
                """,
                list(order_ids),
            )
        )
        return {order_id: (delivered or 0.0, received or 0.0) for order_id, delivered, received in rows}

    def _crm_plus_track(self, kinds=TRACKED_KINDS):
        """Recompute ``amount_done`` of the tracked steps of these plans only.

        Each figure (paid, invoiced, delivered, received) is distributed over the steps of its kind in date order,
        so partial payments fill the earliest steps first and unreconciling or refunding lowers them again.
        """
        plans = self.filtered(lambda plan: not plan.cancelled)
        if not plans:
            return
        kinds = set(kinds)
        invoice_figures = plans._crm_plus_invoice_figures() if kinds & {"payment", "invoice"} else {}
        stock_figures = plans._crm_plus_stock_figures() if kinds & {"delivery", "receipt"} else {}
        steps = self.env["crm_plus.plan.step"].search(
            [("plan_id", "in", plans.ids), ("kind", "in", list(kinds)), ("cancelled", "=", False)],
            order="plan_id, date_due, sequence, id",
        )
        remaining = {}
        for plan in plans:
            invoiced, paid = invoice_figures.get(plan.order_id.id, (0.0, 0.0))
            delivered, received = stock_figures.get(plan.order_id.id, (0.0, 0.0))
            for kind, value in (
                ("payment", paid),
                ("invoice", invoiced),
                ("delivery", delivered),
                ("receipt", received),
            ):
                remaining[plan.id, kind] = value
        by_value = defaultdict(list)
        for step in steps:
            key = (step.plan_id.id, step.kind)
            available = max(remaining[key], 0.0)
            done = min(step.amount, available)
            if step.kind in MONEY_KINDS:
                done = step.currency_id.round(done)
            remaining[key] -= step.amount
            if float_compare(done, step.amount_done, precision_digits=6):
                by_value[done].append(step.id)
        if not by_value:
            return
        changed = self.env["crm_plus.plan.step"].browse([step_id for ids in by_value.values() for step_id in ids])
        was_done = {step.id: step.state == "done" for step in changed}
        for value, step_ids in by_value.items():
            trusted_context(changed.browse(step_ids), crm_plus_plan_tracking=True).write({"amount_done": value})
        # only steps that got done (or reopened by an unreconciliation/refund) change their activities
        toggled = changed.filtered(lambda step: (step.state == "done") != was_done[step.id])
        toggled._crm_plus_sync_activities()
        toggled.plan_id._crm_plus_reschedule()
        toggled._crm_plus_handoff_next()

    def _crm_plus_reschedule(self):
        """Open steps triggered by the delivery or by the previous step follow the actual dates once those are done."""
        updates = defaultdict(list)
        for plan in self.filtered(lambda plan: not plan.cancelled):
            steps = plan.step_ids.filtered(lambda step: not step.cancelled).sorted(
                lambda step: (step.sequence, step.id)
            )
            deliveries = steps.filtered(lambda step: step.kind == "delivery")
            delivered_on = False
            if deliveries and all(step.state == "done" for step in deliveries):
                delivered_on = max(deliveries.mapped("date_done"))
            previous = False
            for step in steps:
                base = False
                if step.trigger == "delivery":
                    base = delivered_on
                elif step.trigger == "previous" and previous and previous.state == "done":
                    base = previous.date_done
                previous = step
                if base and step.state != "done":
                    date_due = max(base + timedelta(days=step.offset_days), plan.order_id.date_order.date())
                    if date_due != step.date_due:
                        updates[date_due].append(step.id)
        for date_due, step_ids in updates.items():
            trusted_context(self.env["crm_plus.plan.step"].browse(step_ids), crm_plus_plan_tracking=True).write(
                {"date_due": date_due}
            )
