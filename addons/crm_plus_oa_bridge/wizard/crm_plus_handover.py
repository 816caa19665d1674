# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-over on departure, for documents on an approval route: the reviews the leaving user must decide move.

crm_plus moves an order's approvers (``approval``); on a route the approvers are the route's reviews
(``tier.review.oa_user_ids``), so routed orders leave crm_plus's move and every open review of a routed document
(orders, plan changes, dunning escalations) the leaving user sits on moves here (``oa_review``), step by step:
his place goes to the first successor who may take it (not the document's requester or salesperson, not already
an approver of the same request: nobody signs twice), else he just leaves a step others still decide, else the
review stays and the report says so. Each document's trail records the move, its approvers get their To-Dos.
"""

from odoo import models
from odoo.fields import Command

from ..messages import _lt
from ..models.crm_plus_oa_approval_mixin import OPEN_STATUSES
from ..models.tier_review import GUARDED_MODELS


class CrmPlusHandover(models.TransientModel):
    _inherit = "crm_plus.handover"

    def _handover_moves(self):
        moves = list(super()._handover_moves())
        # before the remaining activities: the approval To-Dos follow the reviews, not the leaving user
        moves.insert(moves.index("activity"), "oa_review")
        return tuple(moves)

    def _labels(self):
        return {**super()._labels(), "oa_review": _lt("Route approvals to decide")}

    def _records(self, key):
        if key == "oa_review":
            return self._records_oa_review()
        records = super()._records(key)
        if key == "approval":
            # orders on a route: their reviews move (oa_review)
            return records.filtered(lambda order: not order._crm_plus_oa_in_flight())
        if key == "activity":
            # route approval To-Dos follow the reviews (oa_review), whoever they stayed with
            activity_type = self.env.ref("crm_plus_oa_bridge.mail_activity_type_oa_approval")
            return records.filtered(lambda activity: activity.activity_type_id != activity_type)
        return records

    def _records_oa_review(self):
        # sudo: reviews of routed documents are the bridge's own records; the manager was checked by action_apply
        # (or only previews the counts)
        reviews = (
            self.env["tier.review"]
            .sudo()
            .search(
                [
                    ("model", "in", list(GUARDED_MODELS)),
                    ("status", "in", OPEN_STATUSES),
                    ("oa_user_ids", "in", self.from_user_id.ids),
                ]
            )
        )
        companies = set(self.env.user.company_ids.ids) | {False}
        kept = set()
        for model, group in reviews.grouped("model").items():
            # sudo: the reviewed documents' company, for the reviews above (same reason)
            documents = self.env[model].sudo().browse(set(group.mapped("res_id"))).exists()
            kept |= {
                (model, document.id)
                for document in documents
                if "company_id" not in document._fields or document.company_id.id in companies
            }
        return reviews.filtered(lambda review: (review.model, review.res_id) in kept)

    def _move_oa_review(self, reviews, target):
        source = self.from_user_id
        successors = target | self.extra_user_ids
        stuck = 0
        for (model, res_id), group in reviews.grouped(lambda review: (review.model, review.res_id)).items():
            # sudo: as in _records_oa_review
            document = self.env[model].sudo().browse(res_id)
            excluded = document._crm_plus_oa_excluded_users()
            request = document._crm_plus_oa_reviews()
            moved = self.env["tier.review"]
            for review in group:
                approvers = request.mapped("oa_user_ids") | request.mapped("done_by")
                heir = next((user for user in successors if user not in excluded | approvers), None)
                if heir:
                    review.write({"oa_user_ids": [Command.unlink(source.id), Command.link(heir.id)]})
                elif review.oa_user_ids - source:
                    review.write({"oa_user_ids": [Command.unlink(source.id)]})
                else:
                    stuck += 1
                    continue
                moved |= review
            if moved:
                document._crm_plus_oa_log(
                    "delegated",
                    moved,
                    self.env._(
                        "Handed over from %(leaver)s to %(successor)s by %(manager)s.",
                        leaver=source.name,
                        successor=", ".join(
                            moved.mapped("oa_user_ids").filtered(lambda u: u in successors).mapped("name")
                        )
                        or "-",
                        manager=self.env.user.name,
                    ),
                )
                document._crm_plus_oa_sync_activities()
        if stuck:
            return _lt(
                "Route approvals left with %(leaver)s (no successor may decide them: requester, salesperson or "
                "already an approver of the request): %(count)s",
                leaver=source.name,
                count=stuck,
            )
        return None
