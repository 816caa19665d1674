# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A document that travels an approval route (orders, plan changes).

The route is resolved into ``tier.review`` records when the request is made
(each carrying a snapshot of its approvers); only the approvers of the
current step (lowest open sequence) decide; the last approval calls the
document's ``_crm_plus_oa_final_approval()``. Reviews of these documents are
written by the methods below only, as superuser after their checks (see
``tier.review._crm_plus_oa_check_guard``).

A document using it implements the hooks at the end of this class.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import ConcurrencyError
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.crm_plus.locking import try_lock

OPEN_STATUSES = ("waiting", "pending")


class CrmPlusOaApprovalMixin(models.AbstractModel):
    _name = "crm_plus_oa.approval.mixin"
    _description = "Document Approved Along a Route"
    _inherit = ["tier.validation"]

    # activity the approvers of the current step get on their desktop
    _crm_plus_oa_activity_type = "crm_plus_oa_bridge.mail_activity_type_oa_approval"
    _tier_validation_manual_config = True

    oa_route_id = fields.Many2one("crm_plus_oa.route", string="Approval Route", copy=False, readonly=True)
    oa_round = fields.Integer(string="Approval Round", copy=False, readonly=True)
    oa_decided_date = fields.Datetime(string="Last Decision", copy=False, readonly=True)
    oa_decided = fields.Boolean(
        string="Decided by Me",
        compute="_compute_oa_decided",
        search="_search_oa_decided",
        help="The current user approved or rejected the document's current request: "
        "he reads it (the trail), he no longer edits it.",
    )

    # ------------------------------------------------------------- deciders
    @api.model
    def _crm_plus_oa_decided_ids(self, user):
        """Ids of the documents of this model on whose current request ``user`` decided (approved, rejected).

        Read from the trail (it outlives the reviews of a rejected request);
        "current" is the document's latest round: a new request gives the
        document back to whoever may edit it.
        """
        # sudo: the trail and the rounds, to restrict what the user may do (never handed back)
        Log = self.env["crm_plus_oa.approval.log"].sudo()
        fname = self._crm_plus_oa_trail_field()
        entries = Log.search(
            self._crm_plus_oa_trail_domain()
            & Domain("user_id", "=", user.id)
            & Domain("action", "in", ("approved", "rejected"))
        )
        return list({entry[fname].id for entry in entries if entry.round == entry[fname].oa_round})

    @api.depends_context("uid")
    def _compute_oa_decided(self):
        decided = set(self._crm_plus_oa_decided_ids(self.env.user))
        for document in self:
            document.oa_decided = document.id in decided

    @api.model
    def _search_oa_decided(self, operator, value):
        # ir.rule domains are searched as superuser while env.uid stays the acting user
        decided = self._crm_plus_oa_decided_ids(self.sudo(False).env.user)
        return Domain("id", operator, decided)

    def _compute_need_validation(self):
        # Requests are made by the bridge's own paths, never by the engine's button.
        self.need_validation = False

    # ------------------------------------------------------------- reading
    def _crm_plus_oa_read(self, *fnames):
        """Read ``fnames`` of this document as superuser: one value, or a tuple of values.

        The bridge's decisions need a few of the document's fields whoever
        asks: whether somebody may act is answered for anybody, an approver of
        a later step or a requester who lost access may not read the document.
        The bridge reads them here, then decides (approver checks) with them;
        relational values come back in the caller's environment, so no
        superuser record leaves this method.
        """
        self.ensure_one()
        # sudo: see the docstring; read-only
        record = self.sudo()
        values = tuple(
            record[fname].with_env(self.env) if record._fields[fname].relational else record[fname] for fname in fnames
        )
        return values[0] if len(values) == 1 else values

    def _crm_plus_oa_reviews(self):
        """Reviews of this document, as superuser: the bridge's own records.

        Approvers and statuses are needed for every check (who may act now),
        also by users who may not read the reviews (the customer signing on
        the portal, an approver of a later step). Writes on them stay in the
        checked methods below.
        """
        self.ensure_one()
        # sudo: see the docstring
        return self.sudo().review_ids

    def _crm_plus_oa_open_reviews(self):
        """Open reviews of this document, as superuser (see _crm_plus_oa_reviews)."""
        return self._crm_plus_oa_reviews().filtered(lambda r: r.status in OPEN_STATUSES)

    def _crm_plus_oa_in_flight(self):
        self.ensure_one()
        return self._crm_plus_oa_pending() and bool(self._crm_plus_oa_open_reviews())

    def _crm_plus_oa_current_reviews(self):
        """Open reviews of the current step (lowest open tier), as superuser."""
        reviews = self._crm_plus_oa_open_reviews()
        if not reviews:
            return reviews
        sequence = min(reviews.mapped("sequence"))
        return reviews.filtered(lambda r: r.sequence == sequence)

    def _crm_plus_oa_actionable_reviews(self, user):
        """Reviews ``user`` may decide on right now (current step, one of its approvers)."""
        self.ensure_one()
        if not self._crm_plus_oa_pending():
            return self.env["tier.review"]
        reviews = self._crm_plus_oa_current_reviews().filtered(lambda r: user in r.oa_user_ids)
        return reviews.with_env(self.env)

    def _crm_plus_oa_check_actionable(self, reviews=None):
        """The current user's reviews of the current step (within ``reviews``), else AccessError."""
        mine = self._crm_plus_oa_actionable_reviews(self.env.user)
        if reviews is not None:
            mine &= reviews
        if not mine:
            raise AccessError(
                self.env._("You are not an approver of the current step of %(name)s.", name=self.display_name)
            )
        return mine

    # ------------------------------------------------------------ the trail
    def _crm_plus_oa_log(self, action, reviews=None, comment=False, **values):
        # sudo: the trail is written by the bridge only, after its own checks
        Log = self.env["crm_plus_oa.approval.log"].sudo()
        base = self._crm_plus_oa_log_values(action, comment, **values)
        if not reviews:
            return Log.create(base)
        # sudo: the step of each review, whoever decided (the reviews were checked by the caller)
        return Log.create([dict(base, step_name=r.oa_step_name, sequence=r.sequence) for r in reviews.sudo()])

    # ----------------------------------------------------------- activities
    def _crm_plus_oa_sync_activities(self):
        """One approval activity for each approver of the current step, none for anybody else."""
        self.ensure_one()
        # sudo: the activities belong to the approvers, not to whoever acts now
        record = self.sudo()
        current = self._crm_plus_oa_current_reviews() if self._crm_plus_oa_pending() else self.env["tier.review"]
        users = current.mapped("oa_user_ids")
        activity_type = self.env.ref(self._crm_plus_oa_activity_type)
        activities = record.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        stale = activities.filtered(lambda a: a.user_id not in users)
        missing = users - (activities - stale).mapped("user_id")
        stale.unlink()
        for user in missing:
            review = current.filtered(lambda r, u=user: u in r.oa_user_ids)[:1]
            # the to-do in its approver's language
            in_lang = self.with_context(lang=user.lang or self.env.lang)
            record.activity_schedule(
                self._crm_plus_oa_activity_type,
                summary=in_lang._crm_plus_oa_activity_summary(review.with_env(in_lang.env)),
                note=in_lang._crm_plus_oa_activity_note(),
                user_id=user.id,
                date_deadline=review.oa_deadline.date() if review.oa_deadline else None,
            )
        self._crm_plus_oa_approvers_changed(users)

    def _crm_plus_oa_schedule_activities(self, reviews, users=None):
        self._crm_plus_oa_sync_activities()

    def _crm_plus_oa_unlink_activities(self, user=None):
        self._crm_plus_oa_sync_activities()

    # ------------------------------------------------------------- the flow
    def _crm_plus_oa_start(self, route, plan, requester):
        """Create the reviews of ``plan`` (route._crm_plus_oa_plan) and start the first step."""
        self.ensure_one()
        # sudo: the route fields are the bridge's record of the request, not the requester's to write
        self.sudo().write({"oa_route_id": route.id, "oa_round": self._crm_plus_oa_read("oa_round") + 1})
        # sudo: reviews of guarded documents are created by the bridge only
        reviews = (
            self.env["tier.review"]
            .sudo()
            .create([dict(vals, model=self._name, res_id=self.id, requested_by=requester.id) for vals in plan])
        )
        # the snapshot of the steps' names, in all their languages (one query)
        self.env.cr.execute(
            SQL(
                """UPDATE tier_review r SET oa_step_name = s.name
                     FROM crm_plus_oa_route_step s WHERE s.id = r.oa_step_id AND r.id IN %s""",
                tuple(reviews.ids) or (0,),
            )
        )
        reviews.invalidate_recordset(["oa_step_name"])
        return reviews

    def _crm_plus_oa_advance(self):
        """Promote the next step, start its clock and notify its approvers."""
        self.ensure_one()
        self._crm_plus_oa_open_reviews()._update_review_status()
        current = self._crm_plus_oa_current_reviews()
        current.filtered(lambda r: not r.oa_pending_since).write({"oa_pending_since": fields.Datetime.now()})
        self._crm_plus_oa_sync_activities()

    def _crm_plus_oa_lock_row(self):
        """Lock the document's row for a decision; another decider holding it: retry shortly.

        Approvers of one step (countersign, any-one) act at the same moment on
        purpose. The second one gets a ConcurrencyError, which Odoo's request
        handler retries after a short pause, by then with the first decision
        committed: both signatures go through, one after the other, and
        nobody is told "somebody else is deciding".
        """
        for record in self:
            if try_lock(record) != record:
                raise ConcurrencyError(f"{record._name}({record.id}) is being decided by another transaction")

    def _crm_plus_oa_touch(self):
        """Every decision updates the document's row, not only its reviews.

        Two approvers of the same step deciding at once (countersign) each
        approve their own review: with only the reviews written, the second
        one, whose snapshot predates the first one's commit, would still see
        the first review open, take itself for not the last, and the route
        would never end. Writing the row makes PostgreSQL refuse the second
        transaction (serialization failure, retried by Odoo with a fresh
        snapshot) once the first one committed.
        """
        # sudo: the decider was checked by the caller; the date is the bridge's bookkeeping
        self.sudo().write({"oa_decided_date": fields.Datetime.now()})

    def _crm_plus_oa_approve(self, comment=False, reviews=None):
        """The current user approves his reviews of the current step; the last one ends the route."""
        self.ensure_one()
        self._crm_plus_oa_lock()
        mine = self._crm_plus_oa_check_actionable(reviews)
        self._crm_plus_oa_touch()
        last = not (self._crm_plus_oa_open_reviews() - mine)
        if last:
            self._crm_plus_oa_check_final()
        # sudo: the reviews were checked above to be the current user's, on the current step
        mine.sudo().write(
            {
                "status": "approved",
                "done_by": self.env.uid,
                "reviewed_date": fields.Datetime.now(),
                "comment": comment or False,
            }
        )
        self._crm_plus_oa_log("approved", mine, comment)
        if last:
            self._crm_plus_oa_final_approval()
        else:
            self._crm_plus_oa_advance()
        return True

    def _crm_plus_oa_reject_reviews(self, reason):
        """The current user rejects his reviews of the current step: the request ends (caller locked the row)."""
        self.ensure_one()
        mine = self._crm_plus_oa_check_actionable()
        self._crm_plus_oa_touch()
        # sudo: checked above
        mine.sudo().write(
            {
                "status": "rejected",
                "done_by": self.env.uid,
                "reviewed_date": fields.Datetime.now(),
                "comment": reason,
            }
        )
        self._crm_plus_oa_log("rejected", mine, reason)
        self._crm_plus_oa_close_round()

    def _crm_plus_oa_close_round(self, action=False, comment=False):
        """End the current request: trail it, drop its reviews (the trail keeps them) and activities."""
        for record in self:
            reviews = record._crm_plus_oa_reviews()
            if not reviews:
                continue
            if action:
                record._crm_plus_oa_log(action, comment=comment)
            # reviews of guarded documents are only removed by the bridge (superuser records, see above)
            reviews.unlink()
            # sudo: the approval activities belong to the approvers, not to whoever ends the request
            record.sudo().activity_unlink([record._crm_plus_oa_activity_type], only_automated=False)

    # ------------------------------------------------ tier.validation entry points
    # base_tier_validation's public methods, on a document of a route: the route decides, not the engine's
    # tier definitions, and only the approvers of the current step act (each as himself).
    def request_validation(self):
        raise AccessError(self.env._("Approval requests are made by the document's own action."))

    def restart_validation(self):
        raise AccessError(self.env._("Withdraw the approval request instead."))

    def validate_tier(self):
        """The engine's Validate: the current user approves his reviews of the current step."""
        return self.action_oa_approve()

    def reject_tier(self):
        """The engine's Reject: asks for the reason (checked: the current step's approvers only)."""
        self.ensure_one()
        return self.action_reject()

    def evaluate_tier(self, tier):
        """Tier definitions never apply to a document of a route: its route says who approves."""
        return self.browse()

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        # sudo: the comment base_tier_validation wrote on the reviews; _crm_plus_oa_approve checks them
        comment = tiers and tiers.sudo().filtered("comment")[:1].comment
        return self._crm_plus_oa_approve(comment, tiers or None)

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        # sudo: as in _validate_tier; _crm_plus_oa_reject checks the approver
        comment = (tiers and tiers.sudo().filtered("comment")[:1].comment) or self.env._("Rejected")
        return self._crm_plus_oa_reject(comment)

    def _tier_validation_check_write_allowed(self, vals):
        # What may change during a request is the document's own business.
        return

    def unlink(self):
        # the reviews go with the document: only once the user may delete it, and no request waiting
        self.check_access("unlink")
        if not self.env.su and any(document._crm_plus_oa_in_flight() for document in self):
            raise UserError(self.env._("Withdraw the approval request before deleting the document."))
        # sudo: reviews of guarded documents are only removed by the bridge
        self.sudo().review_ids.unlink()
        return super().unlink()

    # ------------------------------------------------------- approver actions
    def action_oa_approve(self):
        for document in self:
            document._crm_plus_oa_approve()
        return True

    def action_oa_approve_comment(self):
        """Approve with a comment (base_tier_validation's comment wizard, checked on submit)."""
        self.ensure_one()
        return self._add_comment("validate", self._crm_plus_oa_check_actionable())

    def action_reject(self):
        """Reject: asks for the reason (the comment wizard, checked on submit)."""
        self.ensure_one()
        return self._add_comment("reject", self._crm_plus_oa_check_actionable())

    # ------------------------------------------------------------------ hooks
    def _crm_plus_oa_pending(self):
        """Whether the document waits for a decision (reviews may then be acted on)."""
        raise NotImplementedError

    def _crm_plus_oa_excluded_users(self):
        """Users who never approve this document (its requester...)."""
        raise NotImplementedError

    def _crm_plus_oa_log_document(self):
        """The trail entry's link(s) to this document, e.g. ``{"order_id": order.id}``."""
        raise NotImplementedError

    def _crm_plus_oa_log_values(self, action, comment=False, **values):
        """Values of a trail entry about this document."""
        route, approval_round = self._crm_plus_oa_read("oa_route_id", "oa_round")
        return {
            **self._crm_plus_oa_log_document(),
            "round": approval_round,
            "user_id": self.env.uid,
            "action": action,
            "route_id": route.id,
            "comment": comment or False,
            **values,
        }

    def _crm_plus_oa_lock(self):
        """Lock the document's row and check it still waits: of two deciders acting at once, one goes first."""
        raise NotImplementedError

    def _crm_plus_oa_reject(self, reason):
        """The current user rejects (checked here: an approver of the current step) for ``reason``."""
        raise NotImplementedError

    @api.model
    def _crm_plus_oa_trail_field(self):
        """The trail's link to documents of this model (its many2one to this model)."""
        Log = self.env["crm_plus_oa.approval.log"]
        return next(
            name for name, field in Log._fields.items() if field.type == "many2one" and field.comodel_name == self._name
        )

    @api.model
    def _crm_plus_oa_trail_domain(self):
        """Trail entries about documents of this model."""
        return Domain(self._crm_plus_oa_trail_field(), "!=", False)

    def _crm_plus_oa_final_approval(self):
        """The last review was approved: what the request was for happens now."""
        raise NotImplementedError

    def _crm_plus_oa_check_final(self):
        """Conditions of the last approval (UserError when not met)."""
        return

    def _crm_plus_oa_activity_summary(self, review):
        return self.env._("Approve %(document)s: %(step)s", document=self.display_name, step=review.oa_step_name)

    def _crm_plus_oa_activity_note(self):
        return False

    def _crm_plus_oa_approvers_changed(self, users):
        """The approvers of the current step are now ``users``."""
        return
