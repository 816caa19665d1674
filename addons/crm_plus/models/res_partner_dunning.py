# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

from ..access import FINANCE

# Written by the dunning run (SQL, as the run) and by finance only: they decide the credit hold.
DUNNING_FIELDS = ("crm_plus_dunning_policy_id", "crm_plus_dunning_level_id", "crm_plus_credit_hold")


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_plus_dunning_policy_id = fields.Many2one(
        "crm_plus.dunning.policy",
        string="Dunning Policy",
        copy=False,
        help="Leave empty to use the company's default policy. Set by finance.",
    )
    crm_plus_dunning_level_id = fields.Many2one(
        "crm_plus.dunning.level",
        string="Dunning Level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Highest level reached by the customer's overdue payment steps, updated by the dunning run.",
    )
    crm_plus_credit_hold = fields.Boolean(
        related="crm_plus_dunning_level_id.credit_hold",
        string="Credit Hold",
        help="The customer's dunning level holds credit: new orders need approval.",
    )
    crm_plus_can_edit_dunning = fields.Boolean(compute="_compute_crm_plus_can_edit_dunning", string="May Edit Dunning")
    crm_plus_dunning_communication_ids = fields.One2many(
        "crm_plus.dunning.communication", "partner_id", string="Dunning Communications"
    )
    crm_plus_dunning_communication_count = fields.Integer(
        compute="_compute_crm_plus_dunning_communication_count", string="Dunning"
    )

    @api.depends_context("uid")
    def _compute_crm_plus_can_edit_dunning(self):
        self.crm_plus_can_edit_dunning = self._crm_plus_may_write_dunning()

    def _crm_plus_may_write_dunning(self):
        """The run (superuser, set by the addon) and finance set dunning policy, level and credit hold."""
        return self.env.su or self.env.user.has_group(FINANCE)

    def _crm_plus_check_dunning_write(self, fnames):
        if fnames and not self._crm_plus_may_write_dunning():
            raise AccessError(
                self.env._(
                    "Only finance may change a customer's dunning policy, dunning level or credit hold (%(fields)s).",
                    fields=", ".join(self._fields[fname].string for fname in sorted(fnames)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_plus_check_dunning_write({fname for vals in vals_list for fname in vals if fname in DUNNING_FIELDS})
        partners = super().create(vals_list)
        if not self._crm_plus_may_write_dunning():
            # final values: defaults from the client's context (default_crm_plus_...) included
            self._crm_plus_check_dunning_write(
                {fname for fname in DUNNING_FIELDS for partner in partners if partner[fname]}
            )
        return partners

    def write(self, vals):
        self._crm_plus_check_dunning_write(set(vals) & set(DUNNING_FIELDS))
        return super().write(vals)

    def _compute_crm_plus_dunning_communication_count(self):
        counts = dict(
            self.env["crm_plus.dunning.communication"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.crm_plus_dunning_communication_count = counts.get(partner.commercial_partner_id, 0)

    def action_crm_plus_dunning_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.crm_plus_dunning_communication_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_partner_id": self.commercial_partner_id.id}
        return action
