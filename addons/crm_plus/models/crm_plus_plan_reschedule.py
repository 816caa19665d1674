# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rescheduling the remaining installments of a started plan (a payment extension).

A plan is frozen once it started (its first payment or delivery). Its remaining installments may still be
moved, split or merged by an authorised change: finance (*Reschedule*), or an approved plan change through
the bridge's route. Only open payment steps of which nothing is paid move; paid and delivered steps never
change; the payment steps still add up to the order total. The plan's chatter keeps the old and the new
schedule with the reason.
"""

from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date
from odoo.tools.misc import formatLang

from ..access import trusted_context
from ..messages import Choice
from ..messages import Ref
from ..messages import _lt
from ..messages import chatter_note


class CrmPlusPlan(models.Model):
    _inherit = "crm_plus.plan"

    def _crm_plus_reschedulable_steps(self):
        """The installments that may still move: open payment steps of which nothing is paid."""
        self.ensure_one()
        return self.step_ids.filtered(
            lambda step: step.kind == "payment" and step.state not in ("done", "cancelled") and not step.amount_done
        )

    def _crm_plus_check_reschedulable(self, steps):
        """Refuse to move ``steps`` unless they are installments that may still move (see the module)."""
        self.ensure_one()
        if self.cancelled:
            raise UserError(self.env._("Execution plan %(plan)s is cancelled.", plan=self.display_name))
        frozen = steps - self._crm_plus_reschedulable_steps()
        if frozen:
            raise UserError(
                self.env._(
                    "Only open installments of which nothing is paid can be rescheduled: %(steps)s.",
                    steps=", ".join(frozen.mapped("display_name")),
                )
            )

    def _crm_plus_apply_schedule(self, lines, reason, removed=None):
        """Apply a new schedule of this plan's remaining installments (checked by the caller's authority).

        :param lines: [{"step_id": id or False, "date_due": date, "amount": float}]: a line with a step moves it;
            a line without one is a new installment (a split), like the first step of the lines.
        :param removed: installments merged into others (cancelled).
        """
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the plan is rescheduled."))
        Step = self.env["crm_plus.plan.step"]
        moved = Step.browse([line["step_id"] for line in lines if line.get("step_id")])
        removed = removed or Step
        self._crm_plus_check_reschedulable(moved | removed)
        before = self._crm_plus_schedule_rows()
        # sudo + trusted: an authorised change of a started plan (finance or an approved plan change); the
        # plan's checks (positive amounts, dates, total) run once all steps are written
        steps = trusted_context(moved.sudo(), crm_plus_plan_tracking=True, crm_plus_plan_defer_check=True)
        template = moved[:1] or self._crm_plus_reschedulable_steps()[:1]
        for line in lines:
            values = {"date_due": line["date_due"], "amount": line["amount"]}
            if line.get("step_id"):
                steps.browse(line["step_id"]).write(values)
            elif template:
                steps.browse(template.id).copy(dict(values, plan_id=self.id))
            else:
                raise UserError(self.env._("Plan %(plan)s has no installment to split.", plan=self.display_name))
        if removed:
            # sudo: merged installments are cancelled as tracking cancels them (the caller's authority was checked)
            trusted_context(removed.sudo(), crm_plus_plan_tracking=True).write({"cancelled": True})
        self.sudo()._check_steps()
        self.step_ids._crm_plus_sync_activities()
        self._crm_plus_log_schedule(before, reason)
        return True

    def _crm_plus_schedule_rows(self):
        """(step, its name as a ``Ref``, date, amount, state) of the remaining installments."""
        return [
            (
                step,
                Ref(step, "name") if step.name else Ref(step.action_type_id, "name"),
                step.date_due,
                step.amount,
                step.state,
            )
            for step in self.step_ids.filtered(lambda s: s.kind == "payment" and not s.cancelled).sorted(
                lambda s: (s.date_due, s.sequence, s.id)
            )
        ]

    def _crm_plus_log_schedule(self, before, reason):
        """The old and the new schedule, with the reason, in the plan's chatter (in each reader's language: step
        names and states too; dates and amounts as formatted for the poster)."""

        def table(rows):
            items = [
                _lt(
                    "%(step)s: %(date)s, %(amount)s (%(state)s)",
                    step=name,
                    date=format_date(self.env, date_due),
                    amount=formatLang(self.env, amount, currency_obj=self.currency_id),
                    state=Choice(step, "state", state),
                )
                for step, name, date_due, amount, state in rows
            ]
            return chatter_note(self.env, Markup("<ul>%s</ul>" % ("<li>%s</li>" * len(items))), *items)

        body = chatter_note(
            self.env,
            Markup("<p>%s</p><p>%s</p>%s<p>%s</p>%s"),
            _lt("Installments rescheduled by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
            _lt("Old schedule:"),
            table(before),
            _lt("New schedule:"),
            table(self._crm_plus_schedule_rows()),
        )
        # sudo: the history is the plan's, whoever made the authorised change
        message = self.sudo()._crm_plus_message_post(
            body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
        )
        return message.body

    def action_open_reschedule(self):
        """The Reschedule wizard (finance): move, split or merge the remaining installments."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule Installments"),
            "res_model": "crm_plus.plan.reschedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }
