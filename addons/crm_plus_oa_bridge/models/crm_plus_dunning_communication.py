# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning letters filed; dunning escalations along the dunning route.

crm_plus's *escalation to the manager* channel gives the manager a to-do and
marks the escalation sent. When a *dunning escalation* route takes it (its
conditions: the amount overdue, the customer's tags, an extra domain on the
communication), the escalation instead waits for the route's approvers; the
last approval marks it sent, a rejection cancels it. Without a route nothing
changes.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from odoo.addons.crm_plus.access import FINANCE
from odoo.addons.crm_plus.access import require_groups
from odoo.addons.crm_plus.messages import chatter_note

from ..messages import _lt

LETTER_REPORT = "crm_plus.action_report_dunning_letter"


class CrmPlusDunningCommunication(models.Model):
    _name = "crm_plus.dunning.communication"
    _inherit = ["crm_plus.dunning.communication", "crm_plus_oa.approval.mixin"]

    # The engine's own state checks stay out of crm_plus's states: the route decides (see the hooks below).
    _state_from = ["draft"]
    _state_to = []
    _cancel_state = "none"
    _crm_plus_oa_activity_type = "crm_plus_oa_bridge.mail_activity_type_oa_dunning"

    oa_log_ids = fields.One2many("crm_plus_oa.approval.log", "communication_id", string="Approval Trail")
    oa_can_act = fields.Boolean(compute="_compute_oa_can_act")

    @api.depends_context("uid")
    @api.depends("state", "review_ids.status", "review_ids.oa_user_ids")
    def _compute_oa_can_act(self):
        for communication in self:
            communication.oa_can_act = communication._crm_plus_oa_in_flight() and bool(
                communication._crm_plus_oa_actionable_reviews(self.env.user)
            )

    # ---------------------------------------------------------------- letters
    def action_print(self):
        """Printing a dunning letter also files it, locked, in the customer's Dunning folder."""
        letters = self.filtered(lambda c: c.channel == "letter" and c.state == "draft")
        action = super().action_print()
        letters._crm_plus_oa_file_letters()
        return action

    def _crm_plus_oa_file_letters(self):
        for communication in self:
            # sudo: finance files the customer-facing letter it has just printed, on behalf of the company
            content, _report_format = (
                self.env["ir.actions.report"].sudo()._render_qweb_pdf(LETTER_REPORT, communication.ids)
            )
            customer = communication.partner_id.commercial_partner_id
            dms_file, digest = customer._crm_plus_oa_file_document(
                "dunning", f"{communication.display_name}.pdf", content
            )
            communication._crm_plus_message_post(
                chatter_note(
                    self.env, _lt("Letter filed as %(file)s (SHA-256 %(digest)s).", file=dms_file.name, digest=digest)
                )
            )

    # ------------------------------------------------------------ escalations
    def _crm_plus_oa_request_escalation(self, route):
        """Send this escalation along ``route`` instead of crm_plus's to-do for the manager."""
        self.ensure_one()
        requester = self.env.user
        salesperson = self._crm_plus_oa_read("user_id")
        plan = route._crm_plus_oa_plan(self, salesperson or requester, salesperson | requester)
        reviews = self._crm_plus_oa_start(route, plan, requester)
        self._crm_plus_oa_log(
            "requested",
            comment=self.env._(
                "Route %(route)s: %(communication)s, %(amount)s overdue.",
                route=route.name,
                communication=self.display_name,
                amount=self.currency_id.format(self.amount_residual) if self.currency_id else self.amount_residual,
            ),
        )
        self._crm_plus_oa_advance()
        return reviews

    @require_groups(FINANCE)
    def action_mark_sent(self):
        if any(communication._crm_plus_oa_in_flight() for communication in self):
            raise UserError(self.env._("This escalation waits for its approval route: the approvers decide."))
        return super().action_mark_sent()

    @require_groups(FINANCE)
    def action_cancel(self):
        # cancelling an escalation on its way withdraws the request (finance owns the dunning)
        self._crm_plus_oa_close_round("cancelled", self.env._("Escalation cancelled."))
        return super().action_cancel()

    def validate_tier(self):
        return self.action_oa_approve()

    def reject_tier(self):
        return self.action_reject()

    def _crm_plus_oa_reject(self, reason):
        """Checked entry point of the rejection (comment wizard): the escalation is dropped."""
        self.ensure_one()
        self._crm_plus_oa_lock()
        self._crm_plus_oa_reject_reviews(reason)
        # sudo: the approver may not write dunning communications; checked above
        self.sudo().write({"state": "cancelled"})
        self.sudo()._crm_plus_message_post(
            chatter_note(self.env, _lt("Escalation rejected: %(reason)s", reason=reason))
        )
        return True

    # ------------------------------------------------------------ mixin hooks
    def _crm_plus_oa_pending(self):
        return self._crm_plus_oa_read("state") == "draft"

    def _crm_plus_oa_excluded_users(self):
        """The customer's salesperson and whoever ran the dunning never decide on the escalation."""
        salesperson, requester = self._crm_plus_oa_read("user_id", "create_uid")
        return salesperson | requester

    def _crm_plus_oa_log_document(self):
        return {"communication_id": self.id}

    def _crm_plus_oa_lock(self):
        self.ensure_one()
        self._crm_plus_oa_lock_row()
        self.invalidate_recordset(["state"])
        if not self._crm_plus_oa_in_flight():
            raise UserError(self.env._("This escalation has already been decided."))

    def _crm_plus_oa_activity_summary(self, review):
        # sudo: the customer's name only, for the approver's To-Do, whatever the user reaching this step may read
        return self.env._(
            "Dunning escalation %(customer)s: %(step)s",
            customer=self._crm_plus_oa_read("partner_id").sudo().display_name,
            step=review.oa_step_name,
        )

    def _crm_plus_oa_final_approval(self):
        """Every step approved: the escalation is done (sent)."""
        self.ensure_one()
        # sudo: the last approver (checked) closes the escalation on behalf of finance
        communication = self.sudo()
        communication.write({"state": "sent"})
        communication.activity_unlink([self._crm_plus_oa_activity_type], only_automated=False)
        communication._crm_plus_message_post(chatter_note(self.env, _lt("Escalation approved along its route.")))
