# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.fields import Domain

LOG_ACTIONS = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("delegated", "Forwarded"),
    ("withdrawn", "Withdrawn"),
    ("reset", "Reset (document changed)"),
    ("cancelled", "Cancelled"),
    ("reminded", "Reminder sent"),
    ("escalated", "Escalated"),
    ("filed", "Document filed"),
    ("locked", "Document locked"),
    ("mismatch", "Integrity mismatch"),
]


class CrmPlusOaApprovalLog(models.Model):
    """The approval trail of a document, kept across rounds (requests, decisions, filed documents).

    Written only by the bridge (as superuser, after its own checks); readable
    by whoever may read the document.
    """

    _name = "crm_plus_oa.approval.log"
    _description = "Approval Trail"
    _order = "date desc, id desc"

    order_id = fields.Many2one("sale.order", ondelete="cascade", index="btree_not_null", readonly=True)
    communication_id = fields.Many2one(
        "crm_plus.dunning.communication",
        string="Dunning Escalation",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", compute="_compute_company_partner", store=True, index=True)
    partner_id = fields.Many2one("res.partner", compute="_compute_company_partner", store=True, string="Customer")
    plan_change_id = fields.Many2one(
        "crm_plus_oa.plan.change", string="Plan Change", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    round = fields.Integer(readonly=True, help="Approval request number of the document.")
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="By", required=True, readonly=True)
    action = fields.Selection(LOG_ACTIONS, required=True, readonly=True)
    route_id = fields.Many2one("crm_plus_oa.route", readonly=True)
    step_name = fields.Char(string="Step", readonly=True)
    sequence = fields.Integer(string="Tier", readonly=True)
    comment = fields.Text(readonly=True)
    snapshot = fields.Json(readonly=True, help="Totals and lines the request was made for.")
    changes = fields.Text(string="Changes Since Last Round", readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True, help="Digest of the document filed at this point.")
    dms_file_id = fields.Many2one("dms.file", string="Filed Document", readonly=True)
    document_readable = fields.Boolean(compute="_compute_document_readable", search="_search_document_readable")

    _document_set = models.Constraint(
        "CHECK(order_id IS NOT NULL OR communication_id IS NOT NULL)", "A trail entry is about an order or a dunning."
    )

    @api.depends("order_id.company_id", "order_id.partner_id", "communication_id")
    def _compute_company_partner(self):
        for entry in self:
            document = entry.order_id or entry.communication_id
            entry.company_id = document.company_id
            entry.partner_id = document.partner_id

    @api.depends_context("uid")
    def _compute_document_readable(self):
        # Evaluated by ir.rule checks through filtered_domain (as superuser):
        # sudo(False) gets the acting user back, like the search method.
        user_env = self.sudo(False).env
        readable = {
            fname: set(self.sudo()[fname].with_env(user_env)._filtered_access("read").ids)
            for fname in ("order_id", "communication_id")
        }
        for entry in self:
            # sudo: only the ids of the entry's documents, compared with those the user may read (above)
            sudo_entry = entry.sudo()
            entry.document_readable = (
                sudo_entry.order_id.id in readable["order_id"]
                or sudo_entry.communication_id.id in readable["communication_id"]
            )

    @api.model
    def _search_document_readable(self, operator, value):
        # see tier.review._search_oa_document_readable
        user_env = self.sudo(False).env
        domain = Domain.FALSE
        for fname, model in (("order_id", "sale.order"), ("communication_id", "crm_plus.dunning.communication")):
            if user_env[model].has_access("read"):
                readable = user_env[model].with_context(active_test=False)._search([])
                domain |= Domain(fname, "in", readable)
        return domain if operator == "in" else ~domain

    @api.model
    def _action_trail(self, domain):
        """The Approval Trail window on the entries of ``domain`` (smart buttons of orders and customers)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approval Trail"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }
