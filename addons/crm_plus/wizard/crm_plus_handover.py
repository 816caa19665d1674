# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-over on departure: everything one user owns or must do moves to another user.

What moves (``_handover_moves()``, by default ``HANDOVER_MOVES``, one ``_records``/``_move_<key>`` each, in this
order; another addon adds its own keys there, e.g. the bridge's route approvals): customers he owns, his open
opportunities, his quotations, the open plan steps he is responsible for, his open follow-ups (with a next
follow-up still to do), the approvals he must decide (re-routed: he leaves the approvers, the new user joins them
unless he sold or requested the order), then his remaining open activities. Confirmed orders, won/lost
opportunities and the follow-up history keep their author. Only records of the companies the manager works in
move. Moving a quotation changes its salesperson: an approval request pending on it is withdrawn (the new
salesperson's limits apply) and counted in the report.
"""

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..access import HR_USER
from ..access import SALE_MANAGER
from ..access import SALESMAN
from ..access import require_groups
from ..messages import _lt
from ..messages import chatter_note
from ..messages import text

# what moves, in this order (one _move_<key> each; labels in _labels)
HANDOVER_MOVES = ("customer", "lead", "quotation", "step", "followup", "approval", "activity")


class CrmPlusHandover(models.TransientModel):
    _name = "crm_plus.handover"
    _description = "Hand Over a User's Customers and Work"

    from_user_id = fields.Many2one(
        "res.users", string="From", required=True, domain="[('share', '=', False)]", ondelete="cascade"
    )
    to_user_id = fields.Many2one(
        "res.users", string="To", required=True, domain="[('share', '=', False)]", ondelete="cascade"
    )
    extra_user_ids = fields.Many2many(
        "res.users",
        string="Share Customers With",
        domain="[('share', '=', False)]",
        help="The customers are spread evenly over the user taking over and these users (their open opportunities "
        "and quotations follow them); everything else goes to the user taking over.",
    )
    archive_user = fields.Boolean(string="Archive the user afterwards")
    preview = fields.Text(compute="_compute_preview", string="What Moves")
    report = fields.Text(readonly=True, string="What Moved")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft", required=True)

    @api.depends("from_user_id")
    def _compute_preview(self):
        for wizard in self:
            counts = {key: len(wizard._records(key)) for key in wizard._handover_moves()} if wizard.from_user_id else {}
            wizard.preview = wizard._format(counts) if counts else False

    # -------------------------------------------------------------- what moves

    def _handover_moves(self):
        """The keys of what moves, in order: each has a label (``_labels``), ``_records`` and ``_move_<key>``."""
        return HANDOVER_MOVES

    def _companies_domain(self, field="company_id"):
        companies = self.env.user.company_ids.ids
        return Domain(field, "in", companies) | Domain(field, "=", False)

    def _records(self, key):
        """The records of ``key`` the from-user still has (sudo: HR managers hand over sales records)."""
        user = self.from_user_id
        # sudo: HR users hand over sales records they may not read; only the from-user's, in the manager's companies
        env = self.sudo().with_context(active_test=True).env
        if key == "customer":
            return env["res.partner"].search(Domain("user_id", "=", user.id) & self._companies_domain())
        if key == "lead":
            return env["crm.lead"].search(
                Domain("user_id", "=", user.id) & Domain("won_status", "=", "pending") & self._companies_domain()
            )
        if key == "quotation":
            return env["sale.order"].search(
                Domain("user_id", "=", user.id) & Domain("state", "in", ("draft", "sent")) & self._companies_domain()
            )
        if key == "step":
            # his open steps, and those to be handed off to him when the step before them is done
            return env["crm_plus.plan.step"].search(
                (
                    Domain("user_id", "=", user.id)
                    | (Domain("handoff_user_id", "=", user.id) & Domain("handoff_state", "!=", "handed_off"))
                )
                & Domain("state", "not in", ("done", "cancelled"))
                & self._companies_domain()
            )
        if key == "followup":
            return env["crm_plus.followup"].search(
                Domain("user_id", "=", user.id)
                & Domain("next_date", "!=", False)
                & Domain("activity_ids", "!=", False)
                & self._companies_domain()
            )
        if key == "approval":
            return env["sale.order"].search(
                Domain("approval_user_ids", "in", user.ids)
                & Domain("approval_state", "=", "pending")
                & self._companies_domain()
            )
        if key == "activity":
            activities = env["mail.activity"].search([("user_id", "=", user.id)])
            # activities of records of a company the manager does not work in stay (one read per model)
            companies = set(self.env.user.company_ids.ids) | {False}
            kept = set()
            for model, ids in activities.grouped("res_model").items():
                if model and "company_id" in env[model]._fields:
                    records = env[model].browse(ids.mapped("res_id")).exists()
                    kept |= {(model, r.id) for r in records if r.company_id.id not in companies}
            return activities.filtered(lambda act: (act.res_model, act.res_id) not in kept)
        raise KeyError(key)

    def _labels(self):
        """The label of each move, a lazy translation (the hand-over's notes read in each reader's language)."""
        return {
            "customer": _lt("Customers"),
            "lead": _lt("Open opportunities"),
            "quotation": _lt("Quotations"),
            "step": _lt("Plan steps"),
            "followup": _lt("Open follow-ups"),
            "approval": _lt("Approvals to decide"),
            "activity": _lt("Activities"),
        }

    def _report_lines(self, counts):
        labels = self._labels()
        return [
            _lt("%(label)s: %(count)s", label=labels[key], count=counts.get(key, 0)) for key in self._handover_moves()
        ]

    def _format(self, counts):
        return text(self.env, self._report_lines(counts))

    # -------------------------------------------------------------- actions

    def _check_may_archive(self, user):
        """The manager archives (as superuser) only a user he could hand over entirely: not an administrator, not
        the superuser, and none working in a company the manager does not (his records there would not move)."""
        if self.env.su:
            return
        if user._is_superuser() or (user.has_group("base.group_erp_manager") and not self.env.user._is_admin()):
            raise UserError(
                self.env._("%(user)s is an administrator: only an administrator archives him.", user=user.name)
            )
        # sudo: the leaver's companies, which an HR officer may not read on a user
        if user.sudo().company_ids - self.env.user.company_ids:
            raise UserError(
                self.env._(
                    "%(user)s also works in companies you do not: hand over there too, then archive him in Settings.",
                    user=user.name,
                )
            )

    @require_groups(SALE_MANAGER, HR_USER)
    def action_apply(self):
        self.ensure_one()
        if self.state == "done":
            raise UserError(self.env._("This hand-over was already applied."))
        source, target = self.from_user_id, self.to_user_id
        if source == target:
            raise UserError(self.env._("Hand over to another user."))
        successors = target | self.extra_user_ids
        if source in successors:
            raise UserError(self.env._("Hand over to another user."))
        for user in successors:
            if not user.active or user.share or not user.has_group(SALESMAN):
                raise UserError(self.env._("%(user)s is not an active salesperson.", user=user.name))
        if self.archive_user:
            self._check_may_archive(source)
        counts, withdrawn, notes = {}, 0, []
        for key in self._handover_moves():
            records = self._records(key)
            if key == "quotation":
                withdrawn = len(records.filtered(lambda o: o.approval_state in ("pending", "approved")))
            if key == "customer" and self.extra_user_ids:
                self._move_customers_spread(records, successors)
            elif key in ("lead", "quotation") and self.extra_user_ids:
                self._move_following_customer(records, target)
            else:
                # a move may say what it could not do (a line of the report)
                notes.append(getattr(self, f"_move_{key}")(records, target))
            counts[key] = len(records)
        # the report's lines: counts, then what could not move (a move's note: a lazy translation or a text)
        lines = self._report_lines(counts)
        if withdrawn:
            lines.append(_lt("Approval requests withdrawn (ask again): %(count)s", count=withdrawn))
        lines += [note for note in notes if note]
        report = text(self.env, lines)
        if self.archive_user:
            # sudo: archiving a user is an administrator's right; the hand-over manager archives the one he emptied
            source.sudo().action_archive()
        self.write({"state": "done", "report": report})
        # noted on the leaving user's partner and the new user's: who handed what over
        body = chatter_note(
            self.env,
            Markup("<p>%s</p><pre>%s</pre>"),
            _lt(
                "%(manager)s handed over %(leaver)s's customers and work to %(successor)s.",
                manager=self.env.user.name,
                leaver=source.name,
                successor=target.name,
            ),
            lines,
        )
        # sudo: the report goes on both users' contact cards; the manager was checked by action_apply
        partners = (source.partner_id | target.partner_id).sudo()
        partners._crm_plus_message_log_batch(dict.fromkeys(partners.ids, body))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    # -------------------------------------------------------------- moves (sudo records, after action_apply's checks)

    def _reassign(self, records, target):
        """One write for the batch, then one note per record: no per-record tracking message and no "you have
        been assigned" email for each of thousands of records (the report and the notes say what moved)."""
        if not records:
            return
        records.with_context(mail_notrack=True, mail_auto_subscribe_no_notify=True).write({"user_id": target.id})
        body = chatter_note(
            self.env,
            Markup("<p>%s</p>"),
            _lt(
                "Handed over from %(leaver)s to %(successor)s by %(manager)s.",
                leaver=self.from_user_id.name,
                successor=target.name,
                manager=self.env.user.name,
            ),
        )
        records._crm_plus_message_log_batch(dict.fromkeys(records.ids, body))

    def _move_customers_spread(self, partners, successors):
        """Customers dealt in turn to each successor, by id (one write per successor)."""
        partners = partners.sorted("id")
        for index, user in enumerate(successors.sorted("id")):
            self._reassign(partners[index :: len(successors)], user)

    def _move_following_customer(self, records, target):
        """Opportunities and quotations go to their customer's new owner when one of the successors, else to target."""
        successors = target | self.extra_user_ids
        for owner, group in records.grouped(lambda r: r.partner_id.commercial_partner_id.user_id).items():
            self._reassign(group, owner if owner in successors else target)

    def _move_customer(self, partners, target):
        self._reassign(partners, target)

    def _move_lead(self, leads, target):
        self._reassign(leads, target)

    def _move_quotation(self, orders, target):
        self._reassign(orders, target)

    def _move_step(self, steps, target):
        source = self.from_user_id
        self._reassign(steps.filtered(lambda step: step.user_id == source), target)
        steps.filtered(lambda step: step.handoff_user_id == source).write({"handoff_user_id": target.id})

    def _move_followup(self, followups, target):
        self._reassign(followups, target)

    def _move_approval(self, orders, target):
        source = self.from_user_id
        for order in orders:
            approvers = order.approval_user_ids - source
            if target not in order.user_id | order.approval_requested_by_id:
                approvers |= target
            if not approvers:
                approvers = order._crm_plus_approvers() - source
            order._crm_plus_gate().write({"approval_user_ids": [fields.Command.set(approvers.ids)]})

    def _move_activity(self, activities, target):
        activities.write({"user_id": target.id})
