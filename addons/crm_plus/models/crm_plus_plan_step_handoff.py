# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-off of plan steps: by hand (the Hand Off wizard) and automatically when the previous step is done.

The automatic hand-off (``_crm_plus_handoff_next``) runs on the steps that just got done, whoever completed them:
plan tracking (invoices, payments, deliveries) or *Mark Done*. Its invariants:

* the next open step of the plan (by sequence) is handed off to its participant (``handoff_role``, copied from the
  plan template): assigned, a To-Do on the participant's desktop, an entry in the step's hand-off chain;
* exactly once: ``handoff_state`` says it happened; recomputing or replaying the completion does nothing more, and
  two transactions completing the same step at once update the same row (one of them is retried and finds it set);
* batched: one pass for all the steps done by one event, whatever the number of plans (no query per step);
* a role nobody holds (or a user who cannot take the step) marks the step ``unresolved`` with the reason, in its
  chatter too, for a manager to hand it off by hand: never an error that would stop the tracking of other plans;
* nothing a client sends triggers it: the methods are private, the state fields are written only under the trusted
  tracking context (``check_hand_written_fields``), and no context key is read.
"""

from markupsafe import Markup

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

from ..access import SALE_MANAGER
from ..access import trusted_context
from ..messages import Choice
from ..messages import Message
from ..messages import _lt
from ..messages import chatter_note
from .crm_plus_plan_template_line import NEXT_PARTICIPANTS


class CrmPlusPlanStep(models.Model):
    _name = "crm_plus.plan.step"
    _inherit = ["crm_plus.plan.step", "crm_plus.handoff.mixin"]

    handoff_role = fields.Selection(
        NEXT_PARTICIPANTS,
        string="Hand Off To",
        help="When the step before this one is done, this step is handed off automatically to this participant.",
    )
    handoff_user_id = fields.Many2one(
        "res.users", string="Next Participant", domain=[("share", "=", False)], help="The user, for a fixed user."
    )
    handoff_state = fields.Selection(
        [("handed_off", "Handed off"), ("unresolved", "Nobody to hand off to")],
        string="Automatic Hand-off",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    handoff_issue = fields.Char(string="Hand-off Issue", readonly=True, copy=False)

    def _crm_plus_handoff_check(self):
        """A step is handed off by its responsible or a sales manager (salespeople do not edit steps)."""
        self.check_access("read")
        if self.state in ("done", "cancelled"):
            raise AccessError(self.env._("A closed step is not handed off."))
        if self.user_id != self.env.user and not self.env.user.has_group(SALE_MANAGER):
            raise AccessError(self.env._("Only the step's responsible or a sales manager hands it off."))

    def _crm_plus_handoff_assign(self, user):
        # sudo: after _crm_plus_handoff_check, or by the automatic hand-off (the responsible passes his step on)
        self.sudo().write({"user_id": user.id})

    # ------------------------------------------------------------- automatic

    def _crm_plus_handoff_next(self):
        """These steps were just done: hand the next open step of each of their plans off (see the module doc)."""
        # sudo: a consequence of a completion the caller was allowed to make (tracking of accounting/stock
        # documents, or Mark Done checked by _crm_plus_check_can_close); the participants may not be the caller
        done = self.sudo().filtered(lambda step: step.state == "done" and not step.cancelled)
        if not done:
            return
        # the next open step after each completed one; the previous participant is the completed step's responsible
        previous_of = {}
        for plan, completed in done.grouped("plan_id").items():
            ordered = plan.step_ids.filtered(lambda step: not step.cancelled).sorted(lambda s: (s.sequence, s.id))
            positions = {step.id: index for index, step in enumerate(ordered)}
            for step in completed.sorted(lambda s: (s.sequence, s.id), reverse=True):
                following = ordered[positions[step.id] + 1 :]
                upcoming = next((s for s in following if s.state not in ("done", "cancelled")), None)
                if upcoming and upcoming.handoff_role and upcoming.handoff_state != "handed_off":
                    previous_of.setdefault(upcoming, step)
        if not previous_of:
            return
        Handoff = self.env["crm_plus.handoff"]
        handoffs, unresolved = {}, {}
        for step, previous in previous_of.items():
            source = previous.user_id or step.plan_id.order_id.user_id
            if step.handoff_role == "user":
                target = step.handoff_user_id
            else:
                target = Handoff._crm_plus_resolve_role(step.handoff_role, step, source)
            if not target:
                role = Choice(step, "handoff_role")
                unresolved[step] = Message(
                    self.env, _lt("Nobody holds the role “%(role)s”: hand the step off by hand.", role=role)
                )
            elif not target.active or target.share:
                unresolved[step] = Message(
                    self.env,
                    _lt(
                        "%(user)s cannot take the step over (archived or not an internal user): hand it off by hand.",
                        user=target.name,
                    ),
                )
            else:
                handoffs[step] = (step.user_id or source, target, previous)
        # sudo: the hand-off marks are tracking's fields (see the sudo at the top of this method)
        steps = self.env["crm_plus.plan.step"].sudo().union(*previous_of)
        tracked = trusted_context(steps, crm_plus_plan_tracking=True)
        handed = tracked.filtered(lambda step: step in handoffs)
        if handed:
            handed.write({"handoff_state": "handed_off", "handoff_issue": False})
        for issue, group in tracked.filtered(lambda step: step in unresolved).grouped(lambda s: unresolved[s]).items():
            group.write({"handoff_state": "unresolved", "handoff_issue": str(issue)})
        # the claim goes to the database first: a concurrent transaction handing off the same step fails here
        # (serialization failure, retried by Odoo, then finds it handed off), before any other side effect
        tracked.flush_recordset(["handoff_state", "handoff_issue"])
        for issue, group in tracked.filtered(lambda step: step in unresolved).grouped(lambda s: unresolved[s]).items():
            body = chatter_note(self.env, Markup("<p>%s</p>"), issue)
            group._crm_plus_message_log_batch(dict.fromkeys(group.ids, body))
        # already with the participant: the step's own To-Do is on his desktop, nothing to pass on
        todo = {
            step.id: (source, target, self.env._("Step %(step)s is done: over to you.", step=previous.display_name))
            for step, (source, target, previous) in handoffs.items()
            if target != source
        }
        # sudo: the participant's To-Do and the chain entry are written for him, not by him (as above)
        self.env["crm_plus.plan.step"].sudo()._crm_plus_handoff_apply(todo, notify=False)
