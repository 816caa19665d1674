# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo import models
from odoo.tools import SQL


class CrmPlusReportApproval(models.Model):
    """Route steps in the approval analysis: each approver's decision on a step, with its lead time.

    Read from the approval trail, not from the tier reviews: the reviews of a rejected, withdrawn or
    reset round are deleted, the trail keeps them. A step starts when the round is requested (first
    step) or when the last approval of an earlier step of the same round is given; its lead time runs
    from there to the approver's decision. crm_plus keeps its own row per request (level *Whole
    approval*: request to final decision).
    """

    _inherit = "crm_plus.report.approval"
    _depends = {
        "crm_plus_oa.approval.log": ["order_id", "round", "action", "sequence", "step_name", "date", "user_id"],
    }

    level = fields.Selection(selection_add=[("step", "Route step")])

    def _decision_sources(self):
        return [
            *super()._decision_sources(),
            SQL(
                """
                SELECT l.id, 'step'::varchar, l.step_name, l.order_id, l.user_id, l.action::varchar,
                       start.date, l.date, l.comment
                  FROM crm_plus_oa_approval_log l
                  LEFT JOIN LATERAL (
                        SELECT s.date FROM crm_plus_oa_approval_log s
                         WHERE s.order_id = l.order_id AND s.round = l.round
                           AND (s.action = 'requested' OR (s.action = 'approved' AND s.sequence < l.sequence))
                           AND (s.date, s.id) <= (l.date, l.id)
                         ORDER BY s.date DESC, s.id DESC LIMIT 1
                       ) start ON TRUE
                 WHERE l.action IN ('approved', 'rejected')
                """
            ),
        ]
