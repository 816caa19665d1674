# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-offs: work passed to the next participant, and the chain they form on a record.

A hand-off is written only by crm_plus after its checks, through ``_crm_plus_handoff_apply``: the *Hand Off*
wizard (``crm_plus.handoff.wizard``) and the automatic hand-off of plan steps (``crm_plus.plan.step``, when the
previous step is done). Nobody edits or deletes one afterwards (access rights: read only). Records that can be
handed off inherit ``crm_plus.handoff.mixin``: opportunities, quotations/orders and plan steps.

A role (``HANDOFF_ROLES``) is resolved to a user in one place, ``crm_plus.handoff._crm_plus_resolve_role``.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models

from ..messages import _lt
from ..messages import chatter_note

# who the next participant is: a user picked by hand, or a role resolved to a user (_crm_plus_resolve_role)
HANDOFF_ROLES = [
    ("user", "A user"),
    ("team_leader", "The sales team's leader"),
    ("department_manager", "My department manager"),
]


class CrmPlusHandoff(models.Model):
    _name = "crm_plus.handoff"
    _description = "Hand-off"
    _order = "id desc"

    res_model = fields.Char(string="Document Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, index=True, readonly=True
    )
    from_user_id = fields.Many2one("res.users", string="From", required=True, readonly=True, index=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True, readonly=True, index=True)
    note = fields.Text(readonly=True)
    waited_hours = fields.Float(
        string="Waited (hours)",
        readonly=True,
        digits=(16, 1),
        help="Time the document spent with the user handing it off: since the previous hand-off, else its creation.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        for handoff in self:
            handoff.display_name = f"{handoff.from_user_id.name} → {handoff.to_user_id.name}"

    @api.model
    def _crm_plus_resolve_role(self, role, record, user):
        """The user holding ``role`` for ``record`` when ``user`` hands it off (empty when nobody does).

        team_leader: the leader of the record's sales team (an order's for a plan step), else of ``user``'s team;
        department_manager: the manager of ``user``'s department (not ``user`` himself). Reads prefetched fields
        only: resolving for a batch of records costs no query per record.
        """
        if role == "team_leader":
            team = self.env["crm.team"]
            if "team_id" in record._fields:
                team = record.team_id
            elif "order_id" in record._fields:
                team = record.order_id.team_id
            return (team or user.sale_team_id).user_id
        if role == "department_manager":
            return (user.crm_plus_manager_user_ids - user)[:1]
        return self.env["res.users"]


class CrmPlusHandoffMixin(models.AbstractModel):
    _name = "crm_plus.handoff.mixin"
    _description = "Can Be Handed Off"

    crm_plus_handoff_ids = fields.One2many(
        "crm_plus.handoff",
        "res_id",
        string="Hand-offs",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )
    crm_plus_handoff_count = fields.Integer(string="Hand-off Count", compute="_compute_crm_plus_handoff_count")

    @api.depends("crm_plus_handoff_ids")
    def _compute_crm_plus_handoff_count(self):
        counts = dict(
            self.env["crm_plus.handoff"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
            )
        )
        for record in self:
            record.crm_plus_handoff_count = counts.get(record.id, 0)

    def _crm_plus_handoff_responsible(self):
        """The user the record is with (its salesperson / responsible)."""
        return self.user_id

    def _crm_plus_handoff_check(self):
        """Who may hand this record off: whoever may edit it (overridden where editing is narrower)."""
        self.check_access("write")

    def _crm_plus_handoff_assign(self, user):
        """Give the records to ``user`` (the caller passed _crm_plus_handoff_check)."""
        self.write({"user_id": user.id})

    def _crm_plus_handoff_apply(self, handoffs, notify=True):
        """Hand these records off, in one batch: ``handoffs`` {record id: (from user, to user, note)}.

        Each record is assigned to its next participant (one write per participant), its chain gets an entry
        (who, to whom, hours waited since the previous hand-off, else since its creation), the participant a
        To-Do with the note on his desktop, and the record a note in its chatter. ``notify=False``: no "you have
        been assigned" email per record (automatic hand-offs of a batch: the To-Do is the notice). The caller
        checked that the hand-offs are allowed: nothing is checked here.
        """
        if not handoffs:
            return self.env["crm_plus.handoff"]
        records = self.browse(list(handoffs))
        # sudo: hand-offs are written by crm_plus only (read-only for everybody), after the caller's checks
        Handoff = self.env["crm_plus.handoff"].sudo()
        last = dict(
            Handoff._read_group(
                [("res_model", "=", self._name), ("res_id", "in", records.ids)], ["res_id"], ["create_date:max"]
            )
        )
        now = fields.Datetime.now()
        by_target = defaultdict(list)
        handoff_vals, activity_vals, bodies = [], [], {}
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        for record in records:
            source, target, note = handoffs[record.id]
            since = last.get(record.id) or record.create_date or now
            by_target[target].append(record.id)
            company = record.company_id if "company_id" in record._fields else self.env.company
            handoff_vals.append(
                {
                    "res_model": self._name,
                    "res_id": record.id,
                    "from_user_id": source.id,
                    "to_user_id": target.id,
                    "note": note,
                    "waited_hours": max((now - since).total_seconds() / 3600, 0.0),
                    "company_id": (company or self.env.company).id,
                }
            )
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._("Handed off by %(user)s", user=source.name),
                    "note": Markup("<p>%s</p>") % note if note else False,
                    "user_id": target.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
            bodies[record.id] = chatter_note(
                self.env, Markup("<p>%s</p><p>%s</p>"), _lt("Handed off to %(user)s.", user=target.name), note or ""
            )
        assigned = self
        if not notify:
            assigned = self.with_context(mail_auto_subscribe_no_notify=True, mail_activity_quick_update=True)
        for target, ids in by_target.items():
            assigned.browse(ids)._crm_plus_handoff_assign(target)
        entries = Handoff.create(handoff_vals)
        # sudo: the To-Do is the next participant's, who may see the record only once it is his
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activity_vals)
        # sudo: the note is the hand-off's trace, also on records the caller reads only
        records.sudo()._crm_plus_message_log_batch(bodies)
        return entries
