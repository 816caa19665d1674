# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.fields import Domain

from odoo.addons.crm_plus.access import require_groups

from ..access import OA_USER
from .crm_plus_oa_route_step import STEP_MODES

# Models whose reviews only change through the bridge's checked methods.
GUARDED_MODELS = frozenset({"sale.order", "crm_plus_oa.plan.change", "crm_plus.dunning.communication"})


class TierReview(models.Model):
    """Route reviews carry a snapshot of their step (approvers, mode, limit).

    The snapshot is taken when the request is made, so editing a route never
    changes the requests already in flight. Reviews of guarded documents
    cannot be created, edited or deleted by users directly (RPC, import,
    context flags): the bridge's checked methods write them as superuser.
    """

    _inherit = "tier.review"

    oa_route_id = fields.Many2one("crm_plus_oa.route", string="Route", readonly=True, index="btree_not_null")
    oa_step_id = fields.Many2one("crm_plus_oa.route.step", string="Route Step", readonly=True, index="btree_not_null")
    # the step's name in every language when the request was made: each approver reads it in theirs
    oa_step_name = fields.Char(string="Step", readonly=True, translate=True)
    oa_mode = fields.Selection(STEP_MODES, string="Step Mode", readonly=True)
    oa_user_ids = fields.Many2many(
        "res.users",
        "crm_plus_oa_tier_review_user_rel",
        "review_id",
        "user_id",
        string="Step Approvers",
        readonly=True,
    )
    oa_limit_hours = fields.Integer(string="Time Limit (hours)", readonly=True)
    oa_escalation_user_id = fields.Many2one("res.users", string="Escalate To", readonly=True)
    oa_pending_since = fields.Datetime(readonly=True)
    oa_deadline = fields.Datetime(compute="_compute_oa_deadline", string="Deadline")
    oa_reminded = fields.Boolean(readonly=True)
    oa_document_readable = fields.Boolean(
        compute="_compute_oa_document_readable", search="_search_oa_document_readable"
    )

    @api.model
    def _get_reviewer_fields(self):
        return [*super()._get_reviewer_fields(), "oa_user_ids"]

    def _get_reviewers(self):
        if self.oa_step_id or self.oa_user_ids:
            return self.oa_user_ids
        return super()._get_reviewers()

    @api.depends("oa_pending_since", "oa_limit_hours")
    def _compute_oa_deadline(self):
        for review in self:
            review.oa_deadline = (
                review.oa_pending_since + timedelta(hours=review.oa_limit_hours)
                if review.oa_pending_since and review.oa_limit_hours
                else False
            )

    @api.depends_context("uid")
    def _compute_oa_document_readable(self):
        # Evaluated by ir.rule checks through filtered_domain (as superuser):
        # sudo(False) gets the acting user back, like the search method.
        user_env = self.sudo(False).env
        readable = set()
        for model in GUARDED_MODELS:
            reviews = self.sudo().filtered(lambda r, m=model: r.model == m and r.res_id)
            if reviews and not user_env.user.share:
                documents = user_env[model].browse(set(reviews.mapped("res_id"))).exists()
                readable |= {(model, res_id) for res_id in documents._filtered_access("read").ids}
        for review in self:
            # sudo: the document a review is about, to decide whether it is readable
            sudo_review = review.sudo()
            review.oa_document_readable = (
                sudo_review.model not in GUARDED_MODELS or (sudo_review.model, sudo_review.res_id) in readable
            )

    @api.model
    def _search_oa_document_readable(self, operator, value):
        # ir.rule domains are searched as superuser while env.uid stays the
        # acting user: sudo(False) gets that user back to ask what he may read.
        user_self = self.sudo(False)
        domain = Domain("model", "not in", list(GUARDED_MODELS))
        if user_self.env.user.share:
            # reviewers' names and comments are internal: customers never read them
            return domain if operator == "in" else ~domain
        for model in GUARDED_MODELS:
            readable = user_self.env[model].with_context(active_test=False)._search([])
            domain |= Domain("model", "=", model) & Domain("res_id", "in", readable)
        return domain if operator == "in" else ~domain

    # ------------------------------------------------------------------ guard
    def _crm_plus_oa_check_guard(self, model_names):
        """Refuse a user's change of reviews about a guarded document (``model_names``: their models).

        Reviews of documents on a route are the bridge's own records: its
        checked methods write them as superuser; nobody else creates, edits
        or deletes them, whatever the values, context or order of calls.
        """
        if self.env.su:
            return
        if GUARDED_MODELS.intersection(model_names):
            raise AccessError(self.env._("Approvals change only through Approve, Reject, Forward and Withdraw."))

    def _crm_plus_oa_models(self):
        # sudo: which documents the reviews are about, before any access check
        return set(self.sudo().mapped("model"))

    @api.model_create_multi
    def create(self, vals_list):
        # refused before anything is written when the values or the context's defaults say so...
        default_model = self.default_get(["model"]).get("model")
        self._crm_plus_oa_check_guard({vals.get("model", default_model) for vals in vals_list})
        reviews = super().create(vals_list)
        # ...and on the final values, whatever set them: values, context defaults (default_model...),
        # a one2many command of the document, an import, other modules' overrides
        reviews._crm_plus_oa_check_guard(reviews._crm_plus_oa_models())
        return reviews

    def write(self, vals):
        # before: a review of a guarded document; after: a review turned into one (model/res_id written)
        self._crm_plus_oa_check_guard(self._crm_plus_oa_models())
        res = super().write(vals)
        self._crm_plus_oa_check_guard(self._crm_plus_oa_models())
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_guarded(self):
        self._crm_plus_oa_check_guard(self._crm_plus_oa_models())

    def _update_review_status(self):
        # sudo: promoting waiting reviews to pending is the engine's own
        # bookkeeping (also run from the reviewer's systray), not a decision.
        return super(TierReview, self.sudo())._update_review_status()

    # ------------------------------------------------------ list/form actions
    def _crm_plus_oa_record(self):
        self.ensure_one()
        return self.env[self.model].browse(self.res_id)

    def action_oa_approve(self):
        """Approve from the To Approve list (the current user's review of the current step)."""
        for review in self:
            review._crm_plus_oa_record()._crm_plus_oa_approve(reviews=review)
        return True

    def action_oa_reject(self):
        """Reject from the list: asks for the reason (crm_plus rejection wizard)."""
        self.ensure_one()
        self._crm_plus_oa_check_can_act()
        return self._crm_plus_oa_record().action_reject()

    def action_oa_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------- delegation
    @require_groups(OA_USER)
    def action_oa_delegate(self):
        """Open the wizard forwarding this review to a colleague."""
        self.ensure_one()
        self._crm_plus_oa_check_can_act()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forward to a Colleague"),
            "res_model": "crm_plus_oa.delegate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_review_id": self.id},
        }

    def _crm_plus_oa_check_can_act(self):
        """The current user may decide on these reviews right now."""
        for review in self:
            record = self.env[review.model].browse(review.res_id)
            if review not in record._crm_plus_oa_actionable_reviews(self.env.user):
                raise AccessError(
                    self.env._("You are not an approver of the current step of %(name)s.", name=record.display_name)
                )

    def _crm_plus_oa_delegate(self, user, note=False):
        """Forward the current user's place on this review to ``user`` (delegation while away)."""
        self.ensure_one()
        self._crm_plus_oa_check_can_act()
        # sudo: checked above that the current user is an approver of this step; he may not read the document
        record = self.env[self.model].browse(self.res_id).sudo()
        excluded = record._crm_plus_oa_excluded_users()
        # every approver of the request (any step, decided or not): nobody signs twice for the same request
        approvers = record.review_ids.mapped("oa_user_ids") | record.review_ids.mapped("done_by")
        if user.share or not user.active or user in excluded or user in approvers:
            raise UserError(
                self.env._(
                    "%(user)s cannot take over this step (not an internal user, already an approver of this "
                    "request, or the requester/salesperson).",
                    user=user.display_name,
                )
            )
        me = self.env.user
        # sudo: checked above that the current user is an approver of this step
        self.sudo().write({"oa_user_ids": [Command.unlink(me.id), Command.link(user.id)]})
        record._crm_plus_oa_log(
            "delegated", self, self.env._("Forwarded to %(user)s. %(note)s", user=user.name, note=note or "")
        )
        record._crm_plus_oa_unlink_activities(me)
        record._crm_plus_oa_schedule_activities(self, users=user)
        return True

    # -------------------------------------------------------- reminders, cron
    @api.model
    def _cron_crm_plus_oa_remind(self):
        """Remind the approvers of steps waiting longer than their limit, escalate when configured."""
        now = fields.Datetime.now()
        # sudo: the scheduled job reminds every late approver, of any document
        reviews = self.sudo().search(
            Domain("status", "=", "pending")
            & Domain("oa_limit_hours", ">", 0)
            & Domain("oa_reminded", "=", False)
            & Domain("oa_pending_since", "!=", False),
            limit=500,
        )
        late = reviews.filtered(lambda r: r.oa_deadline and r.oa_deadline < now)
        for review in late:
            # sudo: as above
            record = self.env[review.model].sudo().browse(review.res_id)
            if not record.exists():
                continue
            body = self.env._(
                "Step %(step)s has been waiting since %(since)s (limit: %(hours)s hours).",
                step=review.oa_step_name,
                since=review.oa_pending_since,
                hours=review.oa_limit_hours,
            )
            for user in review.reviewer_ids:
                record.activity_schedule(
                    "base_tier_validation.mail_act_tier_validation_reminder",
                    note=body,
                    user_id=user.id,
                    summary=self.env._("Reminder: approval waiting"),
                )
            review.oa_reminded = True
            record._crm_plus_oa_log("reminded", review, body)
            escalate = review.oa_escalation_user_id
            # never the salesperson or the requester: nobody decides on his own request
            if escalate and escalate not in review.reviewer_ids | record._crm_plus_oa_excluded_users():
                review.write({"oa_user_ids": [Command.link(escalate.id)]})
                record._crm_plus_oa_log("escalated", review, self.env._("Escalated to %(user)s.", user=escalate.name))
                record._crm_plus_oa_schedule_activities(review, users=escalate)
        return True
