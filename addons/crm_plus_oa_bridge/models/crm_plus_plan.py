# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""With a plan-change route, a confirmed order's plan changes only through requests.

The plan's steps keep changing automatically (crm_plus's tracking and
rescheduling, plan generation on confirmation, approved requests): those code
paths carry the trusted context key ``crm_plus_oa_plan_gate`` (see
``access.py``), whose value RPC callers (JSON values only) cannot produce, the
same way crm_plus guards its approval fields.
"""

from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from odoo.addons.crm_plus.access import is_trusted
from odoo.addons.crm_plus.access import require_groups
from odoo.addons.crm_plus.access import trusted_context

from ..access import OA_USER

_GATE_KEY = "crm_plus_oa_plan_gate"


def plan_gate(records):
    """``records`` allowed to change the plans a plan-change route takes (the bridge's own code paths)."""
    return trusted_context(records, **{_GATE_KEY: True})


class CrmPlusPlan(models.Model):
    _inherit = "crm_plus.plan"

    oa_plan_change_ids = fields.One2many("crm_plus_oa.plan.change", "plan_id", string="Plan Change Requests")
    oa_plan_change_count = fields.Integer(compute="_compute_oa_plan_change_count")

    def _compute_oa_plan_change_count(self):
        counts = dict(
            self.env["crm_plus_oa.plan.change"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.oa_plan_change_count = counts.get(plan, 0)

    def _crm_plus_oa_gate_open(self):
        return is_trusted(self.env, _GATE_KEY)

    def _crm_plus_oa_check_no_route(self):
        """Refuse direct changes of plans that a plan-change route takes (outside the gate)."""
        if self._crm_plus_oa_gate_open():
            return
        # sudo: whether a route applies is decided on the order whatever the user may read of it
        plans = self.sudo().filtered(lambda p: not p.cancelled and p.order_id.state == "sale")
        if not plans or not self.env["crm_plus_oa.route"].sudo().search_count(
            [("document_type", "=", "plan_change")], limit=1
        ):
            return
        Change = self.env["crm_plus_oa.plan.change"]
        for plan in plans:
            route = Change._crm_plus_oa_route_for(plan)
            if route:
                raise UserError(
                    self.env._(
                        "The plan of %(order)s changes through Request Plan Change (approval route %(route)s).",
                        order=plan.order_id.name,
                        route=route.name,
                    )
                )

    def _crm_plus_reschedule(self):
        # crm_plus's own follow-up of actual dates (deliveries, previous steps done)
        return super(CrmPlusPlan, plan_gate(self))._crm_plus_reschedule()

    def unlink(self):
        self._crm_plus_oa_check_no_route()
        return super().unlink()

    @require_groups(OA_USER)
    def action_oa_request_plan_change(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Plan Change"),
            "res_model": "crm_plus_oa.plan.change.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def action_oa_view_plan_changes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan Change Requests"),
            "res_model": "crm_plus_oa.plan.change",
            "view_mode": "list,form",
            "domain": [("plan_id", "=", self.id)],
            "context": {"create": False},
        }
