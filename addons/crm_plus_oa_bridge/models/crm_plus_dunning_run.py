# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmPlusDunningRun(models.AbstractModel):
    _inherit = "crm_plus.dunning.run"

    def _schedule_activities(self, communications):
        """Escalations a dunning route takes travel it; the others get crm_plus's to-do as before.

        A request that cannot be made (a route step resolving to no approver raises) is isolated by
        crm_plus's dispatch: that escalation is marked failed and retried by the next runs, the other
        communications of the chunk are dispatched (crm_plus.dunning.run._isolated).
        """
        escalations = communications.filtered(lambda c: c.channel == "escalation")
        routes = self.env["crm_plus_oa.route"]._crm_plus_oa_find_many(escalations, ["dunning"])
        routed = escalations.filtered(lambda c: c.id in routes)
        res = super()._schedule_activities(communications - routed)
        for communication in routed:
            communication._crm_plus_oa_request_escalation(routes[communication.id])
        return res
