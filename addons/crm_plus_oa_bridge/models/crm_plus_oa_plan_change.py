# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plan changes of confirmed orders, approved along a plan-change route.

crm_plus lets whoever may edit an execution plan change its steps until the
plan starts, without approval. With a *plan change* route matching the order,
the dates and amounts of the steps of a confirmed order's plan change only
through a request (*Request Plan Change* on the plan) that travels the route;
its last approval applies the changes. Without such a route nothing changes.
"""

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.fields import Domain

from odoo.addons.crm_plus.access import require_groups
from odoo.addons.crm_plus.messages import chatter_note

from ..access import OA_USER
from ..messages import _lt
from .crm_plus_plan import plan_gate

REQUEST_STATES = [
    ("pending", "Waiting for approval"),
    ("applied", "Approved and applied"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]


class CrmPlusOaPlanChange(models.Model):
    _name = "crm_plus_oa.plan.change"
    _description = "Plan Change Request"
    _inherit = ["crm_plus_oa.approval.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    _state_from = ["pending"]
    _state_to = ["applied"]
    _cancel_state = "withdrawn"
    _crm_plus_oa_activity_type = "crm_plus_oa_bridge.mail_activity_type_oa_plan_change"

    name = fields.Char(required=True, readonly=True)
    plan_id = fields.Many2one("crm_plus.plan", required=True, readonly=True, index=True, ondelete="cascade")
    order_id = fields.Many2one(related="plan_id.order_id", store=True, index=True, string="Order")
    partner_id = fields.Many2one(related="plan_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    requested_by_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True)
    reason = fields.Text(required=True, readonly=True)
    state = fields.Selection(REQUEST_STATES, required=True, default="pending", readonly=True, tracking=True)
    line_ids = fields.One2many("crm_plus_oa.plan.change.line", "change_id", string="Changes", readonly=True)
    plan_readable = fields.Boolean(compute="_compute_plan_readable", search="_search_plan_readable")
    oa_can_act = fields.Boolean(compute="_compute_oa_can_act")
    oa_can_withdraw = fields.Boolean(compute="_compute_oa_can_act")

    @api.depends_context("uid")
    def _compute_plan_readable(self):
        # Evaluated by ir.rule checks through filtered_domain (as superuser):
        # sudo(False) gets the acting user back, like the search method.
        plans = self.sudo().plan_id
        readable = plans.with_env(self.sudo(False).env)._filtered_access("read") if plans else plans
        for change in self:
            change.plan_readable = change.sudo().plan_id.id in readable.ids

    @api.model
    def _search_plan_readable(self, operator, value):
        # see crm_plus_oa.approval.log._search_document_readable
        plans = self.sudo(False).env["crm_plus.plan"].with_context(active_test=False)._search([])
        domain = Domain("plan_id", "in", plans)
        return domain if operator == "in" else ~domain

    @api.depends_context("uid")
    @api.depends("state", "review_ids.status", "review_ids.oa_user_ids")
    def _compute_oa_can_act(self):
        user = self.env.user
        for change in self:
            in_flight = change._crm_plus_oa_in_flight()
            change.oa_can_act = in_flight and bool(change._crm_plus_oa_actionable_reviews(user))
            change.oa_can_withdraw = in_flight and user == change.requested_by_id

    # ------------------------------------------------------------- requesting
    @api.model
    def _crm_plus_oa_route_for(self, plan):
        """The plan-change route taking changes of ``plan`` (a confirmed order's, not cancelled), if any."""
        # sudo: whether a route applies is decided on the order, whatever the user may read of it
        order = plan.sudo().order_id
        if plan.sudo().cancelled or order.state != "sale":
            return self.env["crm_plus_oa.route"]
        return self.env["crm_plus_oa.route"]._crm_plus_oa_find(order, ["plan_change"])

    @api.model
    def _crm_plus_oa_request(self, plan, changes, reason):
        """Request ``changes`` {step: {"date_due": date, "amount": float}} of ``plan`` for ``reason``.

        Whoever may edit the plan requests. With a plan-change route the request
        travels it; without one the changes apply at once (crm_plus as usual).
        """
        plan.ensure_one()
        # a request needs read access (its route decides); a change applied at once needs write access
        plan.check_access("read")
        steps = self.env["crm_plus.plan.step"].union(*changes)
        if not reason or not reason.strip():
            raise UserError(self.env._("Say why the plan changes."))
        if steps.plan_id != plan or not steps:
            raise UserError(self.env._("Choose steps of plan %(plan)s to change.", plan=plan.display_name))
        lines = []
        for step in steps:
            new = changes[step]
            date_due = new.get("date_due") or step.date_due
            amount = new["amount"] if new.get("amount") is not None else step.amount
            if date_due == step.date_due and not step.currency_id.compare_amounts(amount, step.amount):
                continue
            lines.append(
                {
                    "step_id": step.id,
                    "step_name": step.name or step.action_type_id.name,
                    "date_due_before": step.date_due,
                    "date_due": date_due,
                    "amount_before": step.amount,
                    "amount": amount,
                }
            )
        if not lines:
            raise UserError(self.env._("Nothing changes: give the steps a new date or amount."))
        route = self._crm_plus_oa_route_for(plan)
        if not route:
            plan.check_access("write")
            plan.step_ids.browse([line["step_id"] for line in lines])._crm_plus_oa_apply_changes(lines)
            return self.browse()
        self._crm_plus_oa_check_proposal(plan, lines)
        # sudo: the order's salesperson and the requests of the plan, for the request's name and approvers
        # (the requester was checked above to edit the plan)
        order = plan.sudo().order_id
        requester = self.env.user
        count = self.sudo().search_count([("plan_id", "=", plan.id)])
        # sudo: requests are created by this method only (their lines and state are not the requester's to edit)
        change = (
            self.sudo()
            .create(
                {
                    "name": self.env._("%(order)s: plan change %(number)s", order=order.name, number=count + 1),
                    "plan_id": plan.id,
                    "requested_by_id": requester.id,
                    "reason": reason.strip(),
                    "line_ids": [Command.create(line) for line in lines],
                }
            )
            .with_env(self.env)
        )
        # sudo: requests are read-only to users (followers included); the requester follows his own
        change.sudo().message_subscribe(partner_ids=requester.partner_id.ids)
        plan_vals = route._crm_plus_oa_plan(order, order.user_id or requester, order.user_id | requester)
        change._crm_plus_oa_start(route, plan_vals, requester)
        change._crm_plus_oa_log(
            "requested",
            comment=self.env._(
                "Route %(route)s: %(change)s. %(reason)s", route=route.name, change=change.name, reason=change.reason
            ),
            changes=change._crm_plus_oa_changes_text(),
        )
        change._crm_plus_oa_advance()
        return change

    @api.model
    def _crm_plus_oa_check_proposal(self, plan, lines):
        """Refuse at once what the plan would refuse when applied (started plan, dates, amounts, total)."""
        # sudo: crm_plus's own checks of the plan, read as they will apply (the requester may edit the plan)
        plan = plan.sudo()
        if plan.is_started:
            # a started plan: only its remaining installments move (crm_plus's rescheduling)
            plan._crm_plus_check_reschedulable(plan.step_ids.browse([line["step_id"] for line in lines]))
        else:
            plan._check_editable()
        order_date = plan.order_id.date_order.date() if plan.order_id.date_order else False
        new_amounts = {line["step_id"]: line["amount"] for line in lines}
        for line in lines:
            if line["amount"] <= 0:
                raise UserError(self.env._("Step %(step)s needs a positive amount.", step=line["step_name"]))
            if order_date and line["date_due"] < order_date:
                raise UserError(
                    self.env._("Step %(step)s cannot be planned before the order date.", step=line["step_name"])
                )
        payments = plan.step_ids.filtered(lambda s: s.kind == "payment" and not s.cancelled)
        total = sum(new_amounts.get(step.id, step.amount) for step in payments)
        if payments and plan.currency_id.compare_amounts(total, plan.order_id.amount_total):
            raise UserError(
                self.env._(
                    "The payment steps would add up to %(planned)s but the order total is %(total)s.",
                    planned=plan.currency_id.round(total),
                    total=plan.order_id.amount_total,
                )
            )

    def _crm_plus_oa_changes_text(self):
        self.ensure_one()
        return "\n".join(
            self.env._(
                "%(step)s: %(date_before)s -> %(date)s, %(amount_before)s -> %(amount)s",
                step=line.step_name,
                date_before=line.date_due_before,
                date=line.date_due,
                amount_before=line.amount_before,
                amount=line.amount,
            )
            # sudo: the request's own lines (copied figures), whoever reads the trail entry being written
            for line in self.sudo().line_ids
        )

    # ------------------------------------------------------------ mixin hooks
    def _crm_plus_oa_pending(self):
        return self._crm_plus_oa_read("state") == "pending"

    def _crm_plus_oa_excluded_users(self):
        """The requester and the order's salesperson never approve the change."""
        requester, order = self._crm_plus_oa_read("requested_by_id", "order_id")
        # sudo: the order's salesperson, whoever asks
        return requester | order.sudo().user_id.with_env(self.env)

    def _crm_plus_oa_log_document(self):
        return {"order_id": self._crm_plus_oa_read("order_id").id, "plan_change_id": self.id}

    def _crm_plus_oa_lock(self):
        self.ensure_one()
        self._crm_plus_oa_lock_row()
        self.invalidate_recordset(["state"])
        if not self._crm_plus_oa_pending():
            raise UserError(self.env._("This request has already been decided."))

    def _crm_plus_oa_activity_note(self):
        return self._crm_plus_oa_read("reason")

    def _crm_plus_oa_final_approval(self):
        """Every step approved: the changes apply to the plan (crm_plus's checks run again)."""
        self.ensure_one()
        # sudo: the last approver (checked by _crm_plus_oa_approve) applies the change on the requester's behalf
        change = self.sudo()
        lines = [
            {"step_id": line.step_id.id, "date_due": line.date_due, "amount": line.amount} for line in change.line_ids
        ]
        if change.plan_id.is_started:
            # the remaining installments of a started plan: crm_plus's rescheduling, old and new schedule logged
            plan_gate(change.plan_id)._crm_plus_apply_schedule(lines, change.reason)
        else:
            change.line_ids.step_id._crm_plus_oa_apply_changes(lines)
        change.write({"state": "applied"})
        change.activity_unlink([self._crm_plus_oa_activity_type], only_automated=False)
        change.plan_id._crm_plus_message_post(
            chatter_note(
                self.env,
                Markup("%s<br/>%s"),
                _lt("Plan change %(name)s approved and applied.", name=change.name),
                change.reason,
            )
        )
        change._crm_plus_message_post(chatter_note(self.env, _lt("Approved and applied.")))

    # ---------------------------------------------------------------- actions
    def _crm_plus_oa_reject(self, reason):
        """Checked entry point of the rejection (comment wizard)."""
        self.ensure_one()
        self._crm_plus_oa_lock()
        self._crm_plus_oa_reject_reviews(reason)
        # sudo: the request's state only changes through these checked actions; the to-do goes to the requester
        change = self.sudo()
        change.write({"state": "rejected"})
        change._crm_plus_message_post(chatter_note(self.env, _lt("Rejected: %(reason)s", reason=reason)))
        change.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Plan change %(name)s rejected", name=change.name),
            note=reason,
            user_id=change.requested_by_id.id,
        )
        return True

    @require_groups(OA_USER)
    def action_oa_withdraw(self):
        for change in self:
            if not change._crm_plus_oa_in_flight():
                raise UserError(self.env._("Request %(name)s is not waiting for approval.", name=change.name))
            if self.env.user != change.requested_by_id:
                raise AccessError(self.env._("Only the requester can withdraw the request."))
            change._crm_plus_oa_close_round("withdrawn", self.env._("Withdrawn by the requester."))
            # sudo: the request's state only changes through these checked actions
            change.sudo().write({"state": "withdrawn"})
        return True

    def action_oa_open_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm_plus.plan",
            "res_id": self.plan_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
