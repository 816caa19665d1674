# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import defaultdict
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools import float_compare

from ..access import FINANCE
from ..access import SALE_MANAGER
from ..access import is_trusted
from ..access import require_groups
from ..access import trusted_context
from ..messages import _lt
from ..messages import chatter_note
from ..messages import translations
from .crm_plus_plan_template_line import TRIGGERS

MONEY_KINDS = ("payment", "invoice", "dunning")
MANUAL_KINDS = ("manual", "dunning")
# Fields that define a step: frozen once the plan has started.
PLANNED_FIELDS = {"plan_id", "action_type_id", "date_due", "amount"}
# Fields only tracking and the authorised actions write (never a create/write from a user).
# (handoff_state/handoff_issue: written by the automatic hand-off, crm_plus_plan_step_handoff.py)
TRACKED_FIELDS = {"cancelled", "amount_done", "handoff_state", "handoff_issue"}


def check_hand_written_fields(records, vals, guarded):
    """Refuse a create/write of ``guarded`` fields or of read-only computed fields (states, residuals...).

    Tracking and the authorised actions set them under the trusted context ``crm_plus_plan_tracking``;
    a client's context never does, and neither does a superuser without it.
    """
    if is_trusted(records.env, "crm_plus_plan_tracking"):
        return
    fields_ = records._fields
    refused = sorted(
        name
        for name in vals
        if name in guarded or (name in fields_ and fields_[name].compute and fields_[name].readonly)
    )
    if refused:
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s change only through tracking (invoices, payments, deliveries) "
                "or an authorised action.",
                fields=", ".join(refused),
                model=records._description,
            )
        )


class CrmPlusPlanStep(models.Model):
    """One step of an execution plan: collect an amount, deliver, install..."""

    _name = "crm_plus.plan.step"
    _description = "Execution Plan Step"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_due, sequence, id"
    _check_company_auto = True
    _mail_post_access = "read"

    plan_id = fields.Many2one("crm_plus.plan", string="Plan", required=True, index=True, ondelete="cascade")
    order_id = fields.Many2one(related="plan_id.order_id", store=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True, string="Customer")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    # translatable: generated steps get their name in every language (plan generation), so that each
    # reader (and each responsible's to-do) reads it in their own
    name = fields.Char(string="Description", translate=True)
    action_type_id = fields.Many2one(
        "crm_plus.plan.action.type", string="Action", required=True, ondelete="restrict", check_company=True
    )
    kind = fields.Selection(related="action_type_id.kind", store=True, index=True)
    color = fields.Integer(related="action_type_id.color")
    trigger = fields.Selection(TRIGGERS, default="approval")
    offset_days = fields.Integer(string="Offset (days)")
    date_due = fields.Date(string="Planned Date", required=True, index=True, tracking=True)
    date_remind = fields.Date(
        compute="_compute_date_remind",
        store=True,
        index=True,
        string="Reminder Date",
        help="Planned date minus the action type's lead time: the step is due from then.",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", index=True, domain=[("share", "=", False)], tracking=True
    )
    amount = fields.Float(
        digits=(16, 2),
        tracking=True,
        help="Amount to collect or invoice (order currency), quantity to deliver or receive, 1 for manual steps.",
    )
    amount_done = fields.Float(digits=(16, 2), readonly=True, copy=False, tracking=True, string="Done")
    amount_residual = fields.Float(
        digits=(16, 2), compute="_compute_amount_residual", store=True, string="Residual", help="Amount still open."
    )
    progress = fields.Float(compute="_compute_amount_residual", store=True)
    date_done = fields.Date(compute="_compute_date_done", store=True, readonly=False, copy=False)
    note = fields.Html(string="Done Note", copy=False)
    cancelled = fields.Boolean(readonly=True, copy=False)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("due", "Due"),
            ("overdue", "Overdue"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        copy=False,
    )

    # open payment steps by customer and date: what reminders and dunning look for
    _open_payment_idx = models.Index(
        "(partner_id, date_due) WHERE kind = 'payment' AND state IN ('planned', 'due', 'overdue')"
    )

    @api.depends("date_due", "action_type_id.lead_days")
    def _compute_date_remind(self):
        for step in self:
            lead = step.action_type_id.lead_days or 0
            step.date_remind = step.date_due - timedelta(days=lead) if step.date_due else False

    @api.depends("amount", "amount_done", "cancelled")
    def _compute_amount_residual(self):
        for step in self:
            open_amount = max(step.amount - step.amount_done, 0.0)
            step.amount_residual = 0.0 if step.cancelled else open_amount
            step.progress = min(100.0, 100.0 * step.amount_done / step.amount) if step.amount > 0 else 0.0

    @api.depends("state")
    def _compute_date_done(self):
        today = fields.Date.context_today(self)
        for step in self:
            if step.state != "done":
                step.date_done = False
            elif not step.date_done:
                step.date_done = today

    @api.depends("cancelled", "amount", "amount_done", "date_due", "date_remind")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for step in self:
            if step.cancelled:
                step.state = "cancelled"
            elif step.amount > 0 and step._is_complete():
                step.state = "done"
            elif step.date_due and step.date_due < today:
                step.state = "overdue"
            elif step.date_remind and step.date_remind <= today:
                step.state = "due"
            else:
                step.state = "planned"

    def _is_complete(self):
        self.ensure_one()
        if self.kind in MONEY_KINDS and self.currency_id:
            return self.currency_id.compare_amounts(self.amount_done, self.amount) >= 0
        return float_compare(self.amount_done, self.amount, precision_digits=4) >= 0

    @api.onchange("action_type_id")
    def _onchange_action_type_id(self):
        if self.action_type_id and not self.name:
            self.name = self.action_type_id.name

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_hand_written_fields(self, vals, TRACKED_FIELDS)
        steps = super().create(vals_list)
        if not is_trusted(self.env, "crm_plus_plan_tracking"):
            steps.plan_id._check_editable()
        steps.plan_id._check_steps()
        if not is_trusted(self.env, "crm_plus_plan_no_activity"):
            steps._crm_plus_sync_activities()
        return steps

    def write(self, vals):
        check_hand_written_fields(self, vals, TRACKED_FIELDS)
        tracking = is_trusted(self.env, "crm_plus_plan_tracking")
        if not tracking and PLANNED_FIELDS & vals.keys():
            self.plan_id._check_editable()
        plans = self.plan_id
        res = super().write(vals)
        if PLANNED_FIELDS & vals.keys():
            (plans | self.plan_id)._check_steps()
            if "plan_id" in vals:
                self.plan_id._check_editable()
        if {"date_due", "user_id", "action_type_id"} & vals.keys():
            self._crm_plus_sync_activities()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if not is_trusted(self.env, "crm_plus_plan_tracking"):
            self.plan_id._check_editable()

    def unlink(self):
        # Overridden only to re-validate the remaining steps of the plans after deletion.
        plans = self.plan_id
        res = super().unlink()
        plans.exists()._check_steps()
        return res

    # --------------------------------------------------------------- actions

    def action_done(self):
        """Mark manual steps done (their responsible or a sales manager; finance for dunning steps)."""
        return self._crm_plus_mark_done()

    def _crm_plus_check_can_close(self):
        """Manual steps: their responsible or a sales manager; dunning steps: finance or a sales manager."""
        user = self.env.user
        manager = self.env.su or user.has_group(SALE_MANAGER)
        for step in self:
            if step.kind not in MANUAL_KINDS:
                raise UserError(
                    self.env._(
                        "Step %(step)s is tracked automatically from invoices, payments or deliveries.",
                        step=step.display_name,
                    )
                )
            if manager:
                continue
            if step.kind == "dunning":
                allowed = user.has_group(FINANCE)
            else:
                allowed = not step.user_id or step.user_id == user
            if not allowed:
                raise AccessError(
                    self.env._(
                        "Only %(user)s, the responsible of step %(step)s, or a sales manager can close it.",
                        user=step.user_id.name if step.kind != "dunning" else self.env._("finance"),
                        step=step.display_name,
                    )
                )

    def _crm_plus_mark_done(self, note=None, attachments=None):
        """Checked: mark these manual steps done, the note and documents posted on each step's chatter."""
        self.check_access("read")
        self._crm_plus_check_can_close()
        for step in self:
            if step.state in ("done", "cancelled"):
                raise UserError(self.env._("Step %(step)s is already closed.", step=step.display_name))
        # sudo: checked above that the user may close these steps (responsible, manager, finance)
        steps = trusted_context(self.sudo(), crm_plus_plan_tracking=True)
        for step in steps:
            values = {"amount_done": step.amount}
            if note:
                values["note"] = note
            step.write(values)
            attachment_ids = attachments.ids if attachments else []
            if step.note:
                # the note as the user wrote it
                step.with_user(self.env.user).message_post(body=step.note, attachment_ids=attachment_ids)
            else:
                step.with_user(self.env.user)._crm_plus_message_post(
                    chatter_note(self.env, _lt("Step done.")), attachment_ids=attachment_ids
                )
        steps._crm_plus_sync_activities()
        steps.plan_id._crm_plus_reschedule()
        steps._crm_plus_handoff_next()
        return True

    def action_open_done_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark Done"),
            "res_model": "crm_plus.plan.step.done",
            "view_mode": "form",
            "target": "new",
            "context": {"default_step_ids": self.ids, "default_note": self[:1].note},
        }

    @require_groups(FINANCE, SALE_MANAGER)
    def action_reopen(self):
        """Reopen manual steps marked done by mistake (finance, sales manager): logged on each step."""
        self.check_access("read")
        steps = self.filtered(lambda step: step.kind in MANUAL_KINDS and step.state == "done")
        trusted_context(steps, crm_plus_plan_tracking=True).write({"amount_done": 0.0})
        steps._crm_plus_log(_lt("Step reopened by %(user)s.", user=self.env.user.name))
        steps._crm_plus_sync_activities()
        return True

    @require_groups(FINANCE, SALE_MANAGER)
    def action_cancel(self):
        """Cancel steps by hand (finance, sales manager) while their plan has not started: logged."""
        self.check_access("read")
        self.plan_id._check_editable()
        trusted_context(self, crm_plus_plan_tracking=True).write({"cancelled": True})
        self.plan_id._check_steps()
        self._crm_plus_log(_lt("Step cancelled by %(user)s.", user=self.env.user.name))
        self._crm_plus_sync_activities()
        return True

    def _crm_plus_log(self, message):
        """Post ``message`` (a lazy translation) on these steps, authored by the current user."""
        data = chatter_note(self.env, message)
        for step in self:
            step._crm_plus_message_post(data)

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    # -------------------------------------------------------------- business

    def _crm_plus_sync_activities(self):
        """One to-do activity per open step for its responsible, due on the reminder date; none once closed."""
        if not self:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        to_create = []
        to_remove = self.env["mail.activity"]
        to_move = defaultdict(lambda: self.env["mail.activity"])  # (user, deadline) -> activities: one write each
        for step in self:
            # sudo: the responsible of the activity may be someone else than the user updating the step.
            activities = step.sudo().activity_ids.filtered(lambda act: act.activity_type_id == activity_type)
            if step.state in ("done", "cancelled") or not step.user_id:
                to_remove |= activities
                continue
            if not activities:
                to_create.append(
                    {
                        "res_model_id": model_id,
                        "res_id": step.id,
                        "activity_type_id": activity_type.id if activity_type else False,
                        "summary": step._crm_plus_name_for(step.user_id),
                        "user_id": step.user_id.id,
                        "date_deadline": step.date_remind or step.date_due,
                    }
                )
                continue
            activity = activities[:1]
            if activity.user_id != step.user_id or activity.date_deadline != (step.date_remind or step.date_due):
                to_move[step.user_id.id, step.date_remind or step.date_due] |= activity
        for (user_id, deadline), activities in to_move.items():
            activities.write({"user_id": user_id, "date_deadline": deadline})
        if to_remove:
            to_remove.unlink()
        if to_create:
            # sudo: reminders go to each step's responsible, who may not be the user whose change triggered them
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(to_create)

    def _crm_plus_store_name_translations(self, datas):
        """Store the names of these new steps in every installed language (one query for the batch).

        ``datas``: the message data of each step's name (``messages.Message.data``), in the order of ``self``.
        """
        if len(self.env["res.lang"].get_installed()) < 2 or not self:
            return
        values = translations(self.env, datas)
        self.env.cr.execute(
            SQL(
                "UPDATE crm_plus_plan_step s SET name = v.name FROM (VALUES %s) AS v(id, name) WHERE s.id = v.id",
                SQL(", ").join(
                    SQL("(%s, %s::jsonb)", step.id, json.dumps(value)) for step, value in zip(self, values, strict=True)
                ),
            )
        )
        self.invalidate_recordset(["name"])

    def _crm_plus_name_for(self, user):
        """The step's name (else its action's) in ``user``'s language."""
        self.ensure_one()
        step = self.with_context(lang=user.lang or self.env.lang)
        return step.name or step.action_type_id.name

    @api.model
    def _cron_update_state(self):
        """Move steps to due/overdue as days pass, in one UPDATE (states are otherwise recomputed on every change).

        Only the time-driven transitions happen here: planned -> due from the reminder date, planned/due ->
        overdue after the planned date. They change nothing the plans compute from their steps (amounts, done,
        next date), so no recompute follows, and they are not tracked in the chatter (the dates explain them).
        """
        today = fields.Date.context_today(self)
        self.flush_model(["state", "date_due", "date_remind"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_plus_plan_step
                   SET state = CASE WHEN date_due < %(today)s THEN 'overdue' ELSE 'due' END,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                 WHERE (state = 'planned' AND (date_remind <= %(today)s OR date_due < %(today)s))
                    OR (state = 'due' AND date_due < %(today)s)
                """,
                today=today,
                uid=self.env.uid,
            ),
            # a run at the same moment on another worker: PostgreSQL refuses this one (serialization failure);
            # the error still propagates (the cron retries, a request is retried by Odoo), but it is no "bad query"
            log_exceptions=False,
        )
        count = self.env.cr.rowcount
        if count:
            self.invalidate_model(["state", "write_uid", "write_date"])
        return count
